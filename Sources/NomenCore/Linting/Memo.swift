import NomenRegex
#if canImport(Glibc)
import Glibc
#endif

/// What a legacy match reports, worked out once per thread for every match that has the same
/// key: the shared detail (nil when the name is already in its new form) and, per planned
/// edit, the replacement bytes (nil when that part does not change).
final class Memo {
    let detail: FindingDetail?
    /// The fix's edits, their ranges counted from the finding's start (the key holds the
    /// edits' offsets in the span, so every finding with this memo has the same).
    let edits: [Edit]
    let fixable: Bool

    init(detail: FindingDetail?, edits: [Edit], fixable: Bool) {
        self.detail = detail
        self.edits = edits
        self.fixable = fixable
    }
}

/// What a grammar finding says, and the suggestion's bytes when it makes an (unsafe) fix.
struct GrammarDetail {
    let detail: FindingDetail
    let fix: [UInt8]?
}

/// A per-thread cache keyed by byte strings: the key is written into a buffer the table
/// reuses (`startKey`, `append…`), then looked up by a hash of its bytes, so a lookup that
/// finds its value allocates nothing. Cleared past `limit` entries (a repository with endless
/// distinct names stays bounded).
final class ByteKeyedCache<Value> {
    /// The key being built, then looked up or stored (a buffer of its own: appending a byte
    /// is a store, not an array append).
    private var key: UnsafeMutablePointer<UInt8>
    private var capacity = 256
    private var length = 0
    /// Every stored key's bytes, one after another (no array per key: a probe compares bytes
    /// in place, counting no references); entry `e`'s key is `keyBytes[keyStarts[e]..<keyStarts[e + 1]]`.
    private var keyBytes: [UInt8] = []
    private var keyStarts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var values: [Value] = []
    /// Open addressing: the key's hash's high half and its entry number (into `hashes`,
    /// `values`, `keyStarts`) plus one; 0 for an empty slot. (A probe compares the hash's half
    /// in the slot: a different key in the slot costs no second random read.)
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)

    @inline(__always)
    private static func slotValue(hash h: UInt64, entry e: Int) -> UInt64 { (h & 0xFFFF_FFFF_0000_0000) | UInt64(e + 1) }
    let limit: Int

    init(limit: Int) {
        self.limit = limit
        key = .allocate(capacity: capacity)
    }

    deinit { key.deallocate() }

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    func startKey() { length = 0 }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if length + extra > capacity { grow(extra) }
    }

    private func grow(_ extra: Int) {
        let bigger = max(capacity * 2, length + extra)
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        new.update(from: key, count: length)
        key.deallocate()
        key = new
        capacity = bigger
    }

    @inline(__always)
    func appendByte(_ c: UInt8) {
        if length == capacity { reserve(1) }
        key[length] = c
        length += 1
    }

    /// A non-negative number as a LEB128 varint.
    func append(_ n: Int) {
        reserve(10)
        var v = UInt(bitPattern: n)
        while v >= 0x80 {
            key[length] = UInt8(truncatingIfNeeded: v) | 0x80
            length += 1
            v >>= 7
        }
        key[length] = UInt8(v)
        length += 1
    }

    /// Writes key parts through a cursor, after making room for `maxBytes` once.
    @inline(__always)
    func writeKey(maxBytes: Int, _ body: (inout KeyWriter) -> Void) {
        reserve(maxBytes)
        var w = KeyWriter(at: key + length)
        body(&w)
        length = w.at - key
    }

    /// Appends to a key without checking for room (`writeKey` made it): the same encoding as
    /// `append` (varints; bytes after their length).
    struct KeyWriter {
        var at: UnsafeMutablePointer<UInt8>

        init(at: UnsafeMutablePointer<UInt8>) { self.at = at }

        @inline(__always)
        mutating func byte(_ c: UInt8) {
            at.pointee = c
            at += 1
        }

        @inline(__always)
        mutating func varint(_ n: Int) {
            var v = UInt(bitPattern: n)
            while v >= 0x80 {
                byte(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            byte(UInt8(v))
        }

        @inline(__always)
        mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
            varint(b.count)
            if let base = b.baseAddress { at.update(from: base, count: b.count) }
            at += b.count
        }
    }

    /// Bytes, after their length (so that consecutive parts cannot run together).
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(bytes.count)
        reserve(bytes.count)
        if let base = bytes.baseAddress { (key + length).update(from: base, count: bytes.count) }
        length += bytes.count
    }

    func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    /// The value stored for the current key, if any. (With `insert`, for callers whose
    /// computation would otherwise be a closure capturing a large value.)
    func cached() -> Value? {
        guard let e = entry() else { return nil }
        return values[e]
    }

    /// Reads the value stored for the current key in place (the value is not copied out, nor
    /// its references counted), if there is one.
    func read<R>(_ body: (Value) -> R) -> R? {
        guard let e = entry() else { return nil }
        return values.withUnsafeBufferPointer { body($0[e]) }
    }

    /// The entry number of the current key, if stored.
    private func entry() -> Int? {
        let current = UnsafeRawBufferPointer(start: key, count: length)
        let h = Self.hash(current)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        let tag = h & 0xFFFF_FFFF_0000_0000
        while slots[slot] != 0 {
            let s = slots[slot]
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                let e = Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
                if keyStarts[e + 1] - keyStarts[e] == length,
                   keyBytes.withUnsafeBytes({ length == 0 || memcmp($0.baseAddress! + keyStarts[e], key, length) == 0 }) { return e }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Stores `v` for the current key, which `cached()` just did not find.
    func insert(_ v: Value) {
        let h = Self.hash(UnsafeRawBufferPointer(start: key, count: length))
        if values.count >= limit { removeAll(); _ = store(v, hash: h); return }
        _ = store(v, hash: h)
        if values.count * 2 > slots.count { grow() }
    }

    /// The value for the current key, computed and stored when there is none.
    func value(_ compute: () -> Value) -> Value {
        if let v = cached() { return v }
        let v = compute()
        insert(v)
        return v
    }

    private func store(_ v: Value, hash h: UInt64) -> Value {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Self.slotValue(hash: h, entry: values.count)
        keyBytes.append(contentsOf: UnsafeBufferPointer(start: key, count: length))
        keyStarts.append(keyBytes.count)
        hashes.append(h)
        values.append(v)
        return v
    }

    private func removeAll() {
        keyBytes.removeAll(keepingCapacity: true)
        keyStarts.removeAll(keepingCapacity: true)
        keyStarts.append(0)
        hashes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        for k in slots.indices { slots[k] = 0 }
    }

    /// Twice the slots, every entry placed again.
    private func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Self.slotValue(hash: h, entry: e)
        }
    }

    /// A multiply-rotate hash over eight bytes at a time (keys are short; no need for SipHash:
    /// they come from the user's own files, and a collision only costs a comparison).
    static func hash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let n = raw.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var tail: UInt64 = 0
        if n >= 8 {
            var i = 0
            while i &+ 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h = h.rotatedLeft(by: 29)
                i &+= 8
            }
            // The last bytes as the word that ends the key (overlapping the last round).
            if i < n { tail = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) }
        } else {
            for i in 0..<n { tail |= UInt64(raw[i]) << (8 * UInt64(i)) }
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}

/// Legacy findings' details, keyed by everything a legacy finding's text depends on: the rule,
/// the context, the matched bytes, where the captures and edits lie inside them, the values
/// learned from the context and the reason for no fix. Two matches with equal keys report the
/// same thing.
typealias MemoTable = ByteKeyedCache<Memo>

extension ByteKeyedCache where Value == Memo {
    convenience init() { self.init(limit: 50_000) }

    func setKey(rule: Int, context: Context, qualified: Bool, bytes b: UnsafeBufferPointer<UInt8>, span: Range<Int>, groups: [Range<Int>?],
                edits: FileScan.PlannedEdits, noFix: String?, inferred: [(String, String)]) {
        startKey()
        // The fixed-size parts are written through one cursor after one check for room (each
        // varint takes at most 10 bytes): this runs for every legacy finding.
        let outside = groups.contains { g in g.map { $0.lowerBound < span.lowerBound || $0.upperBound > span.upperBound } ?? false }
        if outside {
            appendSlowly(rule: rule, context: context, qualified: qualified, bytes: b, span: span, groups: groups, edits: edits)
        } else {
            writeKey(maxBytes: 10 * (4 + 3 * groups.count + 2 * edits.count) + 1 + span.count) { w in
                w.varint(rule)
                w.byte(UInt8(truncatingIfNeeded: context.ordinal) << 1 | (qualified ? 1 : 0))
                w.bytes(UnsafeBufferPointer(rebasing: b[span]))
                w.varint(groups.count)
                groups.withUnsafeBufferPointer { gs in
                    for g in gs {
                        guard let g else { w.varint(0); continue }
                        w.varint(1); w.varint(g.lowerBound - span.lowerBound); w.varint(g.count)
                    }
                }
                w.varint(edits.count)
                for k in 0..<edits.count { w.varint(edits.range(k).lowerBound - span.lowerBound); w.varint(edits.range(k).count) }
            }
        }
        if let noFix { append(1); append(noFix) } else { append(0) }
        for (name, value) in inferred {
            append(name)
            append(value)
        }
    }

    /// The same parts one by one, for a group outside the span (a capture in a lookaround of
    /// a user's rule): kept by its own bytes, which the span does not hold.
    private func appendSlowly(rule: Int, context: Context, qualified: Bool, bytes b: UnsafeBufferPointer<UInt8>, span: Range<Int>,
                              groups: [Range<Int>?], edits: FileScan.PlannedEdits) {
        append(rule)
        appendByte(UInt8(truncatingIfNeeded: context.ordinal) << 1 | (qualified ? 1 : 0))
        append(UnsafeBufferPointer(rebasing: b[span]))
        // Groups inside the span by their offsets in it; one outside it by its own bytes.
        append(groups.count)
        for g in groups {
            guard let g else { append(0); continue }
            if g.lowerBound >= span.lowerBound, g.upperBound <= span.upperBound {
                append(1); append(g.lowerBound - span.lowerBound); append(g.count)
            } else {
                append(2); append(UnsafeBufferPointer(rebasing: b[g]))
            }
        }
        // Edits lie inside the span (the matched name and, qualified, its dataset).
        append(edits.count)
        for k in 0..<edits.count { append(edits.range(k).lowerBound - span.lowerBound); append(edits.range(k).count) }
    }

    func memo(_ compute: () -> Memo) -> Memo { value(compute) }
}

private extension UInt64 {
    func rotatedLeft(by k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

import NomenRegex

/// What a legacy match reports, worked out once per thread for every match that has the same
/// key: the shared detail (nil when the name is already in its new form) and, per planned
/// edit, the replacement bytes (nil when that part does not change).
final class Memo {
    let detail: FindingDetail?
    let replacements: [[UInt8]?]
    let fixable: Bool

    init(detail: FindingDetail?, replacements: [[UInt8]?], fixable: Bool) {
        self.detail = detail
        self.replacements = replacements
        self.fixable = fixable
    }
}

/// What a grammar finding says, and the suggestion's bytes when it makes an (unsafe) fix.
struct GrammarDetail {
    let detail: FindingDetail
    let fix: [UInt8]?
}

/// Everything a legacy finding's text depends on, as one byte string: the rule, the context,
/// the matched bytes, where the captures and edits lie inside them, the values learned from
/// the context and the reason for no fix. Two matches with equal keys report the same thing.
///
/// The key is written into a buffer the table reuses, and looked up by a hash of its bytes:
/// a match whose memo exists allocates nothing.
final class MemoTable {
    /// The key being built (`setKey`), then looked up or stored.
    private var key: [UInt8] = []
    private var keys: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var memos: [Memo] = []
    /// Open addressing: an index into `keys`/`memos`, or -1.
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    /// Cleared past this many memos (a repository with endless distinct names stays bounded).
    let limit: Int

    init(limit: Int = 50_000) { self.limit = limit }

    var count: Int { memos.count }
    var isEmpty: Bool { memos.isEmpty }

    func setKey(rule: Int, context: Context, qualified: Bool, bytes b: UnsafeBufferPointer<UInt8>, span: Range<Int>, groups: [Range<Int>?],
                edits: [(range: Range<Int>, template: Template?)], noFix: String?, inferred: [(String, String)]) {
        key.removeAll(keepingCapacity: true)
        append(rule)
        key.append(UInt8(truncatingIfNeeded: context.ordinal) << 1 | (qualified ? 1 : 0))
        append(span.count)
        key.append(contentsOf: UnsafeBufferPointer(rebasing: b[span]))
        // Groups inside the span by their offsets in it; one outside it (a capture in a
        // lookaround of a user's rule) by its own bytes, which the span does not hold.
        append(groups.count)
        for g in groups {
            guard let g else { append(0); continue }
            if g.lowerBound >= span.lowerBound, g.upperBound <= span.upperBound {
                append(1); append(g.lowerBound - span.lowerBound); append(g.count)
            } else {
                append(2); append(g.count); key.append(contentsOf: UnsafeBufferPointer(rebasing: b[g]))
            }
        }
        // Edits lie inside the span (the matched name and, qualified, its dataset).
        append(edits.count)
        for e in edits { append(e.range.lowerBound - span.lowerBound); append(e.range.count) }
        if let noFix { append(noFix.utf8.count + 1); key.append(contentsOf: noFix.utf8) } else { append(0) }
        for (name, value) in inferred {
            append(name.utf8.count); key.append(contentsOf: name.utf8)
            append(value.utf8.count); key.append(contentsOf: value.utf8)
        }
    }

    /// The memo for the current key, computed and stored when there is none.
    func memo(_ compute: () -> Memo) -> Memo {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 {
            let e = Int(slots[slot])
            if hashes[e] == h, keys[e] == key { return memos[e] }
            slot = (slot + 1) & mask
        }
        let m = compute()
        if memos.count >= limit { removeAll() ; return store(m, hash: h) }
        slots[slot] = Int32(memos.count)
        keys.append(key)
        hashes.append(h)
        memos.append(m)
        if memos.count * 2 > slots.count { grow() }
        return m
    }

    private func store(_ m: Memo, hash h: UInt64) -> Memo {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(memos.count)
        keys.append(key)
        hashes.append(h)
        memos.append(m)
        return m
    }

    private func removeAll() {
        keys.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        memos.removeAll(keepingCapacity: true)
        for k in slots.indices { slots[k] = -1 }
    }

    /// Twice the slots, every entry placed again.
    private func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(e)
        }
    }

    /// A multiply-rotate hash over eight bytes at a time (keys are short; no need for SipHash:
    /// they come from the user's own files, and a collision only costs a comparison).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
            var i = 0
            while i + 8 <= raw.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h = h.rotatedLeft(by: 29)
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < raw.count { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            return h ^ (h >> 31)
        }
    }

    /// A non-negative number as a LEB128 varint (offsets are relative to the start of the
    /// span that holds them).
    private func append(_ n: Int) {
        var v = UInt(bitPattern: n)
        while v >= 0x80 {
            key.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        key.append(UInt8(v))
    }
}

private extension UInt64 {
    func rotatedLeft(by k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

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
struct MemoKey: Hashable {
    private var bytes: [UInt8] = []

    static func == (a: MemoKey, b: MemoKey) -> Bool { a.bytes == b.bytes }

    /// The bytes in one go (an array's own hash feeds the hasher one element at a time).
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    init(rule: Int, context: Context, qualified: Bool, bytes b: UnsafeBufferPointer<UInt8>, span: Range<Int>, groups: [Range<Int>?],
         edits: [Range<Int>], noFix: String?, inferred: [(String, String)]) {
        bytes.reserveCapacity(span.count + 4 * groups.count + 4 * edits.count + 16)
        append(rule)
        bytes.append(UInt8(truncatingIfNeeded: context.ordinal) << 1 | (qualified ? 1 : 0))
        append(span.count)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[span]))
        // Offsets relative to the span (+1, so that 0 stands for an unset group).
        append(groups.count)
        for g in groups {
            if let g { append(g.lowerBound - span.lowerBound + 1); append(g.count) } else { append(0) }
        }
        append(edits.count)
        for e in edits { append(e.lowerBound - span.lowerBound + 1); append(e.count) }
        if let noFix { append(noFix.utf8.count + 1); bytes.append(contentsOf: noFix.utf8) } else { append(0) }
        for (name, value) in inferred {
            append(name.utf8.count); bytes.append(contentsOf: name.utf8)
            append(value.utf8.count); bytes.append(contentsOf: value.utf8)
        }
    }

    /// A non-negative number as a LEB128 varint (a negative one never occurs: offsets are
    /// relative to the start of the span that holds them).
    private mutating func append(_ n: Int) {
        var v = UInt(bitPattern: n)
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}

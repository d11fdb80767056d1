/// Replace the bytes in `range` with `replacement`.
public struct Edit: Sendable, Equatable {
    public let range: Range<Int>
    public let replacement: [UInt8]

    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    public init(range: Range<Int>, replacement: String) {
        self.init(range: range, replacement: Array(replacement.utf8))
    }
}

public enum Applicability: String, Sendable, Codable {
    /// A deterministic mapping: applied by `rewrite`.
    case safe
    /// A guess (a did-you-mean): applied only with `--unsafe-fixes`.
    case unsafe
}

/// A sorted, non-overlapping set of edits and how safe it is.
///
/// The edits are kept relative to an offset: the same name in the same context is fixed by
/// the same edits wherever it stands, so a repository's ten thousand copies of a legacy name
/// share one array (see `FileScan.emit`), and the edits are placed only when read.
public struct Fix: Sendable, Equatable {
    private let relative: [Edit]
    private let base: Int
    public let applicability: Applicability

    public var edits: [Edit] {
        guard base != 0 else { return relative }
        var placed: [Edit] = []
        placed.reserveCapacity(relative.count)
        appendEdits(to: &placed)
        return placed
    }

    public init(edits: [Edit], applicability: Applicability) {
        // Usually already in order (a finding's edits are made left to right).
        let inOrder = zip(edits, edits.dropFirst()).allSatisfy { $0.range.lowerBound <= $1.range.lowerBound }
        self.relative = inOrder ? edits : edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        self.base = 0
        self.applicability = applicability
    }

    /// Edits in order, their ranges counted from `base`.
    init(sortedEdits relative: [Edit], base: Int, applicability: Applicability) {
        // Checked in debug builds (and tests): the callers hand over a memo's edits, made in order.
        assert(base >= 0 && zip(relative, relative.dropFirst()).allSatisfy { $0.range.lowerBound <= $1.range.lowerBound }, "edits out of order")
        self.relative = relative
        self.base = base
        self.applicability = applicability
    }

    /// Appends the edits, placed, to `out` (no array of their own is made).
    func appendEdits(to out: inout [Edit]) {
        for e in relative { out.append(Edit(range: (e.range.lowerBound + base)..<(e.range.upperBound + base), replacement: e.replacement)) }
    }

    public static func == (a: Fix, b: Fix) -> Bool {
        a.applicability == b.applicability && a.edits == b.edits
    }
}

/// The one place that turns edits into new bytes.
public enum Fixer {
    /// Edits overlap when one starts before the previous one ends (two insertions at the
    /// same offset overlap too).
    public static func overlaps(_ edits: [Edit]) -> Bool {
        func before(_ a: Edit, _ b: Edit) -> Bool { (a.range.lowerBound, a.range.upperBound) < (b.range.lowerBound, b.range.upperBound) }
        let inOrder = !zip(edits, edits.dropFirst()).contains { before($1, $0) }
        let sorted = inOrder ? edits : edits.sorted(by: before)
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound || (a.range == b.range) {
            return true
        }
        return false
    }

    /// Applies non-overlapping edits; bytes outside the edited ranges are copied unchanged.
    public static func apply(_ edits: [Edit], to bytes: [UInt8]) -> [UInt8] {
        let inOrder = zip(edits, edits.dropFirst()).allSatisfy { $0.range.lowerBound <= $1.range.lowerBound }
        let sorted = inOrder ? edits : edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var cursor = 0
        bytes.withUnsafeBufferPointer { b in
            for edit in sorted {
                precondition(edit.range.lowerBound >= cursor, "overlapping edits must be rejected before applying")
                precondition(edit.range.upperBound <= b.count, "an edit past the end of the file")
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[cursor..<edit.range.lowerBound]))
                out.append(contentsOf: edit.replacement)
                cursor = edit.range.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[cursor...]))
        }
        return out
    }
}

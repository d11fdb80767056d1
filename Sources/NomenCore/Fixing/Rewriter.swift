/// The fixes chosen for one file, or why the file is left alone.
public struct FilePlan: Sendable {
    public let path: String
    public let original: [UInt8]
    public let edits: [Edit]
    /// Fix counts per rule.
    public let fixesByRule: [String: Int]
    /// Set when overlapping fixes make the file a conflict: it is left alone.
    public let conflict: String?

    public var rewritten: [UInt8] { Fixer.apply(edits, to: original) }
}

/// Turns findings into per-file edit plans; never touches the disk.
public enum Rewriter {
    public static func plan(path: String, bytes: [UInt8], findings: [Finding], unsafe: Bool) -> FilePlan? {
        plan(path: path, bytes: bytes, findings: findings, finding: { $0 }, unsafe: unsafe)
    }

    /// The plan for located findings, read in place (no array of findings is made).
    public static func plan(path: String, bytes: [UInt8], located: [LocatedFinding], unsafe: Bool) -> FilePlan? {
        plan(path: path, bytes: bytes, findings: located, finding: { $0.finding }, unsafe: unsafe)
    }

    private static func plan<F>(path: String, bytes: [UInt8], findings: [F], finding: (borrowing F) -> Finding, unsafe: Bool) -> FilePlan? {
        var edits: [Edit] = []
        // Counted per detail, found by identity among the last few (a file repeats a few
        // names), then per rule: a rule's name is hashed once per detail, not per finding.
        var counts: [(detail: FindingDetail, count: Int)] = []
        for k in findings.indices {
            let f = finding(findings[k])
            guard f.isFixable(unsafe: unsafe) else { continue }
            f.fix!.appendEdits(to: &edits)
            let stop = max(0, counts.count - 16)
            var j = counts.count - 1
            while j >= stop, counts[j].detail !== f.detail { j -= 1 }
            if j >= stop { counts[j].count += 1 } else { counts.append((f.detail, 1)) }
        }
        guard !counts.isEmpty else { return nil }
        var byRule: [String: Int] = [:]
        for c in counts { byRule[c.detail.rule, default: 0] += c.count }
        if zip(edits, edits.dropFirst()).contains(where: { $0.range.lowerBound > $1.range.lowerBound }) {
            edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        }
        if Fixer.overlaps(edits) {
            let rules = findings.indices.map { finding(findings[$0]) }.filter { $0.isFixable(unsafe: unsafe) }.map(\.rule).sorted().joined(separator: ", ")
            return FilePlan(path: path, original: bytes, edits: [], fixesByRule: [:],
                            conflict: "fixes overlap (rules \(rules)); the file is left alone")
        }
        // An edit that changes nothing is no edit.
        edits.removeAll { bytes[$0.range].elementsEqual($0.replacement) }
        guard !edits.isEmpty else { return nil }
        return FilePlan(path: path, original: bytes, edits: edits, fixesByRule: byRule, conflict: nil)
    }
}

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
        let chosen = findings.filter { $0.isFixable(unsafe: unsafe) }
        guard !chosen.isEmpty else { return nil }
        var edits: [Edit] = []
        edits.reserveCapacity(chosen.count)
        var byRule: [String: Int] = [:]
        // Counted per run of one detail (a file repeats a few names), then per rule.
        var run: (detail: FindingDetail, count: Int)? = nil
        for f in chosen {
            edits.append(contentsOf: f.fix!.edits)
            if run?.detail === f.detail { run!.count += 1; continue }
            if let r = run { byRule[r.detail.rule, default: 0] += r.count }
            run = (f.detail, 1)
        }
        if let r = run { byRule[r.detail.rule, default: 0] += r.count }
        if zip(edits, edits.dropFirst()).contains(where: { $0.range.lowerBound > $1.range.lowerBound }) {
            edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        }
        if Fixer.overlaps(edits) {
            let rules = chosen.map(\.rule).sorted().joined(separator: ", ")
            return FilePlan(path: path, original: bytes, edits: [], fixesByRule: [:],
                            conflict: "fixes overlap (rules \(rules)); the file is left alone")
        }
        // An edit that changes nothing is no edit.
        edits.removeAll { bytes[$0.range].elementsEqual($0.replacement) }
        guard !edits.isEmpty else { return nil }
        return FilePlan(path: path, original: bytes, edits: edits, fixesByRule: byRule, conflict: nil)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The fixes chosen for one file, or why the file is left alone.
public struct FilePlan: Sendable {
    public let path: String
    public let original: [UInt8]
    public let edits: [Edit]
    /// Fix counts per detail (a rule's findings in one context share one), added up by rule
    /// only when asked (a diff does not ask: hashing rule names for every file cost more than
    /// planning its edits).
    let fixesByDetail: [(detail: FindingDetail, count: Int)]
    /// Fix counts per rule.
    public var fixesByRule: [String: Int] {
        var byRule: [String: Int] = [:]
        for c in fixesByDetail { byRule[c.detail.rule, default: 0] += c.count }
        return byRule
    }
    /// Set when overlapping fixes make the file a conflict: it is left alone.
    public let conflict: String?

    public var rewritten: [UInt8] { Fixer.apply(edits, to: original) }
}

/// Turns findings into per-file edit plans; never touches the disk.
public enum Rewriter {
    public static func plan(path: String, bytes: [UInt8], findings: [Finding], unsafe: Bool) -> FilePlan? {
        plan(path: path, bytes: bytes, findings: findings, finding: { $0 }, unsafe: unsafe)
    }

    /// The plan for located findings, read in place through a pointer (no finding is copied
    /// out, so no reference is counted for its path, detail and fix: `rewrite` plans every file
    /// with a fix).
    public static func plan(path: String, bytes: [UInt8], located: [LocatedFinding], unsafe: Bool) -> FilePlan? {
        var edits: [Edit] = []
        var counts: [(detail: FindingDetail, count: Int)] = []
        let any = located.withUnsafeBufferPointer { fs -> Bool in
            edits.reserveCapacity(fs.count)
            for k in fs.indices where fs[k].finding.isFixable(unsafe: unsafe) {
                fs[k].finding.fix!.appendEdits(to: &edits)
                let id = ObjectIdentifier(fs[k].finding.detail)
                let stop = max(0, counts.count - 16)
                var j = counts.count - 1
                while j >= stop, ObjectIdentifier(counts[j].detail) != id { j -= 1 }
                if j >= stop { counts[j].count += 1 } else { counts.append((fs[k].finding.detail, 1)) }
            }
            return !counts.isEmpty
        }
        guard any else { return nil }
        return finish(path: path, bytes: bytes, edits: edits, counts: counts) {
            located.filter { $0.finding.isFixable(unsafe: unsafe) }.map(\.finding.rule)
        }
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
        return finish(path: path, bytes: bytes, edits: edits, counts: counts) {
            findings.indices.map { finding(findings[$0]) }.filter { $0.isFixable(unsafe: unsafe) }.map(\.rule)
        }
    }

    /// The plan from a file's fixable edits and how many fixes each detail gave; `rules`
    /// names the fixable findings' rules (asked only for a conflict's message).
    private static func finish(path: String, bytes: [UInt8], edits unordered: [Edit], counts: [(detail: FindingDetail, count: Int)],
                               rules: () -> [String]) -> FilePlan? {
        var edits = unordered
        if zip(edits, edits.dropFirst()).contains(where: { $0.range.lowerBound > $1.range.lowerBound }) {
            edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        }
        if Fixer.overlaps(edits) {
            return FilePlan(path: path, original: bytes, edits: [], fixesByDetail: [],
                            conflict: "fixes overlap (rules \(rules().sorted().joined(separator: ", "))); the file is left alone")
        }
        // An edit that changes nothing is no edit (compared in place).
        let unchanged = bytes.withUnsafeBufferPointer { b in
            edits.withUnsafeBufferPointer { es in
                es.contains { e in e.range.count == e.replacement.count && e.replacement.withUnsafeBufferPointer { r in
                    e.range.isEmpty || memcmp(b.baseAddress! + e.range.lowerBound, r.baseAddress!, e.range.count) == 0 } }
            }
        }
        if unchanged {
            edits.removeAll { bytes[$0.range].elementsEqual($0.replacement) }
        }
        guard !edits.isEmpty else { return nil }
        return FilePlan(path: path, original: bytes, edits: edits, fixesByDetail: counts, conflict: nil)
    }
}

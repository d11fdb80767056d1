#if canImport(Glibc)
import Glibc
#endif

/// A file's fixes as edits of its bytes, or why the file is left alone (planned over the
/// bytes in place: `rewrite` plans and diffs a file in its read buffer, without a copy).
public struct EditPlan: Sendable {
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
}

/// The fixes chosen for one file, with its bytes, or why the file is left alone.
public struct FilePlan: Sendable {
    public let path: String
    public let original: [UInt8]
    let plan: EditPlan

    public init(path: String, original: [UInt8], plan: EditPlan) {
        self.path = path
        self.original = original
        self.plan = plan
    }

    public var edits: [Edit] { plan.edits }
    /// Fix counts per rule.
    public var fixesByRule: [String: Int] { plan.fixesByRule }
    /// Set when overlapping fixes make the file a conflict: it is left alone.
    public var conflict: String? { plan.conflict }

    public var rewritten: [UInt8] { Fixer.apply(edits, to: original) }
}

/// Turns findings into per-file edit plans; never touches the disk.
public enum Rewriter {
    public static func plan(path: String, bytes: [UInt8], findings: [Finding], unsafe: Bool) -> FilePlan? {
        var edits: [Edit] = []
        // Counted per detail, found by identity among the last few (a file repeats a few
        // names), then per rule: a rule's name is hashed once per detail, not per finding.
        var counts: [(detail: FindingDetail, count: Int)] = []
        for f in findings where f.isFixable(unsafe: unsafe) {
            f.fix!.appendEdits(to: &edits)
            count(f.detail, in: &counts)
        }
        guard !counts.isEmpty else { return nil }
        let plan = bytes.withUnsafeBufferPointer { b in
            finish(bytes: b, edits: edits, counts: counts) { findings.filter { $0.isFixable(unsafe: unsafe) }.map(\.rule) }
        }
        return plan.map { FilePlan(path: path, original: bytes, plan: $0) }
    }

    /// The plan for located findings.
    public static func plan(path: String, bytes: [UInt8], located: [LocatedFinding], unsafe: Bool) -> FilePlan? {
        let plan = bytes.withUnsafeBufferPointer { editPlan(bytes: $0, located: located, unsafe: unsafe) }
        return plan.map { FilePlan(path: path, original: bytes, plan: $0) }
    }

    /// The edits for located findings over `bytes` in place. The findings are read through a
    /// pointer (no finding is copied out, so no reference is counted for its path, detail and
    /// fix: `rewrite` plans every file with a fix).
    public static func editPlan(bytes: UnsafeBufferPointer<UInt8>, located: [LocatedFinding], unsafe: Bool) -> EditPlan? {
        var edits: [Edit] = []
        var counts: [(detail: FindingDetail, count: Int)] = []
        located.withUnsafeBufferPointer { fs in
            edits.reserveCapacity(fs.count)
            for k in fs.indices where fs[k].finding.isFixable(unsafe: unsafe) {
                fs[k].finding.fix!.appendEdits(to: &edits)
                count(fs[k].finding.detail, in: &counts)
            }
        }
        guard !counts.isEmpty else { return nil }
        return finish(bytes: bytes, edits: edits, counts: counts) {
            located.filter { $0.finding.isFixable(unsafe: unsafe) }.map(\.finding.rule)
        }
    }

    /// One more fix of `detail`, counted by identity among the last few details.
    private static func count(_ detail: FindingDetail, in counts: inout [(detail: FindingDetail, count: Int)]) {
        let id = ObjectIdentifier(detail)
        let stop = max(0, counts.count - 16)
        var j = counts.count - 1
        while j >= stop, ObjectIdentifier(counts[j].detail) != id { j -= 1 }
        if j >= stop { counts[j].count += 1 } else { counts.append((detail, 1)) }
    }

    /// The plan from a file's fixable edits and how many fixes each detail gave; `rules`
    /// names the fixable findings' rules (asked only for a conflict's message).
    private static func finish(bytes: UnsafeBufferPointer<UInt8>, edits unordered: [Edit], counts: [(detail: FindingDetail, count: Int)],
                               rules: () -> [String]) -> EditPlan? {
        var edits = unordered
        if zip(edits, edits.dropFirst()).contains(where: { $0.range.lowerBound > $1.range.lowerBound }) {
            edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        }
        if Fixer.overlaps(edits) {
            return EditPlan(edits: [], fixesByDetail: [],
                            conflict: "fixes overlap (rules \(rules().sorted().joined(separator: ", "))); the file is left alone")
        }
        // An edit that changes nothing is no edit (compared in place).
        func unchanged(_ e: Edit) -> Bool {
            e.range.count == e.replacement.count && e.replacement.withUnsafeBufferPointer { r in
                e.range.isEmpty || memcmp(bytes.baseAddress! + e.range.lowerBound, r.baseAddress!, e.range.count) == 0
            }
        }
        if edits.withUnsafeBufferPointer({ $0.contains(where: unchanged) }) { edits.removeAll(where: unchanged) }
        guard !edits.isEmpty else { return nil }
        return EditPlan(edits: edits, fixesByDetail: counts, conflict: nil)
    }
}

/// A baseline: findings a repository already has, so CI fails only on new ones. Entries are
/// keyed by path, rule and the name found (not line numbers, which move), with a count.
public struct Baseline: Sendable {
    struct Key: Hashable { let path: String; let rule: String; let found: String }
    var counts: [Key: Int]

    public static func write(_ findings: [LocatedFinding], to path: String) throws(IOFailure) {
        var counts: [Key: Int] = [:]
        for lf in findings { counts[Key(path: lf.finding.path, rule: lf.finding.rule, found: lf.finding.found), default: 0] += 1 }
        var w = JSONWriter()
        w.beginArray()
        for (key, n) in counts.sorted(by: { ($0.key.path, $0.key.rule, $0.key.found) < ($1.key.path, $1.key.rule, $1.key.found) }) {
            w.beginObject()
            w.string("path", key.path); w.string("rule", key.rule); w.string("found", key.found); w.int("count", n)
            w.endObject()
        }
        w.endArray()
        try FileIO.writeAtomically(Array((w.output + "\n").utf8), to: path, mode: 0o644)
    }

    /// Reads a baseline written by `write` (it is YAML-compatible JSON).
    public static func load(_ path: String) throws(RuleLoadErrors) -> Baseline {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            throw RuleLoadErrors(errors: [RuleLoadError(file: path, line: 1, column: 1, key: "", message: "cannot read baseline: \(error.reason)")])
        }
        guard let root = try YAMLNode.parse(String(decoding: bytes, as: UTF8.self), file: path) else { return Baseline(counts: [:]) }
        var errors: [RuleLoadError] = []
        var counts: [Key: Int] = [:]
        for item in root.sequence(errors: &errors) ?? [] {
            guard let m = item.mapping(allowed: ["path", "rule", "found", "count"], required: ["path", "rule", "found"], errors: &errors),
                  let p = m["path"]?.string(errors: &errors), let r = m["rule"]?.string(errors: &errors), let f = m["found"]?.string(errors: &errors) else { continue }
            counts[Key(path: p, rule: r, found: f), default: 0] += m["count"]?.integer(errors: &errors) ?? 1
        }
        if !errors.isEmpty { throw RuleLoadErrors(errors: errors) }
        return Baseline(counts: counts)
    }

    /// The findings beyond those the baseline accounts for (stateful across calls: each
    /// recorded finding excuses one).
    public mutating func filter(_ findings: [LocatedFinding]) -> [LocatedFinding] {
        return findings.filter { lf in
            let key = Key(path: lf.finding.path, rule: lf.finding.rule, found: lf.finding.found)
            if let n = counts[key], n > 0 { counts[key] = n - 1; return false }
            return true
        }
    }
}

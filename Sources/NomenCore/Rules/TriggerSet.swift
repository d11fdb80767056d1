import NomenRegex
import Synchronization

/// Everything a file is searched for, compiled into one JIT pattern. Each alternative ends in
/// `(*MARK:n)` so a match names its trigger; files without a match are never tokenized.
///
/// Two things keep the search as fast as a grep for the same names:
/// - no alternative starts with a lookbehind (PCRE2 can then skip ahead on first bytes); the
///   left word boundary is checked by the caller (the linter, or the word-start prefilter);
/// - names that are already valid do not match at all: each grammar is compiled into a regex
///   of its valid names (`ValidNames`), used as a negative lookahead.
final class TriggerSet: Sendable {
    enum Trigger: Sendable {
        /// A legacy or retired rule that is not dataset-qualified.
        case rule(Int)
        /// A dataset named by qualified rules and/or dataset-scoped patterns.
        case dataset(String)
        /// A pattern's word prefix (`zl_training_`).
        case prefix(Int)
        /// A path prefix (`Models/local/`).
        case pathPrefix(String)
    }

    let triggers: [Trigger]
    /// The alternatives of every trigger, each ending in `(*MARK:n)`.
    let combinedSource: String
    /// The combined pattern compiled: at load when there is no prefilter (it is then the
    /// search, and a compile error must show at once), else on first need (it is large, and a
    /// run with a prefilter does not need it).
    private let compiled: Mutex<Regex?>
    /// The literal prefilter, when every trigger starts with a literal.
    let prefilter: Prefilter?
    /// Which triggers are searched over the whole buffer (no literal to look for), for
    /// `nomen rules`; nil when the literal prefilter covers them all.
    public let searchNote: String?
    /// One PCRE2 pattern per trigger, whole-word (with the lookbehind), for tools that want
    /// them separately (the benchmark's grep runs).
    let sources: [String]

    static let word = "[A-Za-z0-9_]"
    /// What may follow a name: anything but name characters and placeholders.
    static let nameEnd = "(?![A-Za-z0-9_{%$-])"
    static let pathEnd = "(?![A-Za-z0-9_./{}$*?<\\[-])"

    init(patterns: [NamePattern], legacy: [LegacyRule], datasets: [String], exceptions: [NameException]) throws(RegexError) {
        var triggers: [Trigger] = []
        var bodies: [String] = []
        for (i, rule) in legacy.enumerated() where rule.dataset == nil {
            triggers.append(.rule(i))
            // The rule's own anchored pattern: a prefilter match of this trigger is then the
            // rule's match, captures and all (`FileScan.ruleHit` takes it as it is).
            bodies.append(rule.anchored.pattern)
        }
        // Each pattern's valid names as a regex, made once (several triggers share them).
        let validNames = Dictionary(uniqueKeysWithValues: patterns.map { (ObjectIdentifier($0), ValidNames.regex($0)) })
        func validRegex(_ p: NamePattern) -> String { validNames[ObjectIdentifier(p)]! }
        var qualified: [String] = []
        for rule in legacy { if let d = rule.dataset, !qualified.contains(d) { qualified.append(d) } }
        for p in patterns { for d in p.datasets where !qualified.contains(d) { qualified.append(d) } }
        for d in qualified {
            triggers.append(.dataset(d))
            let separator = "`?[.:]`?"
            var body = RuleLoader.escapeRegex(d) + "(?!\(Self.word))(?=\(separator)[A-Za-z0-9_{$%])"
            // A valid table name (or an exception) in this dataset is no hit, unless a rule names it.
            var valid = patterns.filter { $0.datasets.contains(d) }.map(validRegex)
            valid += exceptions.filter { $0.datasets.isEmpty || $0.datasets.contains(d) }.map { RuleLoader.escapeRegex($0.name) }
            if !valid.isEmpty {
                let rules = legacy.filter { $0.dataset == d }.map { "(?:\($0.source))\(Self.nameEnd)" }
                let notRule = rules.isEmpty ? "" : "(?!" + rules.joined(separator: "|") + ")"
                body += "(?!\(separator)\(notRule)(?:" + valid.joined(separator: "|") + ")\(Self.nameEnd))"
            }
            bodies.append(body)
        }
        for (i, p) in patterns.enumerated() {
            for prefix in p.prefixes {
                triggers.append(.prefix(i))
                let sharing = patterns.filter { !$0.isPath && $0.prefixes.contains(prefix) }
                let valid = sharing.map(validRegex) + exceptions.map { RuleLoader.escapeRegex($0.name) }
                bodies.append("(?!(?:" + valid.joined(separator: "|") + ")\(Self.nameEnd))(?i:\(RuleLoader.escapeRegex(prefix)))")
            }
        }
        var seenPaths: Set<String> = []
        for p in patterns {
            for prefix in p.pathPrefixes where seenPaths.insert(prefix).inserted {
                triggers.append(.pathPrefix(prefix))
                let valid = patterns.filter { $0.pathPrefixes.contains(prefix) }.map(validRegex)
                bodies.append(RuleLoader.escapeRegex(prefix) + "(?!(?:" + valid.joined(separator: "|") + ")\(Self.pathEnd))")
            }
        }
        self.triggers = triggers
        self.sources = bodies.map { "(?<!\(Self.word))" + $0 }
        let combined = bodies.enumerated().map { "(?:\($1))(*MARK:\($0))" }.joined(separator: "|")
        combinedSource = combined.isEmpty ? "(*FAIL)" : combined
        prefilter = bodies.isEmpty ? nil : Prefilter(bodies: bodies, combinedSource: combinedSource)
        // What is searched without literals, for `nomen rules`.
        func name(_ t: Int) -> String {
            switch triggers[t] {
            case .rule(let i): return "rule `\(legacy[i].id)`"
            case .dataset(let d): return "dataset `\(d)`"
            case .prefix(let p): return "pattern `\(patterns[p].id)` (word prefix)"
            case .pathPrefix(let prefix): return "path prefix `\(prefix)`"
            }
        }
        let uncovered = prefilter?.uncovered ?? Array(bodies.indices)
        if uncovered.isEmpty {
            searchNote = nil
        } else if prefilter == nil, let k = bodies.indices.first(where: { !Prefilter.hasLiterals(bodies[$0]) && Prefilter.needsCombinedSearch(bodies[$0]) }) {
            searchNote = "whole-buffer search for every rule: \(name(k))'s matches depend on the search around them (\\K, \\G, verbs, references or recursion)"
        } else {
            let listed = uncovered.prefix(3).map(name).joined(separator: ", ") + (uncovered.count > 3 ? " and \(uncovered.count - 3) more" : "")
            searchNote = prefilter == nil
                ? "whole-buffer search for every rule: none begins with a literal nomen can read (\(listed))"
                : "\(listed) begin\(uncovered.count == 1 ? "s" : "") with no literal nomen can read: searched over the whole buffer beside the literal prefilter (slower)"
        }
        compiled = Mutex(prefilter == nil ? try Regex(combinedSource, options: [.duplicateNames]) : nil)
    }

    /// The combined pattern, searched over a whole buffer.
    func regex() throws(RegexError) -> Regex {
        let result: Result<Regex, RegexError> = compiled.withLock { cached in
            if let r = cached { return .success(r) }
            do throws(RegexError) {
                let r = try Regex(combinedSource, options: [.duplicateNames])
                cached = r
                return .success(r)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// A pattern's grammar as a regex of its valid names (a segment may also be one placeholder).
enum ValidNames {
    static let placeholder = #"\{[^{}\s]*\}|\{\{[^{}]*\}\}"#

    static func regex(_ pattern: NamePattern) -> String {
        func piece(_ p: Piece) -> String {
            switch p {
            case .literal(let s): return RuleLoader.escapeRegex(s)
            case .segment(let i):
                switch pattern.segments[i].matcher {
                case .values(let values):
                    let sorted = values.sorted { $0.utf8.count > $1.utf8.count }.map(RuleLoader.escapeRegex)
                    return "(?:" + sorted.joined(separator: "|") + "|" + placeholder + ")"
                case .regex(let source, _):
                    return "(?:(?:" + source + ")|" + placeholder + ")"
                }
            }
        }
        let pieces = pattern.pieces
        guard pattern.isPath else { return pieces.map(piece).joined() }
        // A path may stop at a folder boundary, or go on into further components.
        var tail = "(?:/[A-Za-z0-9_.{}$-]*)*"
        for k in stride(from: pieces.count - 1, through: 0, by: -1) {
            let here = piece(pieces[k]) + tail
            var stopAllowed = false
            if case .literal(let s) = pieces[k], s.hasPrefix("/") { stopAllowed = true }
            if k == 0 { stopAllowed = true }
            if k > 0, case .literal(let s) = pieces[k - 1], s.hasSuffix("/") { stopAllowed = true }
            tail = stopAllowed ? "(?:" + here + ")?" : here
        }
        return tail
    }
}

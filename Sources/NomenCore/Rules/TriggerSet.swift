import NomenRegex

/// Everything a file is searched for, compiled into one JIT pattern. Each alternative ends in
/// `(*MARK:n)` so a match names its trigger; files without a match are never tokenized.
struct TriggerSet: Sendable {
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
    let regex: Regex
    /// One PCRE2 pattern per trigger, for tools that want them separately (the benchmark).
    let sources: [String]

    init(patterns: [NamePattern], legacy: [LegacyRule], datasets: [String]) throws(RegexError) {
        var triggers: [Trigger] = []
        var sources: [String] = []
        for (i, rule) in legacy.enumerated() where rule.dataset == nil {
            triggers.append(.rule(i))
            sources.append(RegexSource.wholeWord(RegexSource.allowingPlaceholders(rule.source, for: Set(rule.replacement?.captures ?? []))))
        }
        var qualified: [String] = []
        for rule in legacy { if let d = rule.dataset, !qualified.contains(d) { qualified.append(d) } }
        for p in patterns { for d in p.datasets where !qualified.contains(d) { qualified.append(d) } }
        for d in qualified {
            triggers.append(.dataset(d))
            // Followed by a dot (maybe across backticks) and a part.
            sources.append(RegexSource.wholeWord(RuleLoader.escapeRegex(d)) + "(?=`?[.:]`?[A-Za-z0-9_{])")
        }
        for (i, p) in patterns.enumerated() {
            for prefix in p.prefixes {
                triggers.append(.prefix(i))
                sources.append("(?<![A-Za-z0-9_])(?i:\(RuleLoader.escapeRegex(prefix)))")
            }
        }
        var seenPaths: Set<String> = []
        for p in patterns {
            for prefix in p.pathPrefixes where seenPaths.insert(prefix).inserted {
                triggers.append(.pathPrefix(prefix))
                sources.append("(?<![A-Za-z0-9_])\(RuleLoader.escapeRegex(prefix))")
            }
        }
        self.triggers = triggers
        self.sources = sources
        let combined = sources.enumerated().map { "(?:\($1))(*MARK:\($0))" }.joined(separator: "|")
        self.regex = try Regex(combined.isEmpty ? "(*FAIL)" : combined, options: [.duplicateNames])
    }
}

import Synchronization
import NomenRegex
#if canImport(Glibc)
import Glibc
#endif

/// A loaded, checked rule set: name patterns, exceptions, legacy and retired names.
/// A class: the linter reaches into it on every match, and a copy of a struct this size is
/// a dozen reference counts.
public final class RuleSet: Sendable {
    public let name: String
    public let file: String
    public let datasets: [String]
    public let patterns: [NamePattern]
    public let exceptions: [NameException]
    public let legacy: [LegacyRule]
    /// Everything a file must be searched for, as one JIT pattern whose `(*MARK:n)` names the trigger.
    let triggers: TriggerSet
    /// Which rules are searched over the whole buffer (nil: the literal prefilter covers all).
    public var searchNote: String? { triggers.searchNote }
    /// Lookups the linter needs on every match, made once.
    struct Index: Sendable {
        /// A dataset trigger's rules and patterns, by trigger index (nil for other triggers).
        var datasetByTrigger: [DatasetEntry?] = []
        /// Known datasets that no rule moves: a renamed table may stay in one.
        var keptDatasets: Set<String> = []
        /// The same names as bytes, compared in place with the bytes of a file.
        var keptDatasetBytes = ByteNames([])
        /// The exceptions' names as bytes (for an ASCII name: bytes compare as the strings do).
        var exceptionBytes = ByteNames([])
    }

    /// Names as bytes in one buffer of their own (written once, in `init`, only read after),
    /// looked for by comparing bytes: no string is made of the bytes looked for.
    final class ByteNames: @unchecked Sendable {
        private let bytes: UnsafeMutableBufferPointer<UInt8>
        /// Where each name ends in `bytes`.
        private let ends: [Int]

        init(_ names: [String]) {
            let all = names.flatMap { Array($0.utf8) }
            bytes = .allocate(capacity: max(1, all.count))
            _ = bytes.initialize(from: all)
            var ends: [Int] = []
            var end = 0
            for name in names { end += name.utf8.count; ends.append(end) }
            self.ends = ends
        }

        deinit { bytes.deallocate() }

        func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
            var start = 0
            for end in ends {
                if end - start == name.count, name.isEmpty || memcmp(bytes.baseAddress! + start, name.baseAddress!, name.count) == 0 { return true }
                start = end
            }
            return false
        }
    }
    /// A class: handed to every dataset hit, it costs one reference count, not one for each of
    /// its name and lists.
    /// (`@unchecked`: `rules` is a buffer written once, in `init`, and only read after; a
    /// buffer, not an array, as an array read out of a class is retained around each use.)
    final class DatasetEntry: @unchecked Sendable {
        let name: String
        let rules: UnsafeBufferPointer<Int>
        let patterns: [NamePattern]
        let hasPatterns: Bool

        init(name: String, rules: [Int], patterns: [NamePattern]) {
            self.name = name
            let buffer = UnsafeMutableBufferPointer<Int>.allocate(capacity: rules.count)
            _ = buffer.initialize(from: rules)
            self.rules = UnsafeBufferPointer(buffer)
            self.patterns = patterns
            hasPatterns = !patterns.isEmpty
        }

        deinit { rules.deallocate() }
    }
    let index: Index

    init(name: String, file: String, datasets: [String], patterns: [NamePattern], exceptions: [NameException], legacy: [LegacyRule]) throws(RegexError) {
        self.name = name
        self.file = file
        self.datasets = datasets
        self.patterns = patterns
        self.exceptions = exceptions
        self.legacy = legacy
        self.triggers = try TriggerSet(patterns: patterns, legacy: legacy, datasets: datasets, exceptions: exceptions)
        var rulesByDataset: [String: [Int]] = [:]
        var patternsByDataset: [String: [NamePattern]] = [:]
        for (i, rule) in legacy.enumerated() { if let d = rule.dataset { rulesByDataset[d, default: []].append(i) } }
        for p in patterns { for d in p.datasets { patternsByDataset[d, default: []].append(p) } }
        var index = Index()
        index.datasetByTrigger = triggers.triggers.map { t in
            guard case .dataset(let d) = t else { return nil }
            return DatasetEntry(name: d, rules: rulesByDataset[d] ?? [], patterns: patternsByDataset[d] ?? [])
        }
        index.keptDatasets = Set(datasets.filter { rulesByDataset[$0] == nil })
        index.keptDatasetBytes = ByteNames(datasets.filter { rulesByDataset[$0] == nil })
        index.exceptionBytes = ByteNames(exceptions.map(\.name))
        self.index = index
    }

    /// Whether `pinShared` has run (a rule set is pinned once, when a run first shares it
    /// between threads: one made and dropped, such as each file's of several rules files
    /// before they are merged, is freed as usual).
    let pinned = Atomic<Bool>(false)

    /// Pins the rule set for threads (see `SharedObjects`), once.
    func pinForThreads() {
        guard pinned.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        pinShared()
    }

    public func rule(withID id: String) -> LegacyRule? {
        legacy.first { $0.id == id || $0.aliases.contains(id) }
    }

    /// The legacy rule that a whole name falls under, with its replacement when one is known.
    public func legacyReplacement(for name: String) -> Validation.Legacy? {
        let source = SourceFile(path: "<name>", bytes: Array(name.utf8), language: .text)
        let engine = Linter(rules: self, options: LintOptions())
        guard let finding = engine.findings(in: source).first(where: { $0.legacyRule != nil }) else { return nil }
        var replacement: String? = nil
        if let fix = finding.fix, fix.applicability == .safe {
            replacement = String(decoding: Fixer.apply(fix.edits, to: source.bytes), as: UTF8.self)
        }
        return Validation.Legacy(rule: finding.rule, replacement: replacement, message: finding.message)
    }
}

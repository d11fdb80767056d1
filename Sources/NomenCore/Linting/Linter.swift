import CByteScan
import NomenRegex

public struct LintOptions: Sendable {
    /// The day grace periods are judged on.
    public var today: Day
    /// Use the literal prefilter when the rules allow it (tests compare both paths).
    var prefilter = true
    /// Pass over hits inside the legacy finding just made (tests compare both paths).
    var skipCoveredHits = true

    public init(today: Day = .today()) {
        self.today = today
    }
}

/// What checking one file produced.
public struct FileResult: Sendable {
    public var findings: [Finding]
    /// A problem that stopped part of the check (a regex limit hit), for stderr.
    public var problem: String?
}

/// Per-thread working state: match data and a cache of grammar verdicts (the same names
/// recur across a repository). Not `Sendable`: one per thread.
public final class Scratch {
    private let rules: RuleSet
    /// Matchers run on the JIT (false: interpreted, for a few short checks).
    private let jit: Bool
    /// The whole-buffer trigger search, made on first need (without a prefilter, or with the
    /// prefilter off): its JIT code is the largest of all.
    private var wholeMatcher: Matcher? = nil

    func matcher() throws(RegexError) -> Matcher {
        if let m = wholeMatcher { return m }
        let m = try rules.triggers.regex().makeMatcher(jit: jit)
        wholeMatcher = m
        return m
    }
    /// The prefilter's matchers.
    let prefilterMatchers: Prefilter.Matchers?
    /// The grammar's verdicts by patterns and name (see `FileScan.cachedValidation`).
    let verdicts = ByteKeyedCache<Validation>(limit: 100_000)
    /// Two matchers per legacy rule (its anchored form at `2 * i`, its whole-word form at
    /// `2 * i + 1`), made on first use; by position, not hashed by identity on every match.
    private var legacyMatchers: [Matcher?]

    /// This thread's matcher for legacy rule `i`'s anchored or whole-word pattern.
    func matcher(legacy i: Int, anchored: Bool) -> Matcher {
        let k = 2 * i + (anchored ? 0 : 1)
        if let m = legacyMatchers[k] { return m }
        let rule = rules.legacy[i]
        let m = (anchored ? rule.anchored : rule.regex).makeMatcher(jit: jit)
        legacyMatchers[k] = m
        return m
    }

    public init(rules: RuleSet, jit: Bool = true) {
        self.rules = rules
        self.jit = jit
        // A rule trigger's match is kept with its groups: the rule need not match again.
        let ruleTriggers = rules.triggers.triggers.map { if case .rule = $0 { true } else { false } }
        prefilterMatchers = rules.triggers.prefilter.map { Prefilter.Matchers($0, jit: jit, keepGroups: ruleTriggers) }
        legacyMatchers = Array(repeating: nil, count: 2 * rules.legacy.count)
    }

    /// Legacy findings' details by what they depend on (see `MemoTable`).
    let memos = MemoTable()
    /// Trigger hits of the file being scanned (reused from file to file), each with where
    /// its match's groups start in `hitGroups` (-1: not kept; see `FileScan.ruleHit`).
    var hits: [Hit] = []
    /// The groups of rule triggers' prefilter matches, as offset pairs (-1: not set).
    var hitGroups: [Int] = []
    /// The groups of a legacy rule's match: one array, shared by each match while it lives
    /// (a match is let go before the next is made, so the array is reused, not copied).
    var groups: [Range<Int>?] = []
    /// Grammar findings' details by pattern, context, name, issue and suggestion.
    let grammarDetails = ByteKeyedCache<GrammarDetail>(limit: 50_000)
}

/// A trigger match in a file: its trigger, its range, and where its groups are kept in
/// `Scratch.hitGroups` (-1: not kept).
typealias Hit = (trigger: Int, range: Range<Int>, groups: Int)

/// Turns a scanned file into findings, each with an optional fix. Never prints, never writes.
public struct Linter: Sendable {
    public let rules: RuleSet
    public let options: LintOptions

    public init(rules: RuleSet, options: LintOptions) {
        self.rules = rules
        self.options = options
    }

    public func findings(in source: SourceFile) -> [Finding] {
        check(source).findings
    }

    public func check(_ source: SourceFile) -> FileResult {
        let scratch = Scratch(rules: rules)
        return source.bytes.withUnsafeBufferPointer { check($0, language: source.language, path: source.path, scratch: scratch) }
    }

    /// The hot entry point: a file's bytes, and this thread's scratch state.
    public func check(_ b: UnsafeBufferPointer<UInt8>, language: Language, path: String, scratch: Scratch) -> FileResult {
        if language == .notebook {
            // Names hold no JSON escapes: a notebook without a raw match has none in its cells.
            guard hasCandidate(b, scratch: scratch) else { return FileResult(findings: [], problem: nil) }
            return Notebook.check(b, path: path) { cell, language in
                cell.withUnsafeBufferPointer { scan($0, language: language, path: path, scratch: scratch) }
            }
        }
        return scan(b, language: language, path: path, scratch: scratch)
    }

    /// Whether a notebook's raw JSON holds a match anywhere (no word-boundary test: in the
    /// JSON text a name may follow an escape such as `\t`). A search error counts as a match,
    /// so the cells are scanned and the error reported.
    func hasCandidate(_ b: UnsafeBufferPointer<UInt8>, scratch: Scratch) -> Bool {
        do {
            if options.prefilter, let prefilter = rules.triggers.prefilter, let matchers = scratch.prefilterMatchers {
                var found = false
                try prefilter.scan(b, matchers: matchers, wordStart: false) { _, _ in found = true; return false }
                return found
            }
            return try scratch.matcher().nextRange(in: UnsafeRawBufferPointer(b), from: 0) != nil
        } catch { return true }
    }

    /// Finds trigger matches first; a buffer is tokenized only when a match needs its context.
    func scan(_ b: UnsafeBufferPointer<UInt8>, language: Language, path: String, scratch: Scratch) -> FileResult {
        // The thread's hit list, taken (so it stays uniquely referenced) and handed back.
        var hits = scratch.hits, hitGroups = scratch.hitGroups
        scratch.hits = []
        scratch.hitGroups = []
        hits.removeAll(keepingCapacity: true)
        hitGroups.removeAll(keepingCapacity: true)
        defer {
            scratch.hits = hits
            scratch.hitGroups = hitGroups
        }
        var problem: String? = nil
        let raw = UnsafeRawBufferPointer(b)
        var pos = 0
        if options.prefilter, let prefilter = rules.triggers.prefilter, let matchers = scratch.prefilterMatchers {
            do {
                if prefilter.collects {
                    try prefilter.collect(b, matchers: matchers, into: &hits, groups: &hitGroups)
                } else {
                    try prefilter.scan(b, matchers: matchers) { range, trigger in
                        hits.append((trigger, range, -1))
                        return true
                    }
                }
            } catch {
                problem = "\(path): search stopped: \(error)"
            }
            pos = raw.count + 1
        }
        while pos <= raw.count {
            do {
                guard let (range, mark) = try scratch.matcher().nextRange(in: raw, from: pos) else { break }
                // The left word boundary is checked here, not in the pattern (see TriggerSet).
                if range.lowerBound > 0, SQLTokenizer.isWordByte(b[range.lowerBound - 1]) {
                    pos = range.lowerBound + 1
                    continue
                }
                if let mark, let t = Prefilter.markIndex(mark, count: rules.triggers.triggers.count) { hits.append((t, range, -1)) }
                pos = range.isEmpty ? range.upperBound + 1 : range.upperBound
            } catch {
                problem = "\(path): search stopped at byte \(pos): \(error)"
                break
            }
        }
        guard !hits.isEmpty else { return FileResult(findings: [], problem: problem) }
        var scan = FileScan(linter: self, b: b, language: language, path: path, scratch: scratch, hitGroups: hitGroups)
        return FileResult(findings: scan.run(hits), problem: problem)
    }
}

/// The work on one buffer that has trigger matches.
struct FileScan {
    let linter: Linter
    let b: UnsafeBufferPointer<UInt8>
    let language: Language
    let path: String
    let scratch: Scratch
    /// Tokenized on first need.
    var tokenized: RegionTree? = nil
    /// Where the trigger matches start (sorted): the only places regions are looked up.
    var hitStarts: [Int]? = nil
    var legacyFindings: [Finding] = []
    var patternFindings: [Finding] = []
    /// Table names a dataset's patterns judge, judged only in `resolve` and only when no legacy
    /// finding overlaps them (one would win over a grammar finding there): `at` is where in
    /// `patternFindings` the finding goes, in the order the hits came.
    var deferredGrammar: [(at: Int, entry: RuleSet.DatasetEntry, table: Range<Int>, place: Place)] = []

    /// The rule set's legacy rules and the thread's memo table, held here once per file (read
    /// through the rule set and the scratch on every match, each read counts references).
    let legacy: [LegacyRule]
    let memos: MemoTable
    /// The kept groups of the hits' matches (see `Hit`).
    let hitGroups: [Int]

    init(linter: Linter, b: UnsafeBufferPointer<UInt8>, language: Language, path: String, scratch: Scratch, hitGroups: [Int] = []) {
        self.linter = linter
        self.b = b
        self.language = language
        self.path = path
        self.scratch = scratch
        self.hitGroups = hitGroups
        legacy = linter.rules.legacy
        memos = scratch.memos
    }

    /// Where the last region lookup ended (matches come in file order: the next one is
    /// looked for from there, see `RegionLookup.index(containing:in:from:)`).
    var regionHint = 0

    /// Python strings whose SQL check has been done (the tokenizer leaves it for later: most
    /// strings never hold a match).
    var sqlChecked: [Bool] = []

    /// Tokenizes on first need (the regions stay in `tokenized`, read in place).
    mutating func tokenizeIfNeeded() {
        guard tokenized == nil else { return }
        let r = Tokenizers.regions(in: b, language: language, path: path, deferSQL: true, keeping: hitStarts)
        tokenized = r
        if language == .python {
            // (Appended: `Array(repeating:count:)` allocates through generic code.)
            sqlChecked.reserveCapacity(r.regions.count)
            sqlChecked.append(contentsOf: repeatElement(false, count: r.regions.count))
        }
    }

    /// The index of the top-level region that holds `r` (nil: `r` is in code), with that
    /// string checked for SQL first. Tokenizes on first need.
    mutating func regionIndex(around r: Range<Int>) -> Int? {
        tokenizeIfNeeded()
        let hint = regionHint
        let (found, last) = tokenized!.regions.withUnsafeBufferPointer { RegionLookup.index(containing: r, in: $0, from: hint) }
        regionHint = last
        guard let k = found else { return nil }
        guard language == .python, !sqlChecked[k] else { return k }
        sqlChecked[k] = true
        // Read and changed in place (the array stays uniquely referenced; the region is not
        // copied out): most strings with a match hold no SQL and are only looked at.
        let content = tokenized!.regions.withUnsafeBufferPointer { all -> Range<Int>? in
            PythonTokenizer.mayHoldSQL(kind: all[k].kind, context: all[k].context, isBytes: all[k].isBytes) ? all[k].content : nil
        }
        if let content, SQLTokenizer.mayHoldSQL(content, in: b) { tokenized!.markSQL(k, in: b) }
        return k
    }

    var all: Range<Int> { 0..<b.count }

    var rules: RuleSet { linter.rules }

    mutating func run(_ hits: [Hit]) -> [Finding] {
        var starts = hits.map(\.range.lowerBound)
        if zip(starts, starts.dropFirst()).contains(where: { $0 > $1 }) { starts.sort() }
        hitStarts = starts
        legacyFindings.reserveCapacity(hits.count)
        for hit in hits {
            // A table name right after its dataset (`models_v4.production_training_data_1w`) is
            // a hit of its own, inside the qualified finding just made: `resolve` would drop
            // what it reports (a contained legacy finding, or a grammar finding overlapping a
            // legacy one), so it is not worked out at all.
            // (The last finding's range read in place: `last` would copy the finding.)
            let covering = linter.options.skipCoveredHits && !legacyFindings.isEmpty ? legacyFindings[legacyFindings.count - 1].range : nil
            switch rules.triggers.triggers[hit.trigger] {
            case .rule(let i):
                if let covering, covering.lowerBound <= hit.range.lowerBound, hit.range.upperBound <= covering.upperBound { continue }
                ruleHit(i, hit.range, groups: hit.groups)
            case .dataset:
                datasetHit(rules.index.datasetByTrigger[hit.trigger]!, hit.range)
            case .prefix(let p):
                if let covering, covering.overlaps(hit.range) { continue }
                prefixHit(rules.patterns[p], hit.range)
            case .pathPrefix(let prefix):
                if let covering, covering.overlaps(hit.range) { continue }
                pathHit(prefix, hit.range)
            }
        }
        return resolve()
    }

    // MARK: where a match sits

    struct Place {
        var context: Context
        var region: Region?
        /// Where qualifiers are looked for.
        var bounds: Range<Int>
        /// Where a missing capture (a horizon) is looked for.
        var inferenceScope: InferenceScope
    }

    /// A range, or the token around the match within bounds, worked out only when a missing
    /// capture is looked for (most matches need none, and a place is made for every match).
    enum InferenceScope {
        case range(Range<Int>)
        case token(around: Range<Int>, within: Range<Int>)
    }

    mutating func place(of r: Range<Int>) -> Place {
        let all = 0..<b.count
        guard let k = regionIndex(around: r) else {
            return Place(context: defaultContext, region: nil, bounds: all, inferenceScope: .token(around: r, within: all))
        }
        // Most matches lie in a plain string or comment: no field or nested region to look into.
        // (A region is a plain value: read out of the tree, it is copied, no reference counted.)
        let region = tokenized!.regions[k]
        if !region.hasInside { return place(in: region, context: region.context, r) }
        // The region is known: only its fields and nested regions are looked into.
        switch RegionLookup.place(of: r, within: region, in: tokenized!) {
        case .code:
            return Place(context: defaultContext, region: nil, bounds: all, inferenceScope: .token(around: r, within: all))
        case .field(let region, let field):
            return Place(context: .identifier, region: region, bounds: field.expression, inferenceScope: .range(r))
        case .region(let region):
            return place(in: region, context: region.context, r)
        }
    }

    /// The place of `r` inside `region` (the innermost region that holds it), whose tokenizer
    /// context is `context`.
    func place(in region: Region, context tokenContext: Context, _ r: Range<Int>) -> Place {
        var context = tokenContext
        if region.kind == .string, region.holdsSQL {
            context = .sql
        } else if context == .string, hasTemplateMarkers(region.content) {
            context = .template
        }
        let pythonString = region.kind == .string && !region.holdsSQL && (context == .string || context == .fstring || context == .template)
        let scope: InferenceScope = pythonString ? .range(region.content) : .token(around: r, within: region.content)
        return Place(context: context, region: region, bounds: region.content, inferenceScope: scope)
    }

    var defaultContext: Context {
        switch language {
        case .python, .notebook: return .identifier
        case .sql: return .sql
        case .shell: return .shell
        case .config: return .config
        case .text: return .text
        }
    }

    /// The run of non-space, non-quote bytes around `r` (a path-like token), braces balanced.
    /// (Stops: white space, quotes, backticks, `,;()`; scanned in C by table.)
    func token(around r: Range<Int>, within bounds: Range<Int>) -> Range<Int> {
        let base = b.baseAddress!
        return nomen_token_start(base, r.lowerBound, bounds.lowerBound)..<nomen_token_end(base, r.upperBound, bounds.upperBound)
    }

    func hasTemplateMarkers(_ r: Range<Int>) -> Bool {
        var k = r.lowerBound
        while k < r.upperBound {
            let c = b[k]
            if c == UInt8(ascii: "{"), k + 1 < r.upperBound, b[k + 1] != UInt8(ascii: "{") {
                var j = k + 1
                while j < r.upperBound, b[j] != UInt8(ascii: "}"), b[j] != UInt8(ascii: "{"), b[j] != 0x0A { j += 1 }
                if j < r.upperBound, b[j] == UInt8(ascii: "}") { return true }
            }
            if c == UInt8(ascii: "%"), k + 1 < r.upperBound, b[k + 1] == UInt8(ascii: "s") || b[k + 1] == UInt8(ascii: "(") || b[k + 1] == UInt8(ascii: "d") {
                return true
            }
            k += 1
        }
        return false
    }

    func text(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }

    // MARK: legacy and retired rules

    /// Legacy rule `index` matched exactly over `r` (its captures are the groups of the
    /// match), or nil.
    func match(of index: Int, over r: Range<Int>) -> Match? {
        let raw = UnsafeRawBufferPointer(b)
        // The groups go into the thread's array (see `Scratch.groups`).
        guard let m = try? scratch.matcher(legacy: index, anchored: true).firstMatch(in: raw, from: r.lowerBound, reusing: &scratch.groups), m.range == r else {
            let matcher = scratch.matcher(legacy: index, anchored: false)
            // The rule's own whole-word form may stop elsewhere: try once more forcing the end.
            guard let sub = try? matcher.firstMatch(in: UnsafeRawBufferPointer(rebasing: raw[..<r.upperBound]), from: r.lowerBound, options: [.anchored, .endAnchored],
                                                    reusing: &scratch.groups),
                  sub.range == r else { return nil }
            return sub
        }
        return m
    }

    /// The named captures of a match of `rule`, as text.
    func captureValues(_ m: Match, _ rule: LegacyRule) -> [String: String] {
        var out: [String: String] = [:]
        for (name, n) in rule.regex.groupNames { if n < m.groups.count, let g = m.groups[n] { out[name] = text(g) } }
        return out
    }

    /// The match of legacy rule `index` over `r` whose groups are kept at `k` in `hitGroups`:
    /// the prefilter's match of the rule's trigger, whose pattern is the rule's anchored one
    /// (`TriggerSet`), so it is the match `match(of:over:)` would make again.
    func keptMatch(of index: Int, at k: Int) -> Match {
        hitGroups.withUnsafeBufferPointer { g in
            Matcher.fill(&scratch.groups, count: legacy[index].anchored.groupCount + 1) { j in
                let s = g[k + 2 * j], e = g[k + 2 * j + 1]
                return s < 0 ? nil : s..<e
            }
        }
        return Match(groups: scratch.groups, mark: nil)
    }

    /// `groups`: where the hit's match is kept in `hitGroups`, or -1 (matched again here).
    mutating func ruleHit(_ index: Int, _ r: Range<Int>, groups: Int = -1) {
        let rule = legacy[index]
        let place = place(of: r)
        guard rule.applies(in: place.context) else { return }
        let found = groups >= 0 ? keptMatch(of: index, at: groups) : match(of: index, over: r)
        assert(groups < 0 || found?.groups == match(of: index, over: r)?.groups, "a kept trigger match differs from the rule's")
        guard let m = found else { return }
        // A match that is nothing but a placeholder (in a named capture) names nothing.
        // (The first byte is looked at first: it rules out nearly every match. An empty match,
        // at the end of the buffer too, has none and is no placeholder.)
        if !r.isEmpty, b[r.lowerBound] == UInt8(ascii: "{") || b[r.lowerBound] == UInt8(ascii: "%") || b[r.lowerBound] == UInt8(ascii: "$"),
           rule.regex.groupNames.values.contains(where: { $0 < m.groups.count && m.groups[$0] == r }) { return }
        // Only a name right after a `.` (or a backticked one's backtick) can be qualified: most
        // are not, and need no reference worked out.
        let mayBeQualified = r.lowerBound > place.bounds.lowerBound && (b[r.lowerBound - 1] == UInt8(ascii: ".") || b[r.lowerBound - 1] == UInt8(ascii: "`"))
        let reference = rule.hasReplacement && mayBeQualified ? Reference.around(r, in: b, bounds: place.bounds) : nil
        var noFix: String? = nil
        if let reference, reference.index > 0, reference.index == reference.parts.count - 1 {
            // A qualified name keeps its dataset: fine for a known dataset that no rule moves,
            // not for a dataset nomen cannot see (`{cfg['dataset']}`) or one that must change.
            let qualifier = reference.parts[reference.index - 1]
            if !keepsItsDataset(qualifier) {
                noFix = "it is qualified by `\(text(qualifier))`, and the rule does not say what that dataset becomes"
            }
        } else if rule.hasReplacement, let qualifier = hiddenQualifier(of: r, place: place), !keepsItsDataset(qualifier) {
            noFix = "it follows `\(qualifier)` in a separate string, which would have to change too"
        }
        emit(rule: index, place: place, found: r, match: m, edits: PlannedEdits(dataset: nil, name: r), noFix: noFix)
    }

    /// A renamed table may stay in a known dataset that no rule moves elsewhere.
    func keepsItsDataset(_ qualifier: String) -> Bool {
        rules.index.keptDatasets.contains(qualifier)
    }

    /// The same for the name at `r`: compared as bytes when ASCII (no string is made), else
    /// as a string (canonically equivalent spellings count, as everywhere else).
    func keepsItsDataset(_ r: Range<Int>) -> Bool {
        let b = self.b  // captured alone: a closure capturing `self` copies the whole scan
        guard !b[r].contains(where: { $0 >= 0x80 }) else { return keepsItsDataset(text(r)) }
        return rules.index.keptDatasetBytes.contains(UnsafeBufferPointer(rebasing: b[r]))
    }

    /// A qualifier held in a neighbouring string: `"p.models_v4." "name"` (implicit
    /// concatenation) or `source('models_v4', 'name')` (an argument list). nil when there is none.
    func hiddenQualifier(of r: Range<Int>, place: Place) -> String? {
        // The name must be a whole quoted literal's content, or start it.
        guard r.lowerBound > 0, b[r.lowerBound - 1] == UInt8(ascii: "'") || b[r.lowerBound - 1] == UInt8(ascii: "\"") else { return nil }
        var k = r.lowerBound - 2
        var sawComma = false
        while k >= 0, b[k] == 0x20 || b[k] == 0x0A || b[k] == 0x0D || b[k] == 0x09 || (b[k] == UInt8(ascii: ",") && !sawComma) {
            if b[k] == UInt8(ascii: ",") { sawComma = true }
            k -= 1
        }
        guard k >= 0, b[k] == UInt8(ascii: "'") || b[k] == UInt8(ascii: "\"") else { return nil }
        let close = k
        k -= 1
        while k >= 0, b[k] != b[close], b[k] != 0x0A { k -= 1 }
        guard k >= 0, b[k] == b[close] else { return nil }
        var content = text((k + 1)..<close)
        if sawComma {
            // An argument list: the previous argument names the dataset.
            return content.isEmpty ? nil : content
        }
        // Implicit concatenation: the previous string ends with a dot.
        guard content.hasSuffix(".") else { return nil }
        content.removeLast()
        return content.split(separator: ".").last.map(String.init) ?? content
    }

    mutating func datasetHit(_ entry: RuleSet.DatasetEntry, _ r: Range<Int>) {
        // A valid table name needs no context: the common case costs no tokenizing.
        let rough = Reference.around(r, in: b, bounds: all)
        guard rough.index + 1 < rough.parts.count else { return }
        let roughTable = rough.parts[rough.index + 1]
        let datasetRules = entry.rules
        // The first rule that names this table, with its captures (kept for the common case
        // where the reference is the same once its context is known).
        var roughMatch: (rule: Int, position: Int, match: Match)? = nil
        for (position, i) in datasetRules.enumerated() {
            if let m = match(of: i, over: roughTable) { roughMatch = (i, position, m); break }
        }
        if roughMatch == nil {
            guard entry.hasPatterns else { return }
            let name = rough.parts[rough.index + 1]
            if isException(name) { return }
            if isValid(name, patterns: entry.patterns) { return }
        }
        let place = place(of: r)
        // Bounds that leave room around the rough reference (a quote, a backtick and a dot on
        // either side) cannot change what it reads.
        let roomy = rough.range.lowerBound - 3 >= place.bounds.lowerBound && rough.range.upperBound + 3 <= place.bounds.upperBound
        let reference = roomy ? rough : Reference.around(r, in: b, bounds: place.bounds)
        guard reference.index + 1 < reference.parts.count else { return }
        let table = reference.parts[reference.index + 1]
        let span = r.lowerBound..<table.upperBound
        for (position, i) in datasetRules.enumerated() where legacy[i].applies(in: place.context) {
            // Over the same table, rules before the first that matched did not match.
            var m: Match? = nil
            if table != roughTable { m = match(of: i, over: table) }
            else if let roughMatch, position == roughMatch.position { m = roughMatch.match }
            else if let roughMatch, position > roughMatch.position { m = match(of: i, over: table) }
            guard let m else { continue }
            emit(rule: i, place: place, found: span, match: m,
                 edits: PlannedEdits(dataset: r, name: table), noFix: nil)
            return
        }
        // No rule: the table name must follow the dataset's patterns.
        guard entry.hasPatterns, place.context != .identifier, place.context != .comment, place.context != .docstring else { return }
        let patterns = entry.patterns
        let inTable = reference.backticked || isTablePosition(reference.parts[0].lowerBound, bounds: place.bounds)
        let wholeString = place.region?.kind == .string && !(place.region?.holdsSQL ?? false)
            && place.region!.content == reference.range
        guard inTable || (wholeString && ByteSearch.firstIndex(of: Array(patterns[0].separator.utf8), in: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[table]), from: 0) != nil)
        else { return }
        // Judged in `resolve`, unless a legacy finding overlaps it (a legacy rule for the same
        // name, `training.zl_training_prod_all_1m`, is a later hit).
        deferredGrammar.append((patternFindings.count, entry, table, place))
    }

    /// The grammar finding on a dataset's table name (see `deferredGrammar`), if any.
    func datasetGrammarFinding(_ entry: RuleSet.DatasetEntry, table: Range<Int>, place: Place) -> Finding? {
        let name = text(table), dataset = entry.name
        if rules.exceptions.contains(where: { $0.name == name && ($0.datasets.isEmpty || $0.datasets.contains(dataset)) }) { return nil }
        return grammarFinding(name: name, range: table, patterns: entry.patterns, place: place)
    }

    /// Whether the word before `p` is a keyword after which SQL names a table.
    func isTablePosition(_ p: Int, bounds: Range<Int>) -> Bool {
        var k = p
        while k > bounds.lowerBound, b[k - 1] == UInt8(ascii: "`") || b[k - 1] == 0x20 || b[k - 1] == 0x0A || b[k - 1] == 0x09 || b[k - 1] == 0x0D { k -= 1 }
        let e = k
        while k > bounds.lowerBound, SQLTokenizer.isWordByte(b[k - 1]) { k -= 1 }
        guard e > k, e - k <= 6 else { return false }
        switch text(k..<e).lowercased() {
        case "from", "join", "into", "update", "table", "view", "merge", "using", "exists": return true
        default: return false
        }
    }

    /// Reports legacy rule `index` over `span`: the match gives the captures, `planned` the
    /// ranges to replace (a dataset-qualified reference has two, shown as `dataset.table`).
    ///
    /// Everything a finding says follows from the rule, the context, the span's bytes, the
    /// capture and edit offsets inside it, inferred values and the reason for no fix; that is
    /// worked out once per thread and reused (`Scratch.memos`), so a name repeated ten thousand
    /// times is rendered once.
    mutating func emit(rule index: Int, place: Place, found span: Range<Int>, match m: Match,
                       edits planned: PlannedEdits, noFix initialNoFix: String?) {
        let qualified = planned.dataset != nil
        var noFix = initialNoFix
        var inferred: [(String, String)] = []
        // Captures the pattern lacks are learned from the context, or there is no fix.
        if !legacy[index].inferenceOrder.isEmpty {
            for (name, inference) in legacy[index].inferenceOrder {
                switch infer(inference, place: place, excluding: span) {
                case .value(let v): inferred.append((name, v))
                case .none:
                    let plainPython = place.region?.kind == .string && place.region?.isFString == false && language == .python
                        && place.region.map { b[$0.content].contains(UInt8(ascii: "{")) } == true
                    noFix = noFix ?? "the \(name) could not be determined from this string (no literal \(name)" + (plainPython && !inference.placeholders.isEmpty ? "; a `{…}` field counts only in an f-string" : "") + ")"
                case .ambiguous(let found):
                    noFix = noFix ?? "the \(name) is ambiguous here (found " + found.map { "`\($0)`" }.joined(separator: ", ") + ")"
                }
            }
        }
        memos.setKey(rule: index, context: place.context, qualified: qualified, bytes: b, span: span, groups: m.groups,
                     edits: planned, noFix: noFix, inferred: inferred)
        // The finding is made from the memo read in place (the memo is not retained). The
        // closure captures the path and the span, not `self` (that would copy this struct).
        let path = self.path
        func finding(_ memo: Memo) -> Finding? {
            guard let detail = memo.detail else { return nil }
            return Finding(path: path, range: span, detail: detail,
                           fix: memo.fixable ? Fix(sortedEdits: memo.edits, base: span.lowerBound, applicability: .safe) : nil)
        }
        if let known = memos.read(finding) {
            if let f = known { legacyFindings.append(f) }
            return
        }
        let memo = describe(legacy[index], place: place, span: span, match: m, planned: planned, noFix: noFix, inferred: inferred, qualified: qualified)
        memos.insert(memo)
        if let f = finding(memo) { legacyFindings.append(f) }
    }

    /// What `emit` reports for a match, worked out from scratch.
    func describe(_ rule: LegacyRule, place: Place, span: Range<Int>, match m: Match, planned: PlannedEdits,
                  noFix initialNoFix: String?, inferred: [(String, String)], qualified: Bool) -> Memo {
        var values = captureValues(m, rule)
        for (name, value) in inferred { values[name] = value }
        var noFix = initialNoFix
        var replacements: [[UInt8]?] = []
        var newParts: [String] = []
        var changed = false
        for k in 0..<planned.count {
            let range = planned.range(k), template = planned.template(k, of: rule)
            let old = text(range)
            guard let template else { newParts.append(old); replacements.append(nil); continue }
            guard let value = template.render(values) else {
                noFix = noFix ?? "the replacement needs a value the match does not give"
                newParts.append(old)
                replacements.append(nil)
                continue
            }
            newParts.append(value)
            replacements.append(value != old ? Array(value.utf8) : nil)
            if value != old { changed = true }
        }
        let found = qualified ? newPartsJoined((0..<planned.count).map { text(planned.range($0)) }) : text(span)
        let replacement = rule.replacement == nil || noFix != nil ? nil : newPartsJoined(newParts)
        // Already in the new form: nothing to report.
        if rule.replacement != nil, noFix == nil, !changed { return Memo(detail: nil, edits: [], fixable: false) }
        if place.context == .identifier, rule.replacement != nil {
            noFix = noFix ?? "it is a Python identifier; renaming code symbols is a separate job"
        }
        var message: String
        if let custom = rule.message, let t = rule.messageTemplate {
            var all = values
            all["found"] = found
            all["replacement"] = replacement ?? "?"
            message = t.render(all) ?? custom
        } else if rule.kind == .retired {
            message = "`\(found)` is retired and has no replacement"
        } else if let replacement {
            message = "`\(found)` is a legacy name; use `\(replacement)`"
        } else {
            message = "`\(found)` is a legacy name"
        }
        if rule.replacement != nil, let noFix { message += "; no fix: \(noFix)" }
        let detail = FindingDetail(rule: rule.id, origin: rule.kind == .retired ? .retired : .legacy, severity: rule.severity(on: linter.options.today),
                                   message: message, found: found, replacement: replacement, context: place.context,
                                   noFixReason: rule.kind == .retired ? "there is no replacement" : noFix)
        // Edit k of the plan, in file order, counted from the span's start.
        var edits: [Edit] = []
        for k in 0..<planned.count {
            guard let bytes = replacements[k] else { continue }
            let r = planned.range(k)
            edits.append(Edit(range: (r.lowerBound - span.lowerBound)..<(r.upperBound - span.lowerBound), replacement: bytes))
        }
        return Memo(detail: detail, edits: edits, fixable: noFix == nil && changed)
    }

    /// What a legacy finding replaces: the name and, in a dataset-qualified reference, the
    /// dataset before it (by the rule's `replacementDatasetTemplate` and `replacement`).
    struct PlannedEdits {
        var dataset: Range<Int>?
        var name: Range<Int>

        var count: Int { dataset == nil ? 1 : 2 }

        /// Edit `k` in file order (the dataset first).
        func range(_ k: Int) -> Range<Int> { k == 0 && dataset != nil ? dataset! : name }

        func template(_ k: Int, of rule: LegacyRule) -> Template? {
            k == 0 && dataset != nil ? rule.replacementDatasetTemplate : rule.replacement
        }
    }

    /// A one-part name as is; a dataset-qualified one as `dataset.table`.
    private func newPartsJoined(_ parts: [String]) -> String { parts.joined(separator: ".") }

    enum Inferred { case value(String), none, ambiguous([String]) }

    func infer(_ inference: Inference, place: Place, excluding span: Range<Int>) -> Inferred {
        var found: [String] = []
        let scope: Range<Int>
        switch place.inferenceScope {
        case .range(let r): scope = r
        case .token(let r, let bounds): scope = token(around: r, within: bounds)
        }
        if let region = place.region, region.isFString, let tree = tokenized {
            for field in tree.fields(of: region) where scope.contains(field.range.lowerBound) {
                var expr = text(field.expression)
                expr = String(expr.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " || $0 == "=" }).reversed())
                if inference.placeholders.contains(expr) {
                    let v = text(field.range)
                    if !found.contains(v) { found.append(v) }
                }
            }
        }
        // Each value's first occurrence in the scope that stands alone and is not the match.
        let upTo = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[..<scope.upperBound])
        for (value, needle) in zip(inference.values, inference.needles) {
            var from = scope.lowerBound
            while let k = ByteSearch.firstIndex(of: needle, in: upTo, from: from) {
                if !span.overlaps(k..<(k + needle.count)),
                   k == scope.lowerBound || !Self.isAlnum(b[k - 1]),
                   k + needle.count == scope.upperBound || !Self.isAlnum(b[k + needle.count]) {
                    if !found.contains(value) { found.append(value) }
                    break
                }
                from = k + 1
            }
        }
        switch found.count {
        case 0: return .none
        case 1: return .value(found[0])
        default: return .ambiguous(found)
        }
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    // MARK: almost-valid names

    /// The word at `r`: name characters and placeholders, up to a dot or anything else.
    func word(from r: Range<Int>, within bounds: Range<Int>) -> Range<Int> {
        var e = r.upperBound
        while e < bounds.upperBound {
            let c = b[e]
            if SQLTokenizer.isWordByte(c) || c == UInt8(ascii: "-") { e += 1; continue }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "%") || c == UInt8(ascii: "$"),
               let end = Placeholder.end(in: b, at: e, limit: bounds.upperBound), end <= bounds.upperBound { e = end; continue }
            break
        }
        while e > r.upperBound, b[e - 1] == UInt8(ascii: "-") { e -= 1 }
        return r.lowerBound..<e
    }

    mutating func prefixHit(_ pattern: NamePattern, _ r: Range<Int>) {
        let roughRange = word(from: r, within: all)
        if isException(roughRange) { return }
        let roughPatterns = patterns(forWord: roughRange, default: pattern)
        if isValid(roughRange, patterns: roughPatterns) { return }
        let place = place(of: r)
        guard place.context != .identifier else { return }
        let range = word(from: r, within: place.bounds)
        let name = text(range)
        if let f = grammarFinding(name: name, range: range, patterns: patterns(forWord: name, default: pattern), place: place) { patternFindings.append(f) }
    }

    /// Whether the bytes at `r` are an exception's name (in any dataset).
    /// Bytes when the name is ASCII; otherwise as strings (canonically equivalent spellings of
    /// an exception's name count, as everywhere else).
    func isException(_ r: Range<Int>) -> Bool {
        let b = self.b  // captured alone: a closure capturing `self` copies the whole scan
        guard !b[r].contains(where: { $0 >= 0x80 }) else {
            let name = text(r)
            return rules.exceptions.contains { $0.name == name }
        }
        // (Bytes against bytes: a string per exception read here counted references each time.)
        return rules.index.exceptionBytes.contains(UnsafeBufferPointer(rebasing: b[r]))
    }

    /// `patterns(forWord:default:)` for the word at `r`, without making a string of it when it
    /// is ASCII (the common case).
    func patterns(forWord r: Range<Int>, default pattern: NamePattern) -> [NamePattern] {
        let b = self.b
        guard !b[r].contains(where: { $0 >= 0x80 }) else { return patterns(forWord: text(r), default: pattern) }
        func lower(_ c: UInt8) -> UInt8 { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c }
        let ps = rules.patterns.filter { p in
            !p.isPath && p.prefixes.contains { prefix in
                prefix.utf8.count <= r.count && zip(prefix.utf8, b[r]).allSatisfy { $0 == lower($1) }
            }
        }
        return ps.isEmpty ? [pattern] : ps
    }

    func patterns(forWord name: String, default pattern: NamePattern) -> [NamePattern] {
        let lower = name.lowercased()
        let ps = rules.patterns.filter { p in !p.isPath && p.prefixes.contains { lower.hasPrefix($0) } }
        return ps.isEmpty ? [pattern] : ps
    }

    /// The grammar's verdict on `name` against `patterns`, cached per thread.
    func cachedValidation(name: String, patterns: [NamePattern]) -> Validation {
        verdictKey(patterns)
        scratch.verdicts.append(name)
        return validation(name, patterns)
    }

    /// Whether the name at `r` follows `patterns`: the cached verdict read in place (most
    /// names a match leads to are valid, and only that is asked; a string is made only when
    /// the verdict is not cached).
    func isValid(_ r: Range<Int>, patterns: [NamePattern]) -> Bool {
        verdictKey(patterns)
        scratch.verdicts.append(UnsafeBufferPointer(rebasing: b[r]))
        if let valid = scratch.verdicts.read({ $0.valid }) { return valid }
        let v = Validator(rules: rules).validate(name: text(r), against: patterns)
        scratch.verdicts.insert(v)
        return v.valid
    }

    /// The verdict for the key just built, worked out when it is not cached (`name` is made
    /// only then).
    private func validation(_ name: @autoclosure () -> String, _ patterns: [NamePattern]) -> Validation {
        if let known = scratch.verdicts.cached() { return known }
        let v = Validator(rules: rules).validate(name: name(), against: patterns)
        scratch.verdicts.insert(v)
        return v
    }

    /// Starts a verdict key: which patterns (by identity: they live as long as the rules).
    private func verdictKey(_ patterns: [NamePattern]) {
        scratch.verdicts.startKey()
        scratch.verdicts.appendByte(1)
        scratch.verdicts.append(patterns.count)
        for p in patterns { scratch.verdicts.append(Int(bitPattern: UInt(bitPattern: ObjectIdentifier(p)))) }
    }

    /// A path's verdict (`Validator.validate(_:checkLegacy: false)`), cached per thread.
    func cachedPathValidation(_ r: Range<Int>) -> Validation {
        pathVerdictKey(r)
        if let known = scratch.verdicts.cached() { return known }
        let v = Validator(rules: rules).validate(text(r), checkLegacy: false)
        scratch.verdicts.insert(v)
        return v
    }

    /// Whether the path at `r` is valid, the cached verdict read in place.
    func isValidPath(_ r: Range<Int>) -> Bool {
        pathVerdictKey(r)
        if let valid = scratch.verdicts.read({ $0.valid }) { return valid }
        let v = Validator(rules: rules).validate(text(r), checkLegacy: false)
        scratch.verdicts.insert(v)
        return v.valid
    }

    private func pathVerdictKey(_ r: Range<Int>) {
        scratch.verdicts.startKey()
        scratch.verdicts.appendByte(2)
        scratch.verdicts.append(UnsafeBufferPointer(rebasing: b[r]))
    }

    /// The path at `r`, or nil when a glob or a template we cannot judge cuts it short.
    func pathToken(from r: Range<Int>, within bounds: Range<Int>) -> Range<Int>? {
        var e = r.upperBound
        while e < bounds.upperBound {
            let c = b[e]
            if SQLTokenizer.isWordByte(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "/") || c == UInt8(ascii: ".") { e += 1; continue }
            if c == UInt8(ascii: "{"), let end = Placeholder.end(in: b, at: e, limit: bounds.upperBound), end <= bounds.upperBound { e = end; continue }
            break
        }
        if e < bounds.upperBound, [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "$")].contains(b[e]) { return nil }
        while e > r.upperBound, b[e - 1] == UInt8(ascii: ".") { e -= 1 }
        return r.lowerBound..<e
    }

    mutating func pathHit(_ prefix: String, _ r: Range<Int>) {
        guard let rough = pathToken(from: r, within: all) else { return }
        if isValidPath(rough) { return }
        let place = place(of: r)
        guard place.context != .identifier, let token = pathToken(from: r, within: place.bounds) else { return }
        let e = token.upperBound
        let validation = cachedPathValidation(token)
        guard !validation.valid, validation.legacy == nil, let issue = validation.errors.first else { return }
        let path = text(token)
        let pattern = rules.patterns.first { $0.id == validation.pattern } ?? rules.patterns.first { $0.pathPrefixes.contains(prefix) }
        guard let pattern else { return }
        patternFindings.append(grammarFinding(pattern: pattern, issue: issue, range: r.lowerBound..<e, name: path, suggestion: issue.suggestion, place: place))
    }

    func grammarFinding(name: String, range: Range<Int>, patterns: [NamePattern], place: Place) -> Finding? {
        let validation = cachedValidation(name: name, patterns: patterns)
        guard !validation.valid, let issue = validation.errors.first else { return nil }
        let pattern = patterns.first { $0.id == validation.pattern } ?? patterns[0]
        return grammarFinding(pattern: pattern, issue: issue, range: range, name: name, suggestion: issue.suggestion, place: place)
    }

    func grammarFinding(pattern: NamePattern, issue: Validation.Issue, range: Range<Int>, name: String, suggestion: String?, place: Place) -> Finding {
        // What the finding says depends only on these; it is worked out once per thread.
        let cache = scratch.grammarDetails
        cache.startKey()
        cache.append(Int(bitPattern: UInt(bitPattern: ObjectIdentifier(pattern))))
        cache.append(place.context.ordinal)
        cache.append(name)
        cache.append(issue.message)
        if let suggestion { cache.append(1); cache.append(suggestion) } else { cache.append(0) }
        let said = cache.value { () -> GrammarDetail in
            let fixable = suggestion.map { $0 != name && !$0.contains(where: { $0 == "\n" }) } ?? false
            let detail = FindingDetail(rule: pattern.id, origin: .pattern, severity: pattern.severity,
                                       message: "`\(name)` does not follow `\(pattern.layout)`: \(issue.message)", found: name,
                                       replacement: suggestion, context: place.context,
                                       noFixReason: suggestion == nil ? "no single correction is known" : nil)
            return GrammarDetail(detail: detail, fix: fixable ? suggestion.map { Array($0.utf8) } : nil)
        }
        let fix = said.fix.map { Fix(edits: [Edit(range: range, replacement: $0)], applicability: .unsafe) }
        return Finding(path: path, range: range, detail: said.detail, fix: fix)
    }

    // MARK: resolving overlaps and ignores

    /// The findings to report, in order. Works on `legacyFindings` in place: matches come in
    /// file order, so the sort is usually a check, and nothing is copied when there are no
    /// grammar findings.
    mutating func resolve() -> [Finding] {
        // Among legacy findings a wider one (dataset-qualified) wins over one it contains.
        // Sorted by start, widest first: a finding is contained in an earlier one exactly when
        // it ends no later than the furthest end kept so far. One pass, no pairwise checks.
        func before(_ a: Range<Int>, _ b: Range<Int>) -> Bool { (a.lowerBound, -a.count) < (b.lowerBound, -b.count) }
        var sorted = true
        for k in legacyFindings.indices.dropFirst() where before(legacyFindings[k].range, legacyFindings[k - 1].range) {
            sorted = false
            break
        }
        if !sorted { legacyFindings.sort { before($0.range, $1.range) } }
        var kept = 0
        var furthest = -1
        for k in legacyFindings.indices {
            let r = legacyFindings[k].range
            if r.upperBound <= furthest { continue }
            furthest = r.upperBound
            if kept != k { legacyFindings.swapAt(kept, k) }
            kept += 1
        }
        legacyFindings.removeLast(legacyFindings.count - kept)
        if !deferredGrammar.isEmpty { judgeDeferredGrammar() }
        // Kept legacy findings are disjoint, so sorted by start they are in report order.
        var all = legacyFindings
        legacyFindings = []
        if !patternFindings.isEmpty {
            // A grammar finding never overlaps a legacy one: the legacy rule says more.
            var grammar: [Finding] = []
            var k = 0
            var previous: Range<Int>? = nil
            func byRange(_ a: Finding, _ b: Finding) -> Bool { (a.range.lowerBound, a.range.upperBound) < (b.range.lowerBound, b.range.upperBound) }
            if zip(patternFindings, patternFindings.dropFirst()).contains(where: { byRange($1, $0) }) { patternFindings.sort(by: byRange) }
            for f in patternFindings {
                while k < all.count, all[k].range.upperBound <= f.range.lowerBound { k += 1 }
                // Legacy findings are disjoint and sorted, so only those from `k` on can overlap.
                var overlaps = false
                var j = k
                while j < all.count, all[j].range.lowerBound < f.range.upperBound {
                    if all[j].range.overlaps(f.range) { overlaps = true; break }
                    j += 1
                }
                if overlaps || previous == f.range { continue }
                grammar.append(f)
                previous = f.range
            }
            // Both lists are in order and no grammar finding has a legacy finding's range (they
            // do not overlap): a merge by range is the sort by (range, rule). Done in place, from
            // the back: the legacy findings move within their array (no copy, no reference
            // counted up and down), and each grammar finding drops into its gap.
            if !grammar.isEmpty {
                var i = all.count - 1
                all.append(contentsOf: grammar)
                var j = grammar.count - 1
                all.withUnsafeMutableBufferPointer { buf in
                    var w = buf.count - 1
                    while j >= 0 {
                        if i >= 0, byRange(grammar[j], buf[i]) { buf.swapAt(w, i); i -= 1 } else { buf[w] = grammar[j]; j -= 1 }
                        w -= 1
                    }
                }
            }
        }
        if !all.isEmpty { removeIgnored(&all) }
        return all
    }

    /// Judges the deferred table names that no (kept, so sorted and disjoint) legacy finding
    /// overlaps, their findings put where they would have gone in `patternFindings`.
    mutating func judgeDeferredGrammar() {
        let deferred = deferredGrammar
        deferredGrammar = []
        func overlapsLegacy(_ r: Range<Int>) -> Bool {
            legacyFindings.withUnsafeBufferPointer { fs in
                // The first finding that ends after the range starts: the only one that can overlap.
                var lo = 0, hi = fs.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if fs[mid].range.upperBound <= r.lowerBound { lo = mid + 1 } else { hi = mid }
                }
                return lo < fs.count && fs[lo].range.overlaps(r)
            }
        }
        var made: [(at: Int, finding: Finding)] = []
        for d in deferred where !overlapsLegacy(d.table) {
            if let f = datasetGrammarFinding(d.entry, table: d.table, place: d.place) { made.append((d.at, f)) }
        }
        guard !made.isEmpty else { return }
        var merged: [Finding] = []
        merged.reserveCapacity(patternFindings.count + made.count)
        var k = 0
        for (at, f) in made {
            while k < at { merged.append(patternFindings[k]); k += 1 }
            merged.append(f)
        }
        while k < patternFindings.count { merged.append(patternFindings[k]); k += 1 }
        patternFindings = merged
    }

    /// The inline-ignore marker's bytes (made once, read by every thread).
    static let ignoreMarker = SharedObjects.pinned(Array("nomen: ignore".utf8))

    /// Drops the findings an inline ignore silences: `nomen: ignore` or `nomen: ignore[rule-id, …]`
    /// on the finding's line, in any comment form. Only the findings' lines are read, each once
    /// (the findings are in file order: those on one line follow each other); not the whole
    /// file, which holds some 20 findings in 13 KB on the benchmark corpus.
    func removeIgnored(_ all: inout [Finding]) {
        guard let base = b.baseAddress else { return }
        let marker = Self.ignoreMarker
        // The lines are read in place (the findings are not copied, nor their references
        // counted): most files have no marker, and then nothing else is done.
        var marked: [(line: ClosedRange<Int>, markerAt: Int)] = []
        all.withUnsafeBufferPointer { fs in
            marker.withUnsafeBufferPointer { m in
                // The line last looked at. (Its end is its line feed, or the buffer's end: an
                // offset there is in it.)
                var line = -1 ... -1
                for k in fs.indices {
                    let at = min(fs[k].range.lowerBound, b.count)
                    if line.contains(at) { continue }
                    var start = 0, end = 0
                    let found = nomen_line_find(base, b.count, at, m.baseAddress, m.count, &start, &end)
                    line = start ... end
                    if found < end { marked.append((line, found)) }
                }
            }
        }
        guard !marked.isEmpty else { return }
        all.removeAll { f in
            let at = min(f.range.lowerBound, b.count)
            guard let hit = marked.first(where: { $0.line.contains(at) }) else { return false }
            return ignores(f, markerAt: hit.markerAt, lineEnd: hit.line.upperBound)
        }
    }

    /// Whether the marker at `markerAt` silences `f` (every rule, or `f`'s among those listed).
    func ignores(_ f: Finding, markerAt: Int, lineEnd e: Int) -> Bool {
        var k = markerAt + Self.ignoreMarker.count
        guard k < e, b[k] == UInt8(ascii: "[") else { return true }
        k += 1
        let close = (k..<e).first { b[$0] == UInt8(ascii: "]") } ?? e
        let ids = text(k..<close).split(separator: ",").map { $0.trimmingCharacters(in: " ") }
        return ids.contains(f.rule) || (rules.rule(withID: f.rule)?.aliases.contains(where: ids.contains) ?? false)
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(self.drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}

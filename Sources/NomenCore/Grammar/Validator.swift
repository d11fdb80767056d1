/// The verdict on one name.
public struct Validation: Sendable, Equatable {
    public struct SegmentValue: Sendable, Equatable {
        public let name: String
        public let value: String
    }
    public struct Issue: Sendable, Equatable {
        /// The failing segment, or nil for whole-name problems (case, separators, unknown dataset).
        public let segment: String?
        /// 1-based column in the input, counting Unicode scalars.
        public let column: Int
        public let message: String
        public let suggestion: String?
    }
    public struct Legacy: Sendable, Equatable {
        public let rule: String
        public let replacement: String?
        public let message: String
    }

    public let input: String
    public let valid: Bool
    public let pattern: String?
    public let segments: [SegmentValue]
    public let errors: [Issue]
    public let legacy: Legacy?
    /// A remark for valid names no pattern constrains, or names allowed as exceptions.
    public let note: String?
}

/// Validates names (bare, `dataset.table`, `project.dataset.table`, paths, file names)
/// against the rule set's patterns.
public struct Validator: Sendable {
    public let rules: RuleSet

    public init(rules: RuleSet) { self.rules = rules }

    /// What the input is, and which part of it the patterns judge.
    struct Subject {
        var name: String
        /// Byte offset of `name` in the input.
        var offset: Int
        var candidates: [NamePattern]
        var dataset: String?
        /// Set when no pattern applies: why.
        var unconstrained: String? = nil
    }

    /// `checkLegacy: false` judges the grammar alone (the linter has its own legacy findings).
    public func validate(_ input: String, checkLegacy: Bool = true) -> Validation {
        if checkLegacy, let legacy = rules.legacyReplacement(for: input) {
            return Validation(input: input, valid: false, pattern: nil, segments: [], errors: [
                Validation.Issue(segment: nil, column: 1, message: legacy.message, suggestion: legacy.replacement),
            ], legacy: legacy, note: nil)
        }
        let subject: Subject
        switch classify(input) {
        case .success(let s): subject = s
        case .failure(let issue):
            return Validation(input: input, valid: false, pattern: nil, segments: [], errors: [issue], legacy: nil, note: nil)
        }
        if let exception = rules.exceptions.first(where: { $0.name == subject.name && ($0.datasets.isEmpty || subject.dataset.map($0.datasets.contains) ?? true) }) {
            return Validation(input: input, valid: true, pattern: nil, segments: [], errors: [], legacy: nil,
                              note: "`\(exception.name)` is an allowed exception" + (exception.reason.map { ": \($0)" } ?? ""))
        }
        if let why = subject.unconstrained {
            return Validation(input: input, valid: true, pattern: nil, segments: [], errors: [], legacy: nil, note: why)
        }
        return judge(input: input, subject: subject)
    }

    /// Whether a name is valid, without explaining why not (suggestions are checked with it).
    func parses(_ input: String) -> Bool {
        guard case .success(let subject) = classify(input) else { return false }
        if subject.unconstrained != nil { return true }
        if rules.exceptions.contains(where: { $0.name == subject.name }) { return true }
        let bytes = Array(subject.name.utf8)
        return subject.candidates.contains { pattern in
            var parser = GrammarParser(pattern: pattern, input: bytes)
            return parser.parse() != nil
        }
    }

    /// Validates a bare name against the given patterns only (the linter's entry point).
    public func validate(name: String, against patterns: [NamePattern]) -> Validation {
        judge(input: name, subject: Subject(name: name, offset: 0, candidates: patterns, dataset: nil))
    }

    private func judge(input: String, subject: Subject) -> Validation {
        let bytes = Array(subject.name.utf8)
        var best: (pattern: NamePattern, failure: GrammarParser.Failure, parser: GrammarParser)?
        for pattern in subject.candidates {
            var parser = GrammarParser(pattern: pattern, input: bytes)
            if let success = parser.parse() {
                let segments = success.values.map { value in
                    Validation.SegmentValue(name: pattern.segments[value.segment].name,
                                            value: String(decoding: bytes[value.range], as: UTF8.self))
                }
                return Validation(input: input, valid: true, pattern: pattern.id, segments: segments, errors: [], legacy: nil, note: nil)
            }
            if let failure = parser.furthest, best == nil || failure.offset > best!.failure.offset {
                best = (pattern, failure, parser)
            }
        }
        guard let best else {
            return Validation(input: input, valid: false, pattern: nil, segments: [], errors: [
                Validation.Issue(segment: nil, column: 1, message: "no naming pattern applies to `\(input)`", suggestion: nil),
            ], legacy: nil, note: nil)
        }
        if let issue = wholeNameIssue(input: input, subject: subject) {
            return Validation(input: input, valid: false, pattern: best.pattern.id, segments: [], errors: [issue], legacy: nil, note: nil)
        }
        // Patterns that failed equally far: prefer the one whose explanation can suggest a fix.
        var chosen = (pattern: best.pattern, issue: explain(best.failure, parser: best.parser, input: input, subject: subject))
        if chosen.issue.suggestion == nil {
            for pattern in subject.candidates where pattern.id != best.pattern.id {
                var parser = GrammarParser(pattern: pattern, input: bytes)
                _ = parser.parse()
                guard let failure = parser.furthest, failure.offset == best.failure.offset else { continue }
                let issue = explain(failure, parser: parser, input: input, subject: subject)
                if issue.suggestion != nil { chosen = (pattern, issue); break }
            }
        }
        return Validation(input: input, valid: false, pattern: chosen.pattern.id, segments: [], errors: [chosen.issue], legacy: nil, note: nil)
    }

    /// Case and separator mistakes: suggest the whole corrected name when it is valid.
    private func wholeNameIssue(input: String, subject: Subject) -> Validation.Issue? {
        let name = subject.name
        let separators: Set<Character> = ["-", " ", "."]
        guard name.contains(where: { $0.isUppercase || separators.contains($0) }) else { return nil }
        var variants: [(String, String)] = []
        let lowered = name.lowercased()
        variants.append((lowered, "names are lowercase"))
        let separator = subject.candidates.first?.separator ?? "_"
        let unified = String(lowered.map { separators.contains($0) ? Character(separator) : $0 })
        variants.append((unified, "names use `\(separator)` between segments"))
        var snake = ""
        var previous: Character? = nil
        for c in name {
            if let p = previous, (c.isUppercase && (p.isLowercase || p.isNumber)) || (c.isNumber && p.isLetter) { snake += separator }
            snake += c.lowercased()
            previous = c
        }
        variants.append((snake, "names are lowercase with `\(separator)` between segments, not CamelCase"))
        for (variant, message) in variants where variant != name {
            let bytes = Array(variant.utf8)
            for pattern in subject.candidates {
                var parser = GrammarParser(pattern: pattern, input: bytes)
                if parser.parse() != nil {
                    let badIndex = name.firstIndex(where: { $0.isUppercase || separators.contains($0) }) ?? name.startIndex
                    let column = column(ofByte: subject.offset + name.utf8.distance(from: name.startIndex, to: badIndex), in: input)
                    let suggestion = String(input.prefix(subject.offset)) + variant
                    return Validation.Issue(segment: nil, column: column, message: message + ": did you mean `\(suggestion)`?", suggestion: suggestion)
                }
            }
        }
        return nil
    }

    private func explain(_ failure: GrammarParser.Failure, parser: GrammarParser, input: String, subject: Subject) -> Validation.Issue {
        let pattern = parser.pattern
        let bytes = parser.input
        let p = failure.offset
        let column = column(ofByte: subject.offset + p, in: input)
        let prefix = String(input.prefix(subject.offset))
        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        func withReplaced(_ r: Range<Int>, by s: String) -> String {
            prefix + text(0..<r.lowerBound) + s + text(r.upperBound..<bytes.count)
        }
        func isValid(_ candidate: String) -> Bool { parses(candidate) }

        switch failure.kind {
        case .trailing:
            let rest = text(p..<bytes.count)
            let lastName = pattern.segments.last?.name ?? "name"
            return Validation.Issue(segment: nil, column: column,
                                    message: "unexpected `\(rest)` after the last segment `\(lastName)`; `\(pattern.id)` names look like `\(pattern.layout)`",
                                    suggestion: nil)
        case .literal(let k):
            guard case .literal(let literal) = pattern.pieces[k] else { break }
            let after: String = k > 0 ? {
                if case .segment(let i) = pattern.pieces[k - 1] { return " after `\(pattern.segments[i].name)`" }
                return ""
            }() : ""
            if p == bytes.count {
                let missing = pattern.pieces[(k + 1)...].first { if case .segment = $0 { return true }; return false }
                if case .segment(let i) = missing {
                    return Validation.Issue(segment: pattern.segments[i].name, column: column,
                                            message: "missing segment `\(pattern.segments[i].name)`: expected \(pattern.segments[i].expectation)",
                                            suggestion: nil)
                }
            }
            // Show the word that stands where the literal should.
            var end = p
            while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
            var start = p
            while start > 0, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
            let word = text(start..<end)
            return Validation.Issue(segment: nil, column: column, message: "expected `\(literal)`\(after)" + (word.isEmpty ? "" : " in `\(word)`"), suggestion: nil)
        case .segment(let k):
            guard case .segment(let i) = pattern.pieces[k] else { break }
            let segment = pattern.segments[i]
            if p == bytes.count {
                return Validation.Issue(segment: segment.name, column: column,
                                        message: "missing segment `\(segment.name)`: expected \(segment.expectation)",
                                        suggestion: nil)
            }
            let next: String? = k + 1 < pattern.pieces.count ? {
                if case .literal(let s) = pattern.pieces[k + 1] { return s }
                return nil
            }() : nil
            // The word at the failure: up to the next separator (or the next literal).
            let stop = next ?? pattern.separator
            var end = p
            while end < bytes.count, !bytes[end...].starts(with: stop.utf8), !bytes[end...].starts(with: pattern.separator.utf8),
                  bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: ".") { end += 1 }
            let token = text(p..<end)
            // A close word of the vocabulary that makes the whole name valid: a typo.
            if let values = segment.values, !token.isEmpty {
                for candidate in Suggest.ranked(token, in: values) {
                    let fix = withReplaced(p..<end, by: candidate)
                    if isValid(fix) {
                        return Validation.Issue(segment: segment.name, column: column,
                                                message: "`\(token)` is not a valid \(segment.name): expected \(segment.expectation); did you mean `\(candidate)`?",
                                                suggestion: fix)
                    }
                }
            }
            // Missing: what stands here is already the next segment.
            if let next, k + 2 <= pattern.pieces.count, parser.parses(from: k + 2, at: p) {
                let fix = segment.defaultValue.map { withReplaced(p..<p, by: $0 + next) }
                return Validation.Issue(segment: segment.name, column: column,
                                        message: "missing segment `\(segment.name)` before `\(token)`: expected \(segment.expectation)",
                                        suggestion: fix.flatMap { isValid($0) ? $0 : nil })
            }
            // Extra: dropping this word lets the rest parse.
            if end < bytes.count, parser.parses(from: k, at: end + stop.utf8.count) {
                let fix = withReplaced(p..<(end + stop.utf8.count), by: "")
                return Validation.Issue(segment: segment.name, column: column,
                                        message: "unexpected extra segment `\(token)` before `\(segment.name)`",
                                        suggestion: isValid(fix) ? fix : nil)
            }
            if token.isEmpty {
                return Validation.Issue(segment: segment.name, column: column,
                                        message: "empty segment `\(segment.name)`: expected \(segment.expectation)", suggestion: nil)
            }
            return Validation.Issue(segment: segment.name, column: column,
                                    message: "`\(token)` is not a valid \(segment.name): expected \(segment.expectation)", suggestion: nil)
        }
        return Validation.Issue(segment: nil, column: column, message: "does not match `\(pattern.layout)`", suggestion: nil)
    }

    enum Classification {
        case success(Subject)
        case failure(Validation.Issue)
    }

    private func classify(_ input: String) -> Classification {
        if input.contains("/") || rules.patterns.contains(where: { p in p.suffixes.contains { input.hasSuffix($0) } }) {
            return classifyPath(input)
        }
        let parts = input.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1 {
            let candidates = rules.patterns.filter { !$0.isPath && $0.suffixes.isEmpty }
            return .success(Subject(name: input, offset: 0, candidates: candidates, dataset: nil))
        }
        if parts.count > 3 || parts.contains(where: \.isEmpty) {
            return .failure(Validation.Issue(segment: nil, column: 1, message: "expected `name`, `dataset.name` or `project.dataset.name`", suggestion: nil))
        }
        let dataset = String(parts[parts.count - 2])
        let name = String(parts[parts.count - 1])
        let offset = input.utf8.count - name.utf8.count
        let datasetOffset = offset - 1 - dataset.utf8.count
        if !rules.datasets.isEmpty, !rules.datasets.contains(dataset) {
            let column = column(ofByte: datasetOffset, in: input)
            var message = "unknown dataset `\(dataset)`"
            var suggestion: String? = nil
            if let close = Suggest.closest(to: dataset, in: rules.datasets) {
                message += "; did you mean `\(close)`?"
                suggestion = String(input.prefix(datasetOffset)) + close + "." + name
            }
            return .failure(Validation.Issue(segment: nil, column: column, message: message, suggestion: suggestion))
        }
        let candidates = rules.patterns.filter { $0.datasets.contains(dataset) }
        let why = candidates.isEmpty ? "no naming pattern constrains dataset `\(dataset)`" : nil
        return .success(Subject(name: name, offset: offset, candidates: candidates, dataset: dataset, unconstrained: why))
    }

    private func classifyPath(_ input: String) -> Classification {
        // Path prefixes: the rest of the path after the prefix is judged.
        for pattern in rules.patterns where pattern.isPath {
            for prefix in pattern.pathPrefixes {
                let bytes = Array(input.utf8), needle = Array(prefix.utf8)
                guard bytes.count >= needle.count else { continue }
                if let at = (0...(bytes.count - needle.count)).first(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }) {
                    let offset = at + needle.count
                    let candidates = rules.patterns.filter { $0.pathPrefixes.contains(prefix) }
                    return .success(Subject(name: String(decoding: bytes[offset...], as: UTF8.self), offset: offset, candidates: candidates, dataset: nil))
                }
            }
        }
        // File suffixes: the file name without its suffix is judged.
        let fileName = input.split(separator: "/").last.map(String.init) ?? input
        let offset = input.utf8.count - fileName.utf8.count
        for pattern in rules.patterns {
            guard let suffix = pattern.suffixes.first(where: { fileName.hasSuffix($0) && fileName.count > $0.count }) else { continue }
            let candidates = rules.patterns.filter { $0.suffixes.contains(suffix) }
            return .success(Subject(name: fileName, offset: offset, candidates: candidates, dataset: nil))
        }
        return .success(Subject(name: fileName, offset: offset, candidates: [], dataset: nil, unconstrained: "no naming pattern applies to this path"))
    }
}

/// 1-based column of a byte offset, counting Unicode scalars.
func column(ofByte offset: Int, in text: String) -> Int {
    let utf8 = Array(text.utf8)
    var count = 0
    for b in utf8[0..<min(offset, utf8.count)] where b & 0xC0 != 0x80 { count += 1 }
    return count + 1
}

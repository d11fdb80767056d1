import NomenRegex

public enum Severity: String, Sendable, Codable, Comparable {
    case warning, error
    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
}

/// Where a name was found. The rewriter depends on it.
public enum Context: String, Sendable, CaseIterable, Codable {
    /// A plain Python string literal.
    case string
    /// The literal part of a Python f-string.
    case fstring
    /// A plain string holding `str.format` (`{}`/`{name}`) or `%` template markers.
    case template
    case docstring
    case comment
    /// A Python identifier (a code symbol, not a table name): reported, never rewritten.
    case identifier
    /// A table reference or other code in SQL (a `.sql` file, or SQL inside a Python string).
    case sql
    /// A string literal inside SQL.
    case sqlString = "sql-string"
    case shell
    case config
    /// Markdown or plain text (opt-in).
    case text

    /// The case's position, without the array `allCases` would build.
    var ordinal: Int {
        switch self {
        case .string: 0
        case .fstring: 1
        case .template: 2
        case .docstring: 3
        case .comment: 4
        case .identifier: 5
        case .sql: 6
        case .sqlString: 7
        case .shell: 8
        case .config: 9
        case .text: 10
        }
    }

    /// By position, not by raw value: rules test `contexts.contains` on every match, and a
    /// raw-value hash would hash a string each time.
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

extension LegacyRule {
    /// Whether the rule applies in `context`.
    @inline(__always)
    func applies(in context: Context) -> Bool { contextBits & (1 << UInt32(context.ordinal)) != 0 }
}

/// A replacement template such as `zl_training_prod_allhistory_{horizon}`.
public struct Template: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        case literal(String)
        case capture(String)
    }
    public let source: String
    public let pieces: [Piece]

    /// Parses `{name}` references; `{{` and `}}` stand for literal braces.
    public init?(_ source: String) {
        self.source = source
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        let scalars = Array(source.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            if c == "{", next == "{" { literal.append("{"); i += 2; continue }
            if c == "}", next == "}" { literal.append("}"); i += 2; continue }
            if c == "{" {
                guard let close = scalars[(i + 1)...].firstIndex(of: "}") else { return nil }
                var name = String.UnicodeScalarView()
                name.append(contentsOf: scalars[(i + 1)..<close])
                let text = String(name)
                guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
                if !literal.isEmpty { pieces.append(.literal(String(literal))); literal = String.UnicodeScalarView() }
                pieces.append(.capture(text))
                i = close + 1
                continue
            }
            if c == "}" { return nil }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { pieces.append(.literal(String(literal))) }
        self.pieces = pieces
    }

    public var captures: [String] {
        pieces.compactMap { if case .capture(let n) = $0 { return n }; return nil }
    }

    public func render(_ values: [String: String]) -> String? {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .capture(let n):
                guard let v = values[n] else { return nil }
                out += v
            }
        }
        return out
    }
}

/// How a capture the pattern lacks (a model path's horizon) may be learned from the context.
public struct Inference: Sendable {
    /// Literal values looked for in the same string (`clf_6m.pkl` → `6m`).
    public let values: [String]
    /// f-string fields that stand for the value (`{horizon}`, `{args.horizon}`).
    public let placeholders: [String]
    /// `values` as bytes, made once (searched for on every match that needs them).
    let needles: [[UInt8]]

    public init(values: [String], placeholders: [String]) {
        self.values = values
        self.placeholders = placeholders
        needles = values.map { Array($0.utf8) }
    }
}

/// A code example attached to a rule: the rule must (not) report it, and fix it to `fixed`.
public struct RuleExample: Sendable {
    public let code: String
    public let language: Language
    /// For invalid examples: the expected text after safe fixes (nil: no safe fix expected).
    public let fixed: String?
    public let line: Int
}

/// A legacy or retired name: a pattern with named captures, a replacement (legacy) or none
/// (retired), the contexts it applies to, and its severity over time.
/// A class: findings refer to their rule on every hit, and a copy of this many fields is not free.
public final class LegacyRule: Sendable {
    public enum Kind: String, Sendable { case legacy, retired }
    public let id: String
    public let aliases: [String]
    public let kind: Kind
    /// The pattern as written in the rules file.
    public let source: String
    /// The compiled pattern, whole-word, with captures that also accept template placeholders.
    public let regex: Regex
    /// The rule matches only references qualified by this dataset.
    public let dataset: String?
    public let replacement: Template?
    /// `replacement != nil`, asked on every match (reading the optional template copies it).
    let hasReplacement: Bool
    /// The dataset that replaces `dataset` in a qualified reference.
    public let replacementDataset: String?
    /// `replacementDataset` as a template (braces escaped), made once.
    let replacementDatasetTemplate: Template?
    /// The same pattern anchored at compile time, so capture extraction runs on the JIT.
    let anchored: Regex
    public let infer: [String: Inference]
    /// The inferences a match needs worked out, in name order: those of captures the
    /// replacement uses (made once; `infer` is a dictionary, read on every match).
    let inferenceOrder: [(name: String, inference: Inference)]
    public let contexts: Set<Context>
    /// `contexts` as bits by ordinal: tested on every match.
    let contextBits: UInt32
    public let severity: Severity
    public let message: String?
    /// `message` parsed once at load time.
    let messageTemplate: Template?
    public let warnUntil: Day?
    public let errorAfter: Day?
    public let validExamples: [RuleExample]
    public let invalidExamples: [RuleExample]
    public let line: Int

    init(id: String, aliases: [String], kind: Kind, source: String, regex: Regex, dataset: String?, replacement: Template?,
         replacementDataset: String?, replacementDatasetTemplate: Template?, anchored: Regex, infer: [String: Inference],
         contexts: Set<Context>, severity: Severity, message: String?, messageTemplate: Template?, warnUntil: Day?,
         errorAfter: Day?, validExamples: [RuleExample], invalidExamples: [RuleExample], line: Int) {
        self.id = id
        self.aliases = aliases
        self.kind = kind
        self.source = source
        self.regex = regex
        self.dataset = dataset
        self.replacement = replacement
        hasReplacement = replacement != nil
        self.replacementDataset = replacementDataset
        self.replacementDatasetTemplate = replacementDatasetTemplate
        self.anchored = anchored
        self.infer = infer
        let used = Set(replacement?.captures ?? [])
        inferenceOrder = infer.sorted { $0.key < $1.key }.filter { used.contains($0.key) }.map { ($0.key, $0.value) }
        self.contexts = contexts
        self.contextBits = contexts.reduce(0) { $0 | 1 << UInt32($1.ordinal) }
        self.severity = severity
        self.message = message
        self.messageTemplate = messageTemplate
        self.warnUntil = warnUntil
        self.errorAfter = errorAfter
        self.validExamples = validExamples
        self.invalidExamples = invalidExamples
        self.line = line
    }

    /// Severity on a given day, honouring the grace period.
    public func severity(on day: Day) -> Severity {
        if let errorAfter, day > errorAfter { return .error }
        if let warnUntil, day <= warnUntil { return .warning }
        if errorAfter != nil { return .warning }
        return severity
    }
}

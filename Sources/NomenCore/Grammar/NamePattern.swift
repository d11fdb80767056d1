import NomenRegex

/// One segment of a name pattern: an enumerated vocabulary or a PCRE2 pattern.
public struct Segment: Sendable {
    public enum Matcher: Sendable {
        case values([String])
        case regex(source: String, compiled: Regex)
    }
    public let name: String
    public let matcher: Matcher
    /// The value to insert when this segment is missing (e.g. regime `allhistory`).
    public let defaultValue: String?

    public var values: [String]? {
        if case .values(let v) = matcher { return v }
        return nil
    }

    public var expectation: String {
        switch matcher {
        case .values(let v): return "one of " + v.map { "`\($0)`" }.joined(separator: ", ")
        case .regex(let source, _): return "text matching `\(source)`"
        }
    }

    func accepts(_ text: Substring) -> Bool {
        switch matcher {
        case .values(let v): return v.contains { $0 == text }
        case .regex(_, let regex): return (try? regex.matchesWhole(String(text))) ?? false
        }
    }
}

/// A piece of a pattern's layout: literal text or a segment.
public enum Piece: Sendable, Equatable {
    case literal(String)
    case segment(Int)
}

/// A declared name pattern, such as `<asset>_<function>_<scope>_<regime>_<horizon>`.
/// A class: the linter hands patterns around on every almost-valid name.
public final class NamePattern: Sendable {
    public let id: String
    public let description: String
    public let segments: [Segment]
    public let pieces: [Piece]
    /// The separator between segments (`_`, or `__`), used for messages and suggestions.
    public let separator: String
    /// Where the pattern applies.
    public let datasets: [String]
    public let pathPrefixes: [String]
    public let suffixes: [String]
    /// Words that begin with one of these are meant to be names of this pattern: a word with
    /// such a prefix that does not parse is an almost-valid finding.
    public let prefixes: [String]
    public let severity: Severity
    public let examples: PatternExamples
    public let line: Int

    init(id: String, description: String, segments: [Segment], pieces: [Piece], separator: String, datasets: [String],
         pathPrefixes: [String], suffixes: [String], prefixes: [String], severity: Severity, examples: PatternExamples,
         line: Int) {
        self.id = id
        self.description = description
        self.segments = segments
        self.pieces = pieces
        self.separator = separator
        self.datasets = datasets
        self.pathPrefixes = pathPrefixes
        self.suffixes = suffixes
        self.prefixes = prefixes
        self.severity = severity
        self.examples = examples
        self.line = line
    }

    /// A path pattern matches a leading part of the layout ending at a `/`, or the whole
    /// layout followed by further `/…` components.
    public var isPath: Bool { !pathPrefixes.isEmpty }

    /// Human-readable layout, e.g. `<asset>_<function>_…`.
    public var layout: String {
        pieces.map { piece -> String in
            switch piece {
            case .literal(let s): return s
            case .segment(let i): return "<\(segments[i].name)>"
            }
        }.joined()
    }
}

public struct PatternExamples: Sendable {
    public struct Invalid: Sendable {
        public let name: String
        public let segment: String?
        public let suggestion: String?
    }
    public let valid: [String]
    public let invalid: [Invalid]
}

/// A name allowed although no pattern describes it (`regime_calendar`).
public struct NameException: Sendable {
    public let name: String
    public let datasets: [String]
    public let reason: String?
}

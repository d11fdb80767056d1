/// Parses one name against one pattern's layout. Segments may contain the separator, so the
/// parser searches over splits (backtracking) instead of splitting on `_`; it remembers the
/// furthest point any attempt reached, which is where the name goes wrong.
struct GrammarParser {
    let pattern: NamePattern
    let input: [UInt8]

    enum FailureKind: Equatable {
        case segment(piece: Int)
        case literal(piece: Int)
        case trailing
    }

    struct Failure {
        var kind: FailureKind
        var offset: Int
    }

    struct Success {
        /// Byte range of each segment's value (or of the placeholder standing for it).
        var values: [(segment: Int, range: Range<Int>)]
        var end: Int
    }

    private(set) var furthest: Failure? = nil

    init(pattern: NamePattern, input: [UInt8]) {
        self.pattern = pattern
        self.input = input
    }

    mutating func parse() -> Success? {
        furthest = nil
        var values: [(segment: Int, range: Range<Int>)] = []
        return parse(piece: 0, at: 0, values: &values)
    }

    /// Whether the input parses from `piece` at `offset` (used to tell a missing segment from
    /// an extra one); does not disturb `furthest`.
    func parses(from piece: Int, at offset: Int) -> Bool {
        var copy = self
        var values: [(segment: Int, range: Range<Int>)] = []
        return copy.parse(piece: piece, at: offset, values: &values) != nil
    }

    private mutating func fail(_ kind: FailureKind, _ offset: Int) {
        if let f = furthest, f.offset >= offset { return }
        furthest = Failure(kind: kind, offset: offset)
    }

    private func startsWith(_ literal: String, at offset: Int) -> Bool {
        var i = offset
        for byte in literal.utf8 {
            guard i < input.count, input[i] == byte else { return false }
            i += 1
        }
        return true
    }

    private mutating func parse(piece k: Int, at p: Int, values: inout [(segment: Int, range: Range<Int>)]) -> Success? {
        let pieces = pattern.pieces
        let n = input.count
        if k == pieces.count {
            if p == n || (pattern.isPath && input[p] == UInt8(ascii: "/")) {
                return Success(values: values, end: p)
            }
            fail(.trailing, p)
            return nil
        }
        if pattern.isPath, p == n, k > 0 || n == 0 {
            // A leading part of a path layout that stops at a folder boundary.
            if n == 0 || input[p - 1] == UInt8(ascii: "/") { return Success(values: values, end: p) }
            if case .literal(let s) = pieces[k], s.hasPrefix("/") { return Success(values: values, end: p) }
        }
        switch pieces[k] {
        case .literal(let s):
            if startsWith(s, at: p) {
                return parse(piece: k + 1, at: p + s.utf8.count, values: &values)
            }
            fail(.literal(piece: k), p)
            return nil
        case .segment(let i):
            if let end = Placeholder.end(in: input, at: p) {
                // A placeholder stands for this segment, or for this and the following ones.
                for m in (k + 1)...pieces.count {
                    guard case .segment(let last) = pieces[m - 1] else { continue }
                    let mark = values.count
                    for covered in i...last { values.append((covered, p..<end)) }
                    if let success = parse(piece: m, at: end, values: &values) { return success }
                    values.removeSubrange(mark...)
                }
                fail(.segment(piece: k), p)
                return nil
            }
            let ends = candidateEnds(segment: pattern.segments[i], piece: k, at: p)
            for end in ends {
                values.append((i, p..<end))
                if let success = parse(piece: k + 1, at: end, values: &values) { return success }
                values.removeLast()
            }
            // The last segment complete but followed by more segments: trailing text.
            if ends.isEmpty, k + 1 == pieces.count, let values = pattern.segments[i].values {
                for v in values where startsWith(v, at: p) && startsWith(pattern.separator, at: p + v.utf8.count) {
                    fail(.trailing, p + v.utf8.count)
                }
            }
            // A pattern segment that matches but is not followed by the next literal: the
            // literal is what is wrong (`legacy_20251114_models_v4…` lacks `__`).
            if ends.isEmpty, case .regex(_, let regex) = pattern.segments[i].matcher, k + 1 < pieces.count,
               case .literal = pieces[k + 1],
               let m = try? regex.firstMatch(in: input, from: p, options: [.anchored]), m.range.upperBound > p {
                fail(.literal(piece: k + 1), m.range.upperBound)
            }
            fail(.segment(piece: k), p)
            return nil
        }
    }

    /// Offsets where segment `segment` (piece `k`) could end when it starts at `p`, longest first.
    private func candidateEnds(segment: Segment, piece k: Int, at p: Int) -> [Int] {
        let n = input.count
        switch segment.matcher {
        case .values(let values):
            // A value counts only when what follows it can continue the name, so `prod` is
            // not taken out of `production`.
            var ends: [Int] = []
            for v in values where startsWith(v, at: p) {
                let e = p + v.utf8.count
                if k + 1 < pattern.pieces.count, case .literal(let next) = pattern.pieces[k + 1] {
                    guard startsWith(next, at: e) || e == n || (pattern.isPath && input[e] == UInt8(ascii: "/")) else { continue }
                } else if k + 1 == pattern.pieces.count {
                    guard e == n || (pattern.isPath && input[e] == UInt8(ascii: "/")) else { continue }
                }
                ends.append(e)
            }
            return ends.sorted(by: >)
        case .regex:
            var ends: [Int] = []
            let next: String? = k + 1 < pattern.pieces.count ? {
                if case .literal(let s) = pattern.pieces[k + 1] { return s }
                return nil
            }() : nil
            var e = n
            while e > p {
                let boundary: Bool
                if let next { boundary = startsWith(next, at: e) || (pattern.isPath && e == n) }
                else { boundary = e == n || (pattern.isPath && input[e] == UInt8(ascii: "/")) }
                if boundary, segment.accepts(Substring(decoding: input[p..<e], as: UTF8.self)) {
                    ends.append(e)
                }
                e -= 1
            }
            return ends
        }
    }
}

/// Template placeholders that may stand for segments: `{expr}`, `{{ var }}`, `%s`, `%(name)s`.
enum Placeholder {
    static func end(in b: UnsafeBufferPointer<UInt8>, at p: Int, limit: Int) -> Int? {
        let window = Array(b[p..<min(limit, p + 64)])
        return end(in: window, at: 0).map { p + $0 }
    }

    /// End offset of the placeholder starting at `p`, or nil.
    static func end(in bytes: [UInt8], at p: Int) -> Int? {
        guard p < bytes.count else { return nil }
        if bytes[p] == UInt8(ascii: "{") {
            var depth = 0
            var i = p
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "{") { depth += 1 }
                else if bytes[i] == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
                i += 1
            }
            return nil
        }
        if bytes[p] == UInt8(ascii: "$"), p + 1 < bytes.count {
            // Shell: `${name}` or `$name`.
            if bytes[p + 1] == UInt8(ascii: "{") {
                guard let close = bytes[(p + 2)...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                return close + 1
            }
            var e = p + 1
            while e < bytes.count, SQLTokenizer.isWordByte(bytes[e]) { e += 1 }
            return e > p + 1 ? e : nil
        }
        if bytes[p] == UInt8(ascii: "%"), p + 1 < bytes.count {
            if bytes[p + 1] == UInt8(ascii: "(") {
                guard let close = bytes[(p + 2)...].firstIndex(of: UInt8(ascii: ")")),
                      close + 1 < bytes.count, isConversion(bytes[close + 1]) else { return nil }
                return close + 2
            }
            if isConversion(bytes[p + 1]) { return p + 2 }
        }
        return nil
    }

    private static func isConversion(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "s") || b == UInt8(ascii: "d") || b == UInt8(ascii: "r")
    }
}

import NomenRegex

/// A literal prefilter: every trigger begins with a literal (`production_training_data_`,
/// `models_v4`, `zl_training_`, …) at a word start. The scanner walks the bytes once, and only
/// at a word start whose first four bytes begin one of those literals does it run the
/// (anchored) trigger pattern. Most bytes cost a table lookup; PCRE2 runs at a few places.
struct Prefilter: Sendable {
    /// For each first byte, the range of `values`/`masks` to compare the next four bytes with.
    let offsets: [Int32]
    let values: [UInt32]
    let masks: [UInt32]
    /// The combined trigger pattern, anchored at compile time (so it runs on the JIT).
    let anchored: Regex

    static let wordBytes: [Bool] = (0..<256).map { c in
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    /// nil when some trigger does not start with a literal (a user's pattern may not): then
    /// the whole-buffer search is used.
    init?(bodies: [String], combined: String) {
        var entries: [[(UInt32, UInt32)]] = Array(repeating: [], count: 256)
        for body in bodies {
            guard let literals = LiteralPrefix.of(body), !literals.isEmpty else { return nil }
            for literal in literals {
                let bytes = Array(literal.prefix(4))
                guard let first = bytes.first, Self.wordBytes[Int(first)] else { return nil }
                var value: UInt32 = 0, mask: UInt32 = 0
                for k in 0..<4 {
                    value <<= 8; mask <<= 8
                    if k < bytes.count { value |= UInt32(bytes[k]); mask |= 0xFF }
                }
                if !entries[Int(first)].contains(where: { $0 == (value, mask) }) { entries[Int(first)].append((value, mask)) }
            }
        }
        var offsets: [Int32] = [0]
        var values: [UInt32] = [], masks: [UInt32] = []
        for list in entries {
            for (v, m) in list { values.append(v); masks.append(m) }
            offsets.append(Int32(values.count))
        }
        self.offsets = offsets
        self.values = values
        self.masks = masks
        guard let anchored = try? Regex(combined, options: [.duplicateNames, .anchored]) else { return nil }
        self.anchored = anchored
    }

    /// Calls `hit` with each trigger match (range and mark) at a word start; `hit` returns
    /// false to stop. Word starts are found eight bytes at a time with branch-free bit
    /// arithmetic; only those whose first four bytes begin a literal reach PCRE2.
    func scan(_ b: UnsafeBufferPointer<UInt8>, matcher: Matcher, hit: (Range<Int>, UnsafePointer<UInt8>?) -> Bool) throws(RegexError) {
        let n = b.count
        guard n > 0, let p = b.baseAddress else { return }
        let raw = UnsafeRawBufferPointer(b)
        let word = Self.wordBytes
        var stop = false

        /// Tries the literals and the pattern at word start `i`: where to go on after a match.
        func attempt(_ i: Int) throws(RegexError) -> Int? {
            let c = Int(p[i])
            let from = Int(offsets[c]), to = Int(offsets[c + 1])
            guard from < to else { return nil }
            var w: UInt32
            if i + 4 <= n {
                w = UInt32(bigEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self))
            } else {
                w = 0
                for k in 0..<4 { w = w << 8 | UInt32(i + k < n ? p[i + k] : 0) }
            }
            var candidate = false
            for e in from..<to where w & masks[e] == values[e] { candidate = true; break }
            guard candidate, let (range, mark) = try matcher.nextRange(in: raw, from: i), range.lowerBound == i else { return nil }
            if !hit(range, mark) { stop = true }
            return max(range.upperBound, i + 1)
        }

        let L: UInt64 = 0x0101_0101_0101_0101, H: UInt64 = 0x8080_8080_8080_8080, M: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// The high bit of each byte of `x` that is a word byte ([A-Za-z0-9_]).
        @inline(__always) func wordBits(_ x: UInt64) -> UInt64 {
            let ascii = ~x & H
            let l = x | (0x20 &* L)
            let letter = (((l | H) &- 0x61 &* L) & ~((l | H) &- 0x7B &* L)) & H
            let digit = (((x | H) &- 0x30 &* L) & ~((x | H) &- 0x3A &* L)) & H
            let t = x ^ (0x5F &* L)
            let underscore = ~(((t & M) &+ M) | t | M)
            return (letter | digit | underscore) & ascii
        }

        var i = 0
        var previousIsWord = false
        while i + 8 <= n {
            let bits = wordBits(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            var starts = bits & ~((bits << 8) | (previousIsWord ? 0x80 : 0))
            var resumed: Int? = nil
            while starts != 0 {
                let pos = i + starts.trailingZeroBitCount / 8
                starts &= starts &- 1
                if let next = try attempt(pos) {
                    if stop { return }
                    resumed = next
                    break
                }
            }
            if let next = resumed {
                i = next
                previousIsWord = word[Int(p[i - 1])]
            } else {
                previousIsWord = bits & (0x80 << 56) != 0
                i += 8
            }
        }
        // The tail, byte by byte.
        while i < n {
            let isWord = word[Int(p[i])]
            if isWord, !previousIsWord, let next = try attempt(i) {
                if stop { return }
                i = next
                previousIsWord = word[Int(p[i - 1])]
                continue
            }
            previousIsWord = isWord
            i += 1
        }
    }
}

/// The literal texts a pattern must begin with (alternatives expanded, caseless letters in
/// both cases), or nil when it can begin otherwise.
enum LiteralPrefix {
    static func of(_ source: String) -> [[UInt8]]? {
        var p = Parser(s: Array(source.utf8))
        guard let result = p.sequence(caseless: false), !result.isEmpty, result.allSatisfy({ !$0.isEmpty }) else { return nil }
        return result.count > 64 ? nil : result
    }

    struct Parser {
        let s: [UInt8]
        var i = 0

        /// Literal prefixes of the sequence starting at `i` up to `)` or `|` or the end; stops
        /// at the first thing that is not a plain literal.
        mutating func sequence(caseless: Bool) -> [[UInt8]]? {
            var prefixes: [[UInt8]] = [[]]
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "(") {
                    // Zero-width lookarounds at the start do not consume text: skip them.
                    if at("(?!") || at("(?=") || at("(?<!") || at("(?<=") {
                        skipGroup()
                        continue
                    }
                    var groupCaseless = caseless
                    if at("(?i:") { groupCaseless = true; i += 4 }
                    else if at("(?:") { i += 3 }
                    else if at("(?<") || at("(?P<") || at("(?'") {
                        let close = at("(?'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
                        i += at("(?P<") ? 4 : 3
                        while i < s.count, s[i] != close { i += 1 }
                        i += 1
                    } else if at("(?") { return prefixes.allSatisfy({ $0.isEmpty }) ? nil : prefixes }
                    else { i += 1 }
                    var alternatives: [[UInt8]] = []
                    while true {
                        guard let alt = sequence(caseless: groupCaseless) else {
                            skipRestOfGroup()
                            return finish(prefixes)
                        }
                        alternatives += alt
                        if i < s.count, s[i] == UInt8(ascii: "|") { i += 1; continue }
                        break
                    }
                    guard i < s.count, s[i] == UInt8(ascii: ")") else { return finish(prefixes) }
                    i += 1
                    if i < s.count, [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{")].contains(s[i]) { return finish(prefixes) }
                    prefixes = prefixes.flatMap { p in alternatives.map { p + $0 } }
                    if prefixes.count > 64 { return nil }
                    // After a group the prefixes may have different lengths; stop here.
                    return finish(prefixes)
                }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "|") { return prefixes }
                var literal: UInt8
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < s.count else { return finish(prefixes) }
                    let e = s[i + 1]
                    guard !Prefilter.wordBytes[Int(e)] else { return finish(prefixes) } // \d, \w, …
                    literal = e
                    i += 2
                } else if "[.^$*+?{".utf8.contains(c) {
                    return finish(prefixes)
                } else {
                    literal = c
                    i += 1
                }
                if i < s.count, [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{")].contains(s[i]) { return finish(prefixes) }
                let isLetter = (literal | 0x20) >= UInt8(ascii: "a") && (literal | 0x20) <= UInt8(ascii: "z")
                if caseless && isLetter {
                    prefixes = prefixes.flatMap { [$0 + [literal | 0x20], $0 + [literal & ~0x20]] }
                } else {
                    prefixes = prefixes.map { $0 + [literal] }
                }
                if prefixes.count > 64 { return nil }
                if prefixes[0].count >= 4 { skipToEnd(); return prefixes }
                if i < s.count, s[i] == UInt8(ascii: "+") { return finish(prefixes) }
            }
            return prefixes
        }

        /// Stops reading literals: the rest of this alternative is passed over, so an enclosing
        /// group can go on with its next alternative.
        mutating func finish(_ prefixes: [[UInt8]]) -> [[UInt8]]? {
            skipToEnd()
            return prefixes.contains(where: \.isEmpty) ? nil : prefixes
        }

        func at(_ t: String) -> Bool { s[i...].starts(with: t.utf8) }

        /// Moves past pattern text, brackets and escapes respected. Starting `depth` groups deep,
        /// it stops just after the `)` that closes depth 0 (`closing`), or (`!closing`) at the
        /// `|` or `)` that ends the current alternative.
        mutating func skip(depth start: Int, closing: Bool) {
            var depth = start
            var inClass = false
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if inClass { if c == UInt8(ascii: "]") { inClass = false }; i += 1; continue }
                if c == UInt8(ascii: "[") { inClass = true }
                else if c == UInt8(ascii: "(") { depth += 1 }
                else if c == UInt8(ascii: ")") {
                    if !closing, depth == 0 { return }
                    depth -= 1
                    if closing, depth == 0 { i += 1; return }
                } else if c == UInt8(ascii: "|"), !closing, depth == 0 { return }
                i += 1
            }
        }

        /// Past the group that starts at `i`.
        mutating func skipGroup() { skip(depth: 0, closing: true) }
        /// Past the `)` that closes the group we are inside.
        mutating func skipRestOfGroup() { skip(depth: 1, closing: true) }
        /// Enough literal text has been read: to the end of the current alternative.
        mutating func skipToEnd() { skip(depth: 0, closing: false) }
    }
}

/// Edits to PCRE2 pattern source text.
enum RegexSource {
    static let wordClass = "[A-Za-z0-9_]"

    /// The pattern as a whole word: not preceded or followed by a word character, so a name
    /// inside a longer word (`production_training_data_1w_backup`) is not that name.
    static func wholeWord(_ source: String) -> String {
        "(?<!\(wordClass))(?:\(source))(?!\(wordClass))"
    }

    /// `(?<name>…)`, `(?P<name>…)` and `(?'name'…)` as `(?:…)`.
    static func withoutGroupNames(_ source: String) -> String {
        var out = ""
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "(") {
            out += rest[..<open]
            let tail = rest[open...]
            var skip: Substring.Index? = nil
            for (start, close) in [("(?<", ">"), ("(?P<", ">"), ("(?'", "'")] where tail.hasPrefix(start) {
                let nameStart = tail.index(open, offsetBy: start.count)
                guard nameStart < tail.endIndex, tail[nameStart] != "=", tail[nameStart] != "!" else { continue }
                if let end = tail[nameStart...].firstIndex(of: Character(close)) { skip = tail.index(after: end) }
                break
            }
            // An escaped parenthesis is literal.
            let escaped = open > source.startIndex && out.hasSuffix("\\") && !out.hasSuffix("\\\\")
            if let skip, !escaped {
                out += "(?:"
                rest = tail[skip...]
            } else {
                out += "("
                rest = tail.dropFirst()
            }
        }
        return out + rest
    }

    /// What a template placeholder looks like: `{{ jinja }}`, `{field}`, `%(name)s`, `%s`.
    static let placeholder = #"\{\{[^{}\n]*\}\}|\{[^{}\n]*(?:\{[^{}\n]*\}[^{}\n]*)*\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sdr]|%[sdr]|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*"#

    /// Lets every named capture also match a template placeholder, so that
    /// `production_training_data_(?<horizon>1w|…)` finds `production_training_data_{horizon}`.
    static func allowingPlaceholders(_ source: String, for names: Set<String>) -> String {
        let s = Array(source.utf8)
        var out: [UInt8] = []
        var i = 0
        var inClass = false
        // Stack of (is a named group) for each open parenthesis.
        var stack: [Bool] = []
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: "\\") {
                if i + 1 < s.count, s[i + 1] == UInt8(ascii: "Q") {
                    // \Q…\E literal
                    var j = i + 2
                    while j + 1 < s.count, !(s[j] == UInt8(ascii: "\\") && s[j + 1] == UInt8(ascii: "E")) { j += 1 }
                    let stop = min(s.count, j + 2)
                    out.append(contentsOf: s[i..<stop])
                    i = stop
                    continue
                }
                out.append(c)
                if i + 1 < s.count { out.append(s[i + 1]) }
                i += 2
                continue
            }
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
                out.append(c); i += 1
                continue
            }
            if c == UInt8(ascii: "[") {
                inClass = true
                out.append(c); i += 1
                // `[]…]` and `[^]…]`: a leading `]` is literal.
                if i < s.count, s[i] == UInt8(ascii: "^") { out.append(s[i]); i += 1 }
                if i < s.count, s[i] == UInt8(ascii: "]") { out.append(s[i]); i += 1 }
                continue
            }
            if c == UInt8(ascii: "(") {
                let rest = s[i...]
                let named = rest.starts(with: "(?<".utf8) && i + 3 < s.count && s[i + 3] != UInt8(ascii: "=") && s[i + 3] != UInt8(ascii: "!")
                    || rest.starts(with: "(?P<".utf8) || rest.starts(with: "(?'".utf8)
                if named {
                    // Copy the group opener, then open an inner non-capturing group.
                    var j = i
                    let close: UInt8 = rest.starts(with: "(?'".utf8) ? UInt8(ascii: "'") : UInt8(ascii: ">")
                    j += rest.starts(with: "(?P<".utf8) ? 4 : 3
                    let nameStart = j
                    while j < s.count, s[j] != close { j += 1 }
                    guard names.contains(String(decoding: s[nameStart..<min(j, s.count)], as: UTF8.self)) else {
                        stack.append(false)
                        out.append(c); i += 1
                        continue
                    }
                    out.append(contentsOf: s[i...min(j, s.count - 1)])
                    out.append(contentsOf: "(?:".utf8)
                    stack.append(true)
                    i = j + 1
                    continue
                }
                stack.append(false)
                out.append(c); i += 1
                continue
            }
            if c == UInt8(ascii: ")") {
                if stack.popLast() == true {
                    out.append(contentsOf: ")|".utf8)
                    out.append(contentsOf: placeholder.utf8)
                }
                out.append(c); i += 1
                continue
            }
            out.append(c); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

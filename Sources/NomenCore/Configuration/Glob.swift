/// A gitignore-style glob: `*` (not `/`), `**` (any folders), `?`, `[abc]`. A glob without `/`
/// matches a name in any folder; with a `/` it is anchored at the root.
public struct Glob: Sendable, Equatable {
    public let source: String
    let pattern: [UInt8]
    let anchored: Bool
    let directoryOnly: Bool
    /// The common shapes, matched without the general matcher: a plain name (`.env`) and
    /// `*` then a plain suffix (`*.pkl`).
    let shape: Shape

    enum Shape: Equatable {
        case literal, anySuffix, general
    }

    /// For the general matcher: the bytes a subject can end with, when the pattern's last
    /// element is a byte, a `?` or a class (`*.py[cod]` ends in `c`, `o` or `d`); nil when
    /// it ends in `*`. A subject ending otherwise is rejected without running the matcher.
    let lastBytes: ByteBits?

    struct ByteBits: Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        static func == (a: ByteBits, b: ByteBits) -> Bool { a.words == b.words }
        mutating func insert(_ c: UInt8) {
            let bit = UInt64(1) << UInt64(c & 63)
            switch c >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
        @inline(__always)
        func contains(_ c: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(c & 63)
            switch c >> 6 {
            case 0: return words.0 & bit != 0
            case 1: return words.1 & bit != 0
            case 2: return words.2 & bit != 0
            default: return words.3 & bit != 0
            }
        }
    }

    /// `lastBytes` for a pattern, its elements read as `match` reads them.
    static func lastBytes(of pattern: [UInt8]) -> ByteBits? {
        var i = pattern.startIndex
        var last: (start: Int, end: Int)? = nil
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == UInt8(ascii: "["), let (_, next) = classMatch(pattern[...], i, 0) {
                last = (i, next)
                i = next
            } else {
                last = (i, i + 1)
                i += 1
            }
        }
        guard let last else { return nil }
        let c = pattern[last.start]
        if c == UInt8(ascii: "*") { return nil }
        var bits = ByteBits()
        for b in 0...255 {
            let byte = UInt8(b)
            let matches: Bool
            if c == UInt8(ascii: "?") { matches = byte != UInt8(ascii: "/") }
            else if c == UInt8(ascii: "["), last.end - last.start > 1 { matches = classMatch(pattern[...], last.start, byte)?.0 ?? false }
            else { matches = byte == c }
            if matches { bits.insert(byte) }
        }
        return bits
    }

    public init(_ source: String) {
        self.source = source
        var s = source
        directoryOnly = s.hasSuffix("/")
        if directoryOnly { s.removeLast() }
        if s.hasPrefix("/") { s.removeFirst(); anchored = true } else { anchored = s.contains("/") }
        pattern = Array(s.utf8)
        func plain(_ bytes: ArraySlice<UInt8>) -> Bool {
            !bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
        }
        if plain(pattern[...]) { shape = .literal }
        else if pattern.first == UInt8(ascii: "*"), plain(pattern.dropFirst()), !pattern.dropFirst().contains(UInt8(ascii: "/")) { shape = .anySuffix }
        else { shape = .general }
        lastBytes = shape == .general ? Self.lastBytes(of: pattern) : nil
    }

    /// `path` is relative to the glob's base, `/`-separated.
    public func matches(_ path: String, isDirectory: Bool = false) -> Bool {
        if directoryOnly && !isDirectory { return false }
        var path = path
        return path.withUTF8 { matches(bytes: $0) }
    }

    /// `matches` on the path's UTF-8, read in place (the walker asks for every file).
    func matches(bytes p: UnsafeBufferPointer<UInt8>) -> Bool {
        matches(path: p[...], name: p.lastIndex(of: UInt8(ascii: "/")).map { p[($0 + 1)...] } ?? p[...])
    }

    /// `matches` given the path and its last component (found once for all of a file's globs).
    @inline(__always)
    func matches(path p: Slice<UnsafeBufferPointer<UInt8>>, name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        // Anchored: the whole path; unanchored: its last component.
        let subject = anchored ? p : name
        switch shape {
        case .literal:
            return subject.count == pattern.count && subject.elementsEqual(pattern)
        case .anySuffix:
            // `*` does not cross `/`: an anchored subject must be one component.
            let suffix = pattern.count - 1
            guard subject.count >= suffix, !anchored || !subject.contains(UInt8(ascii: "/")) else { return false }
            return subject[(subject.endIndex - suffix)...].elementsEqual(pattern[1...])
        case .general:
            if let lastBytes, let end = subject.last, !lastBytes.contains(end) { return false }
            return Self.match(pattern[...], subject)
        }
    }

    static func match(_ pat: ArraySlice<UInt8>, _ str: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var p = pat.startIndex, s = str.startIndex
        var starP = -1, starS = -1
        while s < str.endIndex {
            if p < pat.endIndex {
                let c = pat[p]
                if c == UInt8(ascii: "*") {
                    if p + 1 < pat.endIndex, pat[p + 1] == UInt8(ascii: "*") {
                        // `**`: any number of folders.
                        var rest = p + 2
                        let slash = rest < pat.endIndex && pat[rest] == UInt8(ascii: "/")
                        if slash { rest += 1 }
                        var k = s
                        while true {
                            // `**/` stands for whole folders: the rest starts here or after a `/`.
                            let atBoundary = !slash || k == s || str[k - 1] == UInt8(ascii: "/")
                            if atBoundary, match(pat[rest...], str[k...]) { return true }
                            guard k < str.endIndex else { return false }
                            k += 1
                        }
                    }
                    starP = p; starS = s; p += 1
                    continue
                }
                if c == UInt8(ascii: "?"), str[s] != UInt8(ascii: "/") { p += 1; s += 1; continue }
                if c == UInt8(ascii: "["), let (matched, next) = classMatch(pat, p, str[s]) {
                    if matched { p = next; s += 1; continue }
                } else if c == str[s] {
                    p += 1; s += 1; continue
                }
            }
            if starP >= 0, str[starS] != UInt8(ascii: "/") {
                starS += 1; s = starS; p = starP + 1
                continue
            }
            return false
        }
        while p < pat.endIndex, pat[p] == UInt8(ascii: "*") { p += 1 }
        return p == pat.endIndex
    }

    private static func classMatch(_ pat: ArraySlice<UInt8>, _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pat.endIndex, pat[i] == UInt8(ascii: "!") || pat[i] == UInt8(ascii: "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < pat.endIndex, pat[i] != UInt8(ascii: "]") || first {
            first = false
            if i + 2 < pat.endIndex, pat[i + 1] == UInt8(ascii: "-"), pat[i + 2] != UInt8(ascii: "]") {
                if pat[i] <= c && c <= pat[i + 2] { matched = true }
                i += 3
            } else {
                if pat[i] == c { matched = true }
                i += 1
            }
        }
        guard i < pat.endIndex else { return nil }
        return (matched != negate, i + 1)
    }
}

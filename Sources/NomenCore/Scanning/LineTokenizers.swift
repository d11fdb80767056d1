/// Shell scripts: `#` comments (at the start of a word, outside quotes and heredocs).
/// Everything else is shell text, where names sit in words and strings alike.
enum ShellTokenizer {
    /// What the loop stops at: comments, quotes, escapes, heredoc openers and line ends.
    /// Everything between is words and blanks, which only say whether a line has begun.
    static let stops = ByteSet("#'\"\\<\n")
    static let singleQuoteEnd = ByteSet("'")
    static let doubleQuoteStops = ByteSet("\"\\")

    /// Jumps from stop to stop (SIMD); the same regions as `regionsByteByByte`.
    static func regions(in b: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Region] {
        var regions: [Region] = []
        // Room for a typical file's strings and comments at once (not grown from 1, 2, 4, …).
        regions.reserveCapacity(range.count / 128)
        var i = range.lowerBound
        let end = range.upperBound
        var heredoc: [UInt8]? = nil
        var lineStart = true
        while i < end {
            if let tag = heredoc {
                // Inside a heredoc body: skip whole lines until the terminator line.
                let lineEnd = ByteSet.lineFeeds.first(in: b, from: i, end: end)
                var s = i
                while s < lineEnd, b[s] == 0x09 { s += 1 }
                var e = lineEnd
                if e > s, b[e - 1] == 0x0D { e -= 1 }
                if e - s == tag.count, b[s..<e].elementsEqual(tag) { heredoc = nil }
                i = lineEnd + 1
                lineStart = true
                continue
            }
            let j = stops.first(in: b, from: i, end: end)
            if lineStart, b[i..<j].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { lineStart = false }
            guard j < end else { break }
            i = j
            switch b[j] {
            case UInt8(ascii: "#"):
                if lineStart || (j > range.lowerBound && (b[j - 1] == 0x20 || b[j - 1] == 0x09 || b[j - 1] == UInt8(ascii: ";"))) {
                    i = ByteSet.lineEnds.first(in: b, from: j, end: end)
                    regions.append(Region(kind: .comment, range: j..<i, content: (j + 1)..<i, context: .comment))
                } else {
                    lineStart = false
                    i += 1
                }
            case UInt8(ascii: "'"):
                i = singleQuoteEnd.first(in: b, from: j + 1, end: end) + 1
                lineStart = false
            case UInt8(ascii: "\""):
                var k = j + 1
                while true {
                    k = doubleQuoteStops.first(in: b, from: k, end: end)
                    guard k < end, b[k] == UInt8(ascii: "\\") else { break }
                    k += 2
                }
                i = k + 1
                lineStart = false
            case UInt8(ascii: "\\"):
                i += 2
            case UInt8(ascii: "<"):
                guard i + 2 < end, b[i + 1] == UInt8(ascii: "<"), b[i + 2] != UInt8(ascii: "<") else {
                    lineStart = false
                    i += 1
                    continue
                }
                if let opened = heredocTag(b, at: i, end: end) {
                    heredoc = opened.tag
                    i = opened.next
                    lineStart = true
                } else {
                    i += 2
                }
            default:  // a line feed
                lineStart = true
                i += 1
            }
        }
        return regions
    }

    /// A heredoc opened by the `<<` at `i` (`<<EOF`, `<<-'EOF'`, `<< "EOF"`): its tag, and where
    /// its body starts (the next line). nil when no word follows.
    private static func heredocTag(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> (tag: [UInt8], next: Int)? {
        var k = i + 2
        if k < end, b[k] == UInt8(ascii: "-") { k += 1 }
        while k < end, b[k] == 0x20 { k += 1 }
        var quoted: UInt8? = nil
        if k < end, b[k] == UInt8(ascii: "'") || b[k] == UInt8(ascii: "\"") { quoted = b[k]; k += 1 }
        let s = k
        while k < end, SQLTokenizer.isWordByte(b[k]) { k += 1 }
        guard k > s else { return nil }
        let tag = Array(b[s..<k])
        if let q = quoted, k < end, b[k] == q { k += 1 }
        // The rest of this line is still shell; the body starts on the next line.
        while k < end, b[k] != 0x0A { k += 1 }
        return (tag, k + 1)
    }

    /// The same regions, byte by byte: what `regions` must equal (tests).
    static func regionsByteByByte(in b: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Region] {
        var regions: [Region] = []
        var i = range.lowerBound
        let end = range.upperBound
        var heredoc: [UInt8]? = nil
        var lineStart = true
        while i < end {
            let c = b[i]
            if let tag = heredoc {
                // Inside a heredoc body: skip whole lines until the terminator line.
                var lineEnd = i
                while lineEnd < end, b[lineEnd] != 0x0A { lineEnd += 1 }
                var s = i
                while s < lineEnd, b[s] == 0x09 { s += 1 }
                var e = lineEnd
                if e > s, b[e - 1] == 0x0D { e -= 1 }
                if Array(b[s..<e]) == tag { heredoc = nil }
                i = lineEnd + 1
                lineStart = true
                continue
            }
            switch c {
            case UInt8(ascii: "#") where lineStart || (i > range.lowerBound && (b[i - 1] == 0x20 || b[i - 1] == 0x09 || b[i - 1] == UInt8(ascii: ";"))):
                let s = i
                while i < end, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
                regions.append(Region(kind: .comment, range: s..<i, content: (s + 1)..<i, context: .comment))
            case UInt8(ascii: "'"):
                i += 1
                while i < end, b[i] != UInt8(ascii: "'") { i += 1 }
                i += 1
                lineStart = false
            case UInt8(ascii: "\""):
                i += 1
                while i < end, b[i] != UInt8(ascii: "\"") { if b[i] == UInt8(ascii: "\\") { i += 1 }; i += 1 }
                i += 1
                lineStart = false
            case UInt8(ascii: "\\"):
                i += 2
            case UInt8(ascii: "<") where i + 2 < end && b[i + 1] == UInt8(ascii: "<") && b[i + 2] != UInt8(ascii: "<"):
                if let opened = heredocTag(b, at: i, end: end) {
                    heredoc = opened.tag
                    i = opened.next
                    lineStart = true
                    continue
                }
                i += 2
            case 0x0A:
                lineStart = true
                i += 1
            case 0x20, 0x09, 0x0D:
                i += 1
            default:
                lineStart = false
                i += 1
            }
        }
        return regions
    }
}

/// YAML, TOML, INI and CFG: `#` (and `;` at line start) comments outside quotes.
/// JSON has no comments. Everything else is config text.
enum ConfigTokenizer {
    static let stops = ByteSet("#;'\"\n")
    static let singleQuoteEnds = ByteSet("'\n")
    static let doubleQuoteEnds = ByteSet("\"\n")

    /// Jumps from one byte that may open a comment or quote (or end a line) to the next.
    static func regions(in b: UnsafeBufferPointer<UInt8>, range: Range<Int>, json: Bool) -> [Region] {
        guard !json else { return [] }
        var regions: [Region] = []
        regions.reserveCapacity(range.count / 128)
        var i = range.lowerBound
        let end = range.upperBound
        var lineStart = true
        while i < end {
            let j = stops.first(in: b, from: i, end: end)
            // What was passed over ends the line's start unless it was all white space.
            if lineStart, b[i..<j].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { lineStart = false }
            guard j < end else { break }
            let c = b[j]
            let atWordStart = j == range.lowerBound || b[j - 1] == 0x20 || b[j - 1] == 0x09 || b[j - 1] == 0x0A
            if c == UInt8(ascii: "#") && atWordStart || c == UInt8(ascii: ";") && lineStart {
                i = ByteSet.lineEnds.first(in: b, from: j, end: end)
                regions.append(Region(kind: .comment, range: j..<i, content: (j + 1)..<i, context: .comment))
                continue
            }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // A quote runs to its closing quote or the end of the line.
                let k = (c == UInt8(ascii: "'") ? singleQuoteEnds : doubleQuoteEnds).first(in: b, from: j + 1, end: end)
                lineStart = k < end && b[k] == 0x0A
                i = k + 1
            case 0x0A:
                lineStart = true
                i = j + 1
            default:
                lineStart = false
                i = j + 1
            }
        }
        return regions
    }

    /// The same regions, byte by byte: what `regions` must equal (tests).
    static func regionsByteByByte(in b: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Region] {
        var regions: [Region] = []
        var i = range.lowerBound
        let end = range.upperBound
        var quote: UInt8? = nil
        var lineStart = true
        while i < end {
            let c = b[i]
            if let q = quote {
                if c == q { quote = nil } else if c == 0x0A { quote = nil; lineStart = true }
                i += 1
                continue
            }
            let atWordStart = i == range.lowerBound || b[i - 1] == 0x20 || b[i - 1] == 0x09 || b[i - 1] == 0x0A
            if c == UInt8(ascii: "#") && atWordStart || c == UInt8(ascii: ";") && lineStart {
                let s = i
                while i < end, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
                regions.append(Region(kind: .comment, range: s..<i, content: (s + 1)..<i, context: .comment))
                continue
            }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quote = c
                lineStart = false
            case 0x0A:
                lineStart = true
            case 0x20, 0x09, 0x0D:
                break
            default:
                lineStart = false
            }
            i += 1
        }
        return regions
    }
}

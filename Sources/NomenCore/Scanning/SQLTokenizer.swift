import CByteScan

/// Tokenizes SQL (BigQuery and ANSI): comments (`--`, `#`, `/* */`), string literals (with
/// `r`/`b` prefixes and triple quotes), backtick identifiers, and Jinja blocks (`{{ }}`,
/// `{% %}`, `{# #}`) and f-string fields, which are passed over intact.
struct SQLTokenizer {
    /// A table reference: `project.dataset.table` in any quoting, each part's byte range.
    struct TableReference: Sendable, Equatable {
        var range: Range<Int>
        var parts: [Range<Int>]
        var backticked: Bool
    }

    let b: UnsafeBufferPointer<UInt8>
    let end: Int
    var i: Int
    /// Where the scanned range begins (a prefix letter before a quote is looked for after it).
    var start: Int
    var regions: [Region] = []
    var references: [TableReference] = []
    var expectTable = false
    /// Table references are resolved only for the debug view; linting needs the regions alone.
    var collectReferences = true
    /// String literals that hold none of these offsets get no region (nil: all do).
    var keeping: KeptOffsets? = nil

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> (regions: [Region], references: [TableReference]) {
        var t = SQLTokenizer(b: bytes, end: range.upperBound, i: range.lowerBound, start: range.lowerBound)
        t.run()
        return (t.regions, t.references)
    }

    static func regions(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, keeping: [Int]? = nil) -> [Region] {
        var t = SQLTokenizer(b: bytes, end: range.upperBound, i: range.lowerBound, start: range.lowerBound)
        t.collectReferences = false
        t.keeping = keeping.map(KeptOffsets.init)
        // Room for the regions at once (not grown from 1, 2, 4, …): with offsets to keep, at
        // most one string per offset and the comments; without, a typical file's.
        t.regions.reserveCapacity(min(range.count / 128, keeping.map { $0.count + 16 } ?? .max))
        t.runToRegions()
        return t.regions
    }

    /// The regions by the byte-by-byte loop (`run` without references): what `regions` must
    /// equal (tests).
    static func regionsByteByByte(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Region] {
        var t = SQLTokenizer(b: bytes, end: range.upperBound, i: range.lowerBound, start: range.lowerBound)
        t.collectReferences = false
        t.run()
        return t.regions
    }

    /// Whether a string over `content` is SQL enough to be scanned as SQL (see `attach`).
    static func mayHoldSQL(_ content: Range<Int>, in b: UnsafeBufferPointer<UInt8>) -> Bool {
        content.count >= 10 && looksLikeSQL(b, content)
    }

    /// Marks a Python string as SQL and scans its content, when it reads as SQL (its regions
    /// go into `tables`; see `RegionTree.markSQL` for a string of a finished tree).
    static func attach(to region: inout Region, in b: UnsafeBufferPointer<UInt8>, tables: RegionTables) {
        guard mayHoldSQL(region.content, in: b) else { return }
        region.holdsSQL = true
        region.childSpan = tables.add(nested: regions(in: b, range: region.content))
    }

    /// SQL keywords that make a string SQL: SELECT … FROM, INSERT INTO, CREATE TABLE/VIEW,
    /// MERGE, UPDATE … SET, DELETE FROM, JOIN. Each is packed as lowercase bytes into an
    /// integer (no string per word); its number is its bit in `seen` (`looksLikeSQL`).
    /// A keyword's number, by a switch on its packed letters.
    @inline(__always)
    static func keywordBit(_ v: UInt64) -> Int? {
        switch v {
        case 0x73656c656374: return 0  // select
        case 0x66726f6d: return 1      // from
        case 0x6a6f696e: return 2      // join
        case 0x696e73657274: return 3  // insert
        case 0x696e746f: return 4      // into
        case 0x637265617465: return 5  // create
        case 0x7461626c65: return 6    // table
        case 0x76696577: return 7      // view
        case 0x6d65726765: return 8    // merge
        case 0x757064617465: return 9  // update
        case 0x736574: return 10       // set
        case 0x64656c657465: return 11 // delete
        default: return nil
        }
    }

    /// Whether `r` reads as SQL (its keywords make a statement); in C (`nomen_looks_like_sql`),
    /// every string with a match in it is asked.
    static func looksLikeSQL(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard let base = b.baseAddress, !r.isEmpty else { return false }
        return nomen_looks_like_sql(base, b.count, r.lowerBound, r.upperBound) != 0
    }

    /// `looksLikeSQL` one byte at a time, in Swift: the oracle its tests compare against.
    static func looksLikeSQLByteByByte(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        var seen: UInt16 = 0
        var k = r.lowerBound
        while k < r.upperBound {
            let c = b[k]
            guard PythonTokenizer.isIdentifierStart(c) else { k += 1; continue }
            let s = k
            while k < r.upperBound, PythonTokenizer.isIdentifierByte(b[k]) { k += 1 }
            let n = k - s
            guard n >= 3, n <= 6, s == r.lowerBound || !PythonTokenizer.isIdentifierByte(b[s - 1]) else { continue }
            var v: UInt64 = 0
            for x in s..<k { v = v << 8 | UInt64(b[x] | 0x20) }
            // The verdict only ever turns true: it is decided at the first keyword that makes it.
            if let bit = Self.keywordBit(v) {
                seen |= 1 << bit
                if Self.isSQL(seen) { return true }
            }
        }
        return false
    }

    /// Whether the keywords seen (bits of `keywordBit`) make SQL.
    private static func isSQL(_ seen: UInt16) -> Bool {
        func has(_ bit: Int) -> Bool { seen & (1 << bit) != 0 }
        return (has(0) && has(1)) || (has(3) && has(4)) || (has(5) && (has(6) || has(7))) || (has(8) && has(4))
            || (has(9) && has(10)) || (has(11) && has(1)) || has(2)
    }

    private mutating func run() {
        while i < end {
            let c = b[i]
            switch c {
            case UInt8(ascii: "-") where i + 1 < end && b[i + 1] == UInt8(ascii: "-"):
                lineComment(markerLength: 2)
            case UInt8(ascii: "#"):
                lineComment(markerLength: 1)
            case UInt8(ascii: "/") where i + 1 < end && b[i + 1] == UInt8(ascii: "*"):
                blockComment()
            case UInt8(ascii: "{"):
                skipBraces()
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                string(start: i)
                expectTable = false
            case UInt8(ascii: "`"), UInt8(ascii: "_"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if (c | 0x20 == UInt8(ascii: "r") || c | 0x20 == UInt8(ascii: "b")), i + 1 < end, b[i + 1] == UInt8(ascii: "'") || b[i + 1] == UInt8(ascii: "\"") {
                    string(start: i)
                    continue
                }
                if collectReferences {
                    reference()
                } else if c == UInt8(ascii: "`") {
                    i += 1
                    while i < end, b[i] != UInt8(ascii: "`"), b[i] != 0x0A { i += 1 }
                    i += 1
                } else {
                    while i < end, Self.isWordByte(b[i]) { i += 1 }
                }
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ";"):
                expectTable = false
                i += 1
            default:
                i += 1
            }
        }
    }

    /// What ends a stretch of plain SQL when only regions are wanted.
    static let stops = ByteSet("-#/{'\"`")
    /// What ends a backtick identifier, as tables read in place (see `ByteSet.Tables`; a
    /// `ByteSet` is pinned when made, so its tables live as long as the program).
    static let backtickEnd = ByteSet("`\n").tables
    /// What may end a stretch of string text, by quote (`'`, `"`, `` ` ``… as it comes) and
    /// single or triple quotes: the escape, the quote, and a line feed for single quotes.
    static let stringStops: [ByteSet] = SharedObjects.pinned([UInt8(ascii: "'"), UInt8(ascii: "\"")].flatMap { q in
        [false, true].map { triple in ByteSet(bytes: [UInt8(ascii: "\\"), q] + (triple ? [] : [0x0A])) }
    })
    /// The same tables as plain values (the sets live as long as the program).
    static let stringStopTables = SharedObjects.pinned(stringStops.map(\.tables))

    /// `run` without table references: jumps from one byte that may open a comment, string,
    /// backtick identifier or brace block to the next; words and everything else are passed
    /// over in bulk. Produces the same regions as `run`.
    private mutating func runToRegions() {
        while i < end {
            let j = Self.stops.first(in: b, from: i, end: end)
            guard j < end else { i = end; return }
            i = j
            switch b[j] {
            case UInt8(ascii: "-"):
                if j + 1 < end, b[j + 1] == UInt8(ascii: "-") { lineComment(markerLength: 2) } else { i = j + 1 }
            case UInt8(ascii: "#"):
                lineComment(markerLength: 1)
            case UInt8(ascii: "/"):
                if j + 1 < end, b[j + 1] == UInt8(ascii: "*") { blockComment() } else { i = j + 1 }
            case UInt8(ascii: "{"):
                skipBraces()
            case UInt8(ascii: "`"):
                // A backtick identifier ends at the next backtick or line feed (a SIMD search:
                // it is most of the bytes this loop passes over one by one otherwise).
                i = Self.backtickEnd.first(in: b, from: j + 1, end: end) + 1
            default:
                string(start: startsWithPrefix(quoteAt: j) ? j - 1 : j)
            }
        }
    }

    /// Whether the quote at `j` follows an `r`/`b` prefix that `run` would see as a word's
    /// first letter (it passes words over whole, digits one at a time).
    private func startsWithPrefix(quoteAt j: Int) -> Bool {
        guard j - 1 >= start, b[j - 1] | 0x20 == UInt8(ascii: "r") || b[j - 1] | 0x20 == UInt8(ascii: "b") else { return false }
        var m = j - 2
        while m >= start, b[m] >= UInt8(ascii: "0"), b[m] <= UInt8(ascii: "9") { m -= 1 }
        return m < start || !Self.isWordByte(b[m])
    }

    static let commentEnd = SharedObjects.pinned(Array("*/".utf8))

    private mutating func blockComment() {
        let start = i
        i += 2
        // The first `*/` (a SIMD search: `ByteSearch`, tested against a naive one).
        let close = ByteSearch.firstIndex(of: Self.commentEnd, in: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[..<end]), from: i)
        let terminated = close != nil
        i = close.map { $0 + 2 } ?? end
        if keeping != nil, !keeping!.holds(start..<i) { return }
        regions.append(Region(kind: .comment, range: start..<i, content: (start + 2)..<(terminated ? i - 2 : i), context: .comment, terminated: terminated))
    }

    private mutating func lineComment(markerLength: Int) {
        let start = i
        i = ByteSet.lineEnds.first(in: b, from: i, end: end)
        if keeping != nil, !keeping!.holds(start..<i) { return }
        regions.append(Region(kind: .comment, range: start..<i, content: (start + markerLength)..<i, context: .comment))
    }

    /// `{{ … }}`, `{% … %}`, `{# … #}`, or a balanced `{…}` (an f-string field).
    private mutating func skipBraces() {
        if i + 1 < end, b[i + 1] == UInt8(ascii: "%") || b[i + 1] == UInt8(ascii: "#") {
            let close = b[i + 1]
            i += 2
            while i < end {
                if b[i] == close, i + 1 < end, b[i + 1] == UInt8(ascii: "}") { i += 2; return }
                i += 1
            }
            return
        }
        var depth = 0
        while i < end {
            if b[i] == UInt8(ascii: "{") { depth += 1 }
            else if b[i] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { i += 1; return }
            }
            i += 1
        }
    }

    private mutating func string(start: Int) {
        var k = start
        if b[k] != UInt8(ascii: "'") && b[k] != UInt8(ascii: "\"") { k += 1 }
        let q = b[k]
        let triple = k + 2 < end && b[k + 1] == q && b[k + 2] == q
        let contentStart = k + (triple ? 3 : 1)
        var j = contentStart
        var contentEnd = end, tokenEnd = end, terminated = false
        let stops = Self.stringStopTables[(q == UInt8(ascii: "'") ? 0 : 2) + (triple ? 1 : 0)]
        while j < end {
            j = stops.first(in: b, from: j, end: end)
            guard j < end else { break }
            let c = b[j]
            if c == UInt8(ascii: "\\") { j += 2; continue }
            if c == q {
                if !triple {
                    contentEnd = j; tokenEnd = j + 1; terminated = true; break
                }
                if j + 2 < end, b[j + 1] == q, b[j + 2] == q {
                    contentEnd = j; tokenEnd = j + 3; terminated = true; break
                }
            }
            if !triple, c == 0x0A {
                contentEnd = j; tokenEnd = j; break
            }
            j += 1
        }
        if j >= end { contentEnd = end; tokenEnd = end }
        i = tokenEnd
        if keeping != nil, !keeping!.holds(start..<tokenEnd) { return }
        regions.append(Region(kind: .string, range: start..<tokenEnd, content: contentStart..<max(contentStart, contentEnd), context: .sqlString,
                              quoteByte: q, quoteCount: triple ? 3 : 1, terminated: terminated))
    }

    /// A word or a dotted chain of words and backtick identifiers.
    private mutating func reference() {
        let start = i
        var parts: [Range<Int>] = []
        var backticked = false
        var firstWord: Range<Int>? = nil
        while i < end {
            if b[i] == UInt8(ascii: "`") {
                backticked = true
                let s = i + 1
                var k = s
                while k < end, b[k] != UInt8(ascii: "`"), b[k] != 0x0A { k += 1 }
                // A backtick part may itself be dotted: `p.d.t`.
                var partStart = s
                for x in s...k where x == k || b[x] == UInt8(ascii: ".") {
                    parts.append(partStart..<x)
                    partStart = x + 1
                }
                i = k < end && b[k] == UInt8(ascii: "`") ? k + 1 : k
            } else if Self.isWordByte(b[i]) || b[i] == UInt8(ascii: "{") {
                let s = i
                while i < end {
                    if b[i] == UInt8(ascii: "{") { skipBraces(); continue }
                    if Self.isWordByte(b[i]) || (b[i] == UInt8(ascii: "-") && parts.isEmpty && i + 1 < end && Self.isWordByte(b[i + 1]) && expectTable) { i += 1; continue }
                    break
                }
                parts.append(s..<i)
                if firstWord == nil { firstWord = s..<i }
            } else {
                break
            }
            if i + 1 < end, b[i] == UInt8(ascii: "."), b[i + 1] == UInt8(ascii: "`") || Self.isWordByte(b[i + 1]) || b[i + 1] == UInt8(ascii: "{") {
                i += 1
                continue
            }
            break
        }
        if i == start { i += 1; return }
        if parts.count == 1, !backticked, let w = firstWord {
            var word = ""
            for x in w where w.count <= 8 { word.append(Character(Unicode.Scalar(b[x] | 0x20))) }
            switch word {
            case "from", "join", "into", "update", "table", "view", "merge", "using":
                expectTable = true
                return
            case "if", "not", "exists", "or", "replace", "temp", "temporary", "only", "all", "distinct":
                return
            default:
                break
            }
        }
        if expectTable || backticked {
            references.append(TableReference(range: start..<i, parts: parts, backticked: backticked))
        }
        expectTable = false
    }

    static func isWordByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }
}

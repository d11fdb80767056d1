import CByteScan

/// Tokenizes Python source bytes into string and comment regions: every string form and
/// prefix (`r b u f t` and pairs, any case), triple quotes, escapes, line continuations, and
/// f-strings with nested replacement fields, conversions, format specs and nested quotes
/// (PEP 701). Strings that hold SQL are scanned again by `SQLTokenizer`.
struct PythonTokenizer {
    let b: UnsafeBufferPointer<UInt8>
    let end: Int
    var i: Int
    /// Whether a token other than a string has been seen on the current logical line.
    var lineHasToken = false
    var depth = 0
    /// Leave SQL detection to the caller (`mayHoldSQL`, `SQLTokenizer.attach`), for the
    /// strings that turn out to matter.
    var deferSQL = false
    /// Sorted offsets: statement-level strings that hold none are not kept (nil: all are).
    var keeping: KeptOffsets? = nil
    /// A string's fields as they are found: most strings are not kept (no match in them), and
    /// theirs never become an array of their own.
    var fieldScratch: [Field] = []
    /// The string stop tables, read once per tokenizer rather than once per string.
    let stopTables = PythonTokenizer.stringStopTables
    /// Fields and the regions inside strings and fields (shared with the copies that scan
    /// nested strings).
    let tables = RegionTables()

    static func regions(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, deferSQL: Bool = false, keeping: [Int]? = nil) -> RegionTree {
        var t = PythonTokenizer(b: bytes, end: range.upperBound, i: range.lowerBound)
        t.deferSQL = deferSQL
        t.keeping = keeping.map(KeptOffsets.init)
        let top = t.run()
        return RegionTree(regions: top, nested: t.tables.nested, fieldTable: t.tables.fields)
    }

    /// Whether a statement-level string over `r` is kept (see `keeping`).
    private mutating func keeps(_ r: Range<Int>) -> Bool {
        keeping == nil || keeping!.holds(r)
    }

    /// Whether a top-level region is a string the tokenizer would have checked for SQL.
    /// (Given the region's plain fields: a region passed whole is copied, arrays and all.)
    static func mayHoldSQL(kind: Region.Kind, context: Context, isBytes: Bool) -> Bool {
        kind == .string && context != .docstring && !isBytes
    }

    static func regions(in bytes: [UInt8]) -> RegionTree {
        bytes.withUnsafeBufferPointer { regions(in: $0, range: 0..<$0.count) }
    }

    /// Passes over code in C (`nomen_python_code`: identifiers, numbers, operators, blanks,
    /// line ends, brackets and continuations, keeping the depth and whether the logical line
    /// has a token) and stops at quotes and comments. Produces the same regions as
    /// `runByteByByte`.
    private mutating func run() -> [Region] {
        var regions: [Region] = []
        regions.reserveCapacity((end - i) / 128)
        guard let base = b.baseAddress else { return regions }
        var state = nomen_python_state(depth: depth, line_has_token: lineHasToken ? 1 : 0, run_token: 0)
        while i < end {
            let from = i
            let j = nomen_python_code(base, end, i, &state)
            depth = state.depth
            lineHasToken = state.line_has_token != 0
            guard j < end else { i = end; break }
            i = j
            if b[j] == UInt8(ascii: "#") {
                i = ByteSet.lineEnds.first(in: b, from: j, end: end)
                if keeps(j..<i) { regions.append(Region(kind: .comment, range: j..<i, content: (j + 1)..<i, context: .comment)) }
                continue
            }
            // A string prefix right before the quote is part of the string, not a token: the
            // line's state is the one from before it.
            // (Most quotes follow no identifier byte, so no prefix: not looked for.)
            let prefixStart = j > from && Self.isIdentifierByte(b[j - 1]) ? stringPrefix(before: j, from: from) : nil
            if let prefixStart { lineHasToken = prefixStart == wordRunStart(before: j, from: from) ? state.run_token != 0 : true }
            let start = prefixStart ?? j
            // Most strings hold no match and are dropped: a plain (not f-) string's end is
            // found in C and the string passed over; one that is kept is read in full below.
            if keeping != nil, !(start..<j).contains(where: { b[$0] | 0x20 == UInt8(ascii: "f") || b[$0] | 0x20 == UInt8(ascii: "t") }) {
                let q = b[j]
                let triple = j + 2 < end && b[j + 1] == q && b[j + 2] == q
                var terminated: Int32 = 0
                let tokenEnd = nomen_python_string_end(base, end, j + (triple ? 3 : 1), q, triple ? 1 : 0, &terminated)
                if !keeps(start..<tokenEnd) {
                    i = tokenEnd
                    lineHasToken = true
                    state.line_has_token = 1
                    continue
                }
            }
            statementString(start: start, prefixEnd: j, into: &regions)
            state.line_has_token = lineHasToken ? 1 : 0
        }
        return regions
    }

    /// Where the run of identifier bytes and dots that ends at `j` begins (not before `from`).
    private func wordRunStart(before j: Int, from: Int) -> Int {
        var k = j
        while k > from, Self.isIdentifierByte(b[k - 1]) || b[k - 1] == UInt8(ascii: ".") { k -= 1 }
        return k
    }

    /// An identifier (whole) or a number (with its dots and letters) starting at `p`, as both
    /// loops read them; nil for any other byte.
    private func wordToken(at p: Int, limit: Int) -> (end: Int, isIdentifier: Bool)? {
        let c = b[p]
        var e = p
        if Self.isIdentifierStart(c) {
            while e < limit, Self.isIdentifierByte(b[e]) { e += 1 }
            return (e, true)
        }
        guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
        while e < limit, Self.isIdentifierByte(b[e]) || b[e] == UInt8(ascii: ".") { e += 1 }
        return (e, false)
    }

    /// Line feeds, continuations and brackets: what tells logical lines apart (a docstring
    /// must start one). False, and nothing done, for any other byte.
    private mutating func advanceOverLayout(_ c: UInt8) -> Bool {
        switch c {
        case 0x0A:
            if depth == 0 { lineHasToken = false }
            i += 1
        case UInt8(ascii: "\\"):
            // A line continuation: the logical line goes on.
            i += 1
            if i < end, b[i] == 0x0D { i += 1 }
            if i < end, b[i] == 0x0A { i += 1 }
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1; lineHasToken = true; i += 1
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            depth = max(0, depth - 1); lineHasToken = true; i += 1
        default:
            return false
        }
        return true
    }

    /// Where a string prefix (`rb`, `f`, …) ending at the quote at `j` begins, or nil. The
    /// bytes from `from` to `j` are tokenized as `runByteByByte` would (identifiers whole,
    /// numbers with their dots), back from the last byte that can end neither.
    private func stringPrefix(before j: Int, from: Int) -> Int? {
        let k = wordRunStart(before: j, from: from)
        guard k < j else { return nil }
        var identifier: Range<Int>? = nil
        var p = k
        while p < j {
            if let token = wordToken(at: p, limit: j) {
                identifier = token.isIdentifier ? p..<token.end : nil
                p = token.end
            } else {
                p += 1
                identifier = nil
            }
        }
        guard let identifier, identifier.upperBound == j, Self.isStringPrefix(b, identifier) else { return nil }
        return identifier.lowerBound
    }

    /// The same regions, byte by byte: what `run` must equal (tests).
    static func regionsByteByByte(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> RegionTree {
        var t = PythonTokenizer(b: bytes, end: range.upperBound, i: range.lowerBound)
        let top = t.runByteByByte()
        return RegionTree(regions: top, nested: t.tables.nested, fieldTable: t.tables.fields)
    }

    private mutating func runByteByByte() -> [Region] {
        var regions: [Region] = []
        while i < end {
            let c = b[i]
            switch c {
            case UInt8(ascii: "#"):
                let start = i
                while i < end, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
                regions.append(Region(kind: .comment, range: start..<i, content: (start + 1)..<i, context: .comment))
            case 0x0D, 0x20, 0x09, 0x0C:
                i += 1
            case 0x0A, UInt8(ascii: "\\"), UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                _ = advanceOverLayout(c)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                statementString(start: i, prefixEnd: i, into: &regions)
            default:
                if let token = wordToken(at: i, limit: end), token.isIdentifier {
                    let start = i
                    i = token.end
                    if i < end, b[i] == UInt8(ascii: "'") || b[i] == UInt8(ascii: "\""), Self.isStringPrefix(b, start..<i) {
                        statementString(start: start, prefixEnd: i, into: &regions)
                    } else {
                        lineHasToken = true
                    }
                } else if let token = wordToken(at: i, limit: end) {
                    i = token.end
                    lineHasToken = true
                } else {
                    i += 1
                    lineHasToken = true
                }
            }
        }
        return regions
    }

    /// A string at statement level: decides docstring-ness and SQL-ness.
    /// A string at statement level, appended to `regions`: decides docstring-ness and SQL-ness.
    private mutating func statementString(start: Int, prefixEnd: Int, into regions: inout [Region]) {
        let startsLine = !lineHasToken && depth == 0
        let before = regions.count
        scanString(start: start, prefixEnd: prefixEnd, into: &regions, statementLevel: true)
        lineHasToken = true
        guard regions.count > before else { return }
        let k = regions.count - 1
        if startsLine && endsStatement(after: regions[k].range.upperBound) && !regions[k].isFString {
            regions[k].context = .docstring
        } else if !regions[k].isBytes, !deferSQL {
            SQLTokenizer.attach(to: &regions[k], in: b, tables: tables)
        }
    }

    private func endsStatement(after p: Int) -> Bool {
        var k = p
        while k < end, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
        return k >= end || b[k] == 0x0A || b[k] == 0x0D || b[k] == UInt8(ascii: "#") || b[k] == UInt8(ascii: ";")
    }

    /// Scans a string literal starting at `start` whose quote is at `prefixEnd`; leaves `i` after it.
    /// (Appended in place: a string's region is not copied out of a return value.)
    mutating func scanString(start: Int, prefixEnd: Int, into list: inout [Region], statementLevel: Bool = false) {
        var prefix: UInt16 = 0
        var isF = false, isRaw = false, isBytes = false
        for k in start..<prefixEnd {
            let c = b[k] | 0x20
            prefix = prefix << 8 | UInt16(c)
            switch c {
            case UInt8(ascii: "f"), UInt8(ascii: "t"): isF = true
            case UInt8(ascii: "r"): isRaw = true
            case UInt8(ascii: "b"): isBytes = true
            default: break
            }
        }
        let q = b[prefixEnd]
        let triple = prefixEnd + 2 < end && b[prefixEnd + 1] == q && b[prefixEnd + 2] == q
        let contentStart = prefixEnd + (triple ? 3 : 1)
        // What the string's fields add to the tables, dropped if the string is not kept.
        let (nestedMark, fieldMark) = (tables.nested.count, tables.fields.count)
        var j = contentStart
        if !fieldScratch.isEmpty { fieldScratch.removeAll(keepingCapacity: true) }
        var contentEnd = end
        var tokenEnd = end
        var terminated = false
        let stops = stopTables[(q == UInt8(ascii: "'") ? 0 : 4) + (isF ? 2 : 0) + (triple ? 1 : 0)]
        while j < end {
            // Plain text in the string is passed over in bulk.
            j = stops.first(in: b, from: j, end: end)
            guard j < end else { break }
            let c = b[j]
            if c == UInt8(ascii: "\\") {
                if j + 1 < end, isF, b[j + 1] == UInt8(ascii: "{") || b[j + 1] == UInt8(ascii: "}") {
                    j += 1
                    continue
                }
                // `\N{NAME}` in an f-string is an escape, not a field.
                if isF, !isRaw, j + 2 < end, b[j + 1] == UInt8(ascii: "N"), b[j + 2] == UInt8(ascii: "{") {
                    j += 3
                    while j < end, b[j] != UInt8(ascii: "}"), b[j] != q, b[j] != 0x0A, b[j] != UInt8(ascii: "\\") { j += 1 }
                    if j < end, b[j] == UInt8(ascii: "}") { j += 1 }
                    continue
                }
                j += 2
                if j - 1 < end, b[j - 1] == 0x0D, j < end, b[j] == 0x0A { j += 1 }
                continue
            }
            if !triple, c == 0x0A || c == 0x0D {
                contentEnd = j; tokenEnd = j
                break
            }
            if c == q {
                if !triple {
                    contentEnd = j; tokenEnd = j + 1; terminated = true
                    break
                }
                if j + 2 < end, b[j + 1] == q, b[j + 2] == q {
                    contentEnd = j; tokenEnd = j + 3; terminated = true
                    break
                }
                j += 1
                continue
            }
            if isF {
                if c == UInt8(ascii: "{") {
                    if j + 1 < end, b[j + 1] == UInt8(ascii: "{") { j += 2; continue }
                    let field = scanField(at: j, quote: q, triple: triple)
                    fieldScratch.append(field)
                    j = field.range.upperBound
                    continue
                }
                if c == UInt8(ascii: "}") {
                    j += (j + 1 < end && b[j + 1] == UInt8(ascii: "}")) ? 2 : 1
                    continue
                }
            }
            j += 1
        }
        if j >= end { contentEnd = end; tokenEnd = end }
        i = tokenEnd
        if statementLevel, !keeps(start..<tokenEnd) {
            tables.truncate(nested: nestedMark, fields: fieldMark)
            return
        }
        var region = Region(kind: .string, range: start..<tokenEnd, content: contentStart..<max(contentStart, contentEnd),
                            context: isF ? .fstring : .string, prefixBytes: prefix, quoteByte: q, quoteCount: triple ? 3 : 1,
                            terminated: terminated, isFString: isF, isBytes: isBytes)
        region.fieldSpan = tables.add(fields: fieldScratch)
        list.append(region)
    }

    /// The bytes that may end a stretch of string text, by quote (`'`, `"`), f-string or not,
    /// and triple or single quotes: the escape, the quote, line breaks (single quotes) and
    /// braces (f-strings).
    static let stringStops: [ByteSet] = SharedObjects.pinned([UInt8(ascii: "'"), UInt8(ascii: "\"")].flatMap { q in
        [false, true].flatMap { isF in
            [false, true].map { triple in
                ByteSet(bytes: [UInt8(ascii: "\\"), q] + (triple ? [] : [0x0A, 0x0D]) + (isF ? [UInt8(ascii: "{"), UInt8(ascii: "}")] : []))
            }
        }
    })
    /// The same tables as plain values (the sets live as long as the program).
    static let stringStopTables = SharedObjects.pinned(stringStops.map(\.tables))

    /// A replacement field starting at the `{` at `start`.
    private mutating func scanField(at start: Int, quote q: UInt8, triple: Bool) -> Field {
        var k = start + 1
        var depth = 0
        var expressionEnd: Int? = nil
        var strings: [Region] = []
        while k < end {
            let c = b[k]
            if !triple, c == 0x0A || c == 0x0D, expressionEnd != nil {
                // A single-line string cannot continue its format spec over a newline.
                return Field(range: start..<k, expression: (start + 1)..<(expressionEnd ?? k), stringSpan: tables.add(nested: strings))
            }
            if expressionEnd != nil, c == UInt8(ascii: "\\") {
                // An escape in the format spec: `\{`/`\}` keep their brace meaning.
                if k + 1 < end, b[k + 1] == UInt8(ascii: "{") || b[k + 1] == UInt8(ascii: "}") { k += 1; continue }
                k += 2
                if k - 1 < end, b[k - 1] == 0x0D, k < end, b[k] == 0x0A { k += 1 }
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                if expressionEnd != nil {
                    // In the format spec a quote can only be the end of the enclosing string.
                    return Field(range: start..<k, expression: (start + 1)..<(expressionEnd ?? k), stringSpan: tables.add(nested: strings))
                }
                let saved = i
                var inner = self
                inner.i = k
                inner.scanString(start: k, prefixEnd: k, into: &strings)
                i = saved
                k = strings[strings.count - 1].range.upperBound
                continue
            }
            if expressionEnd == nil, Self.isIdentifierStart(c) {
                let wordStart = k
                while k < end, Self.isIdentifierByte(b[k]) { k += 1 }
                if k < end, b[k] == UInt8(ascii: "'") || b[k] == UInt8(ascii: "\""), Self.isStringPrefix(b, wordStart..<k) {
                    var inner = self
                    inner.scanString(start: wordStart, prefixEnd: k, into: &strings)
                    k = strings[strings.count - 1].range.upperBound
                }
                continue
            }
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["):
                if expressionEnd == nil { depth += 1 }
            case UInt8(ascii: "{"):
                if expressionEnd != nil {
                    // A nested field inside the format spec.
                    var inner = self
                    let nested = inner.scanField(at: k, quote: q, triple: triple)
                    strings.append(contentsOf: tables.nested[nested.stringSpan.range])
                    k = nested.range.upperBound
                    continue
                }
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                if expressionEnd == nil { depth = max(0, depth - 1) }
            case UInt8(ascii: "}"):
                if depth == 0 {
                    return Field(range: start..<(k + 1), expression: (start + 1)..<(expressionEnd ?? k), stringSpan: tables.add(nested: strings))
                }
                depth -= 1
            case UInt8(ascii: "!"):
                if depth == 0, expressionEnd == nil, k + 1 < end, b[k + 1] != UInt8(ascii: "=") {
                    expressionEnd = k
                }
            case UInt8(ascii: ":"):
                if depth == 0, expressionEnd == nil { expressionEnd = k }
            case UInt8(ascii: "#"):
                if expressionEnd == nil {
                    while k < end, b[k] != 0x0A { k += 1 }
                    continue
                }
            default:
                break
            }
            k += 1
        }
        return Field(range: start..<k, expression: (start + 1)..<(expressionEnd ?? k), stringSpan: tables.add(nested: strings))
    }

    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "_") || c >= 0x80
    }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// `r u b f t` and the two-letter pairs `rb br fr rf tr rt`, any case.
    static func isStringPrefix(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        switch r.count {
        case 1:
            switch b[r.lowerBound] | 0x20 {
            case UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "t"): return true
            default: return false
            }
        case 2:
            let x = b[r.lowerBound] | 0x20, y = b[r.lowerBound + 1] | 0x20
            let pair = (x, y)
            let r_ = UInt8(ascii: "r")
            switch pair {
            case (r_, UInt8(ascii: "b")), (UInt8(ascii: "b"), r_), (r_, UInt8(ascii: "f")), (UInt8(ascii: "f"), r_),
                 (r_, UInt8(ascii: "t")), (UInt8(ascii: "t"), r_):
                return true
            default: return false
            }
        default:
            return false
        }
    }
}

import Testing
@testable import NomenCore

@Suite struct SQLTokenizerTests {
    func scan(_ sql: String) -> (regions: [Region], references: [SQLTokenizer.TableReference]) {
        Array(sql.utf8).withUnsafeBufferPointer { SQLTokenizer.scan($0, range: 0..<$0.count) }
    }
    func parts(_ sql: String, _ ref: SQLTokenizer.TableReference) -> [String] { ref.parts.map { Fixture.text(Array(sql.utf8), $0) } }

    @Test func commentsOfEachKind() {
        let sql = "SELECT 1 -- dash\n# hash\n/* block\n   two */ FROM t"
        let rs = scan(sql).regions
        #expect(rs.map(\.context) == [.comment, .comment, .comment])
        #expect(rs.map { Fixture.text(Array(sql.utf8), $0.content) } == [" dash", " hash", " block\n   two "])
    }

    @Test func stringLiteralsWithEscapesAndPrefixes() {
        let sql = #"SELECT 'it\'s', "dq", r'raw\d', b'bytes', '''tri'ple''' FROM t"#
        let rs = scan(sql).regions
        #expect(rs.count == 5)
        #expect(rs.allSatisfy { $0.context == .sqlString })
        #expect(Fixture.text(Array(sql.utf8), rs[4].content) == "tri'ple")
    }

    @Test func backtickFormsResolveIntoParts() {
        let sql = """
        SELECT * FROM `cbi-v14.models_v4.production_training_data_1m` a
        JOIN `cbi-v14`.`models_v4`.`production_training_data_3m` b USING (date)
        LEFT JOIN `models_v4.production_training_data_6m` c USING (date)
        LEFT JOIN models_v4.production_training_data_12m d USING (date)
        LEFT JOIN cbi-v14.training.zl_training_prod_allhistory_1w e USING (date)
        """
        let refs = scan(sql).references
        #expect(refs.count == 5)
        #expect(parts(sql, refs[0]) == ["cbi-v14", "models_v4", "production_training_data_1m"])
        #expect(parts(sql, refs[1]) == ["cbi-v14", "models_v4", "production_training_data_3m"])
        #expect(parts(sql, refs[2]) == ["models_v4", "production_training_data_6m"])
        #expect(parts(sql, refs[3]) == ["models_v4", "production_training_data_12m"])
        #expect(parts(sql, refs[4]) == ["cbi-v14", "training", "zl_training_prod_allhistory_1w"])
        #expect(refs[0].backticked && refs[1].backticked && !refs[3].backticked)
    }

    @Test func tablePositionsAfterKeywords() {
        let sql = "INSERT INTO training.a SELECT x.y FROM b.c WHERE x.z = 1; CREATE OR REPLACE TABLE d.e AS SELECT 1; MERGE INTO f.g USING h.i ON TRUE; UPDATE j.k SET a = 1"
        let refs = scan(sql).references.map { parts(sql, $0).joined(separator: ".") }
        #expect(refs == ["training.a", "b.c", "d.e", "f.g", "h.i", "j.k"])
    }

    @Test func jinjaBlocksArePassedOverIntact() {
        let sql = "{% set t = 'production_training_data_1w' %}\nSELECT * FROM {{ ref('x') }} {# -- not a comment #} -- real\n"
        let rs = scan(sql).regions
        #expect(rs.count == 1)
        #expect(Fixture.text(Array(sql.utf8), rs[0].range) == "-- real")
    }

    @Test func fstringFieldsInsideSQL() {
        let sql = "SELECT * FROM `{project}.models_v4.production_training_data_{horizon}` WHERE d = '{day}'"
        let scanned = scan(sql)
        #expect(parts(sql, scanned.references[0]) == ["{project}", "models_v4", "production_training_data_{horizon}"])
        #expect(scanned.regions.count == 1)
    }
}

@Suite struct LineTokenizerTests {
    @Test func shellCommentsStringsAndHeredocs() {
        let sh = "#!/bin/bash\necho '# not' \"# not\" # yes\nbq query <<EOF\n# inside heredoc\nSELECT 1\nEOF\nx=a#b\n"
        let rs = Array(sh.utf8).withUnsafeBufferPointer { ShellTokenizer.regions(in: $0, range: 0..<$0.count) }
        #expect(rs.map { Fixture.text(Array(sh.utf8), $0.range) } == ["#!/bin/bash", "# yes"])
    }

    /// The stop-to-stop shell scan finds exactly the byte loop's comments: after blanks and
    /// `;`, not inside quotes, escapes or heredocs (`<<-`, quoted tags, tab-indented ends).
    @Test func shellJumpingScanMatchesTheByteLoop() {
        let tokens = ["echo ", "x", " ", "\t", ";", "#", "# c\n", "\n", "\r\n", "\r", "'a # b'", "\"q \\\" # \"", "\\", "\\#", "<<EOF\n",
                      "<<-'END'\n", "<< \"T\"\n", "\tEND\n", "EOF\n", "T\n", "<<<", "<", "a#b", "'", "\"", "production_1w", String(repeating: "w", count: 33)]
        for (round, text) in Fixture.generatedTexts(tokens, count: 400, seed: 17, base: 2, spread: 60).enumerated() {
            Array(text.utf8).withUnsafeBufferPointer { b in
                let from = round % 3 == 0 ? min(1, b.count) : 0
                #expect(ShellTokenizer.regions(in: b, range: from..<b.count) == ShellTokenizer.regionsByteByByte(in: b, range: from..<b.count),
                        "\(text.debugDescription)")
            }
        }
    }

    @Test func configComments() {
        let yaml = "a: 'x # no' # yes\n# full line\nb: c#d\n"
        let rs = Array(yaml.utf8).withUnsafeBufferPointer { ConfigTokenizer.regions(in: $0, range: 0..<$0.count, json: false) }
        #expect(rs.map { Fixture.text(Array(yaml.utf8), $0.range) } == ["# yes", "# full line"])
        let json = "{\"a\": \"# not\"}"
        #expect(Array(json.utf8).withUnsafeBufferPointer { ConfigTokenizer.regions(in: $0, range: 0..<$0.count, json: true) }.isEmpty)
    }

    @Test func notebookCellsMapBackToTheFile() throws {
        let nb = #"{"cells": [{"cell_type": "markdown", "source": ["production_training_data_1w"]}, {"cell_type": "code", "source": ["x = \"é\\n\"\n", "t = 'production_training_data_1w'"]}], "nbformat": 4}"#
        let bytes = Array(nb.utf8)
        let cells = try #require(Notebook.cells(of: bytes))
        #expect(cells.count == 1)
        let decoded = String(decoding: cells[0].bytes, as: UTF8.self)
        #expect(decoded == "x = \"é\\n\"\nt = 'production_training_data_1w'")
        let name = try #require(decoded.utf8.firstRange(of: "production".utf8))
        let fileStart = cells[0].map[decoded.utf8.distance(from: decoded.utf8.startIndex, to: name.lowerBound)]
        #expect(Fixture.text(bytes, fileStart..<(fileStart + 10)) == "production")
    }
}

extension String.UTF8View {
    func firstRange(of needle: some Collection<UInt8>) -> Range<Index>? {
        var i = startIndex
        while i != endIndex {
            if self[i...].starts(with: needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}

@Suite struct SQLRegionEquivalenceTests {
    /// Every decoded byte of a cell maps to the file offset it came from: a copied byte to
    /// itself, an escape's bytes to its backslash; one past the end to the closing quote.
    /// Checked against a byte-by-byte decoder over generated escapes (surrogate pairs too).
    @Test func notebookOffsetMapAgreesWithByteByByteDecoding() throws {
        let pieces = ["ab", "\\n", "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", "\\t", "é", "x_1 ", "\\/", "\\u0041"]
        for (round, text) in Fixture.generatedTexts(pieces, count: 40, seed: 5, base: 0, spread: 30).enumerated() {
            let source = ["\"\(text)\"", "\"\(round % 2 == 0 ? "\\n" : "")z\""]
            let nb = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\(source.joined(separator: ", "))]}]}"
            let bytes = Array(nb.utf8)
            let cell = try #require(Notebook.cells(of: bytes)?.first)
            // Byte by byte: decode each string between the quotes after `"source": [`.
            var expected: [Int] = []
            var decoded: [UInt8] = []
            var k = (0..<(bytes.count - 1)).first { bytes[$0] == UInt8(ascii: "[") && bytes[$0 + 1] == UInt8(ascii: "\"") }! + 2
            var lastClose = k
            for piece in 0..<2 {
                if piece == 1 { k = ((k + 1)..<bytes.count).first { bytes[$0] == UInt8(ascii: "\"") }! + 1 }
                while bytes[k] != UInt8(ascii: "\"") {
                    if bytes[k] != UInt8(ascii: "\\") { decoded.append(bytes[k]); expected.append(k); k += 1; continue }
                    let e = bytes[k + 1]
                    if e == UInt8(ascii: "u") {
                        var v = UInt32(Fixture.text(bytes, (k + 2)..<(k + 6)), radix: 16)!
                        var used = 6
                        if v >= 0xD800, v < 0xDC00 {
                            v = 0x10000 + ((v - 0xD800) << 10) + (UInt32(Fixture.text(bytes, (k + 8)..<(k + 12)), radix: 16)! - 0xDC00)
                            used = 12
                        }
                        for byte in String(Unicode.Scalar(v)!).utf8 { decoded.append(byte); expected.append(k) }
                        k += used
                    } else {
                        let map: [UInt8: UInt8] = [UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09]
                        decoded.append(map[e] ?? e)
                        expected.append(k)
                        k += 2
                    }
                }
                lastClose = k
            }
            expected.append(lastClose)
            #expect(cell.bytes == decoded, "round \(round)")
            #expect((0...decoded.count).map { cell.map[$0] } == expected, "round \(round)")
        }
    }

    /// The region-only scan (SIMD jumps between stop bytes) finds exactly the regions of the
    /// byte-by-byte loop, on generated text at every alignment.
    @Test func regionOnlyScanMatchesTheFullScan() {
        let tokens = ["SELECT", " ", "\n", "\r\n", "r'x'", "R\"y\"", "b'z'", "1r'q'", "ar'w'", "_1b'v'", "'it''s'", #""a\"b""#,
                      "'''tri\nple'''", #""""t""""#, "-- note\n", "-x", "# hash\n", "/* block */", "/* open", "/", "*",
                      "{{ ref('a') }}", "{% if x %}", "{# c #}", "{x}", "{", "}", "`p.d.t`", "`open", "models_v4.t", "a-b", "'",
                      "\"", "é", "数据", "\\", "--", "x.y", "FROM", "(", ")", ";", String(repeating: "w", count: 40)]
        for (round, text) in Fixture.generatedTexts(tokens, count: 300, seed: 99, base: 5, spread: 60).enumerated() {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { b in
                for from in [0, min(3, b.count)] {
                    let range = from..<b.count
                    let all = SQLTokenizer.regions(in: b, range: range)
                    #expect(all == SQLTokenizer.regionsByteByByte(in: b, range: range), "\(text) from \(from)")
                    // Keeping only the string literals and comments that hold given offsets drops exactly the others.
                    for gap in [3, 15 + round % 40] {
                        let offsets = Array(stride(from: round % gap, to: b.count, by: gap))
                        let kept = SQLTokenizer.regions(in: b, range: range, keeping: offsets)
                        #expect(kept == all.filter { r in offsets.contains { r.range.contains($0) } }, "\(text) gap \(gap)")
                    }
                }
            }
        }
    }
}

extension SQLRegionEquivalenceTests {
    /// The keyword switch agrees with the keyword table.
    @Test func keywordSwitchMatchesTheTable() {
        let words = ["select", "from", "join", "insert", "into", "create", "table", "view", "merge", "update", "set", "delete"]
        for (k, word) in words.enumerated() { #expect(SQLTokenizer.keywordBit(word.utf8.reduce(0) { $0 << 8 | UInt64($1) }) == k) }
        #expect(SQLTokenizer.keywordBit("selec".utf8.reduce(0) { $0 << 8 | UInt64($1) }) == nil)
    }
}

extension SQLTokenizerTests {
    /// The C keyword scan and the Swift byte loop agree on generated strings: keywords in any
    /// case, glued to identifier bytes (digits, `_`, non-ASCII) or standing alone.
    @Test func sqlDetectionAgreesWithTheByteLoop() {
        /// A range inside `0..<count` drawn from the generator's state.
        func inner(_ state: UInt64, _ count: Int) -> Range<Int> {
            let lower = Int((state >> 20) % UInt64(count + 1))
            return lower..<(lower + Int((state >> 40) % UInt64(count - lower + 1)))
        }
        let words = ["select", "FROM", "Join", "insert", "into", "create", "table", "VIEW", "merge", "update", "set", "delete",
                     "x", "_", "1", "é", " ", " ", " ", " ", "\n", ".", "(", "selects", "fromage", "se", "t", "*", "'"]
        var state: UInt64 = 5
        var agreed = 0, sql = 0
        for round in 0..<3000 {
            var text = ""
            // Every other text is long: words cross the C scan's 32-byte blocks.
            for _ in 0..<(state % (round % 2 == 0 ? 12 : 60)) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += words[Int(state >> 33) % words.count]
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bytes = Array(text.utf8)
            // And a range that ends inside the text: the C scan reads whole blocks past its
            // end, and must count none of those bytes (`select fr|om`).
            let cut = inner(state, bytes.count)
            bytes.withUnsafeBufferPointer { b in
                for r in [0..<b.count, min(1, b.count)..<b.count, 0..<max(0, b.count - 1), cut] {
                    let fast = SQLTokenizer.looksLikeSQL(b, r), slow = SQLTokenizer.looksLikeSQLByteByByte(b, r)
                    #expect(fast == slow, "\(text) \(r)")
                    if fast == slow { agreed += 1 }
                    if fast { sql += 1 }
                }
            }
        }
        #expect(agreed == 12000)
        #expect(sql > 300, "\(sql) of 12000 read as SQL")
    }
}


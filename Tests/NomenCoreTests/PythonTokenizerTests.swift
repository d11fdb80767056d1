import Testing
@testable import NomenCore

@Suite struct PythonTokenizerTests {
    func tree(_ code: String) -> RegionTree { PythonTokenizer.regions(in: Array(code.utf8)) }
    func regions(_ code: String) -> [Region] { tree(code).regions }
    func text(_ code: String, _ r: Range<Int>) -> String { Fixture.text(Array(code.utf8), r) }

    static let prefixes = ["", "r", "u", "b", "f", "t", "R", "U", "B", "F", "T", "rb", "br", "Rb", "bR", "fr", "rf", "Fr", "rF", "FR", "RF", "tr", "rt"]

    @Test(arguments: prefixes)
    func everyPrefixAndQuote(_ prefix: String) {
        for quote in ["'", "\"", "'''", "\"\"\""] {
            let literal = "\(prefix)\(quote)abc\(quote)"
            let code = "x = \(literal) + y\n"
            let rs = regions(code)
            #expect(rs.count == 1, "\(literal)")
            #expect(text(code, rs[0].range) == literal)
            #expect(text(code, rs[0].content) == "abc")
            #expect(rs[0].prefix == prefix.lowercased())
            #expect(rs[0].isFString == (prefix.lowercased().contains("f") || prefix.lowercased().contains("t")))
        }
    }

    @Test func identifierEndingInPrefixLettersIsNotAPrefix() {
        let code = "xf'abc'\nbr = 1\nif'a' in s: pass\n"
        let rs = regions(code)
        #expect(rs.map { text(code, $0.range) } == ["'abc'", "'a'"])
        #expect(rs[0].prefix == "")
    }

    @Test func escapesDoNotEndStrings() {
        let code = #"a = "x\"y" + 'it\'s' + r"\"" + "\\"; b = 1"#
        let rs = regions(code)
        #expect(rs.map { text(code, $0.range) } == [#""x\"y""#, #"'it\'s'"#, #"r"\"""#, #""\\""#])
    }

    @Test func lineContinuationInsideString() {
        let code = "a = 'one \\\ntwo'\nb = 'x'\n"
        let rs = regions(code)
        #expect(rs.count == 2)
        #expect(text(code, rs[0].content) == "one \\\ntwo")
    }

    @Test func tripleQuotedSpansLinesAndHoldsQuotes() {
        let code = "s = '''it's \"fine\"\n'' still'''\nt = 1\n"
        let rs = regions(code)
        #expect(rs.count == 1)
        #expect(text(code, rs[0].content) == "it's \"fine\"\n'' still")
    }

    @Test func implicitConcatenationGivesSeparateStrings() {
        let code = "t = ('production_training_' \"data_1w\")\n"
        #expect(regions(code).map { text(code, $0.content) } == ["production_training_", "data_1w"])
    }

    @Test func commentsAndHashesInStrings() {
        let code = "x = '#not a comment'  # a comment 'with quotes'\n# line\n"
        let rs = regions(code)
        #expect(rs.map(\.kind) == [.string, .comment, .comment])
        #expect(text(code, rs[1].range) == "# a comment 'with quotes'")
    }

    @Test func fstringFieldsConversionsAndFormatSpecs() {
        let code = #"s = f"{a!r:>{width}} {b:{fill}^10} {{lit}} {c=} {d['k']}""#
        let t = tree(code)
        #expect(t.regions.count == 1)
        let fields = Array(t.fields(of: t.regions[0]))
        #expect(fields.map { text(code, $0.expression) } == ["a", "b", "c=", "d['k']"])
        #expect(fields.map { text(code, $0.range) } == ["{a!r:>{width}}", "{b:{fill}^10}", "{c=}", "{d['k']}"])
        #expect(t.strings(of: fields[3]).map { text(code, $0.content) } == ["k"])
    }

    @Test func nestedFStringsAndPEP701Quotes() {
        let code = #"s = f"{f'{x}'} and {d["key"]} and {'}'}" + 'z'"#
        let t = tree(code)
        let rs = t.regions
        #expect(rs.count == 2)
        #expect(text(code, rs[0].range) == #"f"{f'{x}'} and {d["key"]} and {'}'}""#)
        let fields = Array(t.fields(of: rs[0]))
        #expect(fields.count == 3)
        #expect(t.strings(of: fields[0]).first.map { t.fields(of: $0).count } == 1)
        #expect(text(code, rs[1].range) == "'z'")
    }

    /// Trees compare by what lies inside their regions, not by where in the tables it lies.
    @Test func treesCompareTheirFieldsAndNestedRegions() {
        let t = tree(#"s = f"{a!r} {d['k']}" + "SELECT a FROM t -- n""#)
        // Two fields; the string `'k'` in the second, the SQL comment in the second string.
        #expect(t.fieldTable.count == 2 && t.nested.count == 2)
        // The same tree with its tables laid out otherwise: an unused entry first.
        var moved = t
        moved.nested.insert(moved.nested[1], at: 0)
        moved.fieldTable[1].stringSpan.start += 1
        moved.regions[1].childSpan.start += 1
        #expect(moved == t)
        var otherField = t
        otherField.fieldTable[0].expression = otherField.fieldTable[0].expression.lowerBound..<(otherField.fieldTable[0].expression.upperBound + 1)
        #expect(otherField != t)
        var otherString = t
        otherString.nested[0].content = otherString.nested[0].content.dropFirst()
        #expect(otherString != t)
    }

    @Test func fstringFieldWithComparisonAndDict() {
        let code = #"s = f"{a != b} {x[1:2]} {(lambda: 1)()} {dict(a=1)['a']}""#
        let t = tree(code)
        #expect(t.fields(of: t.regions[0]).map { text(code, $0.expression) } == ["a != b", "x[1:2]", "(lambda: 1)()", "dict(a=1)['a']"])
    }

    @Test func unterminatedStringsAtEndOfFile() {
        for code in ["x = 'abc", "x = '''abc\nmore", "x = f\"{a", "x = \"abc\\"] {
            let rs = regions(code)
            #expect(rs.count == 1, "\(code)")
            #expect(rs[0].terminated == false)
            #expect(rs[0].range.upperBound == code.utf8.count)
        }
        // A single-quoted string stops at the end of its line.
        let code = "x = 'abc\ny = 'd'\n"
        let rs = regions(code)
        #expect(rs.count == 2)
        #expect(rs[0].terminated == false)
        #expect(text(code, rs[1].content) == "d")
    }

    @Test func crlfAndBOM() {
        let code = "\u{FEFF}x = 'a'\r\n# c\r\ny = \"\"\"b\r\nc\"\"\"\r\n"
        let rs = regions(code)
        #expect(rs.map { text(code, $0.content) } == ["a", " c", "b\r\nc"])
        #expect(text(code, rs[1].range) == "# c", "a comment ends before the CR")
    }

    @Test func multiByteTextBeforeAName() {
        let code = "x = 'Prévision — 数据 production_training_data_1w'\n"
        let rs = regions(code)
        let content = text(code, rs[0].content)
        #expect(content.hasSuffix("production_training_data_1w"))
        let bytes = Array(code.utf8)
        let start = bytes.count - 2 - "production_training_data_1w".utf8.count
        #expect(Fixture.text(bytes, start..<(bytes.count - 2)) == "production_training_data_1w")
    }

    @Test func docstringsAreStatementStrings() {
        let code = "\"\"\"Module.\"\"\"\ndef f():\n    '''Doc.'''\n    x = '''not a doc'''\n    'also a statement'\n    return ('''no''')\n"
        let rs = regions(code)
        #expect(rs.map(\.context) == [.docstring, .docstring, .string, .docstring, .string])
    }

    @Test func sqlInsideStringsIsScannedAgain() {
        let code = "q = \"\"\"\nSELECT a -- note\nFROM `p.models_v4.t` WHERE s = 'x'\n/* block */\n\"\"\"\nmsg = 'select your table from the list'\n"
        let t = tree(code)
        let rs = t.regions
        #expect(rs[0].holdsSQL)
        #expect(t.children(of: rs[0]).map(\.context) == [.comment, .sqlString, .comment])
        #expect(rs[1].holdsSQL, "two keywords (select, from) make SQL")
        let prose = regions("msg = 'pick one from the list'\n")
        #expect(!prose[0].holdsSQL)
    }

    @Test func bytesStringsAreNotSQL() {
        let rs = regions("b = b'SELECT a FROM t'\n")
        #expect(!rs[0].holdsSQL)
    }
}


/// Cases where the tokenizer once disagreed with CPython (found by Tests/Scripts/compare_tokenize.py).
@Suite struct TokenizerRegressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let code: String
        let tokens: [String]
        var testDescription: String { code }
    }

    static let cases: [Case] = [
        Case(code: #"x = f"{x:\"}"  # c"#, tokens: [#"f"{x:\"}""#, "# c"]),
        Case(code: #"x = f'{x!r:\'^9}'  # c"#, tokens: [#"f'{x!r:\'^9}'"#, "# c"]),
        Case(code: ##"x = f"{x:(}{{" + "#"  # c"##, tokens: [#"f"{x:(}{{""#, ##""#""##, "# c"]),
        Case(code: #"x = f"{x:[}" + 'y'  # c"#, tokens: [#"f"{x:[}""#, "'y'", "# c"]),
        Case(code: #"x = b'\N{\'x'  # c"#, tokens: [#"b'\N{\'x'"#, "# c"]),
        Case(code: #"x = f"\N{DASH} {y}"  # c"#, tokens: [#"f"\N{DASH} {y}""#, "# c"]),
    ]

    @Test(arguments: cases)
    func boundaries(_ c: Case) {
        let bytes = Array(c.code.utf8)
        let regions = PythonTokenizer.regions(in: bytes).regions
        #expect(regions.map { Fixture.text(bytes, $0.range) } == c.tokens)
    }
}

@Suite struct PythonJumpEquivalenceTests {
    /// The stop-to-stop scan finds exactly the regions of the byte-by-byte loop: prefixes after
    /// numbers and dots, docstrings after blanks, brackets, continuations, comments.
    @Test func jumpingScanMatchesTheByteLoop() {
        let tokens = ["x", " ", "\t", "\n", "\r\n", "\u{0C}", "    ", "= ", "r", "rb", "f", "Rb", "u", "t", "br", "1", "1.", ".", "0x1f",
                      "'a'", "\"b\"", "'''doc'''", "\"\"\"d\"\"\"", "f'{x}'", "f\"{a!r:>{w}}\"", "'open", "# c\n", "#", "\\\n", "(", ")",
                      "[", "]", "{", "}", "é", "数", "_", "def f():\n", "\"\"\"", "'''", String(repeating: "w", count: 40), "e'"]
        // A string prefix that starts in one 32-byte block and ends, with the quote, in the
        // next (the line's state before the prefix decides a docstring).
        for pad in Array(26...40) + [3, 10, 60, 64, 90] {
            for prefix in ["r", "rb", "Rb", "f"] {
                // A long tail: the quote's block is read 32 bytes at a time, not by the scalar tail.
                let text = String(repeating: "a", count: pad) + "\n" + prefix + "'''doc'''\n" + String(repeating: "x = 1\n", count: 12)
                Array(text.utf8).withUnsafeBufferPointer { b in
                    #expect(PythonTokenizer.regions(in: b, range: 0..<b.count) == PythonTokenizer.regionsByteByByte(in: b, range: 0..<b.count),
                            "\(text.debugDescription)")
                }
            }
        }
        // A token before the prefix on the same line, either side of the block boundary, with
        // the end of the text near (the last bytes are read by the scalar loop).
        for pad in 18...33 {
            for spaces in 0...6 {
                let text = String(repeating: "a", count: pad) + "\n" + "x" + String(repeating: " ", count: spaces) + "r'''doc'''\n"
                Array(text.utf8).withUnsafeBufferPointer { b in
                    #expect(PythonTokenizer.regions(in: b, range: 0..<b.count) == PythonTokenizer.regionsByteByByte(in: b, range: 0..<b.count),
                            "\(text.debugDescription)")
                }
            }
        }
        // Prefix letters right after numbers, dots and identifiers.
        for text in ["1r'x'", "1.f'x'", "x.f'x'", "0x1f'a'", "1e'x'", "a1rb'x'", "1_rb'x'", "(rb'x')", "\\\nr'''d'''", "é'x'"] {
            Array(text.utf8).withUnsafeBufferPointer { b in
                #expect(PythonTokenizer.regions(in: b, range: 0..<b.count) == PythonTokenizer.regionsByteByByte(in: b, range: 0..<b.count), "\(text)")
            }
        }
        for text in Fixture.generatedTexts(tokens, count: 500, seed: 3, base: 4, spread: 70) {
            Array(text.utf8).withUnsafeBufferPointer { b in
                #expect(PythonTokenizer.regions(in: b, range: 0..<b.count) == PythonTokenizer.regionsByteByByte(in: b, range: 0..<b.count),
                        "\(text.debugDescription)")
            }
        }
        // Long stretches of code with only line breaks and brackets between strings (read a
        // 32-byte block at a time when the depth cannot reach 0, or stays 0), at every depth,
        // with strings at the start of a line that are docstrings or not by that state.
        let layout = ["x", " ", "\n", "\n", "(", ")", "(", ")", "[", "]", "{", "}", "    ", "= ", "\r\n", "\t", "\\\n", "ab.cd",
                      String(repeating: "w", count: 30), "\n'''d'''\n", "\n\"s\"\n", "\n    r'''d'''\n", "# c\n"]
        for text in Fixture.generatedTexts(layout, count: 800, seed: 13, base: 10, spread: 120) {
            Array(text.utf8).withUnsafeBufferPointer { b in
                #expect(PythonTokenizer.regions(in: b, range: 0..<b.count) == PythonTokenizer.regionsByteByByte(in: b, range: 0..<b.count),
                        "\(text.debugDescription)")
            }
        }
        // Closing brackets with none open (the depth stays 0: a block's arithmetic gives way to
        // the stop-by-stop loop), and depths of 32 and more (no line feed can clear the token).
        let unbalanced = ["x", "\n", "\n", ")", ")", "]", "(", "    ", String(repeating: "(", count: 40), String(repeating: ")", count: 40),
                          String(repeating: "}", count: 7), "\n'''d'''\n", "\n    r'''d'''\n", "\\\n", "# c\n"]
        for text in Fixture.generatedTexts(unbalanced, count: 600, seed: 29, base: 10, spread: 120) {
            Array(text.utf8).withUnsafeBufferPointer { b in
                #expect(PythonTokenizer.regions(in: b, range: 0..<b.count) == PythonTokenizer.regionsByteByByte(in: b, range: 0..<b.count),
                        "\(text.debugDescription)")
            }
        }
    }

    /// Keeping only the strings and comments that hold given offsets drops exactly the other
    /// statement-level strings and comments: the kept ones (fields and SQL included) and
    /// docstring decisions are those of the full scan.
    @Test func keepingOnlyStringsWithOffsetsDropsTheRest() {
        // Escapes, CR LF, quotes inside triple quotes and unterminated strings: a dropped
        // string's end is found apart from the full scan, and must be the same.
        let tokens = ["x = ", "'a b'", "\"\"\"doc\"\"\"", "f'{y} {\"q\"}'", "# note\n", "\n", "(", ")", "\"SELECT a FROM t\"", "rb'z'", "    ",
                      "'''open", "\\\n", "def f():\n    ", "'a\\'b'", "'x\\\r\ny'", "'''a''b'''", "\"\"\"q\"\"q\"\"\"", "r'\\'", "'cut\r\n",
                      "b'\\\\'", "\"\\", "'", "\"\"", "R\"\"\"x\\\"\"\"\"", "\r", "T'{z}'", "u'é'", String(repeating: "'long string text' ", count: 3),
                      // f-strings whose end is found in C when simple, and read in full when not.
                      "f'{a!r:>10}'", "f\"{b[1]}\"", "f'''x{c}\n'''", "f'{{}}'", "F\"{d}}}\"", "f'\\{e}'", "f'{x:{w}}'", "f'a\\N{BULLET}'",
                      "rf'\\N{x}'", "f'{a # c}'", "f'{(a)}'", "f'{a)}'", "f'{a!=b}'", "f'{a\n", "f\"{x}", "f'{a:%Y}' ", "f\"\"\"{a}\"\"\"\"",
                      "f'{ {1: 2}[1] }'", "f'{f(\"s\")}'", "f'''{a\nb}'''", "f'\\\r\n{a}'", "t'{x!s}'", "f'{x:=^9}'"]
        for (round, text) in Fixture.generatedTexts(tokens, count: 300, seed: 9, base: 3, spread: 40).enumerated() {
            Array(text.utf8).withUnsafeBufferPointer { b in
                let all = PythonTokenizer.regions(in: b, range: 0..<b.count, deferSQL: true)
                // Every third byte offset, shifted by the round: inside strings, on quotes, in code;
                // then sparse offsets, so that most strings are dropped.
                for gap in [3, 20 + round % 50] {
                    let offsets = Array(stride(from: round % gap, to: b.count, by: gap))
                    let kept = PythonTokenizer.regions(in: b, range: 0..<b.count, deferSQL: true, keeping: offsets)
                    // The same regions, fields and strings (wherever in the tables these lie).
                    let expected = RegionTree(regions: all.regions.filter { r in offsets.contains { r.range.contains($0) } },
                                              nested: all.nested, fieldTable: all.fieldTable)
                    #expect(kept == expected, "\(text.debugDescription) gap \(gap)")
                }
                let none = PythonTokenizer.regions(in: b, range: 0..<b.count, deferSQL: true, keeping: [])
                // A string that is not kept leaves nothing in the tables either.
                #expect(none.regions.isEmpty && none.nested.isEmpty && none.fieldTable.isEmpty)
            }
        }
    }
}

import Testing
@testable import NomenCore

@Suite struct NotebookTests {
    /// The notebook reader passes over outputs and metadata of any shape and reads exactly
    /// the code cells' sources; what is not JSON (or has no `cells` array) is no notebook.
    @Test func readerPassesOverEverythingElse() throws {
        let nb = #"""
        {"metadata": {"k": [1, 2.5e3, true, null, {"x": "a\"b\\"}]},
         "c\u0065lls": [
          "not a cell", 7,
          {"cell_type": 3, "source": "x = 1"},
          {"outputs": [{"data": {"image/png": "iVBOR\\\"w0=="}}], "cell_type": "code", "source": "a = 'production_training_data_1w'"},
          {"cell_type": "code", "source": ["b = 1\n", 5, "c = \"\u00e9\""], "execution_count": null},
          {"cell_type": "code", "source": {"odd": true}}
         ],
         "nbformat": 4}
        """#
        let cells = try #require(Notebook.cells(of: [0xEF, 0xBB, 0xBF] + Array(nb.utf8)))
        #expect(cells.map { String(decoding: $0.bytes, as: UTF8.self) } == ["a = 'production_training_data_1w'", "b = 1\nc = \"é\""])
        for bad in [#"{"cells": [}"#, #"{"cells": []} x"#, #"{"cells": "no"}"#, #"["cells"]"#, #"{"cells": ["unterminated]}"#, ""] {
            #expect(Notebook.cells(of: Array(bad.utf8)) == nil, "\(bad)")
        }
        #expect(Notebook.cells(of: Array(#"{"nbformat": 4}"#.utf8)) == nil)
        #expect(Notebook.cells(of: Array(#"{"cells": []}"#.utf8))?.isEmpty == true)
    }

    /// A replacement goes into a cell's JSON string escaped, and reads back as itself.
    @Test func replacementsAreEscapedForTheCellsString() {
        for text in ["zl_training_prod_allhistory_1w", "a\"b", "back\\slash", "line\nbreak\r\t", "\u{01}ctl", "é and 数", ""] {
            let escaped = JSON.escape(Array(text.utf8))
            #expect(!escaped.contains(0x0A) && !escaped.contains(0x0D) && !escaped.contains(0x09))
            escaped.withUnsafeBufferPointer { b in
                #expect(JSON.decode(b, 0..<b.count) == Array(text.utf8), "\(text.debugDescription)")
            }
        }
        #expect(JSON.escape(Array("a\"b".utf8)) == Array(#"a\"b"#.utf8))
    }
}

@Suite struct ConfigTokenizerEquivalenceTests {
    /// The jumping config scan finds exactly the comments of the byte-by-byte loop.
    @Test func jumpingScanMatchesTheByteLoop() {
        let tokens = ["a: ", "b", " ", "\t", "\n", "\r\n", "# c\n", "#", ";", "; semi\n", "'q'", "\"d\"", "'open", "\"x # y\"", "x#y",
                      "- ", "  ", "key: 'v' # tail\n", "é", "\r", String(repeating: "z", count: 40)]
        for text in Fixture.generatedTexts(tokens, count: 400, seed: 5, base: 3, spread: 50) {
            Array(text.utf8).withUnsafeBufferPointer { b in
                for from in [0, min(2, b.count)] {
                    #expect(ConfigTokenizer.regions(in: b, range: from..<b.count, json: false)
                            == ConfigTokenizer.regionsByteByByte(in: b, range: from..<b.count), "\(text)")
                }
            }
        }
    }
}

extension NotebookTests {
    /// Outputs nested deeper than the reader's 64-bit bracket stack, and mismatched brackets.
    @Test func deepAndMismatchedOutputs() throws {
        let deep = String(repeating: "[{\"k\": ", count: 100) + "1" + String(repeating: "}]", count: 100)
        let nb = #"{"metadata": "# + deep + #", "cells": [{"cell_type": "code", "source": "x = 1", "outputs": "# + deep + #"}]}"#
        let cells = try #require(Notebook.cells(of: Array(nb.utf8)))
        #expect(cells.map { String(decoding: $0.bytes, as: UTF8.self) } == ["x = 1"])
        for bad in [#"{"metadata": [{"a": 1]}, "cells": []}"#, #"{"metadata": {"a": [1}}, "cells": []}"#, #"{"metadata": [[[], "cells": []}"#] {
            #expect(Notebook.cells(of: Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}

extension NotebookTests {
    /// What is passed over is still checked as JSON: a notebook that is not JSON is not read.
    @Test func passedOverPartsMustBeJSON() {
        for bad in [#"{"metadata": {"a": 1 "b": 2}, "cells": []}"#, #"{"metadata": [1,,2], "cells": []}"#, #"{"metadata": {"k"}, "cells": []}"#,
                    #"{"cells": [{"cell_type": "code", "source": "x", "outputs": [1 2]}]}"#] {
            #expect(Notebook.cells(of: Array(bad.utf8)) == nil, "\(bad)")
        }
        // The first of repeated keys counts.
        let twice = #"{"cells": [{"cell_type": "markdown", "cell_type": "code", "source": "a = 1", "source": "b = 2"}], "cells": "no"}"#
        #expect(Notebook.cells(of: Array(twice.utf8))?.isEmpty == true)
    }
}

extension NotebookTests {
    /// `whole`, its truncations at `cuts` places and `corruptions` copies with one byte
    /// replaced by one of `breakers`.
    static func damaged(_ whole: [UInt8], cuts: Int, corruptions: Int, with breakers: [UInt8], _ random: inout SeededRandom) -> [[UInt8]] {
        var inputs = [whole]
        for cut in stride(from: 0, to: whole.count, by: max(1, whole.count / cuts)) { inputs.append(Array(whole[..<cut])) }
        for _ in 0..<corruptions where !whole.isEmpty {
            var corrupt = whole
            corrupt[random.next(corrupt.count)] = breakers[random.next(breakers.count)]
            inputs.append(corrupt)
        }
        return inputs
    }

    /// The C value skipper and the Swift byte loop agree on where a value ends and whether it
    /// is well formed, over generated JSON and every truncation and one-byte corruption of it.
    /// Strings are read 32 bytes at a time: an escape (`\"`, `\\`) at every place in a
    /// block and across two, and runs of backslashes before the closing quote.
    @Test func stringEndsAtEveryOffsetInABlock() {
        for lead in 0..<70 {
            for tail in ["\\\"b\"", "\\\\\"", "\\\\\\\"x\"", "\\\\\\\\\"", "\\n\\\"\"", "\""] {
                let text = "\"" + String(repeating: "a", count: lead) + tail + " , [1]"
                Array(text.utf8).withUnsafeBufferPointer { b in
                    var fast = JSON.Parser(bytes: b), slow = JSON.Parser(bytes: b)
                    let a = fast.skipValue(), c = slow.skipValueByteByByte()
                    #expect(a == c && fast.i == slow.i, "\(text)")
                }
            }
        }
    }

    @Test func valueSkippingAgreesWithTheByteLoop() {
        var random = SeededRandom(11)
        func value(_ depth: Int) -> String {
            switch depth > 3 ? random.next(3) : random.next(6) {
            case 0: return "\"" + ["a", "b\\\"c", "\\u00e9", "x y", String(repeating: "q", count: 40)][random.next(5)] + "\""
            case 1: return ["1", "-2.5e3", "true", "null", "false"][random.next(5)]
            case 2: return " \n\t" + value(depth)
            case 3: return "[" + (0..<random.next(4)).map { _ in value(depth + 1) }.joined(separator: ", ") + "]"
            default: return "{" + (0..<random.next(4)).map { _ in "\"k\(random.next(9))\" : " + value(depth + 1) }.joined(separator: ",\n ") + "}"
            }
        }
        let breakers = Array(",:[]{}\" \\x".utf8)
        var compared = 0, wellFormed = 0
        for _ in 0..<300 {
            let whole = Array((value(0) + (random.next(2) == 0 ? " , rest" : "")).utf8)
            for input in Self.damaged(whole, cuts: 6, corruptions: 4, with: breakers, &random) {
                input.withUnsafeBufferPointer { b in
                    for depth in [0, 511] {
                        var fast = JSON.Parser(bytes: b), slow = JSON.Parser(bytes: b)
                        let a = fast.skipValue(depth: depth), c = slow.skipValueByteByByte(depth: depth)
                        #expect(a == c, "\(String(decoding: input, as: UTF8.self)) depth \(depth)")
                        if a, c { #expect(fast.i == slow.i) }
                        compared += 1
                        if a { wellFormed += 1 }
                    }
                }
            }
        }
        #expect(compared > 3000 && wellFormed > 300, "\(wellFormed) of \(compared)")
    }
}


extension NotebookTests {
    /// The C reader (`nomen_notebook_cells`, `nomen_json_decode_pieces`) and the Swift reader
    /// agree on generated notebooks and on their truncations and one-byte corruptions: the
    /// same cells, the same decoded bytes, the same language, every offset mapped alike.
    @Test func cReaderAgreesWithTheSwiftReader() {
        var random = SeededRandom(23)
        func pick(_ xs: [String]) -> String { xs[random.next(xs.count)] }
        func line() -> String {
            (0..<random.next(4)).map { _ in
                pick(["x = 1", "production_training_data_1w", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u00e9", "\\u6570", "\\ud83d\\ude00",
                      "\\ud800", "\\udc00x", "\\u12", "\\uZZZZ", "\\q", "%%sql ", "%%bigquery", " ", "é", "{"])
            }.joined()
        }
        func source() -> String {
            switch random.next(5) {
            case 0: return "\"" + line() + "\""
            case 1, 2: return "[" + (0..<random.next(5)).map { _ in random.next(8) == 0 ? "7" : "\"" + line() + "\"" }.joined(separator: ",\n   ") + "]"
            case 3: return "{\"odd\": true}"
            default: return "[]"
            }
        }
        func value(_ depth: Int) -> String {
            switch depth > 2 ? random.next(2) : random.next(4) {
            case 0: return "\"" + line() + "\""
            case 1: return pick(["1", "null", "true", "-2.5e3"])
            case 2: return "[" + (0..<random.next(3)).map { _ in value(depth + 1) }.joined(separator: ", ") + "]"
            default: return "{" + (0..<random.next(3)).map { _ in "\"k\": " + value(depth + 1) }.joined(separator: ", ") + "}"
            }
        }
        func cell() -> String {
            if random.next(10) == 0 { return value(1) }
            var members: [String] = []
            // Mostly a type and a source (a code cell), in any order, among other members.
            if random.next(6) != 0 { members.append("\"cell_type\": " + pick(["\"code\"", "\"code\"", "\"code\"", "\"markdown\"", "3", "\"c\\u006fde\"", "\"raw\""])) }
            if random.next(6) != 0 { members.append("\"source\": " + source()) }
            for _ in 0..<random.next(3) {
                let member: String
                switch random.next(4) {
                case 0: member = "\"cell_type\": " + pick(["\"code\"", "\"markdown\""])
                case 1: member = "\"source\": " + source()
                case 2: member = "\"outputs\": " + value(1)
                default: member = pick(["\"metadata\"", "\"id\"", "\"s\\u006furce\""]) + ": " + value(1)
                }
                members.insert(member, at: random.next(members.count + 1))
            }
            return "{" + members.joined(separator: ",\n  ") + "}"
        }
        func notebook() -> String {
            var members = ["\"cells\": [" + (0..<random.next(7)).map { _ in cell() }.joined(separator: ",\n ") + "]"]
            if random.next(3) == 0 { members.insert("\"metadata\": " + value(0), at: 0) }
            if random.next(6) == 0 { members.append("\"cells\": " + value(0)) }
            if random.next(8) == 0 { members.append("\"nbformat\": 4") }
            return (random.next(10) == 0 ? "\u{FEFF}" : "") + "{" + members.joined(separator: ",\n") + "}" + pick(["", "\n", " x"])
        }
        let breakers = Array(",:[]{}\" \\u".utf8)
        var compared = 0, read = 0, cellsSeen = 0
        for _ in 0..<400 {
            let whole = Array(notebook().utf8)
            for input in Self.damaged(whole, cuts: 4, corruptions: 3, with: breakers, &random) {
                input.withUnsafeBufferPointer { b in
                    let fast = Notebook.cells(of: b), slow = Notebook.cellsInSwift(of: b)
                    compared += 1
                    #expect((fast == nil) == (slow == nil), "\(String(decoding: input, as: UTF8.self))")
                    guard let fast, let slow else { return }
                    read += 1
                    #expect(fast.count == slow.count, "\(String(decoding: input, as: UTF8.self))")
                    for (f, s) in zip(fast, slow) {
                        cellsSeen += 1
                        #expect(f.bytes == s.bytes && f.language == s.language, "\(String(decoding: input, as: UTF8.self))")
                        #expect(f.map.count == s.map.count)
                        for d in 0...f.bytes.count where f.map[d] != s.map[d] {
                            Issue.record("offset \(d) maps to \(f.map[d]), not \(s.map[d]): \(String(decoding: input, as: UTF8.self))")
                            break
                        }
                    }
                }
            }
        }
        #expect(compared > 2500 && read > 400 && cellsSeen > 500, "\(read) read, \(cellsSeen) cells, of \(compared)")
    }
}

extension NotebookTests {
    /// More source lines and cells than the C reader's first buffers hold: it is called again
    /// with more room, and reads what the Swift reader reads.
    @Test func largeNotebooksAreReadWhole() throws {
        let lines = (0..<3000).map { "\"x_\($0) = 'production_training_data_1w'\\n\"" }.joined(separator: ", ")
        let cells = (0..<300).map { "{\"cell_type\": \"code\", \"source\": [\"c\($0)\\n\", \"\\\"q\\\"\"]}" }
        let nb = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [" + lines + "]}, " + cells.joined(separator: ", ") + "]}"
        let bytes = Array(nb.utf8)
        try bytes.withUnsafeBufferPointer { b in
            let fast = try #require(Notebook.cells(of: b)), slow = try #require(Notebook.cellsInSwift(of: b))
            #expect(fast.count == 301 && slow.count == 301)
            #expect(zip(fast, slow).allSatisfy { $0.bytes == $1.bytes })
            #expect(fast[0].bytes.count > 3000 * 30 && fast[0].map[fast[0].bytes.count - 1] == slow[0].map[slow[0].bytes.count - 1])
        }
    }
}

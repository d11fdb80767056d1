import Foundation
import Testing
@testable import NomenCore

@Suite struct ReportingTests {
    /// The eight-bytes-at-a-time scan finds a byte to escape wherever it sits, and agrees
    /// with Foundation's JSON decoder on what the string was.
    @Test func quotingEscapesAtEveryOffset() throws {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "é", "数"]
        for special in specials {
            for offset in 0..<20 {
                let s = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 20 - offset)
                var out: [UInt8] = []
                JSONWriter.appendQuoted(s, to: &out)
                let decoded = try JSONDecoder().decode(String.self, from: Data(out))
                #expect(decoded == s)
                let plain = special.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
                #expect((out.count == s.utf8.count + 2) == plain, "\(Array(special.utf8)) at \(offset)")
            }
        }
        var empty: [UInt8] = []
        JSONWriter.appendQuoted("", to: &empty)
        #expect(empty == Array("\"\"".utf8))
    }

    @Test func decimalsWithoutStrings() {
        for v in [0, 7, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10_000, 12345, -1, -450, Int.max, Int.min + 1] + Array(0..<2000) {
            var out: [UInt8] = []
            JSONWriter.appendDecimal(v, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(v))
        }
        // The fragment writer's digits, in memory of exactly the bound (20 bytes a number).
        for v in [0, 7, 9, 10, 99, 100, 101, 110, 999, 1000, 9999, 10_000, 12345, 1_000_000, -1, -9, -10, -450, Int.max, Int.min + 1, Int.min]
            + Array(0..<1100) {
            let text = [UInt8](unsafeUninitializedCapacity: 20) { buffer, count in
                var w = FindingReport.ItemWriter(base: buffer.baseAddress!)
                w.putDecimal(v)
                count = w.count
            }
            #expect(String(decoding: text, as: UTF8.self) == String(v))
        }
    }

    /// Findings whose lines hold tabs, wide characters and non-ASCII text before, inside and
    /// after the name, with paths and messages holding every byte the formats escape.
    static func awkwardFindings() -> [LocatedFinding] {
        let lines = ["\tx = 'production_training_data_1w'  # é", "数据 = \"数据_training\"", "plain", "\t\t数\té 'ab'", ""]
        let paths = ["a.py", "dir with space/100%,b:c.py", "/abs/é\r\n.py"]
        let messages = ["`a` is legacy; use `b`", "50% off,\r\nnext:line", "数 \"quoted\""]
        var out: [LocatedFinding] = []
        var k = 0
        for line in lines {
            let n = line.unicodeScalars.count
            for (column, endColumn) in [(1, 1), (1, n + 1), (2, 4), (max(1, n), n + 1), (n + 1, n + 1)] where column <= endColumn {
                for endLine in [1, 2] {
                    k += 1
                    let fix = Fix(edits: [Edit(range: 0..<1, replacement: "new")], applicability: k % 3 == 0 ? .unsafe : .safe)
                    let detail = FindingDetail(rule: k % 2 == 0 ? "legacy-x" : "r:1,2", origin: .legacy, severity: k % 4 == 0 ? .warning : .error,
                                               message: messages[k % messages.count], found: "f", replacement: k % 5 == 0 ? nil : "rep`l",
                                               context: .string, noFixReason: nil)
                    let finding = Finding(path: paths[k % paths.count], range: 0..<1, detail: detail, fix: k % 7 == 0 ? nil : fix)
                    out.append(LocatedFinding(finding: finding, line: 3, column: column, endLine: 2 + endLine, endColumn: endColumn, sourceLine: line))
                }
            }
        }
        return out
    }

    /// The text renderer writes bytes; the String renderer it replaced is the oracle here.
    @Test func textMatchesTheStringRenderer() {
        func oracle(_ findings: [LocatedFinding], style: FindingReport.Style) -> String {
            func paint(_ s: String, _ code: String) -> String { style.color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
            var out = ""
            for lf in findings {
                let f = lf.finding
                let severity = f.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
                out += paint("\(f.path):\(lf.line):\(lf.column):", "1") + " \(severity): \(f.message) [\(f.rule)]\n"
                let line = lf.sourceLine
                out += "  " + line + "\n"
                var pad = ""
                var width = 0
                let lastColumn = lf.endLine == lf.line ? lf.endColumn - 1 : line.unicodeScalars.count
                for (i, ch) in line.unicodeScalars.enumerated() {
                    if i < lf.column - 1 { pad += ch == "\t" ? "\t" : String(repeating: " ", count: DisplayWidth.of(ch)) }
                    else if i < lastColumn { width += DisplayWidth.of(ch) }
                }
                width = max(1, width)
                out += "  " + pad + paint("^" + String(repeating: "~", count: width - 1), f.severity == .error ? "31" : "33")
                if f.isFixable(unsafe: style.unsafeFixes), let r = f.replacement {
                    out += " " + paint("fix: `\(r)`", "32") + (f.fix?.applicability == .unsafe ? " (unsafe)" : "")
                }
                out += "\n"
            }
            return out
        }
        let findings = Self.awkwardFindings()
        for color in [false, true] {
            for unsafe in [false, true] {
                let style = FindingReport.Style(color: color, unsafeFixes: unsafe)
                #expect(FindingReport.text(findings, style: style) == oracle(findings, style: style), "color \(color), unsafe \(unsafe)")
            }
        }
    }

    /// GitHub workflow commands: escaping in one pass equals the chained replacements.
    @Test func githubMatchesChainedReplacements() {
        // Over bytes: `String` matching is by grapheme, where "\r\n" is one character and a
        // lone "\r" never matches inside it (the renderer this replaced left CRLF unescaped).
        func replacing(_ s: String, _ pairs: [(String, String)]) -> String {
            String(decoding: pairs.reduce(Array(s.utf8)) { bytes, pair in
                let target = Array(pair.0.utf8)[0]
                return bytes.flatMap { $0 == target ? Array(pair.1.utf8) : [$0] }
            }, as: UTF8.self)
        }
        func data(_ s: String) -> String { replacing(s, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A")]) }
        func property(_ s: String) -> String { replacing(data(s), [(":", "%3A"), (",", "%2C")]) }
        let findings = Self.awkwardFindings()
        let expected = findings.map { lf in
            "::\(lf.finding.severity == .error ? "error" : "warning") file=\(property(lf.finding.path)),line=\(lf.line),col=\(lf.column),"
                + "endLine=\(lf.endLine),endColumn=\(lf.endColumn),title=\(property("nomen " + lf.finding.rule))::\(data(lf.finding.message))\n"
        }.joined()
        #expect(FindingReport.github(findings) == expected)
        // Two files whose names are the same text in two spellings (NFC, NFD) keep their own
        // bytes (`String` equality would call them one path). Compared as bytes throughout.
        let spellings = ["caf\u{E9}.py", "cafe\u{301}.py"].map { path in
            LocatedFinding(finding: Finding(path: path, range: 0..<1, detail: findings[0].finding.detail, fix: nil), line: 1, column: 1, endLine: 1, endColumn: 2, sourceLine: "x")
        }
        let nfd: [UInt8] = [UInt8(ascii: "e"), 0xCC, 0x81], nfc: [UInt8] = [0xC3, 0xA9]
        func holds(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
            bytes.count >= part.count && (0...(bytes.count - part.count)).contains { Array(bytes[$0..<($0 + part.count)]) == part }
        }
        let github = Array(FindingReport.github(spellings).utf8)
        #expect(holds(github, nfd) && holds(github, nfc))
        let json = ReportStream(format: .json, rules: Fixture.rules, style: .init()).fragment(spellings)
        #expect(holds(json, nfd) && holds(json, nfc))
        let sarif = ReportStream(format: .sarif, rules: Fixture.rules, style: .init()).fragment(spellings)
        #expect(holds(sarif, Array("e%CC%81".utf8)) && holds(sarif, Array("%C3%A9".utf8)))
        // A fragment of one file renders the same as the findings one by one.
        let stream = ReportStream(format: .github, rules: nil, style: .init())
        let onePath = findings.filter { $0.finding.path == findings[0].finding.path }
        #expect(stream.fragment(onePath) == onePath.flatMap { stream.fragment([$0]) })
    }

    /// SARIF URIs: unreserved ASCII kept, every other byte percent-encoded.
    @Test func uriEncodesEveryByteOutsideTheUnreservedSet() {
        for path in ["a/b-c_d.e~f.py", "dir with space/100%,b:c.py", "/abs/é数.py", "A9z/\u{7F}\t"] {
            let expected = (path.hasPrefix("/") ? "file://" : "") + path.utf8.map { b -> String in
                let c = Character(Unicode.Scalar(b))
                return b < 0x80 && (c.isLetter || c.isNumber || "-._~/".contains(c)) ? String(c) : String(format: "%%%02X", b)
            }.joined()
            #expect(FindingReport.uri(path) == expected)
        }
    }

    /// Per-file tallies added up equal one tally over all findings.
    @Test func talliesMerge() {
        let a = Fixture.findings("x = 'production_training_data_1w'\ny = 'daily_forecasts'\n")
        let b = Fixture.findings("SELECT * FROM models_v4.monthly_vertex_predictions\n", .sql)
        let located = { (fs: [Finding]) in fs.map { LocatedFinding(finding: $0, line: 1, column: 1, endLine: 1, endColumn: 1, sourceLine: "") } }
        var whole = FindingTally()
        whole.add(located(a) + located(b))
        var first = FindingTally(), second = FindingTally()
        first.add(located(a))
        second.add(located(b))
        first.merge(second)
        #expect(first.errors == whole.errors && first.warnings == whole.warnings && first.fixable == whole.fixable)
        #expect(first.byRule.mapValues { "\($0.count) \($0.severity) \($0.fixable)" } == whole.byRule.mapValues { "\($0.count) \($0.severity) \($0.fixable)" })
        #expect(whole.total == a.count + b.count)
    }

    /// Past the fold limit (thousands of distinct details: a repository of distinct names)
    /// the per-rule counts stay exact, whether counted in one go or merged file by file.
    @Test func talliesStayExactPastTheFoldLimit() {
        let rules = ["r-a", "r-b", "r-c"]
        var findings: [LocatedFinding] = []
        for k in 0..<(FindingTally.foldLimit + 700) {
            let rule = rules[k % 3]
            let detail = FindingDetail(rule: rule, origin: .legacy, severity: k % 3 == 2 ? .warning : .error, message: "m\(k)", found: "n\(k)",
                                       replacement: nil, context: .string, noFixReason: nil)
            // Each detail twice, apart: the second is not among the last few looked at.
            for at in [k, k + 40] {
                let fix = k % 5 == 0 ? Fix(edits: [Edit(range: at..<(at + 1), replacement: [0x61])], applicability: .safe) : nil
                findings.append(LocatedFinding(finding: Finding(path: "f", range: at..<(at + 1), detail: detail, fix: fix),
                                               line: 1, column: 1, endLine: 1, endColumn: 1, sourceLine: ""))
            }
        }
        var naive: [String: String] = [:]
        for r in rules {
            let mine = findings.filter { $0.finding.rule == r }
            naive[r] = "\(mine.count) \(mine.map(\.finding.severity).max()!) \(mine.filter { $0.finding.isFixable(unsafe: false) }.count)"
        }
        var whole = FindingTally()
        whole.add(findings)
        var merged = FindingTally()
        for start in stride(from: 0, to: findings.count, by: 97) {
            var file = FindingTally()
            file.add(Array(findings[start..<min(findings.count, start + 97)]))
            merged.merge(file)
        }
        for t in [whole, merged] {
            #expect(t.byRule.mapValues { "\($0.count) \($0.severity) \($0.fixable)" } == naive)
            #expect(t.total == findings.count && t.fixable == findings.filter { $0.finding.fix != nil }.count)
        }
    }
}

@Suite struct EncodingTests {
    /// The validator (32-byte ASCII skips, then byte by byte) agrees with the standard
    /// library on where a buffer stops being UTF-8, at every alignment.
    @Test func firstInvalidByteAgreesWithTheStandardLibrary() {
        func reference(_ bytes: [UInt8]) -> Int? {
            // The longest valid prefix: where decoding first fails.
            var it = bytes.makeIterator()
            var decoder = UTF8()
            var offset = 0
            while true {
                switch decoder.decode(&it) {
                case .scalarValue(let s): offset += UTF8.width(s)
                case .emptyInput: return nil
                case .error: return offset
                }
            }
        }
        let bad: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0xE6, 0x95], [0x80]]
        let good: [[UInt8]] = [Array("é".utf8), Array("数".utf8), Array("😀".utf8), [0x7F]]
        for pad in 0..<70 {
            for tail in bad {
                let bytes = Array(repeating: UInt8(ascii: "a"), count: pad) + good[pad % good.count] + tail + Array("xyz".utf8)
                let got = bytes.withUnsafeBufferPointer { Encoding.firstInvalidUTF8($0) }
                #expect(got == reference(bytes), "pad \(pad) tail \(tail)")
            }
            let fine = Array(repeating: UInt8(ascii: "b"), count: pad) + good.flatMap { $0 }
            #expect(fine.withUnsafeBufferPointer { Encoding.firstInvalidUTF8($0) } == nil)
            // The same pass says whether the buffer is ASCII throughout.
            let ascii = Array(repeating: UInt8(ascii: "c"), count: pad) + [0x7F, 0x0A]
            #expect(ascii.withUnsafeBufferPointer { Encoding.check($0) } == (nil, true))
            for g in good.dropLast() {
                let mixed = ascii + g + Array(repeating: UInt8(ascii: "d"), count: pad)
                #expect(mixed.withUnsafeBufferPointer { Encoding.check($0) } == (nil, false), "pad \(pad) \(g)")
            }
        }
    }
}

@Suite struct LocatorTests {
    /// Lines and columns (Unicode scalars, BOM not counted) agree with a naive count, for
    /// findings at every distance from each other, across long lines and multi-byte text.
    @Test func positionsAgreeWithANaiveCount() {
        let pieces = ["abc", " ", "\n", "\r\n", "é", "数据", "😀", String(repeating: "x", count: 70), "\t", "\n\n"]
        // Every fourth round is ASCII (no BOM): there the fast path is compared too.
        let asciiPieces = pieces.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        var asciiRounds = 0
        var state: UInt64 = 11
        for round in 0..<60 {
            var text = round % 3 == 0 ? "\u{FEFF}" : ""
            let usable = round % 4 == 1 ? asciiPieces : pieces
            for _ in 0..<(10 + round * 3) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += usable[Int(state >> 33) % usable.count]
            }
            let bytes = Array(text.utf8)
            // Findings on scalar boundaries, in order.
            var starts: [Int] = []
            var k = round % 3 == 0 ? 3 : 0
            while k < bytes.count {
                if bytes[k] & 0xC0 != 0x80, (state >> UInt64(k % 60)) & 3 == 0 { starts.append(k) }
                k += 1
            }
            let findings = starts.map { s in
                Finding(path: "t", range: s..<min(bytes.count, s + 1), rule: "r", origin: .legacy, severity: .error, message: "", found: "",
                        replacement: nil, fix: nil, context: .string, noFixReason: nil)
            }
            let located = bytes.withUnsafeBufferPointer { Locator.locate(findings, in: $0, sourceLines: false) }
            // Told the buffer is ASCII (as the file's UTF-8 check finds), columns are byte distances.
            if bytes.allSatisfy({ $0 < 0x80 }) {
                var moved = findings
                let fast = bytes.withUnsafeBufferPointer { Locator.locate(moving: &moved, in: $0, sourceLines: false, ascii: true) }
                #expect(fast.map { [$0.line, $0.column, $0.endLine, $0.endColumn] } == located.map { [$0.line, $0.column, $0.endLine, $0.endColumn] })
                asciiRounds += 1
            }
            for (f, lf) in zip(findings, located) {
                let before = bytes[..<f.range.lowerBound]
                let line = before.filter { $0 == 0x0A }.count + 1
                var lineStart = (before.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
                if lineStart == 0, round % 3 == 0 { lineStart = 3 }
                let column = bytes[lineStart..<f.range.lowerBound].filter { $0 & 0xC0 != 0x80 }.count + 1
                #expect(lf.line == line && lf.column == column, "round \(round) offset \(f.range.lowerBound)")
            }
        }
        #expect(asciiRounds >= 10)
    }
}

import Foundation
import Testing
@testable import NomenCore

/// Context-aware replacement: each rule and context, before and after.
@Suite struct RewriteTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let before: String
        let after: String
        var language: Language = .python
        var testDescription: String { before }
    }

    static let cases: [Case] = [
        // Placeholders stay placeholders, in every template form.
        Case(before: #"t = f"production_training_data_{horizon}""#, after: #"t = f"zl_training_prod_allhistory_{horizon}""#),
        Case(before: #"t = f"production_training_data_{args.horizon!s}""#, after: #"t = f"zl_training_prod_allhistory_{args.horizon!s}""#),
        Case(before: #"t = "production_training_data_{}".format(h)"#, after: #"t = "zl_training_prod_allhistory_{}".format(h)"#),
        Case(before: #"t = "production_training_data_{h}".format(h=h)"#, after: #"t = "zl_training_prod_allhistory_{h}".format(h=h)"#),
        Case(before: #"t = "production_training_data_%s" % h"#, after: #"t = "zl_training_prod_allhistory_%s" % h"#),
        Case(before: #"t = "production_training_data_%(h)s" % d"#, after: #"t = "zl_training_prod_allhistory_%(h)s" % d"#),
        Case(before: "SELECT * FROM production_training_data_{{ horizon }}", after: "SELECT * FROM zl_training_prod_allhistory_{{ horizon }}", language: .sql),
        // Dataset moves keep the project prefix and the quoting style.
        Case(before: "q = 'SELECT * FROM `p.models_v4.production_training_data_1m`'", after: "q = 'SELECT * FROM `p.training.zl_training_prod_allhistory_1m`'"),
        Case(before: "q = 'SELECT * FROM `p`.`models_v4`.`production_training_data_1m`'", after: "q = 'SELECT * FROM `p`.`training`.`zl_training_prod_allhistory_1m`'"),
        Case(before: "q = 'SELECT * FROM `models_v4`.`production_training_data_1m`'", after: "q = 'SELECT * FROM `training`.`zl_training_prod_allhistory_1m`'"),
        Case(before: "q = 'SELECT * FROM models_v4.production_training_data_1m'", after: "q = 'SELECT * FROM training.zl_training_prod_allhistory_1m'"),
        Case(before: "t = 'cbi-v14:models_v4.production_training_data_6m'", after: "t = 'cbi-v14:training.zl_training_prod_allhistory_6m'"),
        Case(before: #"t = f"{project}.models_v4.production_training_data_{h}""#, after: #"t = f"{project}.training.zl_training_prod_allhistory_{h}""#),
        // Model paths need the horizon: literal, or an f-string placeholder named in the rules.
        Case(before: #"p = "Models/local/baselines/clf_6m.pkl""#, after: #"p = "Models/local/horizon_6m/prod/baselines/clf_6m.pkl""#),
        Case(before: #"p = f"Models/local/advanced/{horizon}/m.keras""#, after: #"p = f"Models/local/horizon_{horizon}/prod/advanced/{horizon}/m.keras""#),
        Case(before: #"p = f"Models/local/regime/hmm_{args.horizon}.pkl""#, after: #"p = f"Models/local/horizon_{args.horizon}/prod/regime/hmm_{args.horizon}.pkl""#),
        // ... and never guess: no horizon, a placeholder in a plain string, or two horizons.
        Case(before: #"p = "Models/local/ensemble/stack.pkl""#, after: #"p = "Models/local/ensemble/stack.pkl""#),
        Case(before: #"p = "Models/local/regime/{horizon}/m.pkl""#, after: #"p = "Models/local/regime/{horizon}/m.pkl""#),
        Case(before: #"p = "Models/local/baselines/clf_1w_vs_6m.pkl""#, after: #"p = "Models/local/baselines/clf_1w_vs_6m.pkl""#),
        Case(before: #"p = f"Models/local/baselines/{name}.pkl""#, after: #"p = f"Models/local/baselines/{name}.pkl""#),
        // Comments and docstrings are rewritten; identifiers are not.
        Case(before: "# reads production_training_data_1w\nx = 1", after: "# reads zl_training_prod_allhistory_1w\nx = 1"),
        Case(before: "def f():\n    \"\"\"Reads production_training_data_1w.\"\"\"", after: "def f():\n    \"\"\"Reads zl_training_prod_allhistory_1w.\"\"\""),
        Case(before: "production_training_data_1w = load()", after: "production_training_data_1w = load()"),
        Case(before: #"x = f"{production_training_data_1w}""#, after: #"x = f"{production_training_data_1w}""#),
        // A qualifier nomen cannot see blocks the fix; a known dataset keeps it.
        Case(before: #"t = f"{cfg['dataset']}.production_training_data_{h}""#, after: #"t = f"{cfg['dataset']}.production_training_data_{h}""#),
        Case(before: "t = 'predictions.daily_forecasts'", after: "t = 'predictions.zl_predictions_prod_allhorizons_daily'"),
        Case(before: "t = 'training.zl_training_full_all_1w'", after: "t = 'training.zl_training_full_allhistory_1w'"),
        // Other file kinds.
        Case(before: "SELECT a FROM `cbi-v14.raw_intelligence.soybean_oil_prices`", after: "SELECT a FROM `cbi-v14.raw_intelligence.commodity_soybean_oil_prices`", language: .sql),
        Case(before: "cp Models/local/baselines/clf_12m.pkl out/\n", after: "cp Models/local/horizon_12m/prod/baselines/clf_12m.pkl out/\n", language: .shell),
        Case(before: "table: models_v4.production_training_data_3m # old\n", after: "table: training.zl_training_prod_allhistory_3m # old\n", language: .config),
        // Already new: untouched.
        Case(before: "t = 'training.zl_training_prod_allhistory_1w'", after: "t = 'training.zl_training_prod_allhistory_1w'"),
    ]

    @Test(arguments: cases)
    func beforeAfter(_ c: Case) {
        let after = Fixture.fixed(c.before, c.language)
        #expect(after == c.after)
        // A second pass changes nothing.
        #expect(Fixture.fixed(after, c.language) == after)
    }

    @Test func unsafeFixesOnlyOnRequest() {
        let code = "t = 'training.zl_training_production_allhistory_1w'"
        #expect(Fixture.fixed(code) == code)
        #expect(Fixture.fixed(code, unsafe: true) == "t = 'training.zl_training_prod_allhistory_1w'")
    }

    @Test func overlappingFixesAreAConflict() {
        let bytes = Array("abcdef".utf8)
        let a = Finding(path: "t", range: 0..<4, rule: "a", origin: .legacy, severity: .error, message: "", found: "abcd", replacement: "x",
                        fix: Fix(edits: [Edit(range: 0..<4, replacement: "x")], applicability: .safe), context: .string, noFixReason: nil)
        let b = Finding(path: "t", range: 2..<6, rule: "b", origin: .legacy, severity: .error, message: "", found: "cdef", replacement: "y",
                        fix: Fix(edits: [Edit(range: 2..<6, replacement: "y")], applicability: .safe), context: .string, noFixReason: nil)
        let plan = Rewriter.plan(path: "t", bytes: bytes, findings: [a, b], unsafe: false)
        #expect(plan?.conflict != nil)
        #expect(plan?.edits.isEmpty == true)
    }

    /// No `{` is ever added inside a string that is not already a template.
    @Test func noPlaceholderIntroducedIntoPlainStrings() throws {
        var codes = Fixture.rules.legacy.flatMap { $0.invalidExamples.map(\.code) }
        codes += Self.cases.map(\.before)
        for code in codes {
            for f in Fixture.findings(code) where f.fix?.applicability == .safe {
                guard f.context != .fstring, f.context != .template, f.context != .sql else { continue }
                let added = (f.replacement ?? "").filter { $0 == "{" }.count - f.found.filter { $0 == "{" }.count
                #expect(added <= 0, "\(code): `\(f.found)` → `\(f.replacement ?? "")`")
            }
        }
    }

    @Test func diffHeadersQuoteAndMarkMissingNewline() {
        let old = Array("a\nproduction_training_data_1w".utf8)
        let diff = String(decoding: UnifiedDiff.render(path: "dir/my file.py", old: old, edits: [Edit(range: 2..<29, replacement: "zl_training_prod_allhistory_1w")]), as: UTF8.self)
        #expect(diff == """
        --- "a/dir/my file.py"
        +++ "b/dir/my file.py"
        @@ -1,2 +1,2 @@
         a
        -production_training_data_1w
        \\ No newline at end of file
        +zl_training_prod_allhistory_1w
        \\ No newline at end of file

        """)
    }

    @Test func replaceRefusesAFileThatChanged() throws {
        let dir = try Fixture.tempDir()
        let path = dir + "/a.py"
        try Fixture.write("x = 'production_training_data_1w'\n", to: path)
        let original = try FileIO.read(path)
        try Fixture.write("x = 'changed'\n", to: path)
        #expect(throws: IOFailure.self) { try FileIO.replace(path, expecting: original, with: Array("new".utf8)) }
        #expect(String(decoding: try FileIO.read(path), as: UTF8.self) == "x = 'changed'\n")
    }

    @Test func replaceKeepsPermissions() throws {
        let dir = try Fixture.tempDir()
        let path = dir + "/run.sh"
        try Fixture.write("echo production_training_data_1w\n", to: path)
        chmod(path, 0o751)
        let original = try FileIO.read(path)
        try FileIO.replace(path, expecting: original, with: Array("echo zl_training_prod_allhistory_1w\n".utf8))
        #expect(try FileIO.stamp(path).mode == 0o751)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(leftovers == ["run.sh"], "no temporary file is left behind")
    }
}

@Suite struct LineIndexTests {
    /// Line starts found 32 bytes at a time agree with splitting on line feeds: CRLF, blank
    /// lines, no final line feed, an empty buffer, lines across 32-byte blocks.
    @Test func lineStartsAgreeWithSplitting() {
        var texts = Fixture.generatedTexts(["a", "bc", "\n", "\r\n", String(repeating: "x", count: 31), "é", "\n\n"],
                                           count: 120, seed: 21, base: 0, spread: 60)
        texts += ["", "\n", "x", String(repeating: "\n", count: 70)]
        for text in texts {
            let bytes = Array(text.utf8)
            let index = LineIndex(bytes)
            var starts = [0]
            for (k, c) in bytes.enumerated() where c == 0x0A { starts.append(k + 1) }
            #expect(index.starts == starts, "\(text.debugDescription)")
            for offset in 0...bytes.count {
                #expect(index.line(of: offset) == starts.lastIndex(where: { $0 <= offset })! + 1)
            }
        }
    }
}

@Suite struct UnifiedDiffTests {
    /// Every hunk's new side (context and `+` lines) is exactly the new file's lines it names,
    /// and its old side the old file's: generated texts (CRLF, no final line feed, blank lines,
    /// non-ASCII) with edits anywhere within a line, as a name's edits are (they never take or
    /// add a line break), several on one line, at the start and at the end of the text.
    @Test func hunksShowTheLinesTheyName() {
        let texts = Fixture.generatedTexts(["ab", " ", "\n", "\r\n", "name_1w", "é", "\n\n", "xyz"], count: 200, seed: 31, base: 1, spread: 50)
        var checked = 0
        for (round, text) in texts.enumerated() {
            let old = Array(text.utf8)
            var edits: [Edit] = []
            var at = round % 3
            while at < old.count {
                var end = min(old.count, at + round % 4)
                if let nl = old[at..<end].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) { end = nl }
                edits.append(Edit(range: at..<end, replacement: Array("R\(at)".utf8)))
                at = end + 1 + round % 9
            }
            edits.removeAll { old[$0.range].contains(0x0A) }
            guard !edits.isEmpty else { continue }
            let new = Fixer.apply(edits, to: old)
            let diff = UnifiedDiff.render(path: "f.txt", old: old, edits: edits)
            #expect(Self.sides(diff, old: old, new: new), "round \(round): \(text.debugDescription)")
            checked += 1
        }
        #expect(checked > 150)
    }

    /// Whether each hunk's sides match the files' lines: `@@ -a,b +c,d @@`, then `b` old and
    /// `d` new lines (context in both), `\ No newline` marking a line without its line feed.
    static func sides(_ diff: [UInt8], old: [UInt8], new: [UInt8]) -> Bool {
        func lines(_ b: [UInt8]) -> [[UInt8]] {
            var out: [[UInt8]] = [], s = 0
            for (k, c) in b.enumerated() where c == 0x0A { out.append(Array(b[s...k])); s = k + 1 }
            if s < b.count { out.append(Array(b[s...])) }
            return out
        }
        func range(_ text: Substring) -> (start: Int, count: Int)? {
            let parts = text.split(separator: ",")
            guard let start = Int(parts[0]) else { return nil }
            return (start, parts.count > 1 ? Int(parts[1]) ?? -1 : 1)
        }
        let oldLines = lines(old), newLines = lines(new)
        let diffLines = lines(diff)
        guard diffLines.count > 2 else { return false }
        var k = 2
        while k < diffLines.count {
            let header = String(decoding: diffLines[k], as: UTF8.self).split(separator: " ")
            guard header.count >= 4, header[0] == "@@", let o = range(header[1].dropFirst()), let n = range(header[2].dropFirst()) else { return false }
            k += 1
            var oldSide: [[UInt8]] = [], newSide: [[UInt8]] = []
            while k < diffLines.count, !diffLines[k].starts(with: Array("@@ ".utf8)) {
                var line = diffLines[k]
                guard !line.isEmpty else { return false }
                let marker = line.removeFirst()
                if k + 1 < diffLines.count, diffLines[k + 1].starts(with: Array("\\ No newline".utf8)) {
                    guard line.last == 0x0A else { return false }
                    line.removeLast()
                    k += 1
                }
                if marker != UInt8(ascii: "+") { oldSide.append(line) }
                if marker != UInt8(ascii: "-") { newSide.append(line) }
                k += 1
            }
            guard oldSide.count == o.count, newSide.count == n.count, o.start >= 1, n.start >= 1 else { return false }
            guard o.start - 1 + o.count <= oldLines.count, Array(oldLines[(o.start - 1)..<(o.start - 1 + o.count)]) == oldSide else { return false }
            guard n.start - 1 + n.count <= newLines.count, Array(newLines[(n.start - 1)..<(n.start - 1 + n.count)]) == newSide else { return false }
        }
        return true
    }
}

/// A diff's hunks, found from the first change without an index of the file's lines, are the
/// ones the whole-file index gives: random files (empty lines, CRLF, with and without a final
/// line feed) and random edits that move no line (insertions at the end too).
@Suite struct UnifiedDiffLinesTests {
    @Test func hunksWithoutAWholeFileIndexMatchIt() {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = ["", "a", "bb", "name_1w", "x = 'q'", "\r"].map { Array($0.utf8) }
        for round in 0..<3_000 {
            var old: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                old += pieces.randomElement(using: &rng)!
                if Bool.random(using: &rng) { old += pieces.randomElement(using: &rng)! }
                old.append(0x0A)
            }
            if Bool.random(using: &rng) { old += pieces.randomElement(using: &rng)! }
            guard !old.isEmpty else { continue }
            // Sorted, disjoint edits that take and add no line feed.
            var edits: [Edit] = []
            var at = 0
            while at <= old.count, edits.count < 6 {
                let start = at + Int.random(in: 0...12, using: &rng)
                guard start <= old.count else { break }
                var end = start
                while end < old.count, old[end] != 0x0A, end - start < Int.random(in: 0...4, using: &rng) { end += 1 }
                edits.append(Edit(range: start..<end, replacement: Array(["", "z", "new_name"].randomElement(using: &rng)!.utf8)))
                at = end + 1
            }
            guard !edits.isEmpty else { continue }
            let fast = UnifiedDiff.render(path: "f.py", old: old, edits: edits)
            let indexed = UnifiedDiff.render(path: "f.py", old: old, edits: edits, indexWholeFile: true)
            #expect(fast == indexed, "round \(round): \(String(decoding: old, as: UTF8.self).debugDescription) \(edits.map(\.range))")
            if fast != indexed { break }
        }
    }
}

extension UnifiedDiffLinesTests {
    /// An insertion at the very end, after a final line feed, adds a line: no old line is
    /// removed, and `git apply` accepts the diff (it called it corrupt when a `-` line stood
    /// for the line after the last).
    @Test func anInsertionAfterTheLastLineAddsALine() throws {
        let old = Array("SELECT 1\n-- endmark\n".utf8)
        let edits = [Edit(range: old.count..<old.count, replacement: Array("X".utf8))]
        let expected = "--- a/b.sql\n+++ b/b.sql\n@@ -1,2 +1,3 @@\n SELECT 1\n -- endmark\n+X\n\\ No newline at end of file\n"
        for indexWholeFile in [false, true] {
            let diff = String(decoding: UnifiedDiff.render(path: "b.sql", old: old, edits: edits, indexWholeFile: indexWholeFile), as: UTF8.self)
            #expect(diff == expected, "indexWholeFile \(indexWholeFile)")
        }
        let dir = try Fixture.tempDir()
        try Fixture.write("SELECT 1\n-- endmark\n", to: dir + "/b.sql")
        try Fixture.write(expected, to: dir + "/fix.patch")
        let (status, output) = try Fixture.shell("git init -q . && git apply fix.patch && printf 'SELECT 1\\n-- endmark\\nX' | cmp - b.sql", in: dir)
        #expect(status == 0, "\(output)")
    }
}

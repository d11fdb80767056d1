import Foundation
import Testing
@testable import NomenCore

/// Findings know where they sit: which string, which kind of string, comment, SQL, path.
@Suite struct LinterTests {
    /// A dataset's table name is judged by the grammar only where no legacy finding overlaps
    /// it (`training.zl_training_prod_all_1m` is the `anomaly-regime` rule's); a grammar finding
    /// on the same name from another hit (the pattern's prefix) is reported once.
    @Test func datasetGrammarFindingsGiveWayToLegacyOnes() {
        let sql = """
        SELECT * FROM training.zl_training_prod_1m;
        SELECT * FROM `training.zl_training_prod_all_1m`;
        SELECT * FROM training.zl_trainng_prod_allhistory_1w JOIN predictions.zl_predictions_prod_allhistory x ON 1=1;
        SELECT * FROM training.zl_training_prod_1m, training.zl_training_prod_1m;

        """
        let found = Fixture.findings(sql, .sql).map { f -> String in
            let line = sql.utf8.prefix(f.range.lowerBound).filter { $0 == 0x0A }.count + 1
            return "\(line) \(Fixture.text(Array(sql.utf8), f.range)) \(f.rule)"
        }
        #expect(found == ["1 zl_training_prod_1m training-table", "2 zl_training_prod_all_1m anomaly-regime",
                          "3 zl_trainng_prod_allhistory_1w training-table", "3 zl_predictions_prod_allhistory prediction-table",
                          "4 zl_training_prod_1m training-table", "4 zl_training_prod_1m training-table"])
    }

    @discardableResult
    func check(_ marked: String, _ language: Language = .python, rule: String? = nil) -> [Finding] {
        let m = Marked(marked)
        let fs = Fixture.findings(m.code, language).filter { rule == nil || $0.rule == rule }
        #expect(fs.map(\.range) == m.spans, "\(m.code)\n→ \(fs.map { "\($0.rule) \($0.range) \($0.found)" })")
        return fs
    }

    @Test func contextsInPython() {
        let fs = check("""
        \"\"\"Reads ‹production_training_data_1w›.\"\"\"
        # from ‹production_training_data_1m›
        a = "‹production_training_data_3m›"
        b = f"‹production_training_data_{h}›"
        c = "‹production_training_data_{}›".format(h)
        d = "‹production_training_data_%s›" % h
        ‹production_training_data_6m› = 1
        e = f"{‹production_training_data_12m›}"
        """)
        #expect(fs.map(\.context) == [.docstring, .comment, .string, .fstring, .template, .template, .identifier, .identifier])
        #expect(fs.map { $0.fix != nil } == [true, true, true, true, true, true, false, false])
    }

    @Test func sqlInsidePythonAndItsContexts() {
        let fs = check("""
        q = \"\"\"
        SELECT * FROM `p.‹models_v4.production_training_data_1m›` -- was ‹production_training_data_1w›
        WHERE note = '‹production_training_data_3m›'
        \"\"\"
        """)
        #expect(fs.map(\.context) == [.sql, .comment, .sqlString])
        #expect(fs.map(\.rule) == ["shim-view", "legacy-training-table", "legacy-training-table"])
    }

    @Test func aNameInsideALongerWordIsNotThatName() {
        check("""
        a = "production_training_data_1w_backup"
        b = "my_production_training_data_1w"
        c = "production_training_data_2y"
        d = "xproduction_training_data_1w"
        e = "‹production_training_data_1w›.parquet"
        f = "data/‹production_training_data_1w›"
        """)
    }

    @Test func newNamesAreNeverReported() {
        check("""
        a = "training.zl_training_prod_allhistory_1w"
        b = f"training.zl_training_{surface}_allhistory_{horizon}"
        c = "Models/local/horizon_1w/prod/baselines/lightgbm_v1/model.bin"
        d = "archive.legacy_20251114__models_v4__crisis_2008_historical"
        e = "training.regime_calendar"
        f = "TrainingData/exports/zl_training_prod_allhistory_12m.parquet"
        """)
    }

    @Test func almostValidNamesCarryTheValidatorsSuggestion() {
        let fs = check("""
        a = "training.‹zl_training_production_allhistory_1w›"
        b = "‹zl_training_prod_allhistry_1m›"
        c = "‹Models/local/horizon_1w/production/baselines/›"
        zl_training_prod_bad_1w = 1
        """)
        #expect(fs.map(\.replacement) == ["zl_training_prod_allhistory_1w", "zl_training_prod_allhistory_1m", "Models/local/horizon_1w/prod/baselines/"])
        #expect(fs.allSatisfy { $0.fix?.applicability == .unsafe && $0.severity == .warning })
    }

    @Test func sqlFileTablePositions() {
        let fs = check("""
        -- ‹production_training_data_1w› in a comment
        SELECT x FROM `‹raw_intelligence.soybean_oil_prices›`
        JOIN raw_intelligence.‹wheat_prices› USING (d)
        WHERE raw_intelligence.price > 0
        """, .sql)
        #expect(fs.map(\.rule) == ["legacy-training-table", "legacy-raw-intelligence", "raw-intelligence-table"])
    }

    @Test func retiredAndProhibitedNamesHaveNoFix() {
        let fs = check("""
        SELECT * FROM models_v4.‹crisis_2008_historical›, ‹forecasting_data_warehouse.vix_daily›
        """, .sql)
        #expect(fs.allSatisfy { $0.fix == nil && $0.severity == .error })
        #expect(fs[0].message.contains("archive.legacy_20251114__models_v4__crisis_2008_historical"))
    }

    @Test func gracePeriodMakesShimViewsWarningsFirst() {
        let code = "q = 'models_v4.production_training_data_1m'"
        #expect(Fixture.findings(code, today: Day("2025-12-01")!).first?.severity == .warning)
        #expect(Fixture.findings(code, today: Day("2025-12-14")!).first?.severity == .warning)
        #expect(Fixture.findings(code, today: Day("2025-12-15")!).first?.severity == .error)
    }

    @Test func inlineIgnores() {
        let fs = Fixture.findings("""
        a = "production_training_data_1w"  # nomen: ignore
        b = "production_training_data_1m"  # nomen: ignore[legacy-training-table]
        c = "production_training_data_3m"  # nomen: ignore[shim-view]
        """)
        #expect(fs.map(\.found) == ["production_training_data_3m"])
    }

    /// The marker counts on the finding's own line wherever it stands there (before the
    /// name, after it, past 32 bytes, on a last line without a line feed, with CRLF), for
    /// every finding of that line; a marker on the line before or after counts for nothing.
    @Test func inlineIgnoresHoldOnTheirLineOnly() {
        let pad = String(repeating: " ", count: 40)
        let fs = Fixture.findings("""
        # nomen: ignore
        a = "production_training_data_1w"
        b = "production_training_data_1m"\(pad)# see above; nomen: ignore[legacy-training-table] and more\(pad)
        c = "production_training_data_3m"
        d = ("daily_forecasts", "production_training_data_6m")  # nomen: ignore[legacy-daily-forecasts]\r
        e = "production_training_data_12m" # nomen: ignore\r
        # nomen: ignore
        f = "production_training_data_1w"; g = "daily_forecasts"\(pad)# nomen: ignore
        """)
        #expect(fs.map(\.found) == ["production_training_data_1w", "production_training_data_3m", "production_training_data_6m"])
        // Before the name, in a SQL block comment; a CRLF file's last line.
        let sql = Fixture.findings("/* nomen: ignore */ SELECT * FROM production_training_data_1w;\r\nSELECT * FROM daily_forecasts; -- nomen: ignore", .sql)
        #expect(sql.isEmpty)
        let kept = Fixture.findings("SELECT * FROM production_training_data_1w;\r\n/* nomen: ignore */ SELECT * FROM daily_forecasts;", .sql)
        #expect(kept.map(\.found) == ["production_training_data_1w"])
    }

    @Test func shellAndConfig() {
        let sh = check("""
        # load ‹production_training_data_1w›
        bq query "SELECT * FROM ‹models_v4.production_training_data_1m›"
        cp "‹Models/local/baselines›/clf_6m.pkl" /tmp
        """, .shell)
        #expect(sh.map(\.context) == [.comment, .shell, .shell])
        #expect(sh[2].replacement == "Models/local/horizon_6m/prod/baselines")
        let yaml = check("table: ‹production_training_data_12m› # ‹daily_forecasts›\n", .config)
        #expect(yaml.map(\.context) == [.config, .comment])
    }

    /// Mutations of every invalid rule example: the same findings must appear (same rules,
    /// same found text) with CRLF endings, a multi-byte prefix, inside a comment, inside a string.
    @Test(arguments: Fixture.rules.legacy.flatMap { r in r.invalidExamples.filter { $0.language == .python }.map { (r.id, $0.code) } }.map { "\($0.0)\t\($0.1)" })
    func mutationsKeepFindings(_ item: String) {
        let parts = item.split(separator: "\t", maxSplits: 1).map(String.init)
        let rule = parts[0], code = parts[1]
        let base = Fixture.findings(code).filter { $0.rule == rule }.map(\.found)
        #expect(!base.isEmpty)
        let crlf = Fixture.findings("x = 1\r\n" + code + "\r\ny = 2\r\n").filter { $0.rule == rule }
        #expect(crlf.map(\.found) == base)
        let multibyte = Fixture.findings("s = 'Prévision — 数据'; " + code).filter { $0.rule == rule }
        #expect(multibyte.map(\.found) == base)
        let comment = Fixture.findings("# " + code).filter { $0.rule == rule }
        #expect(comment.count == base.count)
        #expect(comment.allSatisfy { $0.context == .comment })
        // CRLF fixes keep CRLF: only the names change.
        let fixed = Fixture.fixed("x = 1\r\n" + code + "\r\n")
        #expect(fixed.utf8.filter { $0 == 0x0D }.count == 2)
    }

    @Test func columnsCountUnicodeScalars() {
        let source = SourceFile(path: "t", bytes: Array("s = 'é 数 production_training_data_1w'\n".utf8), language: .python)
        let f = Fixture.linter().findings(in: source)
        let located = LintRun.locate(f, in: source)
        #expect(located.first?.column == 10)
        #expect(located.first?.endColumn == 37)
    }

    @Test func bomDoesNotShiftColumns() {
        let source = SourceFile(path: "t", bytes: [0xEF, 0xBB, 0xBF] + Array("x = 'production_training_data_1w'\n".utf8), language: .python)
        let located = LintRun.locate(Fixture.linter().findings(in: source), in: source)
        #expect(located.first?.line == 1)
        #expect(located.first?.column == 6)
    }

    /// Lines and columns found by counting forward from finding to finding (line feeds 64 and
    /// 32 bytes at a time, the tail read as the block before its end) agree with a count from
    /// the start of the file, whatever the gaps, line ends and characters.
    @Test func positionsAgreeWithACountFromTheStart() {
        let pieces: [[UInt8]] = [Array("x".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("é".utf8), Array("数".utf8), Array("  ".utf8),
                                 Array(repeating: UInt8(ascii: "a"), count: 31), Array(repeating: UInt8(ascii: "\n"), count: 33)]
        let detail = FindingDetail(rule: "r", origin: .legacy, severity: .error, message: "m", found: "f", replacement: nil, context: .text, noFixReason: nil)
        var random = SeededRandom(17)
        for round in 0..<300 {
            var bytes: [UInt8] = round % 5 == 0 ? [0xEF, 0xBB, 0xBF] : []
            let size = random.next(700)
            while bytes.count < size { bytes += pieces[random.next(pieces.count)] }
            // Finding starts and ends on character boundaries, sorted, after any BOM.
            let first = round % 5 == 0 ? 3 : 0
            let starts = (first...bytes.count).filter { $0 == bytes.count || bytes[$0] & 0xC0 != 0x80 }
            var offsets = (0..<random.next(12)).map { _ in starts[random.next(starts.count)] }.sorted()
            if offsets.count % 2 == 1 { offsets.removeLast() }
            let findings = stride(from: 0, to: offsets.count, by: 2).map {
                Finding(path: "t", range: offsets[$0]..<offsets[$0 + 1], detail: detail, fix: nil)
            }
            func position(_ offset: Int) -> (Int, Int) {
                let line = 1 + bytes[..<offset].filter { $0 == 0x0A }.count
                let lineStart = max(first, (bytes[..<offset].lastIndex(of: 0x0A) ?? -1) + 1)
                return (line, 1 + bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count)
            }
            let located = bytes.withUnsafeBufferPointer { Locator.locate(findings, in: $0, sourceLines: false) }
            for (f, l) in zip(findings, located) {
                let (line, column) = position(f.range.lowerBound), (endLine, endColumn) = position(f.range.upperBound)
                #expect(l.line == line && l.column == column && l.endLine == endLine && l.endColumn == endColumn, "round \(round) \(f.range)")
            }
        }
    }

    /// Findings' details are worked out once per thread and reused (`Scratch.memos`): with one
    /// scratch for every file, twice over, the report is the same as with a fresh one per file.
    @Test func reusedDetailsReportTheSameAsFreshOnes() throws {
        let linter = Fixture.linter()
        let shared = Scratch(rules: Fixture.rules)
        let root = Fixture.packageRoot + "/examples/legacy-repo"
        func describe(_ fs: [Finding]) -> [String] {
            fs.map { f in
                let edits = f.fix?.edits.map { "\($0.range)=\(String(decoding: $0.replacement, as: UTF8.self))" } ?? []
                return "\(f.path) \(f.range) \(f.rule) \(f.severity) \(f.context) \(f.message) | \(f.found) -> \(f.replacement ?? "-") \(edits) \(f.noFixReason ?? "")"
            }
        }
        var compared = 0
        for _ in 0..<2 {
            for case let rel as String in FileManager.default.enumerator(atPath: root)! {
                guard let language = Language.of(fileName: rel) else { continue }
                let bytes = try FileIO.read(root + "/" + rel)
                let fresh = bytes.withUnsafeBufferPointer { linter.check($0, language: language, path: rel, scratch: Scratch(rules: Fixture.rules)) }
                let reused = bytes.withUnsafeBufferPointer { linter.check($0, language: language, path: rel, scratch: shared) }
                #expect(describe(reused.findings) == describe(fresh.findings), "\(rel)")
                compared += fresh.findings.count
            }
        }
        #expect(compared > 200)
        #expect(!shared.memos.isEmpty)
    }

    /// The same name in different contexts of one file: each finding says what fits its own.
    @Test func sameNameInDifferentContextsKeepsItsOwnDetail() {
        let code = """
        production_training_data_1w = 1
        a = "production_training_data_1w"
        # production_training_data_1w
        q = "SELECT * FROM models_v4.production_training_data_1w"
        b = "production_training_data_1w"

        """
        let fs = Fixture.findings(code)
        #expect(fs.map(\.context) == [.identifier, .string, .comment, .sql, .string])
        #expect(fs[0].fix == nil && fs[0].message.contains("Python identifier"))
        #expect(fs[1].fix != nil && fs[4].fix != nil)
        #expect(fs[1].detail === fs[4].detail)
        #expect(fs[1].fix!.edits[0].range != fs[4].fix!.edits[0].range)
        // One shared set of edits, placed at each finding's own name.
        #expect(fs[1].fix!.edits.map(\.range) == [fs[1].range] && fs[4].fix!.edits.map(\.range) == [fs[4].range])
        #expect(fs[3].found == "models_v4.production_training_data_1w")
        let qualified = fs[3].fix?.edits.map(\.range) ?? []
        #expect(qualified.first?.lowerBound == fs[3].range.lowerBound && qualified.last?.upperBound == fs[3].range.upperBound)
    }
}


extension LinterTests {
    /// Memo keys and context sets use `ordinal`: one distinct number per context, in order.
    @Test func contextOrdinalsAreDistinctAndInOrder() {
        #expect(Context.allCases.map(\.ordinal) == Array(0..<Context.allCases.count))
        #expect(Set(Context.allCases).count == Context.allCases.count)
    }
}

extension LinterTests {
    /// The memo table finds what it stored through growth, keeps distinct keys apart, and
    /// starts over past its limit.
    @Test func memoTableFindsStoresAndForgets() {
        let table = MemoTable(limit: 3000)
        let text = Array((0..<2500).map { "name_\($0) " }.joined().utf8)
        var spans: [Range<Int>] = []
        var k = 0
        while k < text.count {
            var e = k
            while text[e] != 0x20 { e += 1 }
            spans.append(k..<e)
            k = e + 1
        }
        var stored: [ObjectIdentifier] = []
        text.withUnsafeBufferPointer { b in
            func key(_ span: Range<Int>, _ context: Context = .string) {
                table.setKey(rule: 1, context: context, qualified: false, bytes: b, span: span, groups: [span], edits: FileScan.PlannedEdits(dataset: nil, name: span), noFix: nil, inferred: [])
            }
            for span in spans {
                key(span)
                stored.append(ObjectIdentifier(table.memo { Memo(detail: nil, edits: [], fixable: false) }))
            }
            #expect(table.count == spans.count)
            for (span, id) in zip(spans, stored) {
                key(span)
                #expect(ObjectIdentifier(table.memo { Issue.record("recomputed"); return Memo(detail: nil, edits: [], fixable: false) }) == id)
            }
            // Another context is another key.
            key(spans[0], .comment)
            #expect(ObjectIdentifier(table.memo { Memo(detail: nil, edits: [], fixable: true) }) != stored[0])
            // Past the limit the table starts over.
            for span in spans.prefix(600) { key(span, .sql); _ = table.memo { Memo(detail: nil, edits: [], fixable: false) } }
            #expect(table.count < 600)
        }
    }
}

extension LinterTests {
    /// A capture in a lookbehind lies outside the matched name: its text is part of what the
    /// shared detail depends on, so two names alike but for it are told apart.
    @Test func memoKeyHoldsCapturesOutsideTheName() throws {
        let linter = try Fixture.linter(legacy: """
          - id: env-table
            match: '(?<=(?<env>dev|prd)-)legacy_table'
            replace: 'new_table'
            message: '`{found}` in {env} is legacy; use `{replacement}`'
            contexts: [string]

        """, file: "lookbehind.yaml")
        let scratch = Scratch(rules: linter.rules)
        let code = Array("a = 'dev-legacy_table'\nb = 'prd-legacy_table'\n".utf8)
        let fs = code.withUnsafeBufferPointer { linter.check($0, language: .python, path: "t.py", scratch: scratch).findings }
        #expect(fs.map(\.message) == ["`legacy_table` in dev is legacy; use `new_table`", "`legacy_table` in prd is legacy; use `new_table`"])
    }

    /// A match that is nothing but a placeholder names nothing, judged by named captures only:
    /// an unnamed group that spans the match does not hide it.
    @Test func unnamedGroupsDoNotMakeAPlaceholder() throws {
        let linter = try Fixture.linter(legacy: """
          - id: feature-set
            match: '(\\{env\\}_feat_v1|feat_v1)'
            replace: 'features_v2'
            contexts: [string, template]

        """, file: "unnamed.yaml")
        let fs = linter.findings(in: SourceFile(path: "t.py", bytes: Array("a = '{env}_feat_v1'\n".utf8), language: .python))
        #expect(fs.count == 1)
    }

    /// A rule that can match nothing matches at the end of the buffer: the placeholder check
    /// reads no byte there (a debug build traps on reading past the end).
    @Test func anEmptyMatchAtTheEndReadsNoByte() throws {
        let linter = try Fixture.linter(legacy: "  - id: empty\n    match: '[Q]*'\n    replace: 'new'\n\n", file: "empty.yaml")
        for text in ["x = 1\n", "x = 1", ""] {
            let bytes = Array(text.utf8)
            let fs = linter.findings(in: SourceFile(path: "t.py", bytes: bytes, language: .python))
            #expect(fs.allSatisfy { $0.range.upperBound <= bytes.count }, "\(text.debugDescription)")
        }
    }
}

/// The region lookup that starts from the last one's place finds what the binary search
/// finds, from any hint, for ranges in and between regions, in order or not.
@Suite struct RegionLookupTests {
    @Test func hintedLookupAgreesWithTheBinarySearch() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<200 {
            // Sorted, disjoint regions with gaps, some of them empty.
            var regions: [Region] = []
            var at = Int.random(in: 0..<5, using: &rng)
            for _ in 0..<Int.random(in: 0..<40, using: &rng) {
                let length = Int.random(in: 0..<12, using: &rng)
                let contentStart = at + min(length, 1)
                regions.append(Region(kind: .string, range: at..<(at + length), content: contentStart..<max(contentStart, at + length - 1), context: .string))
                at += length + Int.random(in: 0..<6, using: &rng)
            }
            regions.withUnsafeBufferPointer { rs in
                var hint = 0
                for _ in 0..<60 {
                    let start = Int.random(in: 0...(at + 3), using: &rng)
                    let r = start..<(start + Int.random(in: 0..<4, using: &rng))
                    let expected = RegionLookup.index(containing: r, in: rs)
                    // The region starting at or before the range, found by a plain scan.
                    let last = (rs.lastIndex { $0.range.lowerBound <= r.lowerBound }) ?? -1
                    for h in [hint, Int.random(in: -1...rs.count, using: &rng)] {
                        let (found, newLast) = RegionLookup.index(containing: r, in: rs, from: h)
                        #expect(found == expected, "round \(round), range \(r), hint \(h)")
                        #expect(newLast == last, "round \(round), range \(r), hint \(h)")
                    }
                    hint = last
                }
            }
        }
    }
}

extension LinterTests {
    /// An exception is the whole name, byte for byte for an ASCII one (the trigger's lookahead
    /// keeps exceptions from most hits, so this guard is asked directly).
    @Test func exceptionsAreWholeNames() {
        let linter = Fixture.linter()
        let scratch = Scratch(rules: Fixture.rules)
        for (text, expected) in [("regime_calendar", true), ("regime_weights", true), ("regime_calendarx", false), ("Regime_calendar", false),
                                 ("regime_calenda", false), ("x", false), ("régime_calendar", false)] {
            let bytes = Array(("  " + text + " ").utf8)
            bytes.withUnsafeBufferPointer { b in
                let scan = FileScan(linter: linter, b: b, language: .python, path: "t", scratch: scratch)
                #expect(scan.isException(2..<(b.count - 1)) == expected, "\(text)")
            }
        }
    }
}

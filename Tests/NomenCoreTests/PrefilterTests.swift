import Foundation
import Testing
@testable import NomenCore
import NomenRegex

@Suite struct PrefilterTests {
    @Test func literalPrefixesOfPatterns() {
        func texts(_ s: String) -> [String]? { LiteralPrefix.of(s)?.map { String(decoding: $0, as: UTF8.self) } }
        #expect(texts("production_training_data_(?<h>1w|1m)") == ["production_training_"])
        #expect(texts("data_(?<h>1w|1m)") == ["data_1w", "data_1m"])
        #expect(texts("(?<name>trump_rich|crisis_2008|pre_crisis)") == ["trump_rich", "crisis_2008", "pre_crisis"])
        #expect(texts("(?!(?:zl_x)(?![a-z]))(?i:zl_t)") == ["zl_t", "zl_T", "zL_t", "zL_T", "Zl_t", "Zl_T", "ZL_t", "ZL_T"])
        #expect(texts("ab[cd]") == ["ab"])
        #expect(texts("a?bc") == nil)
        #expect(texts("[a-z]+_x") == nil)
        #expect(texts(#"\d+"#) == nil)
        #expect(texts(#"models_v4\.x"#) == ["models_v4.x"])
        // Caseless letters stop the literal before it has more than eight spellings.
        #expect(texts("(?i:abcd)") == ["ab", "aB", "Ab", "AB"].flatMap { [$0 + "c", $0 + "C"] })
        #expect(texts("o_(?'h'1w|1m)") == ["o_1w", "o_1m"])
        #expect(texts("o_(?<h>[0-9]+w|1m)x") == ["o_"])
        #expect(texts("(?:ab(?:[0-9])|cd)") == ["ab", "cd"])
        // Classes whose first member is `]`, POSIX classes and quoted text inside passed-over
        // parts; constructs the reader does not know end the literal, not the whole pattern.
        #expect(texts("abcd(?![]x)])efgh") == ["abcdefgh"])
        #expect(texts("abcd(?=[^]x)a-z])efgh") == ["abcdefgh"])
        #expect(texts("abcd(?![^]x)(])efgh") == ["abcdefgh"])
        #expect(texts("(?:abcd(?:e(?>f))|gh)x|ij") == ["abcde", "gh", "ij"])
        #expect(texts("abcdef(?>gh)") == ["abcdef"])

        #expect(texts("(?i:foo_(?:bar|baz))")?.count == 8)
        // An inline option reaches the rest of its group, later alternatives included.
        #expect(texts("abcdef(?i)ghij") == ["abcdef"])
        #expect(texts("(?:a+(?i)b|cdef)") == nil)
        #expect(texts("(?:xy(?:a(?i)b|cd)|ef)") == ["xy", "ef"])
        #expect(texts("abc(?i)d|efg") == nil)
        #expect(texts("ab|cd") == ["ab", "cd"])
        // An option found after a group, in the part passed over, still reaches what follows.
        #expect(texts("(?:ab)x(?i)|cd") == nil)
        #expect(texts("(?:x(?:y)z(?i)|cd)") == nil)
        // Constructs that can hide a `|` or `)` from the reader, move a quantifier or a match's
        // start: no literals at all (review reproducers; PCRE2 matches what is in the comment).
        for pattern in ["abcd(?![[:digit:])])efgh",  // POSIX class with `)`
                        "(?:ab+\\Q[\\E|cdef|x])",    // cdef
                        "abcdefg(?#note)h", "ab(?#()|cd", "ab(?#[)|cd]", "ab(?#\\)|cd",  // cd
                        "ab(*MARK:()|cd", "ab(*:[)|cd]", "ab(?C\"(\")|cd",               // cd
                        "ab\\c(|cd", "ab\\c[|cd]", "ab\\c\\|cd", "(?!\\c[)[])]",           // cd, )
                        "ab[[:x]|cd:]", "ab[\\E](]|cd|[\\E])]",                         // cd:], cd
                        "ab(?x:#(\n)|cd", "ab(?x)#(\n|cd", "x(?:(?x)#(\n)|cd", "(?:ab)(?x)|c d",  // cd
                        "a\\E?b", "a\\Q\\E*b", "a\\E{0}b", "ab(?#x)?c", "x(?:ab)\\E?c",       // b, ac, xc
                        "ab\\Kcd", "\\Gfoo"] {                                            // starts at c; \G holds at a search start only
            #expect(texts(pattern) == nil, "\(pattern)")
        }
        // Zero-width assertions and options that leave text alone are passed over.
        #expect(texts("\\bfoo_bar\\b") == ["foo_bar"])
        #expect(texts("^ab$|\\Acd") == ["ab", "cd"])
        #expect(texts("(?s)abc(?m)d") == ["abcd"])
        #expect(texts("foo(?s)bar|baz") == ["foobar", "baz"])
        #expect(texts("\\b?ab") == nil)
        // The bundled rules' own forms are read: a class holding `.` and `:`.
        #expect(texts("models_v4(?![A-Za-z0-9_])(?=`?[.:]`?[A-Za-z0-9_{$%])") == ["models_v4"])
    }

    /// Whatever a generated pattern matches, wherever, begins with one of its literals: PCRE2
    /// is the judge, over patterns built from the constructs that have fooled the reader.
    @Test func literalsAreSoundOnGeneratedPatterns() throws {
        let atoms = ["a", "b", "ab", "abcd", "x]", "[]a]", "[^]b]", "[[:digit:]a]", "\\Q[a|\\E", "\\.", ".", "a?", "b*", "c+",
                     "a{2}", "(?i)", "(?i:ab)", "(?>ab)", "(?=a)", "(?!b)", "(?<=a)", "(?#c)", "(?:a|bc)", "(a|b)", "(?<n>ab|c)",
                     "\\d", "\\b", "(?-i:a)", "(?x: a )", "|", "^", "$", "(?s)", "(?m)", "\\B", "\\A", "\\b?"]
        var random = SeededRandom(3)
        func sequence(_ depth: Int) -> String {
            (0..<(1 + random.next(4))).map { _ -> String in
                if depth < 2, random.next(5) == 0 { return "(?:" + sequence(depth + 1) + "|" + sequence(depth + 1) + ")" }
                return atoms[random.next(atoms.count)]
            }.joined()
        }
        // Subjects made of the atoms' own text, so that matches are common.
        let pieces = ["a", "b", "ab", "abcd", "x]", "]", "1", ".", "c", "cc", "A", "AB", "B", "BC", "ABCD", "X]", "[a|", "bc", "aa", "", " a "].map { Array($0.utf8) }
        var checked = 0, matched = 0
        for _ in 0..<4000 {
            let pattern = sequence(0)
            guard let literals = LiteralPrefix.of(pattern), let regex = try? Regex(pattern, options: [.anchored]) else { continue }
            checked += 1
            let matcher = regex.makeMatcher(jit: false)
            for _ in 0..<20 {
                let subject = (0..<random.next(6)).flatMap { _ in pieces[random.next(pieces.count)] }
                for p in 0...subject.count {
                    guard let m = try? matcher.firstMatch(in: subject, from: p), m.range.lowerBound == p else { continue }
                    matched += 1
                    let rest = subject[p...]
                    #expect(literals.contains { rest.starts(with: $0) },
                            "`\(pattern)` matched `\(String(decoding: rest, as: UTF8.self))`, literals \(literals.map { String(decoding: $0, as: UTF8.self) })")
                }
            }
        }
        #expect(checked > 600 && matched > 3000, "\(checked) patterns, \(matched) matches")
    }

    @Test func defaultRulesHaveAPrefilter() {
        #expect(Fixture.rules.triggers.prefilter != nil)
    }

    /// The prefilter finds exactly what the whole-buffer search finds.
    @Test func sameFindingsWithAndWithoutPrefilter() throws {
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        let fast = Linter(rules: Fixture.rules, options: LintOptions(today: Fixture.today))
        let slow = Linter(rules: Fixture.rules, options: plain)
        let root = Fixture.packageRoot + "/examples/legacy-repo"
        var checked = 0
        for case let rel as String in FileManager.default.enumerator(atPath: root)! {
            guard let language = Language.of(fileName: rel) else { continue }
            let source = SourceFile(path: rel, bytes: try FileIO.read(root + "/" + rel), language: language)
            let a = fast.findings(in: source).map { "\($0.range) \($0.rule) \($0.replacement ?? "-")" }
            let b = slow.findings(in: source).map { "\($0.range) \($0.rule) \($0.replacement ?? "-")" }
            #expect(a == b, "\(rel)")
            checked += 1
        }
        #expect(checked >= 10)
        // Rule examples too, each in its language.
        for rule in Fixture.rules.legacy {
            for example in rule.invalidExamples + rule.validExamples {
                let source = SourceFile(path: "t", bytes: Array(example.code.utf8), language: example.language)
                #expect(fast.findings(in: source).map(\.range) == slow.findings(in: source).map(\.range), "\(example.code)")
            }
        }
    }

    /// A rule's match is kept from the prefilter (its trigger's pattern is the rule's): its
    /// captures, set or not, give what matching again gives, in every message and fix.
    @Test func keptTriggerMatchesGiveTheRulesCaptures() throws {
        let yaml = """
          - id: alt
            match: 'old_(?:(?<a>one)|(?<b>two))(?:_(?<c>x))?'
            replace: 'new_{a}'
          - id: tail
            match: 'tbl_(?<h>1w|1m)(?<rest>_v[0-9])?'
            replace: 'table_{h}'
        """
        let fast = try Fixture.linter(legacy: yaml, file: "kept.yaml")
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        let slow = Linter(rules: fast.rules, options: plain)
        let text = "a = 'old_one' + 'old_two_x' + \"old_one_x\"\nb = f'tbl_1w_v2 {x} tbl_1m'\n# old_two tbl_1w\n"
        let source = SourceFile(path: "t.py", bytes: Array(text.utf8), language: .python)
        let a = fast.findings(in: source), b = slow.findings(in: source)
        func describe(_ fs: [Finding]) -> [String] {
            fs.map { "\($0.range) \($0.rule) \($0.message) \($0.fix.map { $0.edits.map { String(decoding: $0.replacement, as: UTF8.self) } } ?? [])" }
        }
        #expect(a.count == 7)
        #expect(describe(a) == describe(b))
        // `old_two` sets no `a`: no fix (an earlier match's `a` must not show through).
        #expect(a.map { $0.replacement ?? "-" } == ["new_one", "-", "new_one", "table_1w", "table_1m", "-", "table_1w"])
    }

    /// More matches in a file than the C loop's buffers hold (256 hits; groups): gathered a
    /// buffer at a time, the same findings, captures and fixes as the whole-buffer search.
    @Test func manyMatchesInOneFile() {
        let names = ["production_training_data_1w", "models_v4.production_training_data_3m", "daily_forecasts", "Models/local/baselines/clf_6m.pkl",
                     "training.zl_training_prod_all_1m", "raw_intelligence.soybean_oil_prices"]
        let text = (0..<1500).map { "x\($0) = '\(names[$0 % names.count])'\n" }.joined()
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        let source = SourceFile(path: "t.py", bytes: Array(text.utf8), language: .python)
        let fast = Linter(rules: Fixture.rules, options: LintOptions(today: Fixture.today)).findings(in: source)
        let slow = Linter(rules: Fixture.rules, options: plain).findings(in: source)
        func describe(_ fs: [Finding]) -> [String] { fs.map { "\($0.range) \($0.rule) \($0.message) \($0.replacement ?? "-")" } }
        #expect(fast.count == 1500)
        #expect(describe(fast) == describe(slow))
    }

    /// Names at every alignment against the 32-byte blocks, in a long deterministic text.
    @Test(arguments: [Language.python, .sql, .text])
    func sameFindingsOnGeneratedText(_ language: Language) {
        let tokens = ["production_training_data_1w", "models_v4.production_training_data_1m", "x", " ", "  ", "\n", ".", "/",
                      "zl_training_prod_allhistory_1w", "zl_training_prod_all_1m", "ZL_TRAINING_X", "training.zl_training_bad_1w",
                      "Models/local/baselines/clf_6m.pkl", "Models/local/horizon_1w/prod/baselines/", "'", "\"", "#", "--",
                      "my_production_training_data_1w", "production_training_data_1w_backup", "daily_forecasts", "trump_rich_2023_2025",
                      "raw_intelligence.soybean_oil_prices", "prod", "zl_t", "é", "数据", "{horizon}", "_", "abc123"]
        var random = SeededRandom(42)
        var text = ""
        for _ in 0..<6000 { text += tokens[random.next(tokens.count)] }
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        let source = SourceFile(path: "t", bytes: Array(text.utf8), language: language)
        let fast = Linter(rules: Fixture.rules, options: LintOptions(today: Fixture.today)).findings(in: source)
        let slow = Linter(rules: Fixture.rules, options: plain).findings(in: source)
        #expect(fast.count > 100)
        #expect(fast.map(\.range) == slow.map(\.range))
        #expect(fast.map(\.rule) == slow.map(\.rule))
        // Hits inside a qualified finding are passed over: the same report as working them out.
        var everyHit = LintOptions(today: Fixture.today)
        everyHit.skipCoveredHits = false
        let all = Linter(rules: Fixture.rules, options: everyHit).findings(in: source)
        #expect(fast.map { "\($0.range) \($0.rule) \($0.message)" } == all.map { "\($0.range) \($0.rule) \($0.message)" })
    }

    /// A trigger's literals that share four bytes become their common prefix.
    @Test func literalsCondenseToTheirCommonPrefix() {
        func texts(_ ls: [String]) -> [String] { Prefilter.condensed(ls.map { Array($0.utf8) }).map { String(decoding: $0, as: UTF8.self) } }
        #expect(texts(["Models/local/baselines", "Models/local/advanced", "Models/local/{"]) == ["Models/local/"])
        #expect(texts(["trump_rich", "crisis_2008", "trump_x"]) == ["trump_", "crisis_2008"])
        #expect(texts(["ab", "abcdx", "abcdy", "abce"]) == ["ab", "abcd", "abce"])
    }

    /// The literal check at each candidate (word start, first four bytes, then the rest of the
    /// literal up to twenty bytes) against a naive comparison at every position, literals of
    /// every length against text that ends mid-literal.
    @Test func literalCheckAgreesWithNaiveComparison() {
        var random = SeededRandom(99)
        let alphabet = Array("abM_/. \n".utf8)
        for round in 0..<60 {
            var literals: [[UInt8]] = []
            for k in 0..<(1 + round % 9) {
                let length = 1 + (k * 7 + round) % 20
                var literal: [UInt8] = [UInt8(ascii: "a") + UInt8(random.next() % 2)]
                while literal.count < length { literal.append(alphabet[random.next() % 4]) }
                if !literals.contains(literal) { literals.append(literal) }
            }
            let search = LiteralSearch(literals.enumerated().map { LiteralSearch.Entry(bytes: $0.element, triggers: 1 << UInt64($0.offset)) })
            // Text built from pieces of the literals, so that long partial matches are common.
            var text: [UInt8] = []
            while text.count < 400 {
                let l = literals[random.next() % literals.count]
                text += l.prefix(1 + random.next() % l.count)
                text.append(alphabet[random.next() % alphabet.count])
            }
            text = Array(text.prefix(300 + random.next() % 100))
            for wordStart in [true, false] {
                var expected: [Int: UInt64] = [:]
                for p in 0..<text.count {
                    if wordStart, p > 0, Prefilter.wordBytes[Int(text[p - 1])] { continue }
                    var set: UInt64 = 0
                    for (t, l) in literals.enumerated() where p + l.count <= text.count && Array(text[p..<(p + l.count)]) == l { set |= 1 << UInt64(t) }
                    if set != 0 { expected[p] = set }
                }
                var found: [Int: UInt64] = [:]
                text.withUnsafeBufferPointer { b in
                    var i = 0
                    while i < b.count {
                        var triggers: UInt64 = 0
                        let c = search.next(b.baseAddress!, b.count, from: i, wordStart: wordStart, triggers: &triggers)
                        if c >= b.count { break }
                        found[c] = triggers
                        i = c + 1
                    }
                }
                #expect(found == expected, "round \(round), word start \(wordStart)")
            }
        }
    }

    /// The SIMD fingerprint search never misses a literal: at every alignment, near the end
    /// of the buffer (the scalar tail) and for literals shorter than its four bytes.
    @Test func fingerprintsFindEveryLiteral() {
        var random = SeededRandom(7)
        let alphabet = Array("abcdeMZz_./t0 \n".utf8)
        for round in 0..<40 {
            let literals: [[UInt8]] = (0..<(1 + round % 12)).map { k in
                (0..<(1 + (k + round) % 5)).map { _ in alphabet[random.next() % alphabet.count] }
            }
            let fingerprints = LiteralSearch(literals.map { LiteralSearch.Entry(bytes: $0, triggers: 1) })
            let text: [UInt8] = (0..<(1 + random.next() % 300)).map { _ in alphabet[random.next() % alphabet.count] }
            var candidates: Set<Int> = []
            text.withUnsafeBufferPointer { b in
                var i = 0
                while i < b.count {
                    let c = fingerprints.fingerprintNext(b.baseAddress!, b.count, from: i)
                    #expect(c >= i && c <= b.count)
                    if c == b.count { break }
                    candidates.insert(c)
                    i = c + 1
                }
            }
            for p in 0..<text.count {
                for literal in literals where p + literal.count <= text.count && Array(text[p..<(p + literal.count)]) == literal {
                    #expect(candidates.contains(p), "round \(round): literal \(literal) at \(p) missed")
                }
            }
        }
    }
}


extension PrefilterTests {
    /// The nibble-table byte search finds the first member at every distance (the near bytes
    /// by table, then 32 at a time), over text with bytes above 0x7F.
    @Test func byteSetFindsTheFirstMember() {
        var random = SeededRandom(17)
        let ascii = Array(0..<128).map(UInt8.init)
        for round in 0..<200 {
            let members = (0..<(1 + round % 12)).map { _ in ascii[random.next() % ascii.count] }
            let set = ByteSet(bytes: members)
            let text: [UInt8] = (0..<(random.next() % 200)).map { _ in random.next() % 3 == 0 ? UInt8(128 + random.next() % 128) : ascii[random.next() % 100 + 28] }
            text.withUnsafeBufferPointer { b in
                for from in stride(from: 0, through: text.count, by: 7) {
                    let expected = text[from...].firstIndex(where: { members.contains($0) }) ?? text.count
                    #expect(set.first(in: b, from: from, end: text.count) == expected, "round \(round) from \(from)")
                }
            }
        }
    }
}

extension PrefilterTests {
    /// More than 64 triggers: the prefilter runs the combined pattern (anchored) and reads the
    /// trigger from its mark; it finds what the whole-buffer search finds.
    @Test func manyTriggersUseTheCombinedPattern() throws {
        var yaml = RuleLoadingTests.base + "legacy:\n"
        for k in 0..<70 { yaml += "  - id: r\(k)\n    match: 'old_name_\(k)_(?<h>1w|1m)'\n    replace: 'new_name_\(k)_{h}'\n" }
        let rules = try RuleLoader.load(text: yaml, file: "many.yaml")
        #expect(rules.triggers.triggers.count > 64)
        let text = (0..<70).map { "a\($0) = 'old_name_\($0)_1w'  # old_name_\(69 - $0)_1m, xold_name_1_1w\n" }.joined()
        let source = SourceFile(path: "t.py", bytes: Array(text.utf8), language: .python)
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        let fast = Linter(rules: rules, options: LintOptions(today: Fixture.today)).findings(in: source)
        let slow = Linter(rules: rules, options: plain).findings(in: source)
        #expect(fast.count == 140)
        #expect(fast.map { "\($0.range) \($0.rule) \($0.replacement ?? "-")" } == slow.map { "\($0.range) \($0.rule) \($0.replacement ?? "-")" })
    }

    /// A rule that begins with no literal is searched over the whole buffer beside the literal
    /// prefilter; `nomen rules` says which. The findings are those of the whole-buffer search
    /// of every rule, overlaps and ties between the two searches included.
    @Test func rulesWithoutLiteralsAreSearchedBesideThePrefilter() throws {
        let yaml = RuleLoadingTests.base + """
        legacy:
          - id: plain
            match: 'b_old_(?<h>1w|1m)'
            replace: 'newer_{h}'
          - id: odd
            match: '[ab]+_old_(?<h>1w|1m)'
            replace: 'new_{h}'
          - id: later
            match: '[0-9]x_name'
            replace: 'y_name'

        """
        let rules = try RuleLoader.load(text: yaml, file: "odd.yaml")
        // A rule whose matches depend on the search around it keeps the combined search for all.
        for match in ["db\\.\\Kold_(?<h>1w)", "\\Gold_(?<h>1w)", "[ab](*SKIP)_old_(?<h>1w)", "([a-z])\\1_old_(?<h>1w)", "[ab](?1)?_(old)_(?<h>1w)"] {
            let yaml = RuleLoadingTests.base + "legacy:\n  - id: k\n    match: '\(match)'\n    replace: 'new_{h}'\n"
            let set = try RuleLoader.load(text: yaml, file: "k.yaml")
            #expect(set.triggers.prefilter == nil, "\(match)")
        }
        let prefilter = try #require(rules.triggers.prefilter)
        #expect(prefilter.uncovered.count == 2)
        #expect(rules.searchNote?.contains("rule `odd`") == true && rules.searchNote?.contains("rule `later`") == true)
        #expect(RulesReport.text(rules).contains("search: "))
        #expect(Fixture.rules.searchNote == nil)
        #expect(!RulesReport.text(Fixture.rules).contains("search: "))
        let tokens = ["ab_old_1w", "b_old_1m", "aab_old_1m", "b_old_1w", "_", " ", "x", "1x_name", "9x_name_", "a", "b", ".", "\n",
                      "production_training_data_1w", "bproduction_training_data_1m", "'", "models_v4.", "ab_old_1wx"]
        var random = SeededRandom(21)
        var text = ""
        for _ in 0..<5000 { text += tokens[random.next(tokens.count)] }
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        for language in [Language.python, .text] {
            let source = SourceFile(path: "t", bytes: Array(text.utf8), language: language)
            let fast = Linter(rules: rules, options: LintOptions(today: Fixture.today)).findings(in: source)
            let slow = Linter(rules: rules, options: plain).findings(in: source)
            #expect(Set(fast.map(\.rule)).isSuperset(of: ["odd", "plain", "later"]))
            #expect(fast.map { "\($0.range) \($0.rule) \($0.message)" } == slow.map { "\($0.range) \($0.rule) \($0.message)" })
        }
    }

    /// Candidates are checked in C until one needs Swift: a match that needs a bigger JIT
    /// stack is still found, and one that hits the match limit stops the search with a
    /// problem, as the combined search does.
    @Test func candidateChecksThatLeaveTheCLoop() throws {
        let yaml = RuleLoadingTests.base + """
        legacy:
          - id: deep
            match: 'deep_(?:(a)|b)*_end'
            replace: 'shallow'
          - id: slow
            match: 'slow_(a+)+_x'
            replace: 'fast'

        """
        let rules = try RuleLoader.load(text: yaml, file: "d.yaml")
        #expect(rules.triggers.prefilter != nil)
        var plain = LintOptions(today: Fixture.today)
        plain.prefilter = false
        // Each trigger's first candidate makes its matcher (in Swift); the later ones are checked in C.
        let deep = "z = 'deep_ab_end'\nx = 'deep_" + String(repeating: "ab", count: 10_000) + "_end'\n"
        for options in [LintOptions(today: Fixture.today), plain] {
            let result = Linter(rules: rules, options: options).check(SourceFile(path: "t.py", bytes: Array(deep.utf8), language: .python))
            #expect(result.findings.map(\.rule) == ["deep", "deep"] && result.problem == nil, "\(options.prefilter)")
        }
        let slow = "w = 'slow_a_x'\ny = 'slow_" + String(repeating: "a", count: 40) + "_y'  # _x\n"
        for options in [LintOptions(today: Fixture.today), plain] {
            let result = Linter(rules: rules, options: options).check(SourceFile(path: "t.py", bytes: Array(slow.utf8), language: .python))
            #expect(result.problem?.contains("search stopped") == true, "\(options.prefilter)")
        }
    }

    /// A user's own mark ends a match without naming a trigger: the hit is dropped, not looked
    /// up out of range.
    @Test func aMarkThatNamesNoTriggerIsNoHit() throws {
        let yaml = RuleLoadingTests.base + "legacy:\n  - id: m\n    match: 'old_(?<h>1w)(*MARK:zz)(*ACCEPT)'\n    replace: 'new_{h}'\n"
        let rules = try RuleLoader.load(text: yaml, file: "m.yaml")
        let source = SourceFile(path: "t.py", bytes: Array("x = 'old_1w'\ny = 'production_training_data_1w'\n".utf8), language: .python)
        let found = Linter(rules: rules, options: LintOptions(today: Fixture.today)).findings(in: source)
        #expect(!found.contains { $0.rule == "m" })
        // PCRE2 puts a mark's length in the byte before it.
        func index(_ name: String, count: Int) -> Int? {
            let bytes = [UInt8(name.utf8.count)] + Array(name.utf8) + [0]
            return bytes.withUnsafeBufferPointer { Prefilter.markIndex($0.baseAddress! + 1, count: count) }
        }
        #expect(index("12", count: 13) == 12)
        #expect(index("12", count: 12) == nil)
        #expect(index("zz", count: 1000) == nil)
        #expect(index("", count: 5) == nil)
        #expect(index("1234567890", count: .max) == nil)
    }

    @Test func byteSearchFindsNeedles() {
        let hay = Array("xx production_training_data_1w".utf8)
        hay.withUnsafeBytes { raw in
            #expect(ByteSearch.firstIndex(of: Array("production".utf8), in: raw, from: 0) == 3)
            #expect(ByteSearch.firstIndex(of: Array("production".utf8), in: raw, from: 4) == nil)
        }
    }

    /// The SIMD search against a naive one: every start offset; needles of 1 to 14 bytes cut
    /// from the text itself (so they occur, at the very end too) or with a byte changed.
    @Test func byteSearchAgreesWithNaiveSearch() {
        let texts = Fixture.generatedTexts(["nomen", ": ", "ignore", "n", "e", "x", "\\", " nomen: ignore"], count: 60, seed: 11, base: 1, spread: 40)
        for (round, text) in texts.enumerated() {
            let hay = Array(text.utf8)
            let at = (round * 37) % hay.count
            var needle = Array(hay[at..<min(hay.count, at + round % 14 + 1)])
            if round % 4 == 1 { needle[needle.count - 1] ^= 1 }
            // The search first compares the needle's two rarest bytes: a change elsewhere too.
            if round % 4 == 2 { needle[needle.count / 2] ^= 1 }
            func naive(_ from: Int) -> Int? {
                guard from + needle.count <= hay.count else { return nil }
                return (from...(hay.count - needle.count)).first { Array(hay[$0..<($0 + needle.count)]) == needle }
            }
            hay.withUnsafeBytes { raw in
                for from in 0..<hay.count {
                    #expect(ByteSearch.firstIndex(of: needle, in: raw, from: from) == naive(from), "text \(round), from \(from)")
                }
            }
        }
    }
}

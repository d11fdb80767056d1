import Foundation
import Testing
@testable import NomenCore

@Suite struct PrefilterTests {
    @Test func literalPrefixesOfPatterns() {
        func texts(_ s: String) -> [String]? { LiteralPrefix.of(s)?.map { String(decoding: $0, as: UTF8.self) } }
        #expect(texts("production_training_data_(?<h>1w|1m)") == ["prod"])
        #expect(texts("(?<name>trump_rich|crisis_2008|pre_crisis)") == ["trum", "cris", "pre_"])
        #expect(texts("(?!(?:zl_x)(?![a-z]))(?i:zl_t)") == ["zl_t", "zl_T", "zL_t", "zL_T", "Zl_t", "Zl_T", "ZL_t", "ZL_T"])
        #expect(texts("ab[cd]") == ["ab"])
        #expect(texts("a?bc") == nil)
        #expect(texts("[a-z]+_x") == nil)
        #expect(texts(#"\d+"#) == nil)
        #expect(texts(#"models_v4\.x"#) == ["mode"])
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
}

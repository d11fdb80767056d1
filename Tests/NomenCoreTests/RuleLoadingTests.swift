import Testing
@testable import NomenCore

/// Every failure class of a rules file is reported with file, line, column, key and cause.
@Suite struct RuleLoadingTests {
    static let base = """
    version: 1
    name: test
    patterns:
      - id: table
        segments:
          - {name: asset, values: [zl]}
          - {name: horizon, values: [1w, 1m]}

    """

    func errors(_ yaml: String) -> [RuleLoadError] {
        do {
            _ = try RuleLoader.load(text: yaml, file: "bad.yaml")
            return []
        } catch {
            return error.errors
        }
    }

    @Test func defaultRulesLoad() throws {
        let set = try RuleLoader.load(path: Fixture.rulesPath)
        #expect(set.patterns.count == 6)
        #expect(set.legacy.count == 11)
    }

    @Test func unknownKeyWithSuggestion() {
        let e = errors(Self.base + "legacy:\n  - id: x\n    match: 'a'\n    replace: 'b'\n    severty: error\n")
        #expect(e.count == 1)
        #expect(e.first?.line == 12)
        #expect(e.first?.column == 5)
        #expect(e.first?.key == "legacy[0].severty")
        #expect(e.first?.message.contains("did you mean `severity`") == true)
    }

    @Test func wrongType() {
        let e = errors(Self.base + "legacy:\n  - id: x\n    match: [a, b]\n    replace: 'b'\n")
        #expect(e.first?.description == "bad.yaml:10:12: `legacy[0].match`: expected a string, found a list")
    }

    @Test func regexThatDoesNotCompile() {
        let e = errors(Self.base + "legacy:\n  - id: x\n    match: 'abc(?<h>1w'\n    replace: 'b'\n")
        #expect(e.count == 1)
        #expect(e.first?.line == 10)
        // The column points into the pattern: quote at 12, `a` at 13, PCRE2's offset 10 (the end) at 23.
        #expect(e.first?.column == 23)
        #expect(e.first?.message.contains("missing closing parenthesis") == true)
    }

    @Test func templateNamingAMissingCapture() {
        let e = errors(Self.base + "legacy:\n  - id: x\n    match: 'old_(?<h>1w|1m)'\n    replace: 'new_{horizon}'\n")
        #expect(e.count == 1)
        #expect(e.first?.line == 11)
        #expect(e.first?.key == "legacy[0].replace")
        #expect(e.first?.message.contains("`{horizon}`") == true)
        #expect(e.first?.message.contains("`h`") == true)
    }

    @Test func replacementThatNeverSettles() {
        let yaml = Self.base + """
        legacy:
          - id: loop
            match: 'tbl_(?<h>1w|1m)'
            replace: 'tbl_{h}_v2'
            examples:
              invalid:
                - code: 'x = "tbl_1w"'
                  fixed: 'x = "tbl_1w_v2"'
          - id: loop-back
            match: 'tbl_(?<h>1w|1m)_v2'
            replace: 'tbl_{h}'

        """
        let e = errors(yaml)
        // Both rules of the loop are named: each one's output is the other's input.
        #expect(e.count == 2)
        #expect(e.allSatisfy { $0.message.contains("does not settle") })
        #expect(e.contains { $0.message.contains("loop-back") })
    }

    @Test func replacementThatNeverSettlesWithoutExamples() {
        // Running it twice would nest the path again: `data/baselines` → `data/baselines/v2/v2`.
        let e = errors(Self.base + "legacy:\n  - id: nest\n    match: 'data/(?<f>baselines)'\n    replace: 'data/{f}/v2'\n")
        #expect(e.count == 1)
        #expect(e.first?.line == 11)
        #expect(e.first?.key == "legacy[0].replace")
        #expect(e.first?.message.contains("does not settle") == true)
    }

    @Test func invalidYAML() {
        let e = errors("name: test\npatterns: [\n")
        #expect(e.count == 1)
        #expect(e.first?.line == 3)
        #expect(e.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func duplicateIDs() {
        let e = errors(Self.base + "legacy:\n  - {id: table, match: 'a', replace: 'b'}\n")
        #expect(e.first?.message.contains("duplicate id `table`") == true)
        #expect(e.first?.line == 9)
    }

    @Test func badDateSeverityContextAndID() {
        let yaml = Self.base + """
        legacy:
          - id: Bad_Id
            match: 'a'
            replace: 'b'
            warn_until: 2025-13-01
            severity: fatal
            contexts: [strng]

        """
        let e = errors(yaml)
        let messages = e.map(\.message)
        #expect(messages.contains { $0.contains("kebab-case") })
        #expect(messages.contains { $0.contains("YYYY-MM-DD") })
        #expect(messages.contains { $0.contains("severity must be") })
        #expect(messages.contains { $0.contains("unknown context `strng`; did you mean `string`?") })
        #expect(e.allSatisfy { $0.file == "bad.yaml" && $0.line > 8 })
    }

    @Test func layoutAndSegmentProblems() {
        let yaml = """
        name: t
        patterns:
          - id: p
            layout: "{asset}_{nope}"
            segments:
              - {name: asset, values: [zl], default: xx}
              - {name: horizon, regex: '[0-9'}

        """
        let e = errors(yaml)
        let messages = e.map(\.message)
        #expect(messages.contains { $0.contains("default `xx` is not one of") })
        #expect(messages.contains { $0.contains("regex does not compile") })
        #expect(e.contains { $0.line == 7 && $0.key == "patterns[0].segments[1].regex" })
    }

    @Test func missingRequiredKeyAndEmptyFile() {
        #expect(errors("patterns: []\n").first?.message == "missing required key `name`")
        #expect(errors("").first?.message == "rules file is empty")
    }

    @Test func unreadableFile() {
        do {
            _ = try RuleLoader.load(path: "/nonexistent/rules.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.first?.description.hasPrefix("/nonexistent/rules.yaml:1:1: cannot read rules file") == true)
        }
    }
}

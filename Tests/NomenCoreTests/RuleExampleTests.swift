import Testing
@testable import NomenCore

/// Every example in the default rule set is a test: invalid examples must be reported
/// (else *missing*), valid ones must not (else *noisy*), and the safe fixes must give the
/// expected text (else *wrong*).
@Suite struct RuleExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        let example: RuleExample
        let valid: Bool
        var testDescription: String { "\(rule) line \(example.line) (\(valid ? "valid" : "invalid")): \(example.code)" }
    }

    static let cases: [Case] = Fixture.rules.legacy.flatMap { rule in
        rule.validExamples.map { Case(rule: rule.id, example: $0, valid: true) }
            + rule.invalidExamples.map { Case(rule: rule.id, example: $0, valid: false) }
    }

    @Test(arguments: cases)
    func legacyExample(_ c: Case) {
        let findings = Fixture.findings(c.example.code, c.example.language).filter { $0.rule == c.rule }
        if c.valid {
            #expect(findings.isEmpty, "noisy: \(c.rule) reported valid code: \(findings.map(\.message))")
            return
        }
        #expect(!findings.isEmpty, "missing: \(c.rule) did not report `\(c.example.code)`")
        let after = Fixture.fixed(c.example.code, c.example.language)
        if let expected = c.example.fixed {
            #expect(after == expected, "wrong: \(c.rule) fixed to `\(after)`")
        } else {
            #expect(after == c.example.code, "wrong: \(c.rule) fixed an example that has no safe fix: `\(after)`")
        }
    }

    struct PatternCase: CustomTestStringConvertible, Sendable {
        let pattern: String
        let name: String
        let valid: Bool
        let segment: String?
        let suggestion: String?
        var testDescription: String { "\(pattern): \(name)" }
    }

    static let patternCases: [PatternCase] = Fixture.rules.patterns.flatMap { p in
        p.examples.valid.map { PatternCase(pattern: p.id, name: $0, valid: true, segment: nil, suggestion: nil) }
            + p.examples.invalid.map { PatternCase(pattern: p.id, name: $0.name, valid: false, segment: $0.segment, suggestion: $0.suggestion) }
    }

    @Test(arguments: patternCases)
    func patternExample(_ c: PatternCase) {
        let pattern = Fixture.rules.patterns.first { $0.id == c.pattern }!
        let validator = Validator(rules: Fixture.rules)
        // Path and file examples go through the full classification; bare names through the pattern.
        let result = c.name.contains("/") || c.name.contains(".") ? validator.validate(c.name) : validator.validate(name: c.name, against: [pattern])
        #expect(result.valid == c.valid, "\(c.name): \(result.errors.map(\.message))")
        if c.valid {
            #expect(result.pattern == c.pattern)
        } else {
            if let segment = c.segment { #expect(result.errors.first?.segment == segment) }
            #expect(result.errors.first?.suggestion == c.suggestion)
        }
    }
}

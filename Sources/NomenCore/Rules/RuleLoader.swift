import NomenRegex
import Yams

/// Loads a rules file in two stages: YAML → checked values, then compile (regexes, templates,
/// cross-rule checks). Every problem is collected with its file, line, column and key.
public enum RuleLoader {
    public static func load(path: String) throws(RuleLoadErrors) -> RuleSet {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            throw RuleLoadErrors(errors: [RuleLoadError(file: path, line: 1, column: 1, key: "", message: "cannot read rules file: \(error.reason)")])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw RuleLoadErrors(errors: [RuleLoadError(file: path, line: 1, column: 1, key: "", message: "rules file is not valid UTF-8")])
        }
        return try load(text: text, file: path)
    }

    public static func load(text: String, file: String) throws(RuleLoadErrors) -> RuleSet {
        guard let root = try YAMLNode.parse(text, file: file) else {
            throw RuleLoadErrors(errors: [RuleLoadError(file: file, line: 1, column: 1, key: "", message: "rules file is empty")])
        }
        var errors: [RuleLoadError] = []
        let set = decode(root, errors: &errors)
        if !errors.isEmpty { throw RuleLoadErrors(errors: errors) }
        guard let set else { throw RuleLoadErrors(errors: errors) }
        return set
    }

    static let topKeys: Set<String> = ["version", "name", "description", "datasets", "patterns", "exceptions", "legacy", "retired"]

    private static func decode(_ root: YAMLNode, errors: inout [RuleLoadError]) -> RuleSet? {
        guard let top = root.mapping(allowed: topKeys, required: ["name"], errors: &errors) else { return nil }
        if let version = top["version"]?.integer(errors: &errors), version != 1 {
            errors.append(top["version"]!.error("unsupported version \(version); this nomen reads version 1"))
        }
        let name = top["name"]?.text(errors: &errors) ?? ""
        let datasets = top["datasets"]?.strings(errors: &errors) ?? []
        var patterns: [NamePattern] = []
        for node in top["patterns"]?.sequence(errors: &errors) ?? [] {
            if let p = decodePattern(node, errors: &errors) { patterns.append(p) }
        }
        var exceptions: [NameException] = []
        for node in top["exceptions"]?.sequence(errors: &errors) ?? [] {
            guard let m = node.mapping(allowed: ["name", "datasets", "reason"], required: ["name"], errors: &errors),
                  let n = m["name"]?.text(errors: &errors) else { continue }
            exceptions.append(NameException(name: n, datasets: m["datasets"]?.strings(errors: &errors) ?? [], reason: m["reason"]?.text(errors: &errors)))
        }
        var rules: [(LegacyRule, YAMLNode)] = []
        for node in top["legacy"]?.sequence(errors: &errors) ?? [] {
            if let r = decodeLegacy(node, kind: .legacy, errors: &errors) { rules.append((r, node)) }
        }
        for node in top["retired"]?.sequence(errors: &errors) ?? [] {
            if let r = decodeLegacy(node, kind: .retired, errors: &errors) { rules.append((r, node)) }
        }
        // Ids are unique across patterns and rules.
        var seen: [String: Int] = [:]
        for p in patterns {
            if let line = seen[p.id] { errors.append(RuleLoadError(file: root.file, line: p.line, column: 1, key: "patterns", message: "duplicate id `\(p.id)` (first defined on line \(line))")) }
            seen[p.id] = p.line
        }
        for (r, node) in rules {
            for id in [r.id] + r.aliases {
                if let line = seen[id] { errors.append(node.error("duplicate id `\(id)` (first defined on line \(line))")) }
                seen[id] = r.line
            }
        }
        guard errors.isEmpty else { return nil }
        let set: RuleSet
        do {
            set = try RuleSet(name: name, file: root.file, datasets: datasets, patterns: patterns, exceptions: exceptions, legacy: rules.map(\.0))
        } catch {
            errors.append(root.error("the combined search pattern does not compile: \(error)"))
            return nil
        }
        checkSettles(set, rules: rules, errors: &errors)
        return set
    }

    /// A replacement that a legacy rule matches again would never settle: reject it.
    private static func checkSettles(_ set: RuleSet, rules: [(LegacyRule, YAMLNode)], errors: inout [RuleLoadError]) {
        var ignored: [RuleLoadError] = []
        let linter = Linter(rules: set, options: LintOptions())
        // One scratch for every check, interpreted: a few short texts do not repay compiling
        // every pattern to machine code (a run compiles the ones its files need).
        let scratch = Scratch(rules: set, jit: false)
        func findings(_ text: String, _ language: Language, _ path: String) -> [Finding] {
            Array(text.utf8).withUnsafeBufferPointer { linter.check($0, language: language, path: path, scratch: scratch).findings }
        }
        for (rule, node) in rules {
            // The template itself, each capture standing as a placeholder `{name}`: a rule that
            // matches it again would rewrite its own output (checked even without examples).
            if let template = rule.replacement, rule.dataset == nil {
                var values: [String: String] = [:]
                for name in template.captures { values[name] = "{\(name)}" }
                if let rendered = template.render(values) {
                    if let first = findings(rendered, .text, "<replacement>").first(where: { $0.legacyRule != nil && $0.fix?.applicability == .safe }) {
                        let at = node.mapping(allowed: legacyKeys, errors: &ignored)?["replace"] ?? node
                        errors.append(at.error("the replacement does not settle: `\(rendered)` matches rule `\(first.rule)` again"))
                        continue
                    }
                }
            }
            for example in rule.invalidExamples {
                guard let fixed = example.fixed else { continue }
                let again = findings(fixed, example.language, "<example>").filter { $0.legacyRule != nil && $0.fix?.applicability == .safe }
                if let first = again.first {
                    errors.append(RuleLoadError(file: node.file, line: example.line, column: 1, key: "\(node.path).replace",
                                                message: "the replacement does not settle: its result `\(first.found)` matches rule `\(first.rule)` again"))
                }
            }
        }
    }

    // MARK: patterns

    static let patternKeys: Set<String> = ["id", "description", "segments", "separator", "layout", "applies_to", "prefixes", "severity", "examples"]

    private static func decodePattern(_ node: YAMLNode, errors: inout [RuleLoadError]) -> NamePattern? {
        guard let m = node.mapping(allowed: patternKeys, required: ["id", "segments"], errors: &errors) else { return nil }
        let before = errors.count
        let id = m["id"].flatMap { decodeID($0, errors: &errors) } ?? ""
        let separator = m["separator"]?.text(errors: &errors) ?? "_"
        var segments: [Segment] = []
        for s in m["segments"]?.sequence(errors: &errors) ?? [] {
            guard let sm = s.mapping(allowed: ["name", "values", "regex", "default"], required: ["name"], errors: &errors),
                  let name = sm["name"]?.text(errors: &errors) else { continue }
            let defaultValue = sm["default"]?.text(errors: &errors)
            if let values = sm["values"] {
                if sm["regex"] != nil { errors.append(s.error("a segment has `values` or `regex`, not both")) }
                let list = values.strings(errors: &errors) ?? []
                if list.isEmpty { errors.append(values.error("a segment's `values` must not be empty")) }
                if let d = defaultValue, !list.contains(d) { errors.append(sm["default"]!.error("default `\(d)` is not one of the segment's values")) }
                segments.append(Segment(name: name, matcher: .values(list), defaultValue: defaultValue))
            } else if let regexNode = sm["regex"], let source = regexNode.text(errors: &errors) {
                if let regex = compile(source, at: regexNode, errors: &errors) {
                    segments.append(Segment(name: name, matcher: .regex(source: source, compiled: regex), defaultValue: defaultValue))
                }
            } else {
                errors.append(s.error("a segment needs `values` (a vocabulary) or `regex` (a PCRE2 pattern)"))
            }
        }
        if segments.isEmpty, m["segments"] != nil { errors.append(m["segments"]!.error("a pattern needs at least one segment")) }
        // Layout: explicit (`horizon_{horizon}/{scope}`) or the segments joined by the separator.
        var pieces: [Piece] = []
        if let layoutNode = m["layout"], let layout = layoutNode.text(errors: &errors) {
            guard let template = Template(layout) else {
                errors.append(layoutNode.error("layout `\(layout)` is malformed: use `{segment}` for segments"))
                return nil
            }
            var used = Set<String>()
            for piece in template.pieces {
                switch piece {
                case .literal(let s): pieces.append(.literal(s))
                case .capture(let n):
                    guard let index = segments.firstIndex(where: { $0.name == n }) else {
                        errors.append(layoutNode.error("layout names `{\(n)}`, which is not a segment of this pattern"))
                        continue
                    }
                    if case .segment = pieces.last {
                        errors.append(layoutNode.error("segments `{\(n)}` and the one before it need text between them"))
                    }
                    used.insert(n)
                    pieces.append(.segment(index))
                }
            }
            for s in segments where !used.contains(s.name) {
                errors.append(layoutNode.error("segment `\(s.name)` does not appear in the layout"))
            }
        } else {
            for i in segments.indices {
                if i > 0 { pieces.append(.literal(separator)) }
                pieces.append(.segment(i))
            }
        }
        var datasets: [String] = [], pathPrefixes: [String] = [], suffixes: [String] = []
        if let a = m["applies_to"], let am = a.mapping(allowed: ["datasets", "path_prefixes", "suffixes"], errors: &errors) {
            datasets = am["datasets"]?.strings(errors: &errors) ?? []
            pathPrefixes = am["path_prefixes"]?.strings(errors: &errors) ?? []
            suffixes = am["suffixes"]?.strings(errors: &errors) ?? []
        }
        let prefixes = m["prefixes"]?.strings(errors: &errors) ?? []
        let severity = m["severity"].flatMap { decodeSeverity($0, errors: &errors) } ?? .warning
        var valid: [String] = [], invalid: [PatternExamples.Invalid] = []
        if let e = m["examples"], let em = e.mapping(allowed: ["valid", "invalid"], errors: &errors) {
            valid = em["valid"]?.strings(errors: &errors) ?? []
            for item in em["invalid"]?.sequence(errors: &errors) ?? [] {
                if case .scalar = item.node, let n = item.text(errors: &errors) {
                    invalid.append(.init(name: n, segment: nil, suggestion: nil))
                    continue
                }
                guard let im = item.mapping(allowed: ["name", "segment", "suggestion"], required: ["name"], errors: &errors),
                      let n = im["name"]?.text(errors: &errors) else { continue }
                let seg = im["segment"]?.text(errors: &errors)
                if let seg, !segments.contains(where: { $0.name == seg }) {
                    errors.append(im["segment"]!.error("`\(seg)` is not a segment of this pattern"))
                }
                invalid.append(.init(name: n, segment: seg, suggestion: im["suggestion"]?.text(errors: &errors)))
            }
        }
        guard errors.count == before else { return nil }
        return NamePattern(id: id, description: m["description"]?.text(errors: &errors) ?? "", segments: segments, pieces: pieces,
                           separator: separator, datasets: datasets, pathPrefixes: pathPrefixes, suffixes: suffixes,
                           prefixes: prefixes, severity: severity, examples: PatternExamples(valid: valid, invalid: invalid), line: node.line)
    }

    // MARK: legacy and retired rules

    static let legacyKeys: Set<String> = ["id", "aliases", "description", "match", "names", "dataset", "replace", "replace_dataset", "infer",
                                          "contexts", "severity", "message", "warn_until", "error_after", "examples"]

    private static func decodeLegacy(_ node: YAMLNode, kind: LegacyRule.Kind, errors: inout [RuleLoadError]) -> LegacyRule? {
        var allowed = legacyKeys
        if kind == .retired { allowed.subtract(["replace", "replace_dataset", "infer"]) } else { allowed.remove("names") }
        guard let m = node.mapping(allowed: allowed, required: kind == .legacy ? ["id", "match", "replace"] : ["id"], errors: &errors) else { return nil }
        let before = errors.count
        let id = m["id"].flatMap { decodeID($0, errors: &errors) } ?? ""
        let aliases = m["aliases"]?.strings(errors: &errors) ?? []
        let dataset = m["dataset"]?.text(errors: &errors)
        // The pattern: `match`, or (retired) a list of `names`.
        var source: String
        var sourceNode: YAMLNode
        if let names = m["names"] {
            if m["match"] != nil { errors.append(names.error("give `names` or `match`, not both")) }
            let list = names.strings(errors: &errors) ?? []
            source = "(?<name>" + list.map(escapeRegex).joined(separator: "|") + ")"
            sourceNode = names
        } else if let match = m["match"], let text = match.text(errors: &errors) {
            source = text
            sourceNode = match
        } else if dataset != nil {
            source = "(?<name>[A-Za-z0-9_]+)"
            sourceNode = node
        } else {
            errors.append(node.error("a rule needs `match` (a PCRE2 pattern)" + (kind == .retired ? ", `names`, or a `dataset`" : "")))
            return nil
        }
        guard let plain = compile(source, at: sourceNode, errors: &errors) else { return nil }
        var infer: [String: Inference] = [:]
        if let inferNode = m["infer"], case .mapping(let mapping) = inferNode.node {
            for (k, _) in mapping {
                guard case .scalar(let key) = k else { continue }
                let child = YAMLNode(node: mapping[k]!, file: node.file, path: "\(inferNode.path).\(key.string)")
                guard let im = child.mapping(allowed: ["values", "placeholders"], errors: &errors) else { continue }
                let values = im["values"]?.strings(errors: &errors) ?? []
                let placeholders = im["placeholders"]?.strings(errors: &errors) ?? []
                if values.isEmpty && placeholders.isEmpty { errors.append(child.error("give `values` or `placeholders` to learn `\(key.string)` from")) }
                if plain.groupNames[key.string] != nil { errors.append(child.error("`\(key.string)` is a capture of the pattern; it needs no inference")) }
                infer[key.string] = Inference(values: values, placeholders: placeholders)
            }
        } else if let inferNode = m["infer"] {
            errors.append(inferNode.error("expected a mapping of capture name to `values`/`placeholders`, found \(inferNode.kindName)"))
        }
        var replacement: Template? = nil
        if let r = m["replace"], let text = r.string(errors: &errors) {
            if let t = Template(text) {
                replacement = t
                for capture in t.captures where plain.groupNames[capture] == nil && infer[capture] == nil {
                    let known = plain.groupNames.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
                    errors.append(r.error("the replacement uses `{\(capture)}`, which the pattern does not capture (captures: \(known.isEmpty ? "none" : known)) and `infer` does not declare"))
                }
            } else {
                errors.append(r.error("replacement `\(text)` is malformed: use `{capture}` for captures and `{{`/`}}` for braces"))
            }
        }
        let replacementDataset = m["replace_dataset"]?.text(errors: &errors)
        if replacementDataset != nil, dataset == nil {
            errors.append(m["replace_dataset"]!.error("`replace_dataset` needs `dataset` (the dataset it replaces)"))
        }
        var contexts = Set(Context.allCases)
        if let c = m["contexts"] {
            contexts = []
            for (i, name) in (c.strings(errors: &errors) ?? []).enumerated() {
                if name == "all" { contexts.formUnion(Context.allCases); continue }
                if let ctx = Context(rawValue: name) { contexts.insert(ctx); continue }
                let item = c.sequenceItem(i)
                let hint = Suggest.closest(to: name, in: Context.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                errors.append(item.error("unknown context `\(name)`\(hint); contexts: \(Context.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        let severity = m["severity"].flatMap { decodeSeverity($0, errors: &errors) } ?? .error
        let warnUntil = m["warn_until"]?.date(errors: &errors)
        let errorAfter = m["error_after"]?.date(errors: &errors)
        if let w = warnUntil, let e = errorAfter, e < w {
            errors.append(m["error_after"]!.error("`error_after` (\(e)) is before `warn_until` (\(w))"))
        }
        var valid: [RuleExample] = [], invalid: [RuleExample] = []
        if let e = m["examples"], let em = e.mapping(allowed: ["valid", "invalid", "language"], errors: &errors) {
            let language = em["language"].flatMap { decodeLanguage($0, errors: &errors) } ?? .python
            for item in em["valid"]?.sequence(errors: &errors) ?? [] {
                if let ex = decodeExample(item, language: language, allowFixed: false, errors: &errors) { valid.append(ex) }
            }
            for item in em["invalid"]?.sequence(errors: &errors) ?? [] {
                if let ex = decodeExample(item, language: language, allowFixed: true, errors: &errors) { invalid.append(ex) }
            }
        }
        let message = m["message"]?.text(errors: &errors)
        if let message, Template(message) == nil {
            errors.append(m["message"]!.error("message `\(message)` is malformed: use `{found}`, `{replacement}` or `{capture}`, and `{{`/`}}` for braces"))
        }
        guard errors.count == before else { return nil }
        let regex: Regex, anchored: Regex
        do {
            let extended = RegexSource.allowingPlaceholders(source, for: Set(replacement?.captures ?? []))
            regex = try Regex(RegexSource.wholeWord(extended))
            anchored = try Regex("(?:\(extended))(?![A-Za-z0-9_])", options: [.anchored])
        } catch {
            errors.append(sourceNode.error("the pattern does not compile once extended for placeholders: \(error.message)"))
            return nil
        }
        return LegacyRule(id: id, aliases: aliases, kind: kind, source: source, regex: regex, dataset: dataset, replacement: replacement,
                          replacementDataset: replacementDataset,
                          replacementDatasetTemplate: replacementDataset.flatMap { Template(escapeTemplate($0)) }, anchored: anchored, infer: infer, contexts: contexts, severity: severity,
                          message: message, messageTemplate: message.flatMap(Template.init), warnUntil: warnUntil, errorAfter: errorAfter,
                          validExamples: valid, invalidExamples: invalid, line: node.line)
    }

    private static func decodeExample(_ node: YAMLNode, language: Language, allowFixed: Bool, errors: inout [RuleLoadError]) -> RuleExample? {
        if case .scalar = node.node {
            guard let code = node.text(errors: &errors) else { return nil }
            return RuleExample(code: code, language: language, fixed: nil, line: node.line)
        }
        var allowed: Set<String> = ["code", "language"]
        if allowFixed { allowed.insert("fixed") }
        guard let m = node.mapping(allowed: allowed, required: ["code"], errors: &errors), let code = m["code"]?.text(errors: &errors) else { return nil }
        let lang = m["language"].flatMap { decodeLanguage($0, errors: &errors) } ?? language
        return RuleExample(code: code, language: lang, fixed: m["fixed"]?.string(errors: &errors), line: node.line)
    }

    // MARK: scalars

    private static func decodeID(_ node: YAMLNode, errors: inout [RuleLoadError]) -> String? {
        guard let id = node.text(errors: &errors) else { return nil }
        let ok = id.first?.isLetter == true && id.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }
        if !ok { errors.append(node.error("id `\(id)` must be kebab-case: lowercase letters, digits and `-`")) }
        return id
    }

    private static func decodeSeverity(_ node: YAMLNode, errors: inout [RuleLoadError]) -> Severity? {
        guard let s = node.text(errors: &errors) else { return nil }
        guard let severity = Severity(rawValue: s) else {
            errors.append(node.error("severity must be `error` or `warning`, found `\(s)`"))
            return nil
        }
        return severity
    }

    private static func decodeLanguage(_ node: YAMLNode, errors: inout [RuleLoadError]) -> Language? {
        guard let s = node.text(errors: &errors) else { return nil }
        guard let language = Language(rawValue: s) else {
            errors.append(node.error("unknown language `\(s)`; languages: \(Language.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return language
    }

    /// Compiles a pattern; a failure names PCRE2's message and the column in the file.
    private static func compile(_ source: String, at node: YAMLNode, errors: inout [RuleLoadError]) -> Regex? {
        do {
            return try Regex(source)
        } catch {
            var column = node.column
            if case .scalar(let scalar) = node.node, case .compile(let offset) = error.kind {
                let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                column += (quoted ? 1 : 0) + source.utf8.prefix(offset).count
            }
            let offset: Int = { if case .compile(let o) = error.kind { return o }; return 0 }()
            errors.append(RuleLoadError(file: node.file, line: node.line, column: column, key: node.path,
                                        message: "regex does not compile: \(error.message) (at offset \(offset) of `\(source)`)"))
            return nil
        }
    }

    /// A literal as a replacement template (braces doubled).
    static func escapeTemplate(_ s: String) -> String {
        s.replacingAll("{", with: "{{").replacingAll("}", with: "}}")
    }

    static func escapeRegex(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "|"), UInt8(ascii: "?"),
                 UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"):
                out.append(UInt8(ascii: "\\"))
            default:
                break
            }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension YAMLNode {
    func sequenceItem(_ i: Int) -> YAMLNode {
        if case .sequence(let s) = node, i < s.count { return YAMLNode(node: s[i], file: file, path: "\(path)[\(i)]") }
        return self
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}

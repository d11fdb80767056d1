import Yams

/// A YAML node with the file, position and key path needed for exact error messages.
/// The decoding half of the two-stage rule loading: YAML → plain spec values.
struct YAMLNode {
    let node: Node
    let file: String
    let path: String

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    func error(_ message: String) -> RuleLoadError {
        RuleLoadError(file: file, line: line, column: column, key: path, message: message)
    }

    private func child(_ node: Node, _ key: String) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    var kindName: String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The mapping's entries, rejecting keys outside `allowed` and missing `required` keys.
    func mapping(allowed: Set<String>, required: Set<String> = [], errors: inout [RuleLoadError]) -> [String: YAMLNode]? {
        guard case .mapping(let mapping) = node else {
            errors.append(error("expected a mapping, found \(kindName)"))
            return nil
        }
        var result: [String: YAMLNode] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                errors.append(YAMLNode(node: keyNode, file: file, path: path).error("keys must be plain strings"))
                continue
            }
            let key = scalar.string
            let keyed = YAMLNode(node: keyNode, file: file, path: path.isEmpty ? key : "\(path).\(key)")
            if !allowed.contains(key) {
                let hint = Suggest.closest(to: key, in: Array(allowed)).map { "; did you mean `\($0)`?" } ?? "; allowed: \(allowed.sorted().joined(separator: ", "))"
                errors.append(keyed.error("unknown key `\(key)`\(hint)"))
                continue
            }
            if result[key] != nil {
                errors.append(keyed.error("duplicate key `\(key)`"))
                continue
            }
            result[key] = child(valueNode, key)
        }
        for key in required.sorted() where result[key] == nil {
            errors.append(error("missing required key `\(key)`"))
        }
        return result
    }

    func sequence(errors: inout [RuleLoadError]) -> [YAMLNode]? {
        guard case .sequence(let sequence) = node else {
            errors.append(error("expected a list, found \(kindName)"))
            return nil
        }
        return sequence.enumerated().map { index, element in
            YAMLNode(node: element, file: file, path: "\(path)[\(index)]")
        }
    }

    func string(errors: inout [RuleLoadError]) -> String? {
        guard case .scalar(let scalar) = node else {
            errors.append(error("expected a string, found \(kindName)"))
            return nil
        }
        return scalar.string
    }

    /// A non-empty string.
    func text(errors: inout [RuleLoadError]) -> String? {
        guard let s = string(errors: &errors) else { return nil }
        if s.isEmpty {
            errors.append(error("must not be empty"))
            return nil
        }
        return s
    }

    func bool(errors: inout [RuleLoadError]) -> Bool? {
        guard case .scalar(let scalar) = node else {
            errors.append(error("expected true or false, found \(kindName)"))
            return nil
        }
        switch scalar.string {
        case "true", "True", "yes": return true
        case "false", "False", "no": return false
        default:
            errors.append(error("expected true or false, found `\(scalar.string)`"))
            return nil
        }
    }

    func integer(errors: inout [RuleLoadError]) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            errors.append(error("expected an integer"))
            return nil
        }
        return value
    }

    /// A string or a list of strings.
    func strings(errors: inout [RuleLoadError]) -> [String]? {
        if case .scalar = node { return string(errors: &errors).map { [$0] } }
        guard let items = sequence(errors: &errors) else { return nil }
        var result: [String] = []
        for item in items {
            if let s = item.text(errors: &errors) { result.append(s) }
        }
        return result
    }

    func date(errors: inout [RuleLoadError]) -> Day? {
        guard let s = string(errors: &errors) else { return nil }
        guard let day = Day(s) else {
            errors.append(error("expected a date as YYYY-MM-DD, found `\(s)`"))
            return nil
        }
        return day
    }

    static func parse(_ text: String, file: String) throws(RuleLoadErrors) -> YAMLNode? {
        do {
            // The basic resolver: every scalar stays a string (no regex-based typing at start-up).
            // Only the node tree is built, so the constructor's tag tables are never read; the
            // encoding is named (Yams' default reads the whole environment to find it).
            guard let node = try Yams.compose(yaml: text, .basic, Constructor([:], [:], [:]), .utf8) else { return nil }
            return YAMLNode(node: node, file: file, path: "")
        } catch let error as YamlError {
            throw RuleLoadErrors(errors: [YAMLNode.describe(error, file: file)])
        } catch {
            throw RuleLoadErrors(errors: [RuleLoadError(file: file, line: 1, column: 1, key: "", message: "\(error)")])
        }
    }

    static func describe(_ error: YamlError, file: String) -> RuleLoadError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return RuleLoadError(file: file, line: mark.line, column: mark.column, key: "", message: "invalid YAML: \(ctx)\(problem)")
        case .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return RuleLoadError(file: file, line: mark.line, column: mark.column, key: "", message: "invalid YAML: \(ctx)\(problem)")
        default:
            return RuleLoadError(file: file, line: 1, column: 1, key: "", message: "invalid YAML: \(error)")
        }
    }
}

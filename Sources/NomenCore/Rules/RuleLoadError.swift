/// A problem in a rules (or configuration) file, found at load time, never mid-scan.
public struct RuleLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    /// The YAML key path, e.g. `legacy[2].match`.
    public let key: String
    public let message: String

    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        let at = key.isEmpty ? "" : "`\(key)`: "
        return "\(file):\(line):\(column): \(at)\(message)"
    }
}

/// All the problems found in one rules file (loading reports every one, not only the first).
public struct RuleLoadErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [RuleLoadError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

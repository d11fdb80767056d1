/// One reported name: where, which rule, what to do about it.
public struct Finding: Sendable {
    public enum Origin: String, Sendable {
        case legacy, retired, pattern
    }
    public let path: String
    /// Byte range in the file.
    public let range: Range<Int>
    public let rule: String
    public let origin: Origin
    public let severity: Severity
    public let message: String
    public let found: String
    public let replacement: String?
    public let fix: Fix?
    public let context: Context
    /// Why there is no fix, when there is none.
    public let noFixReason: String?

    /// The legacy or retired rule behind the finding (nil for grammar findings).
    public var legacyRule: String? { origin == .pattern ? nil : rule }

    public func isFixable(unsafe: Bool) -> Bool {
        guard let fix else { return false }
        return fix.applicability == .safe || unsafe
    }
}

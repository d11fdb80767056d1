/// One reported name: where, which rule, what to do about it.
///
/// What a finding says lives in a shared `FindingDetail`: a repository repeats the same legacy
/// name thousands of times, and every copy of it says the same thing.
public struct Finding: Sendable {
    public enum Origin: String, Sendable {
        case legacy, retired, pattern
    }
    public let path: String
    /// Byte range in the file.
    public let range: Range<Int>
    public let detail: FindingDetail
    public let fix: Fix?

    public init(path: String, range: Range<Int>, detail: FindingDetail, fix: Fix?) {
        self.path = path
        self.range = range
        self.detail = detail
        self.fix = fix
    }

    public init(path: String, range: Range<Int>, rule: String, origin: Origin, severity: Severity, message: String, found: String,
                replacement: String?, fix: Fix?, context: Context, noFixReason: String?) {
        self.init(path: path, range: range,
                  detail: FindingDetail(rule: rule, origin: origin, severity: severity, message: message, found: found,
                                        replacement: replacement, context: context, noFixReason: noFixReason),
                  fix: fix)
    }

    public var rule: String { detail.rule }
    public var origin: Origin { detail.origin }
    public var severity: Severity { detail.severity }
    public var message: String { detail.message }
    public var found: String { detail.found }
    public var replacement: String? { detail.replacement }
    public var context: Context { detail.context }
    /// Why there is no fix, when there is none.
    public var noFixReason: String? { detail.noFixReason }

    /// The legacy or retired rule behind the finding (nil for grammar findings).
    public var legacyRule: String? { origin == .pattern ? nil : rule }

    /// The fix's applicability, nil without a fix (read without copying the fix).
    public var applicability: Applicability? {
        switch fix {
        case .some(let f): return f.applicability
        case .none: return nil
        }
    }

    public func isFixable(unsafe: Bool) -> Bool {
        guard let fix else { return false }
        return fix.applicability == .safe || unsafe
    }

    /// The same finding somewhere else (a notebook cell's offsets mapped into the file).
    public func moved(to range: Range<Int>, fix: Fix?) -> Finding {
        Finding(path: path, range: range, detail: detail, fix: fix)
    }
}

/// What a finding says, apart from where it is. Immutable, shared between findings.
/// (`@unchecked`: its JSON bytes are a buffer written once, in `init`, and only read after.)
public final class FindingDetail: @unchecked Sendable {
    public let rule: String
    public let origin: Finding.Origin
    public let severity: Severity
    public let message: String
    public let found: String
    public let replacement: String?
    public let context: Context
    public let noFixReason: String?
    /// The JSON members that depend only on the detail, escaped once (see `FindingReport.jsonItem`),
    /// then the item's `"context"` and closing brace, from `jsonTailStart` on. A buffer of its
    /// own, not an array: it is read for every finding, and an array read out of a class is
    /// retained and released around each use.
    let json: UnsafeBufferPointer<UInt8>
    let jsonTailStart: Int

    public init(rule: String, origin: Finding.Origin, severity: Severity, message: String, found: String, replacement: String?,
                context: Context, noFixReason: String?) {
        self.rule = rule
        self.origin = origin
        self.severity = severity
        self.message = message
        self.found = found
        self.replacement = replacement
        self.context = context
        self.noFixReason = noFixReason
        let members = FindingReport.jsonMembers(rule: rule, severity: severity, message: message, found: found, replacement: replacement)
        let bytes = members + FindingReport.jsonTail(context: context)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
        json = UnsafeBufferPointer(buffer)
        jsonTailStart = members.count
    }

    deinit { json.deallocate() }
}

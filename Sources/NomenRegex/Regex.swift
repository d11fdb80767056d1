import CPCRE2
import Synchronization

/// A compile or match failure reported by PCRE2, with PCRE2's own message.
public struct RegexError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The pattern does not compile; `offset` is the byte offset in the pattern.
        case compile(offset: Int)
        /// Matching gave up: match limit, depth limit, JIT stack or another runtime error.
        case match(code: Int32)
    }
    public let kind: Kind
    public let message: String
    public let pattern: String

    public var description: String {
        switch kind {
        case .compile(let offset):
            return "regex does not compile at offset \(offset): \(message)"
        case .match:
            return "regex match failed: \(message)"
        }
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return n < 0 ? "PCRE2 error \(code)" : String(decoding: buffer[0..<Int(n)], as: UTF8.self)
    }
}

/// A compiled PCRE2 pattern working on bytes (8-bit code units, no UTF mode by default).
///
/// The compiled code is immutable and shared; every match runs with its own match data,
/// so one `Regex` may be used from many threads at once. Hot loops should keep one
/// `Matcher` per thread instead of calling the convenience methods here.
public final class Regex: @unchecked Sendable {
    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let caseless = Options(rawValue: PCRE2_CASELESS)
        public static let anchored = Options(rawValue: PCRE2_ANCHORED)
        public static let endAnchored = Options(rawValue: PCRE2_ENDANCHORED)
        public static let duplicateNames = Options(rawValue: PCRE2_DUPNAMES)
        public static let extended = Options(rawValue: PCRE2_EXTENDED)
    }

    /// Limits that make a pathological pattern fail instead of hanging.
    public struct Limits: Sendable {
        public var match: UInt32
        public var depth: UInt32
        public init(match: UInt32 = 10_000_000, depth: UInt32 = 100_000) {
            self.match = match
            self.depth = depth
        }
    }

    let code: OpaquePointer
    public let pattern: String
    public let limits: Limits
    /// Capture group names and their numbers.
    public let groupNames: [String: Int]
    public let groupCount: Int
    /// JIT compilation happens on first use (`makeMatcher`): it costs more than compiling,
    /// and a small run needs few of the rules' patterns. nil until then; false without JIT.
    private let jit: Mutex<Bool?>

    /// Whether matching runs on the JIT (compiling it now if it has not been).
    public var isJIT: Bool { ensureJIT() }

    public init(_ pattern: String, options: Options = [], limits: Limits = Limits(), jit: Bool = true) throws(RegexError) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let compiled: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options.rawValue, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw RegexError(kind: .compile(offset: errorOffset), message: RegexError.message(for: errorCode), pattern: pattern)
        }
        self.code = compiled
        self.pattern = pattern
        self.limits = limits
        self.jit = Mutex(jit ? nil : false)

        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        self.groupCount = Int(count)

        var names: [String: Int] = [:]
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        if let table, nameCount > 0 {
            for i in 0..<Int(nameCount) {
                let entry = table + i * Int(entrySize)
                let number = Int(entry[0]) << 8 | Int(entry[1])
                var end = 2
                while end < Int(entrySize), entry[end] != 0 { end += 1 }
                let name = String(decoding: UnsafeBufferPointer(start: entry + 2, count: end - 2), as: UTF8.self)
                if names[name] == nil { names[name] = number }
            }
        }
        self.groupNames = names
    }

    deinit { pcre2_code_free_8(code) }

    /// A matcher for one thread. `jit: false` interprets the pattern and leaves it
    /// uncompiled (for a handful of short checks, compiling costs more than it saves).
    public func makeMatcher(jit: Bool = true) -> Matcher { Matcher(self, jit: jit && ensureJIT()) }

    /// Compiles the JIT code once. Every matcher is made through here before it matches, so
    /// no match runs on this code while the JIT compiler changes it.
    private func ensureJIT() -> Bool {
        jit.withLock { state in
            if let done = state { return done }
            let ok = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE) == 0
            state = ok
            return ok
        }
    }

    /// First match at or after `start`, or nil. Convenience for cold paths.
    public func firstMatch(in bytes: [UInt8], from start: Int = 0, options: Options = []) throws(RegexError) -> Match? {
        try makeMatcher().firstMatch(in: bytes, from: start, options: options)
    }

    public func firstMatch(in string: String, options: Options = []) throws(RegexError) -> Match? {
        try firstMatch(in: Array(string.utf8), options: options)
    }

    /// Whether the whole of `string` matches.
    public func matchesWhole(_ string: String) throws(RegexError) -> Bool {
        let bytes = Array(string.utf8)
        guard let m = try firstMatch(in: bytes, options: [.anchored, .endAnchored]) else { return false }
        return m.range == 0..<bytes.count
    }
}

/// One match: byte ranges of the whole match and of each capture group (index 0 is the match).
public struct Match: Sendable, Equatable {
    public let groups: [Range<Int>?]
    /// The name of the last `(*MARK:NAME)` passed on the matching path, if any.
    public let mark: String?
    public var range: Range<Int> { groups[0]! }

    public init(groups: [Range<Int>?], mark: String?) {
        self.groups = groups
        self.mark = mark
    }

    public func group(_ name: String, in regex: Regex) -> Range<Int>? {
        guard let n = regex.groupNames[name], n < groups.count else { return nil }
        return groups[n]
    }
}

/// Match data, match context and JIT stack for one thread. Not `Sendable`: keep one per thread.
public final class Matcher {
    public let regex: Regex
    let matchData: OpaquePointer
    let context: OpaquePointer
    /// A JIT stack bigger than the default 32 KiB machine stack, made only when a match needs it
    /// (PCRE2 maps it with mmap: too costly to make for every matcher).
    private var jitStack: OpaquePointer? = nil
    /// The regex's JIT code was compiled before this matcher was made.
    let isJIT: Bool

    init(_ regex: Regex, jit: Bool) {
        self.regex = regex
        self.isJIT = jit
        matchData = pcre2_match_data_create_from_pattern_8(regex.code, nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, regex.limits.match)
        pcre2_set_depth_limit_8(context, regex.limits.depth)
    }

    /// The pattern, match data and context as untyped pointers, with the functions that match
    /// with them and read the match: for a C loop that checks many candidates without coming
    /// back to Swift for each (the prefilter). Valid while this matcher lives.
    public var handles: MatchHandles {
        MatchHandles(code: UnsafeRawPointer(regex.code), matchData: UnsafeMutableRawPointer(matchData), context: UnsafeMutableRawPointer(context),
                     match: isJIT ? nomen_pcre2_jit_match : nomen_pcre2_match, range: nomen_pcre2_range)
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// A JIT stack this matcher shares with the other matchers of its thread (never with
    /// another thread's): a match then runs on it directly, without PCRE2 setting up a stack
    /// on the machine stack for each call.
    private var sharedStack: JITStack? = nil

    public func use(_ stack: JITStack) {
        guard jitStack == nil, let pointer = stack.pointer else { return }
        sharedStack = stack
        pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(pointer))
    }

    public func firstMatch(in bytes: [UInt8], from start: Int = 0, options: Regex.Options = []) throws(RegexError) -> Match? {
        let result: Result<Match?, RegexError> = bytes.withUnsafeBufferPointer { buffer in
            do { return .success(try firstMatch(in: UnsafeRawBufferPointer(buffer), from: start, options: options)) }
            catch let error as RegexError { return .failure(error) }
            catch { return .success(nil) }
        }
        return try result.get()
    }

    /// Runs the pattern on `buffer` starting at byte `start`; nil when there is no match.
    public func firstMatch(in buffer: UnsafeRawBufferPointer, from start: Int, options: Regex.Options = []) throws(RegexError) -> Match? {
        var groups: [Range<Int>?] = []
        return try firstMatch(in: buffer, from: start, options: options, reusing: &groups)
    }

    /// `firstMatch`, its groups written into `groups` (emptied first), which the match then
    /// shares: a caller that keeps one array and lets each match go before the next makes
    /// no array per match.
    public func firstMatch(in buffer: UnsafeRawBufferPointer, from start: Int, options: Regex.Options = [],
                           reusing groups: inout [Range<Int>?]) throws(RegexError) -> Match? {
        guard let n = try matchCount(in: buffer, from: start, options: options) else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        Self.fill(&groups, count: regex.groupCount + 1) { i in
            i < n && ovector[2 * i] != Int.max && ovector[2 * i] != ~0 ? Int(ovector[2 * i])..<Int(ovector[2 * i + 1]) : nil
        }
        return Match(groups: groups, mark: currentMark())
    }

    /// The match data's offset pairs (`regex.groupCount + 1` of them; -1, PCRE2's unset
    /// offset read as an `Int`, for a group that is not set): valid while this matcher lives,
    /// holding its last match until the next.
    public var ovector: UnsafeMutablePointer<Int> { pcre2_get_ovector_pointer_8(matchData)! }

    /// Sets `groups` to `count` elements, element `i` being `group(i)`, written in place
    /// through one buffer (no capacity check per element): for a caller's reused array, which
    /// keeps its room when the count changes (patterns differ in their group counts) and is
    /// not shared once the previous match is let go. (Inlinable: the closure is inlined.)
    @inlinable
    public static func fill(_ groups: inout [Range<Int>?], count: Int, _ group: (Int) -> Range<Int>?) {
        if groups.count != count {
            groups.removeAll(keepingCapacity: true)
            groups.append(contentsOf: repeatElement(nil, count: count))
        }
        groups.withUnsafeMutableBufferPointer { g in
            for i in 0..<count { g[i] = group(i) }
        }
    }

    /// The hot-path form: only the range of the whole match and the mark, no allocation
    /// beyond the mark lookup.
    public func nextRange(in buffer: UnsafeRawBufferPointer, from start: Int, options: Regex.Options = []) throws(RegexError) -> (range: Range<Int>, mark: UnsafePointer<UInt8>?)? {
        guard try matchCount(in: buffer, from: start, options: options) != nil else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        return (Int(ovector[0])..<Int(ovector[1]), pcre2_get_mark_8(matchData))
    }

    private func matchCount(in buffer: UnsafeRawBufferPointer, from start: Int, options: Regex.Options) throws(RegexError) -> Int? {
        guard start <= buffer.count else { return nil }
        let subject = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        let rc: Int32
        // The JIT fast path cannot honour ANCHORED/ENDANCHORED given at match time.
        if isJIT && options.isEmpty {
            var jitRC = pcre2_jit_match_8(regex.code, subject, buffer.count, start, 0, matchData, context)
            if jitRC == PCRE2_ERROR_JIT_STACKLIMIT, jitStack == nil, sharedStack == nil {
                jitStack = pcre2_jit_stack_create_8(64 * 1024, 8 * 1024 * 1024, nil)
                pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
                jitRC = pcre2_jit_match_8(regex.code, subject, buffer.count, start, 0, matchData, context)
            }
            rc = jitRC
        } else {
            rc = pcre2_match_8(regex.code, subject, buffer.count, start, options.rawValue, matchData, context)
        }
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 {
            throw RegexError(kind: .match(code: rc), message: RegexError.message(for: rc), pattern: regex.pattern)
        }
        return rc == 0 ? regex.groupCount + 1 : Int(rc)
    }

    private func currentMark() -> String? {
        guard let mark = pcre2_get_mark_8(matchData) else { return nil }
        return Matcher.markName(mark)
    }

    /// PCRE2 stores a mark's length in the code unit just before its name.
    public static func markName(_ mark: UnsafePointer<UInt8>) -> String {
        let length = Int((mark - 1).pointee)
        return String(decoding: UnsafeBufferPointer(start: mark, count: length), as: UTF8.self)
    }
}


/// See `Matcher.handles`.
public struct MatchHandles {
    public let code: UnsafeRawPointer
    public let matchData: UnsafeMutableRawPointer
    public let context: UnsafeMutableRawPointer
    public let match: @convention(c) (UnsafeRawPointer?, UnsafePointer<UInt8>?, Int, Int, UInt32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32
    public let range: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> Void
}

/// A PCRE2 JIT stack (32 KiB, growing to 8 MiB as a match needs), for the matchers of one
/// thread (`Matcher.use`).
public final class JITStack {
    let pointer: OpaquePointer?

    public init() { pointer = pcre2_jit_stack_create_8(32 * 1024, 8 * 1024 * 1024, nil) }

    deinit { if let pointer { pcre2_jit_stack_free_8(pointer) } }
}

import CByteScan
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A finding with its rendered position and source line.
public struct LocatedFinding: Sendable {
    public let finding: Finding
    public let line: Int
    public let column: Int
    public let endLine: Int
    public let endColumn: Int
    /// The source line of the start (for carets), without its line break.
    public let sourceLine: String
    /// Where each edit of the fix lies (for SARIF replacements).
    public var editRegions: [EditRegion] = []
}

public struct EditRegion: Sendable {
    public let line: Int
    public let column: Int
    public let endLine: Int
    public let endColumn: Int
    public let text: String
}

/// What happened to one file.
public struct FileOutcome: Sendable {
    public enum Status: Sendable, Equatable {
        case scanned
        /// Skipped on purpose (binary); `note` says why when the user asked for the file.
        case skipped
        /// Not valid UTF-8: skipped with a warning.
        case notUTF8
        /// Could not be read: an I/O error.
        case unreadable
    }
    public let path: String
    public let status: Status
    public let findings: [LocatedFinding]
    /// Something to say on stderr.
    public let note: String?
    public let language: Language
}

/// Reads, checks and locates files in parallel; results stream back in path order.
public struct LintRun: Sendable {
    public let linter: Linter
    public let threads: Int
    /// Whether findings carry their source line and edit regions (for text and SARIF output);
    /// JSON does without.
    public let sourceLines: Bool

    public init(linter: Linter, threads: Int = Machine.cores, sourceLines: Bool = true) {
        self.linter = linter
        self.threads = threads
        self.sourceLines = sourceLines
    }

    /// Checks every file; `then` runs on the worker thread with the outcome, `consume` on the
    /// calling thread, in order.
    public func stream<T: Sendable>(_ entries: [FileEntry], then: @escaping @Sendable (FileOutcome) -> T, consume: (T) -> Void) {
        stream(FileFeed(entries), then: then, consume: consume)
    }

    /// The same over the files of a walk that may still be going on.
    public func stream<T: Sendable>(_ files: FileFeed, then: @escaping @Sendable (FileOutcome) -> T, consume: (T) -> Void) {
        _ = stream(files, local: {}, then: { outcome, _ in then(outcome) }, consume: consume)
    }

    /// The same with a value of each thread's own (`local`), which `then` updates with each of
    /// the thread's outcomes; returns every thread's value once the run is over. (What is only
    /// summed, such as counts, need not travel with each file to the consumer.)
    public func stream<T: Sendable, Local: Sendable>(_ files: FileFeed, local: @escaping @Sendable () -> Local,
                                                     then: @escaping @Sendable (FileOutcome, inout Local) -> T, consume: (T) -> Void) -> [Local] {
        run(files, local: local, then: { outcome, local, _ in then(outcome, &local) }, consume: consume)
    }

    /// The same, `then` also given the bytes of the file it has the outcome of, read in place
    /// (valid only while `then` runs: the thread's buffer holds the next file after it); nil
    /// when the file was not read.
    public func stream<T: Sendable>(_ files: FileFeed, then: @escaping @Sendable (FileOutcome, UnsafeBufferPointer<UInt8>?) -> T,
                                    consume: (T) -> Void) {
        _ = run(files, local: {}, then: { outcome, _, bytes in then(outcome, bytes) }, consume: consume)
    }

    /// What every `stream` runs: each thread checks files with a scratch, a read buffer and a
    /// value of its own, and hands `then` each outcome with the bytes it was read from.
    private func run<T: Sendable, Local: Sendable>(_ files: FileFeed, local: @escaping @Sendable () -> Local,
                                                   then: @escaping @Sendable (FileOutcome, inout Local, UnsafeBufferPointer<UInt8>?) -> T,
                                                   consume: (T) -> Void) -> [Local] {
        let linter = self.linter
        let rules = linter.rules
        let lines = sourceLines
        if threads > 1 { rules.pinForThreads() }
        let locals = Gathered<Local>()
        Parallel.ordered(items: files, threads: threads, makeState: { (Scratch(rules: rules), ReadBuffer(), local()) },
                         work: { i, state in
                             let outcome = Self.check(files[i], linter: linter, scratch: state.0, buffer: state.1, sourceLines: lines)
                             return then(outcome, &state.2, outcome.status == .scanned ? state.1.last : nil)
                         },
                         finish: { state in locals.add(state.2) }, consume: consume)
        return locals.all
    }

    /// All outcomes at once (tests and small runs).
    public func run(_ entries: [FileEntry]) -> [FileOutcome] {
        var all: [FileOutcome] = []
        stream(entries, then: { $0 }, consume: { all.append($0) })
        return all
    }

    static func check(_ entry: FileEntry, linter: Linter, scratch: Scratch, buffer: ReadBuffer, sourceLines: Bool = true) -> FileOutcome {
        let b: UnsafeBufferPointer<UInt8>
        do {
            switch try buffer.read(entry) {
            case .bytes(let bytes): b = bytes
            case .tooLarge(let size):
                return FileOutcome(path: entry.path, status: .skipped, findings: [],
                                   note: "\(entry.path): skipped, \(size) bytes is over the size limit of \(entry.sizeLimit) (max_file_size)",
                                   language: entry.language)
            }
        } catch {
            return FileOutcome(path: entry.path, status: .unreadable, findings: [], note: error.description, language: entry.language)
        }
        if Encoding.isBinary(b) {
            return FileOutcome(path: entry.path, status: .skipped, findings: [], note: entry.explicit ? "\(entry.path): skipped, binary file" : nil,
                               language: entry.language)
        }
        let (invalid, ascii) = Encoding.check(b)
        if let bad = invalid {
            return FileOutcome(path: entry.path, status: .notUTF8, findings: [],
                               note: "\(entry.path): skipped, not valid UTF-8 (byte \(bad))", language: entry.language)
        }
        var result = linter.check(b, language: entry.language, path: entry.path, scratch: scratch)
        // The findings move into the located ones (not copied, their references not counted).
        let located = Locator.locate(moving: &result.findings, in: b, sourceLines: sourceLines, ascii: ascii)
        return FileOutcome(path: entry.path, status: .scanned, findings: located, note: result.problem, language: entry.language)
    }

    public static func locate(_ findings: [Finding], in source: SourceFile) -> [LocatedFinding] {
        source.bytes.withUnsafeBufferPointer { Locator.locate(findings, in: $0) }
    }
}

/// Values handed in by several threads.
private final class Gathered<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func add(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// Line and column of sorted offsets, found by walking forward once (no line table).
enum Locator {
    static func locate(_ findings: [Finding], in b: UnsafeBufferPointer<UInt8>, sourceLines: Bool = true) -> [LocatedFinding] {
        var findings = findings
        return locate(moving: &findings, in: b, sourceLines: sourceLines)
    }

    /// The same, emptying `findings`: each finding is moved into its located one (taken from
    /// the back of the reversed array), not copied.
    /// `ascii`: the buffer is known to be ASCII throughout (a column is then a byte distance).
    static func locate(moving findings: inout [Finding], in b: UnsafeBufferPointer<UInt8>, sourceLines: Bool = true, ascii allASCII: Bool = false) -> [LocatedFinding] {
        guard !findings.isEmpty else { return [] }
        struct Position { var line, column, endLine, endColumn: Int }
        let bom = b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
        var line = 1, lineStart = 0, cursor = 0
        let base = b.baseAddress!
        func advance(to offset: Int) {
            // Line feeds counted 32 bytes at a time (CByteScan).
            guard cursor < offset else { return }
            var after = lineStart
            line += nomen_count_lines(base, cursor, offset, &after)
            lineStart = after
            cursor = offset
        }
        func column(of offset: Int, from start: Int) -> Int {
            if allASCII { return offset - start + 1 }
            var i = start == 0 && bom ? min(3, offset) : start
            // ASCII up to the offset: the column is the byte distance.
            if nomen_skip_ascii(base, offset, i) >= offset { return offset - i + 1 }
            var c = 1
            while i < offset { if b[i] & 0xC0 != 0x80 { c += 1 }; i += 1 }
            return c
        }
        let n = findings.count
        var positions: [Position] = []
        positions.reserveCapacity(n)
        // For text and SARIF: each finding's source line and edit regions.
        var lines: [String] = []
        var regions: [[EditRegion]] = []
        for k in 0..<n {
            let range = findings[k].range
            if range.lowerBound < cursor { line = 1; lineStart = 0; cursor = 0 }
            advance(to: range.lowerBound)
            let startLine = line, startLineStart = lineStart
            // An ASCII line up to the start: the column is the byte distance.
            let from = startLineStart == 0 && bom ? min(3, range.lowerBound) : startLineStart
            let asciiBefore = allASCII || nomen_skip_ascii(base, range.lowerBound, from) >= range.lowerBound
            let startColumn = asciiBefore ? range.lowerBound - from + 1 : column(of: range.lowerBound, from: lineStart)
            // The end may be on a later line; count from the start without moving the cursor
            // (in C: most findings are one ASCII line).
            var endLine = startLine, endLineStart = startLineStart
            let ascii = allASCII || nomen_skip_ascii(base, range.upperBound, range.lowerBound) >= range.upperBound
            if !range.isEmpty, memchr(base + range.lowerBound, 0x0A, range.count) != nil {
                endLine += nomen_count_lines(base, range.lowerBound, range.upperBound, &endLineStart)
            }
            // On the same line, ASCII throughout: the end column follows from the start's.
            let endColumn = asciiBefore && ascii && endLine == startLine ? startColumn + range.count : column(of: range.upperBound, from: endLineStart)
            positions.append(Position(line: startLine, column: startColumn, endLine: endLine, endColumn: endColumn))
            guard sourceLines else { continue }
            var lineEnd = range.lowerBound
            while lineEnd < b.count, b[lineEnd] != 0x0A { lineEnd += 1 }
            var textEnd = lineEnd
            if textEnd > startLineStart, b[textEnd - 1] == 0x0D { textEnd -= 1 }
            let textStart = startLineStart == 0 && bom ? 3 : startLineStart
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: b[textStart..<max(textStart, textEnd)]), as: UTF8.self))
            // Edits lie inside the finding: walk from its start to each.
            regions.append(findings[k].fix?.edits.map { e in
                func at(_ offset: Int) -> (Int, Int) {
                    var l = startLine, ls = startLineStart
                    var k = range.lowerBound
                    while k < offset { if b[k] == 0x0A { l += 1; ls = k + 1 }; k += 1 }
                    return (l, column(of: offset, from: ls))
                }
                let s = at(e.range.lowerBound), t = at(e.range.upperBound)
                return EditRegion(line: s.0, column: s.1, endLine: t.0, endColumn: t.1, text: String(decoding: e.replacement, as: UTF8.self))
            } ?? [])
        }
        // (Appended to reserved room: an array made uninitialized looks up its storage type's
        // metadata on every call, generic code that costs more than the allocation.)
        var out: [LocatedFinding] = []
        out.reserveCapacity(n)
        // Reversed by moving the elements (`reverse()` copies each, counting references).
        findings.withUnsafeMutableBufferPointer { buf in
            guard let p = buf.baseAddress else { return }
            var i = 0, j = buf.count - 1
            while i < j {
                let t = (p + i).move()
                (p + i).moveInitialize(from: p + j, count: 1)
                (p + j).initialize(to: t)
                i += 1
                j -= 1
            }
        }
        var k = 0
        while let f = findings.popLast() {
            let p = positions[k]
            out.append(LocatedFinding(finding: f, line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn,
                                      sourceLine: sourceLines ? lines[k] : "", editRegions: sourceLines ? regions[k] : []))
            k += 1
        }
        return out
    }
}

enum Encoding {
    /// A NUL byte in the first 8 KiB.
    static func isBinary(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        memchrNUL(b.baseAddress, min(b.count, 8192))
    }

    private static func memchrNUL(_ p: UnsafeRawPointer?, _ n: Int) -> Bool {
        guard let p, n > 0 else { return false }
        return memchr(p, 0, n) != nil
    }

    /// Offset of the first byte that is not valid UTF-8, or nil.
    static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? { check(b).invalidAt }

    /// The offset of the first byte that is not valid UTF-8 (nil: none), and whether every
    /// byte is ASCII (found on the same pass: a finding's column is then its byte distance).
    static func check(_ b: UnsafeBufferPointer<UInt8>) -> (invalidAt: Int?, ascii: Bool) {
        var ascii = true
        let invalid: Int? = {
            var i = 0
            let n = b.count
            while i < n {
                // ASCII runs are skipped 32 bytes at a time (CByteScan).
                let c = b[i]
                if c < 0x80 { i = nomen_skip_ascii(b.baseAddress!, n, i); continue }
                ascii = false
                let len: Int
                var min: UInt32
                var v: UInt32
                if c & 0xE0 == 0xC0 { len = 2; min = 0x80; v = UInt32(c & 0x1F) }
                else if c & 0xF0 == 0xE0 { len = 3; min = 0x800; v = UInt32(c & 0x0F) }
                else if c & 0xF8 == 0xF0 { len = 4; min = 0x10000; v = UInt32(c & 0x07) }
                else { return i }
                guard i + len <= n else { return i }
                for k in 1..<len {
                    let cc = b[i + k]
                    guard cc & 0xC0 == 0x80 else { return i }
                    v = v << 6 | UInt32(cc & 0x3F)
                }
                if v < min || v > 0x10FFFF || (0xD800...0xDFFF).contains(v) { return i }
                min = 0
                i += len
            }
            return nil
        }()
        return (invalid, ascii && invalid == nil)
    }
}

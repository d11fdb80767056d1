/// A finding with its rendered position and source line.
public struct LocatedFinding: Sendable {
    public let finding: Finding
    public let line: Int
    public let column: Int
    public let endLine: Int
    public let endColumn: Int
    /// The source line of the start (for carets), without its line break.
    public let sourceLine: String
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
    /// For rewriting: the file's bytes, kept only when a fix applies.
    public let bytes: [UInt8]?
    public let language: Language
}

/// Reads, checks and locates files in parallel.
public struct LintRun: Sendable {
    public let linter: Linter
    public let threads: Int

    public init(linter: Linter, threads: Int = Machine.cores) {
        self.linter = linter
        self.threads = threads
    }

    public func run(_ entries: [FileEntry], keepBytes: Bool = false) -> [FileOutcome] {
        let linter = self.linter
        return Parallel.map(count: entries.count, threads: threads, makeState: { () }) { i, _ in
            Self.check(entries[i], linter: linter, keepBytes: keepBytes)
        }
    }

    static func check(_ entry: FileEntry, linter: Linter, keepBytes: Bool) -> FileOutcome {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(entry.path) } catch {
            return FileOutcome(path: entry.path, status: .unreadable, findings: [], note: error.description, bytes: nil, language: entry.language)
        }
        if Encoding.isBinary(bytes) {
            return FileOutcome(path: entry.path, status: .skipped, findings: [], note: entry.explicit ? "\(entry.path): skipped, binary file" : nil,
                               bytes: nil, language: entry.language)
        }
        if let bad = Encoding.firstInvalidUTF8(bytes) {
            return FileOutcome(path: entry.path, status: .notUTF8, findings: [],
                               note: "\(entry.path): skipped, not valid UTF-8 (byte \(bad))", bytes: nil, language: entry.language)
        }
        let source = SourceFile(path: entry.path, bytes: bytes, language: entry.language)
        let result = linter.check(source)
        let located = locate(result.findings, in: source)
        let keep = keepBytes && result.findings.contains { $0.fix != nil }
        return FileOutcome(path: entry.path, status: .scanned, findings: located, note: result.problem, bytes: keep ? bytes : nil, language: entry.language)
    }

    public static func locate(_ findings: [Finding], in source: SourceFile) -> [LocatedFinding] {
        guard !findings.isEmpty else { return [] }
        let index = LineIndex(source.bytes)
        return findings.map { f in
            let start = index.position(of: f.range.lowerBound, skipBOM: source.hasBOM)
            let end = index.position(of: f.range.upperBound, skipBOM: source.hasBOM)
            return LocatedFinding(finding: f, line: start.line, column: start.column, endLine: end.line, endColumn: end.column,
                                  sourceLine: String(source.lineText(at: f.range.lowerBound)))
        }
    }
}

enum Encoding {
    /// A NUL byte in the first 8 KiB.
    static func isBinary(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            memchrNUL(raw.baseAddress, min(raw.count, 8192))
        }
    }

    private static func memchrNUL(_ p: UnsafeRawPointer?, _ n: Int) -> Bool {
        guard let p, n > 0 else { return false }
        return memchr(p, 0, n) != nil
    }

    /// Offset of the first byte that is not valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            let n = b.count
            while i < n {
                // ASCII fast path, 8 bytes at a time.
                if i + 8 <= n {
                    let word = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
                }
                let c = b[i]
                if c < 0x80 { i += 1; continue }
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
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A file as bytes. Positions everywhere are UTF-8 byte offsets into `bytes`;
/// lines and columns are computed only when a finding is rendered.
public struct SourceFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let language: Language

    public init(path: String, bytes: [UInt8], language: Language) {
        self.path = path
        self.bytes = bytes
        self.language = language
    }

    public var hasBOM: Bool { bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF }
}

/// Line starts of a byte buffer, for turning offsets into line and column.
public struct LineIndex: Sendable {
    public let starts: [Int]
    let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        var starts = [0]
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            var i = 0
            // memchr from line feed to line feed (lines are short; each call is a few bytes' work).
            while i < b.count, let nl = memchr(base + i, 0x0A, b.count - i) {
                i = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base + 1
                starts.append(i)
            }
        }
        self.starts = starts
        self.bytes = bytes
    }

    /// Lines as `lines()` of a diff counts them: with their terminators, none after a final
    /// line feed, one (empty) in an empty buffer.
    public var lineCount: Int { starts.count > 1 && starts[starts.count - 1] == bytes.count ? starts.count - 1 : starts.count }

    /// Line `k` (0-based) with its terminator.
    public func line(_ k: Int) -> ArraySlice<UInt8> {
        bytes[starts[k]..<(k + 1 < starts.count ? starts[k + 1] : bytes.count)]
    }

    public func position(of offset: Int, skipBOM: Bool = false) -> (line: Int, column: Int) {
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        let line = lo - 1
        var start = starts[line]
        if line == 0, skipBOM, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = min(3, offset) }
        var column = 1
        var i = start
        while i < offset && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line + 1, column)
    }
}

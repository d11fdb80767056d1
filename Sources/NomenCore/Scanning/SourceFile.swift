#if canImport(Glibc)
import Glibc
#endif
import CByteScan

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
        // Line feeds found 32 bytes at a time (CByteScan), written straight into the array.
        var after = 0
        let lines = bytes.withUnsafeBufferPointer { b in b.baseAddress.map { nomen_count_lines($0, 0, b.count, &after) } ?? 0 }
        starts = [Int](unsafeUninitializedCapacity: lines + 1) { out, count in
            out[0] = 0
            count = 1
            bytes.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                count += nomen_line_starts(base, b.count, out.baseAddress! + 1)
            }
        }
        self.bytes = bytes
    }

    /// Lines as `lines()` of a diff counts them: with their terminators, none after a final
    /// line feed, one (empty) in an empty buffer.
    public var lineCount: Int { starts.count > 1 && starts[starts.count - 1] == bytes.count ? starts.count - 1 : starts.count }

    /// Line `k` (0-based) with its terminator.
    public func line(_ k: Int) -> ArraySlice<UInt8> {
        bytes[starts[k]..<(k + 1 < starts.count ? starts[k + 1] : bytes.count)]
    }

    /// The 1-based line holding `offset`.
    public func line(of offset: Int) -> Int {
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func position(of offset: Int, skipBOM: Bool = false) -> (line: Int, column: Int) {
        let line = self.line(of: offset) - 1
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

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
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        self.starts = starts
        self.bytes = bytes
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

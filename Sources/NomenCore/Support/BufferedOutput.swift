#if canImport(Glibc)
import Glibc
#endif

/// A buffered file descriptor (stdout by default). Small writes are copied into a buffer;
/// a large one (a file's rendered findings) is held as it is, and everything pending goes
/// out in order with one `writev`: a 200 MB report is not copied once more on its way out.
public struct BufferedOutput {
    public let fd: Int32
    private var buffer: [UInt8] = []
    /// What is pending, in order: a stretch of `buffer`, or a large array held without a copy.
    private enum Part { case copied(Range<Int>), held([UInt8]) }
    private var parts: [Part] = []
    /// Where the bytes of `buffer` not yet in `parts` start.
    private var copiedFrom = 0
    private var pending = 0

    /// Writes this long or longer are held, not copied.
    static let holdFrom = 4096
    /// Pending bytes (or parts) that make a flush.
    static let flushAt = 1 << 16, maxParts = 64

    public init(fd: Int32 = 1) { self.fd = fd }

    public mutating func write(_ s: String) {
        let before = buffer.count
        buffer.append(contentsOf: s.utf8)
        pending += buffer.count - before
        if pending >= Self.flushAt { flush() }
    }

    public mutating func write(bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if bytes.count < Self.holdFrom {
            buffer.append(contentsOf: bytes)
        } else {
            closeCopied()
            parts.append(.held(bytes))
        }
        pending += bytes.count
        if pending >= Self.flushAt || parts.count >= Self.maxParts { flush() }
    }

    private mutating func closeCopied() {
        guard buffer.count > copiedFrom else { return }
        parts.append(.copied(copiedFrom..<buffer.count))
        copiedFrom = buffer.count
    }

    public mutating func flush() {
        closeCopied()
        guard !parts.isEmpty else { return }
        let fd = self.fd, parts = self.parts
        var vectors: [iovec] = []
        vectors.reserveCapacity(parts.count)
        // Each held array's bytes are valid only inside its closure: the vectors are gathered
        // one level deeper per array, and written at the innermost.
        func gather(_ k: Int, _ small: UnsafeRawBufferPointer) {
            guard k < parts.count else { return Self.writeAll(fd, &vectors) }
            switch parts[k] {
            case .copied(let r):
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: small.baseAddress! + r.lowerBound), iov_len: r.count))
                gather(k + 1, small)
            case .held(let bytes):
                bytes.withUnsafeBytes { raw in
                    vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress!), iov_len: raw.count))
                    gather(k + 1, small)
                }
            }
        }
        buffer.withUnsafeBytes { gather(0, $0) }
        self.parts.removeAll(keepingCapacity: true)
        buffer.removeAll(keepingCapacity: true)
        copiedFrom = 0
        pending = 0
    }

    /// `writev` until every vector is out (short writes and EINTR resumed); stops on an error.
    private static func writeAll(_ fd: Int32, _ vectors: inout [iovec]) {
        var first = 0
        while first < vectors.count {
            let n = vectors.withUnsafeBufferPointer { v in writev(fd, v.baseAddress! + first, Int32(v.count - first)) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            var left = n
            while first < vectors.count, left >= vectors[first].iov_len {
                left -= vectors[first].iov_len
                first += 1
            }
            if left > 0 {
                vectors[first].iov_base += left
                vectors[first].iov_len -= left
            }
        }
    }
}

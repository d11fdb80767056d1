import CByteScan

/// Up to sixteen bytes a tokenizer stops at; the search between them is SIMD (`CByteScan`).
struct ByteSet {
    private let bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    private let count: Int

    init(_ set: String) { self.init(bytes: Array(set.utf8)) }

    init(bytes: [UInt8]) {
        precondition(!bytes.isEmpty && bytes.count <= 16, "a ByteSet holds 1 to 16 bytes")
        func at(_ k: Int) -> UInt8 { k < bytes.count ? bytes[k] : bytes[0] }
        self.bytes = (at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8), at(9), at(10), at(11), at(12), at(13), at(14), at(15))
        count = bytes.count
    }

    /// Two or three bytes, without an array (for sets made per token).
    init(_ a: UInt8, _ b: UInt8, _ c: UInt8? = nil) {
        bytes = (a, b, c ?? a, a, a, a, a, a, a, a, a, a, a, a, a, a)
        count = c == nil ? 2 : 3
    }

    /// The first offset in `from..<end` holding one of the bytes, or `end`.
    @inline(__always)
    func first(in b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end, let base = b.baseAddress else { return end }
        return withUnsafeBytes(of: bytes) { set in
            nomen_find_any(base, end, from, set.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
        }
    }
}

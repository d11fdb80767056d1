import CByteScan

/// The bytes a tokenizer stops at. Between them it jumps: a SIMD search tests 32 bytes at a
/// time against two nibble tables (`CByteScan`), whatever the number of bytes in the set.
/// Made once (static lets): the tables are built at creation.
final class ByteSet: @unchecked Sendable {
    // Written only in init, read-only afterwards: safe to share between threads.
    private let table: UnsafeMutablePointer<nomen_byteset>

    init(bytes: [UInt8]) {
        table = .allocate(capacity: 1)
        let ok = bytes.withUnsafeBufferPointer { nomen_byteset_init(table, $0.baseAddress, $0.count) }
        precondition(ok == 1 && !bytes.isEmpty, "a ByteSet's bytes have at most 8 distinct high nibbles (ASCII)")
    }

    convenience init(_ set: String) { self.init(bytes: Array(set.utf8)) }

    deinit { table.deallocate() }

    /// Where a comment ends.
    static let lineEnds = ByteSet("\n\r")

    /// The first offset in `from..<end` holding one of the bytes, or `end`.
    @inline(__always)
    func first(in b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end, let base = b.baseAddress else { return end }
        return nomen_byteset_find(table, base, end, from)
    }
}

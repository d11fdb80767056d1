import CByteScan

/// Search for a fixed byte string: candidates where its first and last bytes agree, 32
/// positions at a time (`CByteScan`).
enum ByteSearch {
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, in: haystack, from: 0) != nil
    }

    static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = haystack.baseAddress, start < haystack.count, !needle.isEmpty else { return nil }
        let n = haystack.count
        let found = needle.withUnsafeBufferPointer { nomen_find(base.assumingMemoryBound(to: UInt8.self), n, start, $0.baseAddress, $0.count) }
        return found < n ? found : nil
    }
}

/// The bytes a tokenizer stops at. Between them it jumps: a SIMD search tests 32 bytes at a
/// time against two nibble tables (`CByteScan`), whatever the number of bytes in the set.
/// Made once (static lets, pinned): the tables are built at creation.
final class ByteSet: @unchecked Sendable {
    // Written only in init, read-only afterwards: safe to share between threads.
    private let table: UnsafeMutablePointer<nomen_byteset>

    init(bytes: [UInt8]) {
        table = .allocate(capacity: 1)
        let ok = bytes.withUnsafeBufferPointer { nomen_byteset_init(table, $0.baseAddress, $0.count) }
        precondition(ok == 1 && !bytes.isEmpty, "a ByteSet's bytes have at most 8 distinct high nibbles (ASCII)")
        // Made once, read by every thread (see `SharedObjects`).
        SharedObjects.pin(self)
    }

    convenience init(_ set: String) { self.init(bytes: Array(set.utf8)) }

    deinit { table.deallocate() }

    /// Where a comment ends.
    static let lineEnds = ByteSet("\n\r")
    static let lineFeeds = ByteSet("\n")

    /// The first offset in `from..<end` holding one of the bytes, or `end`.
    @inline(__always)
    func first(in b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end, let base = b.baseAddress else { return end }
        return nomen_byteset_find(table, base, end, from)
    }

    /// The tables without the object: a plain value (no reference count) for the hot loop of
    /// a set that lives as long as the program (a static let).
    struct Tables: @unchecked Sendable {  // read-only tables, as the class itself
        fileprivate let pointer: UnsafeMutablePointer<nomen_byteset>

        @inline(__always)
        func first(in b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
            guard from < end, let base = b.baseAddress else { return end }
            return nomen_byteset_find(pointer, base, end, from)
        }
    }

    var tables: Tables { Tables(pointer: table) }
}

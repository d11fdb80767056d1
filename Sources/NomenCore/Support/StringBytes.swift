#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// The same UTF-8 bytes (`==` compares by canonical equivalence: two spellings of `é`
    /// are equal to it, and two files are not). One `memcmp`, not a walk over the views.
    func hasSameBytes(as other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// Whether `bytes` are this string's UTF-8 bytes.
    func hasSameBytes(as bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var a = self
        return a.withUTF8 { x in
            x.count == bytes.count && (x.isEmpty || memcmp(x.baseAddress!, bytes.baseAddress!, x.count) == 0)
        }
    }
}

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

extension String {
    /// `head`, then `/` when both sides are non-empty, then `tail`: a path made with one
    /// allocation (the walk makes two for every file it lists).
    static func joiningPath(_ head: String, _ tail: String) -> String {
        if head.isEmpty { return tail }
        if tail.isEmpty { return head }
        var a = head, b = tail
        return a.withUTF8 { x in
            b.withUTF8 { y in
                String(unsafeUninitializedCapacity: x.count + 1 + y.count) { out in
                    _ = out.initialize(fromContentsOf: x)
                    out[x.count] = UInt8(ascii: "/")
                    _ = UnsafeMutableBufferPointer(rebasing: out[(x.count + 1)...]).initialize(fromContentsOf: y)
                    return x.count + 1 + y.count
                }
            }
        }
    }
}

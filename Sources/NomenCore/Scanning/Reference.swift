import CByteScan

/// A dotted reference around a word: `project.dataset.table` in any quoting
/// (`` `p.d.t` ``, `` `p`.`d`.`t` ``, `d.t`), `project:dataset.table` (the `bq` tool's form),
/// and with template placeholders as parts (`{project}.d.t`). Each part has its byte range.
struct Reference {
    /// At most three part ranges, kept inline: a reference is made on every match.
    struct Parts {
        private var storage: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)
        private(set) var count = 0

        subscript(i: Int) -> Range<Int> {
            precondition(i >= 0 && i < count, "part \(i) of \(count)")
            switch i {
            case 0: return storage.0
            case 1: return storage.1
            default: return storage.2
            }
        }

        mutating func append(_ r: Range<Int>) {
            precondition(count < 3, "a reference has at most three parts")
            switch count {
            case 0: storage.0 = r
            case 1: storage.1 = r
            default: storage.2 = r
            }
            count += 1
        }

        mutating func prepend(_ r: Range<Int>) {
            precondition(count < 3, "a reference has at most three parts")
            storage = (r, storage.0, storage.1)
            count += 1
        }
    }

    var parts: Parts
    /// Which part is the word the reference was built around.
    var index: Int
    var backticked: Bool

    var range: Range<Int> { parts[0].lowerBound..<parts[parts.count - 1].upperBound }

    static func isPartByte(_ c: UInt8) -> Bool {
        SQLTokenizer.isWordByte(c) || c == UInt8(ascii: "-")
    }

    /// At most three parts: the word, and up to two on either side.
    static func around(_ word: Range<Int>, in b: UnsafeBufferPointer<UInt8>, bounds: Range<Int>) -> Reference {
        var parts = Parts()
        parts.append(word)
        var index = 0
        var backticked = false
        // Leftwards.
        var pos = word.lowerBound
        while parts.count < 3 {
            var j = pos
            if j - 1 >= bounds.lowerBound, b[j - 1] == UInt8(ascii: "`") { j -= 1; backticked = true }
            guard j - 1 >= bounds.lowerBound, b[j - 1] == UInt8(ascii: ".") || (b[j - 1] == UInt8(ascii: ":") && parts.count == 2) else { break }
            j -= 1
            if j - 1 >= bounds.lowerBound, b[j - 1] == UInt8(ascii: "`") { j -= 1; backticked = true }
            let e = j
            var k = j
            while k > bounds.lowerBound {
                // Name bytes are passed over in C (`nomen_part_start`).
                k = nomen_part_start(b.baseAddress!, k, bounds.lowerBound)
                guard k > bounds.lowerBound else { break }
                let c = b[k - 1]
                if c == UInt8(ascii: "}") {
                    // A placeholder: back to its `{`.
                    var depth = 0
                    var m = k - 1
                    while m >= bounds.lowerBound {
                        if b[m] == UInt8(ascii: "}") { depth += 1 } else if b[m] == UInt8(ascii: "{") { depth -= 1; if depth == 0 { break } }
                        m -= 1
                    }
                    guard m >= bounds.lowerBound else { break }
                    k = m
                    continue
                }
                break
            }
            guard k < e else { break }
            parts.prepend(k..<e)
            index += 1
            pos = k
        }
        // Rightwards.
        pos = word.upperBound
        while parts.count < 3 {
            var j = pos
            if j < bounds.upperBound, b[j] == UInt8(ascii: "`") { j += 1; backticked = true }
            guard j < bounds.upperBound, b[j] == UInt8(ascii: ".") else { break }
            j += 1
            if j < bounds.upperBound, b[j] == UInt8(ascii: "`") { j += 1; backticked = true }
            let s = j
            var k = j
            while k < bounds.upperBound {
                k = nomen_part_end(b.baseAddress!, k, bounds.upperBound)
                guard k < bounds.upperBound else { break }
                let c = b[k]
                if c == UInt8(ascii: "%") || c == UInt8(ascii: "$"), let end = Placeholder.end(in: b, at: k, limit: bounds.upperBound) { k = end; continue }
                if c == UInt8(ascii: "{") {
                    var depth = 0
                    var m = k
                    while m < bounds.upperBound {
                        if b[m] == UInt8(ascii: "{") { depth += 1 } else if b[m] == UInt8(ascii: "}") { depth -= 1; if depth == 0 { break } }
                        m += 1
                    }
                    guard m < bounds.upperBound else { break }
                    k = m + 1
                    continue
                }
                break
            }
            guard k > s else { break }
            parts.append(s..<k)
            pos = k
        }
        return Reference(parts: parts, index: index, backticked: backticked)
    }
}


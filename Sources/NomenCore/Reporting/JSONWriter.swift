/// A small JSON writer over bytes, with a fixed key order, so reports are stable byte for byte
/// and cheap to produce.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]
    private let pretty: Bool
    private var depth = 0

    public var output: String { String(decoding: bytes, as: UTF8.self) }

    public init(pretty: Bool = true) {
        self.pretty = pretty
        bytes.reserveCapacity(512)
    }

    /// A writer for items that sit `depth` levels deep in a document written elsewhere
    /// (streamed array elements): each item starts with its own newline and indent.
    public init(depth: Int, capacity: Int = 512) {
        pretty = true
        self.depth = depth
        bytes.reserveCapacity(capacity)
    }

    private mutating func newlineAndIndent() {
        guard pretty else { return }
        bytes.append(0x0A)
        let n = 2 * depth
        if n <= Self.spaces.count { bytes.append(contentsOf: Self.spaces[..<n]) } else { bytes.append(contentsOf: repeatElement(0x20, count: n)) }
    }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if depth > 0 { newlineAndIndent() }
    }

    private mutating func key(_ key: String?) {
        guard let key else { return }
        Self.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(0x20) }
    }

    public mutating func beginObject(key: String? = nil) { open(UInt8(ascii: "{"), key) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray(key: String? = nil) { open(UInt8(ascii: "["), key) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8, _ k: String?) {
        separator()
        key(k)
        bytes.append(bracket)
        depth += 1
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = needsComma.removeLast()
        depth -= 1
        if hadItems { newlineAndIndent() }
        bytes.append(bracket)
    }

    public mutating func value(_ k: String?, raw: String) {
        separator()
        key(k)
        bytes.append(contentsOf: raw.utf8)
    }

    public mutating func string(_ k: String? = nil, _ v: String?) {
        separator()
        key(k)
        if let v { Self.appendQuoted(v, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    public mutating func int(_ k: String? = nil, _ v: Int?) {
        guard let v else { return value(k, raw: "null") }
        separator()
        key(k)
        Self.appendDecimal(v, to: &bytes)
    }
    public mutating func bool(_ k: String? = nil, _ v: Bool) { value(k, raw: v ? "true" : "false") }
    public mutating func null(_ k: String? = nil) { value(k, raw: "null") }

    static let hex = SharedObjects.pinned(Array("0123456789abcdef".utf8))
    private static let spaces = SharedObjects.pinned([UInt8](repeating: 0x20, count: 32))

    /// Digits without a String in between (findings have four numbers each).
    public static func appendDecimal(_ v: Int, to out: inout [UInt8]) {
        // Line and column numbers: a few digits, appended one by one.
        if v >= 0 && v < 10_000 {
            let zero = UInt8(ascii: "0")
            if v >= 1000 { out.append(zero + UInt8(v / 1000)) }
            if v >= 100 { out.append(zero + UInt8(v / 100 % 10)) }
            if v >= 10 { out.append(zero + UInt8(v / 10 % 10)) }
            out.append(zero + UInt8(v % 10))
            return
        }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            } while m > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - n)...]).bindMemory(to: UInt8.self))
        }
    }

    /// Whether eight bytes hold one that JSON must escape: a control byte, `"` or `\`.
    @inline(__always)
    private static func needsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let control = (w &- ones &* 0x20) & ~w & highs != 0
        return control || hasZero(w ^ (ones &* 0x22)) || hasZero(w ^ (ones &* 0x5C))
    }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            // Most strings need no escape at all: look eight bytes at a time, copy in one go.
            let n = buf.count
            var i = 0
            if let base = buf.baseAddress {
                while i + 8 <= n, !needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
            }
            while i < n, buf[i] >= 0x20, buf[i] != UInt8(ascii: "\""), buf[i] != UInt8(ascii: "\\") { i += 1 }
            if i == n { out.append(contentsOf: buf); return }
            // Copy runs of plain bytes at once; escape the rest.
            var runStart = 0
            for i in i..<n {
                let c = buf[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
                runStart = i + 1
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(c >> 4)])
                    out.append(hex[Int(c & 0xF)])
                }
            }
            if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

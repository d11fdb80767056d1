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
        for _ in 0..<(2 * depth) { bytes.append(0x20) }
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

    public mutating func int(_ k: String? = nil, _ v: Int?) { value(k, raw: v.map { String($0) } ?? "null") }
    public mutating func bool(_ k: String? = nil, _ v: Bool) { value(k, raw: v ? "true" : "false") }
    public mutating func null(_ k: String? = nil) { value(k, raw: "null") }

    static let hex = Array("0123456789abcdef".utf8)

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            // Copy runs of plain bytes at once; escape the rest.
            var runStart = 0
            for (i, c) in buf.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
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
            if buf.count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<buf.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

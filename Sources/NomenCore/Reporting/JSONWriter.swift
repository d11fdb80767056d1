/// A small JSON writer with a fixed key order, so reports are stable byte for byte.
public struct JSONWriter {
    public private(set) var output = ""
    private var needsComma: [Bool] = [false]
    private let indentUnit: String
    private var depth = 0

    public init(pretty: Bool = true) { indentUnit = pretty ? "  " : "" }

    /// A writer for items that sit `depth` levels deep in a document written elsewhere
    /// (streamed array elements): each item starts with its own newline and indent.
    public init(depth: Int) {
        indentUnit = "  "
        self.depth = depth
    }

    private var newline: String { indentUnit.isEmpty ? "" : "\n" }
    private var indent: String { String(repeating: indentUnit, count: depth) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
        if depth > 0 { output += newline + indent }
    }

    public mutating func beginObject(key: String? = nil) { open("{", key) }
    public mutating func endObject() { close("}") }
    public mutating func beginArray(key: String? = nil) { open("[", key) }
    public mutating func endArray() { close("]") }

    private mutating func open(_ bracket: String, _ key: String?) {
        separator()
        if let key { output += Self.quote(key) + (indentUnit.isEmpty ? ":" : ": ") }
        output += bracket
        depth += 1
        needsComma.append(false)
    }

    private mutating func close(_ bracket: String) {
        let hadItems = needsComma.removeLast()
        depth -= 1
        if hadItems { output += newline + indent }
        output += bracket
    }

    public mutating func value(_ key: String?, raw: String) {
        separator()
        if let key { output += Self.quote(key) + (indentUnit.isEmpty ? ":" : ": ") }
        output += raw
    }

    public mutating func string(_ key: String? = nil, _ v: String?) { value(key, raw: v.map(Self.quote) ?? "null") }
    public mutating func int(_ key: String? = nil, _ v: Int?) { value(key, raw: v.map { "\($0)" } ?? "null") }
    public mutating func bool(_ key: String? = nil, _ v: Bool) { value(key, raw: v ? "true" : "false") }
    public mutating func null(_ key: String? = nil) { value(key, raw: "null") }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

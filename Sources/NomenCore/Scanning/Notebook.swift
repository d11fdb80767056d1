import CByteScan
#if canImport(Glibc)
import Glibc
#endif

/// Jupyter notebooks: the code cells' sources are decoded from their JSON strings, scanned as
/// Python (or SQL under `%%bigquery` / `%%sql`), and every position and edit is mapped back
/// into the JSON text, so an edit lands inside the cell's string and the rest of the file is
/// untouched.
enum Notebook {
    struct Cell {
        /// Decoded source (the lines joined).
        var bytes: [UInt8]
        /// For each decoded byte (and one past the end), its offset in the file.
        var map: OffsetMap
        var language: Language
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>, path: String, scan: ([UInt8], Language) -> FileResult) -> FileResult {
        guard let cells = cells(of: bytes) else {
            return FileResult(findings: [], problem: "\(path): not a notebook this tool can read (invalid JSON or no `cells`); skipped")
        }
        var findings: [Finding] = []
        var problem: String? = nil
        for cell in cells {
            let result = scan(cell.bytes, cell.language)
            problem = problem ?? result.problem
            for f in result.findings {
                findings.append(mapped(f, cell))
            }
        }
        return FileResult(findings: findings, problem: problem)
    }

    static func mapped(_ f: Finding, _ cell: Cell) -> Finding {
        func map(_ r: Range<Int>) -> Range<Int> { cell.map[r.lowerBound]..<cell.map[r.upperBound] }
        let fix = f.fix.map { fix in
            Fix(edits: fix.edits.map { Edit(range: map($0.range), replacement: JSON.escape($0.replacement)) },
                applicability: fix.applicability)
        }
        return f.moved(to: map(f.range), fix: fix)
    }

    /// The code cells, read without building the document: everything but `cells[*].cell_type`
    /// and `cells[*].source` (outputs, images, metadata) is passed over. nil when the file is
    /// not JSON or has no `cells` array.
    static func cells(of bytes: [UInt8]) -> [Cell]? {
        bytes.withUnsafeBufferPointer { cells(of: $0) }
    }

    static func cells(of bytes: UnsafeBufferPointer<UInt8>) -> [Cell]? {
        guard let base = bytes.baseAddress else { return nil }
        // In C (`nomen_notebook_cells`): the structure is walked there, and only the code
        // cells' source pieces come back. Capacities grow when a notebook has more.
        var pieceCapacity = 1024, cellCapacity = 128
        while true {
            var pieceCount = 0
            // Written by C before they are read, up to what it reports: not zeroed first.
            // (Plain allocations: an array made uninitialized looks up its storage type's
            // metadata on every call, generic code that costs more than the allocation.)
            let pieces = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2 * pieceCapacity)
            let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2 * cellCapacity)
            defer { pieces.deallocate(); starts.deallocate() }
            let found = nomen_notebook_cells(base, bytes.count, pieces.baseAddress, pieceCapacity, &pieceCount, starts.baseAddress, cellCapacity)
            switch found {
            case Int(NOMEN_CELLS_FULL):
                pieceCapacity *= 4
                cellCapacity *= 4
                continue
            case Int(NOMEN_CELLS_ESCAPED):
                // A key or cell type spelled with escapes: read (and decoded) in Swift.
                return cellsInSwift(of: bytes)
            case ..<0:
                return nil
            default:
                var cells: [Cell] = []
                cells.reserveCapacity(found)
                for k in 0..<found {
                    let first = starts[2 * k], count = starts[2 * k + 1]
                    cells.append(decodedCell(UnsafeBufferPointer(rebasing: pieces[(2 * first)..<(2 * (first + count))]), in: bytes))
                }
                return cells
            }
        }
    }

    /// The same, read in Swift: for a notebook whose keys hold escapes, and the oracle the
    /// C reader is tested against.
    static func cellsInSwift(of bytes: UnsafeBufferPointer<UInt8>) -> [Cell]? {
        var parser = JSON.Parser(bytes: bytes)
        var result: [Cell]? = nil
        // Where a key repeats, its first occurrence counts (as in reading the whole document).
        let read = parser.members { p, key in
            guard result == nil, p.key(key, is: "cells") else { return p.skipValue() }
            var cells: [Cell] = []
            guard p.elements({ p in
                // Anything but an object, a string type or a string/array source is passed over.
                guard p.peek() == UInt8(ascii: "{") else { return p.skipValue() }
                var type: Range<Int>? = nil
                var pieces: [Range<Int>]? = nil
                var sawType = false, sawSource = false
                let ok = p.members { p, key in
                    if !sawType, p.key(key, is: "cell_type") {
                        sawType = true
                        guard p.peek() == UInt8(ascii: "\"") else { return p.skipValue() }
                        type = p.string()
                        return type != nil
                    }
                    if !sawSource, p.key(key, is: "source") {
                        sawSource = true
                        if p.peek() == UInt8(ascii: "\"") {
                            pieces = p.string().map { [$0] }
                            return pieces != nil
                        }
                        if p.peek() == UInt8(ascii: "[") {
                            var list: [Range<Int>] = []
                            // A cell's source is a list of lines: room for a typical cell at once.
                            list.reserveCapacity(32)
                            let ok = p.elements { p in
                                if p.peek() == UInt8(ascii: "\""), let r = p.string() { list.append(r); return true }
                                return p.skipValue()
                            }
                            pieces = list
                            return ok
                        }
                    }
                    return p.skipValue()
                }
                guard ok else { return false }
                if let type, let pieces, p.key(type, is: "code") {
                    cells.append(cell(from: pieces, in: bytes))
                }
                return true
            }) else { return false }
            result = cells
            return true
        }
        guard read, parser.atEnd else { return nil }
        return result
    }

    /// A code cell from its source pieces (raw start, end pairs), decoded in C
    /// (`nomen_json_decode_pieces`, which `JSON.decode` is the Swift twin of).
    private static func decodedCell(_ pieces: UnsafeBufferPointer<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Cell {
        let count = pieces.count / 2
        var total = 0
        for k in 0..<count { total += pieces[2 * k + 1] - pieces[2 * k] }
        // Decoding never lengthens: the raw length is room enough. Typically a copied stretch
        // and an escape (`\n`) or two per line; more are made room for when needed.
        // (Decoded into a plain allocation and copied into the cell's array: see `cells(of:)`.)
        let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, total))
        defer { out.deallocate() }
        var capacity = count * 4 + 16
        var stretches = UnsafeMutableBufferPointer<Int>.allocate(capacity: 3 * capacity + 1)
        defer { stretches.deallocate() }
        var stretchCount = nomen_json_decode_pieces(bytes.baseAddress, pieces.baseAddress, count, out.baseAddress, stretches.baseAddress, capacity)
        while stretchCount < 0 {
            capacity *= 4
            stretches.deallocate()
            stretches = .allocate(capacity: 3 * capacity + 1)
            stretchCount = nomen_json_decode_pieces(bytes.baseAddress, pieces.baseAddress, count, out.baseAddress, stretches.baseAddress, capacity)
        }
        // The length after the stretches C wrote.
        let decoded = Array(UnsafeBufferPointer(rebasing: out[..<stretches[3 * capacity]]))
        let map = OffsetMap(triples: UnsafeBufferPointer(stretches), count: stretchCount, length: decoded.count, end: count > 0 ? pieces[2 * count - 1] : 0)
        let magic = decoded.starts(with: "%%bigquery".utf8) || decoded.starts(with: "%%sql".utf8)
        return Cell(bytes: decoded, map: map, language: magic ? .sql : .python)
    }

    private static func cell(from pieces: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>) -> Cell {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        var map = OffsetMap()
        // Typically a copied stretch and an escape (`\n`) per line.
        map.reserve(pieces.count * 2 + 2)
        for piece in pieces { JSON.decode(bytes, piece, into: &decoded, map: &map) }
        map.end = pieces.last.map { $0.upperBound } ?? 0
        let magic = decoded.starts(with: "%%bigquery".utf8) || decoded.starts(with: "%%sql".utf8)
        return Cell(bytes: decoded, map: map, language: magic ? .sql : .python)
    }
}

/// Just enough JSON: a reader that walks objects and arrays without building them and keeps
/// each string's raw byte range, and string decoding with an offset map.
enum JSON {
    /// Reads a buffer its caller keeps alive (and unchanged) while it reads.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        }

        /// Only white space is left.
        var atEnd: Bool {
            mutating get {
                skipSpace()
                return i == bytes.count
            }
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        /// The next byte after white space (not consumed).
        mutating func peek() -> UInt8? {
            skipSpace()
            return i < bytes.count ? bytes[i] : nil
        }

        /// Whether a key (a string's raw range) is `name`; escaped keys are decoded first.
        func key(_ k: Range<Int>, is name: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if bytes[k].contains(UInt8(ascii: "\\")) { return JSON.decode(bytes, k).elementsEqual(expected) }
            return k.count == expected.count && (k.isEmpty || memcmp(bytes.baseAddress! + k.lowerBound, expected.baseAddress!, k.count) == 0)
        }

        /// An object: `member` reads each value (after its key and colon) and says whether it
        /// could. False on a syntax error.
        mutating func members(_ member: (inout Parser, Range<Int>) -> Bool) -> Bool {
            guard peek() == UInt8(ascii: "{") else { return false }
            i += 1
            if peek() == UInt8(ascii: "}") { i += 1; return true }
            while true {
                skipSpace()
                guard let k = string(), peek() == UInt8(ascii: ":") else { return false }
                i += 1
                guard member(&self, k) else { return false }
                switch peek() {
                case UInt8(ascii: ",")?: i += 1
                case UInt8(ascii: "}")?: i += 1; return true
                default: return false
                }
            }
        }

        /// An array: `element` reads each item.
        mutating func elements(_ element: (inout Parser) -> Bool) -> Bool {
            guard peek() == UInt8(ascii: "[") else { return false }
            i += 1
            if peek() == UInt8(ascii: "]") { i += 1; return true }
            while true {
                guard element(&self) else { return false }
                switch peek() {
                case UInt8(ascii: ",")?: i += 1
                case UInt8(ascii: "]")?: i += 1; return true
                default: return false
                }
            }
        }

        /// Passes over any value, checking its syntax as strictly as reading it would (a
        /// notebook that is not JSON is not read), without building anything. In C
        /// (`nomen_json_skip_value`): outputs and metadata are most of a notebook's bytes.
        mutating func skipValue(depth: Int = 0) -> Bool {
            guard let base = bytes.baseAddress else { return false }
            var at = i
            guard nomen_json_skip_value(base, bytes.count, &at, Int32(depth)) != 0 else { return false }
            i = at
            return true
        }

        /// `skipValue` in Swift, one byte at a time: the oracle its test compares against.
        mutating func skipValueByteByByte(depth: Int = 0) -> Bool {
            guard depth < 512, let c = peek() else { return false }
            switch c {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"):
                i += 1
                if peek() == UInt8(ascii: "}") { i += 1; return true }
                while true {
                    guard peek() == UInt8(ascii: "\""), string() != nil, peek() == UInt8(ascii: ":") else { return false }
                    i += 1
                    guard skipValueByteByByte(depth: depth + 1) else { return false }
                    switch peek() {
                    case UInt8(ascii: ",")?: i += 1
                    case UInt8(ascii: "}")?: i += 1; return true
                    default: return false
                    }
                }
            case UInt8(ascii: "["):
                i += 1
                if peek() == UInt8(ascii: "]") { i += 1; return true }
                while true {
                    guard skipValueByteByByte(depth: depth + 1) else { return false }
                    switch peek() {
                    case UInt8(ascii: ",")?: i += 1
                    case UInt8(ascii: "]")?: i += 1; return true
                    default: return false
                    }
                }
            default:
                let s = i
                while i < bytes.count, !(bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "}") || bytes[i] == UInt8(ascii: "]")
                                         || bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09) { i += 1 }
                return i > s
            }
        }

        static let stringStops = ByteSet("\"\\")

        /// A string at `i`: the range between its quotes, still escaped.
        mutating func string() -> Range<Int>? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let s = i
            let n = bytes.count
            var k = s
            var end: Int? = nil
            while true {
                k = Self.stringStops.first(in: bytes, from: k, end: n)
                guard k < n else { break }
                if bytes[k] == UInt8(ascii: "\"") { end = k; break }
                k += 2
            }
            guard let end else { i = n; return nil }
            i = end + 1
            return s..<end
        }
    }

    /// Decodes an escaped JSON string.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        var map = OffsetMap()
        decode(raw, r, into: &out, map: &map)
        return out
    }

    /// Decodes an escaped JSON string onto `out`; `map` learns where each decoded byte came from.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, into out: inout [UInt8], map: inout OffsetMap) {
        var i = r.lowerBound
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= r.upperBound else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = raw[k]
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < r.upperBound {
            // A run without escapes is copied as it is.
            let k = Self.escapes.first(in: raw, from: i, end: r.upperBound)
            if k > i {
                map.copied(from: i, count: k - i, at: out.count)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i..<k]))
                i = k
                continue
            }
            guard i + 1 < r.upperBound else { map.produced(1, from: i, at: out.count); out.append(raw[i]); i += 1; continue }
            let e = raw[i + 1]
            var single: UInt8? = nil
            var produced: [UInt8] = []
            var consumed = 2
            switch e {
            case UInt8(ascii: "n"): single = 0x0A
            case UInt8(ascii: "t"): single = 0x09
            case UInt8(ascii: "r"): single = 0x0D
            case UInt8(ascii: "b"): single = 0x08
            case UInt8(ascii: "f"): single = 0x0C
            case UInt8(ascii: "u"):
                if var scalar = hex4(i + 2) {
                    consumed = 6
                    if (0xD800..<0xDC00).contains(scalar), i + 12 <= r.upperBound, raw[i + 6] == UInt8(ascii: "\\"), raw[i + 7] == UInt8(ascii: "u"),
                       let low = hex4(i + 8), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        consumed = 12
                    }
                    produced = Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                } else {
                    single = e
                }
            default: single = e
            }
            if let single {
                map.produced(1, from: i, at: out.count)
                out.append(single)
            } else {
                map.produced(produced.count, from: i, at: out.count)
                out.append(contentsOf: produced)
            }
            i += consumed
        }
        map.end = r.upperBound
    }

    static let escapes = ByteSet("\\")

    /// Escapes replacement bytes for a JSON string.
    static func escape(_ bytes: [UInt8]) -> [UInt8] {
        // A name needs no escape: shared as it is.
        if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for c in bytes {
            switch c {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), c]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), c]
            case 0x0A: out += Array("\\n".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0..<0x20: out += Array("\\u00".utf8) + [hexDigit(c >> 4), hexDigit(c & 0xF)]
            default: out.append(c)
            }
        }
        return out
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }
}

/// Where each byte of a decoded string came from in the file: a list of stretches, each either
/// copied (byte k of it from `source + k`) or produced by one escape (all from `source`, the
/// backslash). One past the last decoded byte maps to `end`.
struct OffsetMap {
    private struct Stretch {
        /// Where it starts in the decoded bytes, and in the file.
        var start: Int
        var source: Int
        var copied: Bool
    }
    private var stretches: [Stretch] = []
    /// The decoded length.
    private(set) var count = 0
    /// The file offset one past the last decoded byte.
    var end = 0

    init() {}

    /// From `nomen_json_decode_pieces`' stretches: (decoded start, source, copied) triples.
    init(triples: UnsafeBufferPointer<Int>, count n: Int, length: Int, end: Int) {
        stretches.reserveCapacity(n)
        for k in 0..<n { stretches.append(Stretch(start: triples[3 * k], source: triples[3 * k + 1], copied: triples[3 * k + 2] != 0)) }
        count = length
        self.end = end
    }

    mutating func reserve(_ n: Int) { stretches.reserveCapacity(n) }

    /// `n` bytes copied from `source` onward, decoded at `at`.
    mutating func copied(from source: Int, count n: Int, at: Int) {
        append(at, source, true, n)
    }

    /// `n` bytes produced by the escape at `source`, decoded at `at`.
    mutating func produced(_ n: Int, from source: Int, at: Int) {
        append(at, source, false, n)
    }

    private mutating func append(_ at: Int, _ source: Int, _ isCopy: Bool, _ n: Int) {
        precondition(at == count, "stretches are added in order")
        guard n > 0 else { return }
        stretches.append(Stretch(start: at, source: source, copied: isCopy))
        count = at + n
    }

    /// The file offset of decoded byte `d` (`d == count`: `end`).
    subscript(d: Int) -> Int {
        if d >= count { return end }
        // The last stretch starting at or before `d`.
        var lo = 0, hi = stretches.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if stretches[mid].start <= d { lo = mid } else { hi = mid - 1 }
        }
        let s = stretches[lo]
        return s.copied ? s.source + (d - s.start) : s.source
    }
}

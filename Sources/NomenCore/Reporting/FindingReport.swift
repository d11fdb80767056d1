/// Output formats of `nomen lint`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github
}

/// Renders located findings. Pure: returns text, never prints.
public enum FindingReport {
    public struct Style: Sendable {
        public var color: Bool
        public var unsafeFixes: Bool
        public init(color: Bool = false, unsafeFixes: Bool = false) {
            self.color = color
            self.unsafeFixes = unsafeFixes
        }
    }

    public static func render(_ findings: [LocatedFinding], format: ReportFormat, rules: RuleSet, style: Style = Style()) -> String {
        switch format {
        case .text: return text(findings, style: style)
        case .json: return json(findings, style: style)
        case .sarif: return sarif(findings, rules: rules, style: style)
        case .github: return github(findings)
        }
    }

    // MARK: text

    public static func text(_ findings: [LocatedFinding], style: Style) -> String {
        String(decoding: textBytes(findings, style: style), as: UTF8.self)
    }

    /// Per finding: `path:line:column: severity: message [rule]`, the source line, and a caret
    /// line under the name (columns in Unicode scalars; tabs kept, wide characters two columns).
    static func textBytes(_ findings: [LocatedFinding], style: Style) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(findings.count * 320)
        func paint(_ code: StaticString) {
            guard style.color else { return }
            out.append(contentsOf: [0x1B, UInt8(ascii: "[")])
            code.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "m"))
        }
        func reset() { if style.color { out.append(contentsOf: [0x1B, UInt8(ascii: "["), UInt8(ascii: "0"), UInt8(ascii: "m")]) } }
        func put(_ s: StaticString) { s.withUTF8Buffer { out.append(contentsOf: $0) } }
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        for lf in findings {
            let f = lf.finding
            let error = f.severity == .error
            paint("1")
            put(f.path)
            out.append(UInt8(ascii: ":"))
            JSONWriter.appendDecimal(lf.line, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.appendDecimal(lf.column, to: &out)
            out.append(UInt8(ascii: ":"))
            reset()
            out.append(0x20)
            paint(error ? "1;31" : "1;33")
            put(error ? "error" : "warning")
            reset()
            put(": ")
            put(f.message)
            put(" [")
            put(f.rule)
            put("]\n  ")
            let line = lf.sourceLine
            put(line)
            put("\n  ")
            var width = 0
            var scalars = 0
            let lastColumn = lf.endLine == lf.line ? lf.endColumn - 1 : Int.max
            for ch in line.unicodeScalars {
                if scalars >= lastColumn, scalars >= lf.column - 1 { break }
                if scalars < lf.column - 1 {
                    if ch.value < 0x80 { out.append(ch == "\t" ? 0x09 : 0x20) }
                    else { for _ in 0..<DisplayWidth.of(ch) { out.append(0x20) } }
                } else {
                    width += DisplayWidth.of(ch)
                }
                scalars += 1
            }
            width = max(1, width)
            paint(error ? "31" : "33")
            out.append(UInt8(ascii: "^"))
            for _ in 1..<width { out.append(UInt8(ascii: "~")) }
            reset()
            if f.isFixable(unsafe: style.unsafeFixes), let r = f.replacement {
                out.append(0x20)
                paint("32")
                put("fix: `")
                put(r)
                out.append(UInt8(ascii: "`"))
                reset()
                if f.fix?.applicability == .unsafe { put(" (unsafe)") }
            }
            out.append(0x0A)
        }
        return out
    }

    public static func summary(_ tally: FindingTally, files: Int, skipped: Int = 0) -> String {
        let skippedNote = skipped > 0 ? " (\(skipped) skipped)" : ""
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if tally.total == 0 { return "All clear: \(plural(files, "file")) checked\(skippedNote), no findings.\n" }
        var s = "Found \(plural(tally.errors, "error")) and \(plural(tally.warnings, "warning")) in \(plural(files, "file"))\(skippedNote)."
        if tally.fixable > 0 { s += " \(tally.fixable) fixable with `nomen rewrite`" + (tally.unsafe > 0 ? ", \(tally.unsafe) more with `--unsafe-fixes`" : "") + "." }
        else if tally.unsafe > 0 { s += " \(tally.unsafe) fixable with `nomen rewrite --unsafe-fixes`." }
        return s + "\n"
    }

    public static func statistics(_ tally: FindingTally) -> String {
        var out = ""
        for (rule, c) in tally.byRule.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
            let n = String(c.count)
            out += String(repeating: " ", count: max(0, 6 - n.count)) + n + "  " + rule + String(repeating: " ", count: max(1, 30 - rule.count))
                + c.severity.rawValue + (c.fixable > 0 ? "  (\(c.fixable) fixable)" : "") + "\n"
        }
        return out
    }

    // MARK: json

    public static func json(_ findings: [LocatedFinding], style: Style) -> String {
        var stream = ReportStream(format: .json, rules: nil, style: style)
        return stream.begin() + stream.add(findings) + stream.end()
    }

    /// One JSON item, written straight into `w` (items sit at depth 1 of the array, their
    /// members at depth 2). The members that depend only on what the finding says come
    /// pre-rendered from its detail (`FindingDetail.json`, the tail from `tailStart`): a
    /// repeated name is escaped once. (Given the finding's parts, read in place by the
    /// caller: a finding or a detail passed whole has its references counted up and down.)
    @inline(__always)
    static func jsonItem(_ w: inout ItemWriter, line: Int, column: Int, endLine: Int, endColumn: Int, json: UnsafeBufferPointer<UInt8>,
                         tailStart: Int, applicability: Applicability?, quotedPath: UnsafeBufferPointer<UInt8>, style: Style) {
        w.put("\n  {\n    \"path\": ")
        w.put(quotedPath)
        w.put(",\n    \"line\": ")
        w.putDecimal(line)
        w.put(",\n    \"column\": ")
        w.putDecimal(column)
        w.put(",\n    \"endLine\": ")
        w.putDecimal(endLine)
        w.put(",\n    \"endColumn\": ")
        w.putDecimal(endColumn)
        w.put(UnsafeBufferPointer(rebasing: json[..<tailStart]))
        // As `Finding.isFixable`.
        let fixable = applicability == .safe || (applicability != nil && style.unsafeFixes)
        w.put(fixable ? ",\n    \"fixable\": true" : ",\n    \"fixable\": false")
        switch applicability {
        case .safe?: w.put(",\n    \"applicability\": \"safe\"")
        case .unsafe?: w.put(",\n    \"applicability\": \"unsafe\"")
        case nil: w.put(",\n    \"applicability\": null")
        }
        w.put(UnsafeBufferPointer(rebasing: json[tailStart...]))
    }

    /// The most bytes `jsonItem` writes for a finding with this detail and path: its pieces,
    /// the constant text (under 200 bytes) and four numbers.
    @inline(__always)
    static func jsonItemBound(_ json: UnsafeBufferPointer<UInt8>, quotedPath: UnsafeBufferPointer<UInt8>) -> Int {
        quotedPath.count + json.count + 200 + 4 * 20
    }

    /// Writes into memory reserved for the whole fragment (see `jsonItemBound`): a piece is a
    /// copy, with no capacity check per append.
    struct ItemWriter {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        mutating func put(_ s: StaticString) {
            s.withUTF8Buffer { put($0) }
        }

        mutating func put(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { put($0) }
        }

        @inline(__always)
        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let p = bytes.baseAddress, !bytes.isEmpty else { return }
            (base + count).update(from: p, count: bytes.count)
            count += bytes.count
        }

        /// Lines and columns: up to three digits written in place (four numbers per finding),
        /// more by `putLongDecimal`.
        @inline(__always)
        mutating func putDecimal(_ v: Int) {
            let zero = UInt8(ascii: "0")
            if v >= 0 && v < 10 {
                base[count] = zero + UInt8(truncatingIfNeeded: v)
                count += 1
            } else if v >= 10 && v < 100 {
                let tens = v / 10
                base[count] = zero + UInt8(truncatingIfNeeded: tens)
                base[count + 1] = zero + UInt8(truncatingIfNeeded: v - 10 * tens)
                count += 2
            } else if v >= 100 && v < 1000 {
                let hundreds = v / 100, rest = v - 100 * hundreds, tens = rest / 10
                base[count] = zero + UInt8(truncatingIfNeeded: hundreds)
                base[count + 1] = zero + UInt8(truncatingIfNeeded: tens)
                base[count + 2] = zero + UInt8(truncatingIfNeeded: rest - 10 * tens)
                count += 3
            } else {
                putLongDecimal(v)
            }
        }

        @inline(never)
        mutating func putLongDecimal(_ v: Int) {
            if v < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
            var m = v.magnitude
            var digits = 1
            var t = m
            while t >= 10 { t /= 10; digits += 1 }
            var k = count + digits - 1
            repeat {
                base[k] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                k -= 1
            } while m > 0
            count += digits
        }
    }

    /// `"context"` and the item's closing brace.
    static func jsonTail(context: Context) -> [UInt8] {
        var out = Array(",\n    \"context\": ".utf8)
        JSONWriter.appendQuoted(context.rawValue, to: &out)
        out += Array("\n  }".utf8)
        return out
    }

    /// `"rule"` to `"replacement"` of a JSON item, each member after a comma and a depth-2
    /// line break (see `jsonItem`).
    static func jsonMembers(rule: String, severity: Severity, message: String, found: String, replacement: String?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count + found.utf8.count + 2 * (replacement?.utf8.count ?? 0) + 120)
        func member(_ key: String, _ value: String?) {
            out.append(contentsOf: JSONItem.member)
            JSONWriter.appendQuoted(key, to: &out)
            out.append(contentsOf: ": ".utf8)
            if let value { JSONWriter.appendQuoted(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        member("rule", rule)
        member("severity", severity.rawValue)
        member("message", message)
        member("found", found)
        member("replacement", replacement)
        return out
    }

    /// Fixed text of a JSON item, pretty-printed like `JSONWriter(depth: 1)` would.
    private enum JSONItem {
        static let member = SharedObjects.pinned(Array(",\n    ".utf8))
    }

    // MARK: github

    public static func github(_ findings: [LocatedFinding]) -> String {
        String(decoding: githubBytes(findings), as: UTF8.self)
    }

    /// One workflow command per finding. Data is escaped (`%`, CR, LF) and properties too
    /// (also `:` and `,`), byte by byte in one pass: no replacement's output is escaped again.
    static func githubBytes(_ findings: [LocatedFinding]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(findings.count * 260)
        func escaped(_ s: String, property: Bool) {
            for c in s.utf8 {
                switch c {
                case UInt8(ascii: "%"): out.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "2"), UInt8(ascii: "5")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "0"), UInt8(ascii: "D")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "0"), UInt8(ascii: "A")])
                case UInt8(ascii: ":") where property: out.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "3"), UInt8(ascii: "A")])
                case UInt8(ascii: ",") where property: out.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "2"), UInt8(ascii: "C")])
                default: out.append(c)
                }
            }
        }
        func put(_ s: StaticString) { s.withUTF8Buffer { out.append(contentsOf: $0) } }
        // A fragment is one file: its path is escaped once.
        var lastPath: String? = nil
        var path: [UInt8] = []
        for lf in findings {
            let f = lf.finding
            // Compared as bytes: `String` equality would take two spellings of `é` for one.
            if lastPath.map({ !$0.hasSameBytes(as: f.path) }) ?? true {
                let start = out.count
                escaped(f.path, property: true)
                path = Array(out[start...])
                out.removeSubrange(start...)
                lastPath = f.path
            }
            put(f.severity == .error ? "::error file=" : "::warning file=")
            out.append(contentsOf: path)
            put(",line=")
            JSONWriter.appendDecimal(lf.line, to: &out)
            put(",col=")
            JSONWriter.appendDecimal(lf.column, to: &out)
            put(",endLine=")
            JSONWriter.appendDecimal(lf.endLine, to: &out)
            put(",endColumn=")
            JSONWriter.appendDecimal(lf.endColumn, to: &out)
            put(",title=nomen ")
            escaped(f.rule, property: true)
            put("::")
            escaped(f.message, property: false)
            out.append(0x0A)
        }
        return out
    }

    // MARK: sarif

    public static func sarif(_ findings: [LocatedFinding], rules: RuleSet, style: Style) -> String {
        var stream = ReportStream(format: .sarif, rules: rules, style: style)
        return stream.begin() + stream.add(findings) + stream.end()
    }

    /// The SARIF log up to the opening of `results`.
    static func sarifHead(rules: RuleSet) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        w.string("version", "2.1.0")
        w.beginArray(key: "runs")
        w.beginObject()
        w.beginObject(key: "tool")
        w.beginObject(key: "driver")
        w.string("name", "nomen")
        w.string("informationUri", "https://github.com/nomen-lint/nomen")
        w.string("version", "0.1.0")
        w.beginArray(key: "rules")
        for p in rules.patterns {
            w.beginObject()
            w.string("id", p.id)
            w.beginObject(key: "shortDescription"); w.string("text", p.description.isEmpty ? "names follow \(p.layout)" : p.description); w.endObject()
            w.beginObject(key: "defaultConfiguration"); w.string("level", p.severity == .error ? "error" : "warning"); w.endObject()
            w.endObject()
        }
        for r in rules.legacy {
            w.beginObject()
            w.string("id", r.id)
            w.beginObject(key: "shortDescription"); w.string("text", r.kind == .retired ? "retired name `\(r.source)`" : "legacy name `\(r.source)`"); w.endObject()
            w.beginObject(key: "defaultConfiguration"); w.string("level", r.severity == .error ? "error" : "warning"); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.value("results", raw: "[")
        return w.output
    }

    static func sarifItem(_ w: inout JSONWriter, _ lf: LocatedFinding, uri: String, ruleIndex: [String: Int], style: Style) {
        let f = lf.finding
        w.beginObject()
        w.string("ruleId", f.rule)
        if let i = ruleIndex[f.rule] { w.int("ruleIndex", i) }
        w.string("level", f.severity == .error ? "error" : "warning")
        w.beginObject(key: "message"); w.string("text", f.message); w.endObject()
        w.beginArray(key: "locations")
        w.beginObject()
        w.beginObject(key: "physicalLocation")
        w.beginObject(key: "artifactLocation"); w.string("uri", uri); w.endObject()
        region(&w, lf)
        w.endObject()
        w.endObject()
        w.endArray()
        if f.isFixable(unsafe: style.unsafeFixes), let replacement = f.replacement {
            w.beginArray(key: "fixes")
            w.beginObject()
            w.beginObject(key: "description"); w.string("text", "replace `\(f.found)` with `\(replacement)`"); w.endObject()
            w.beginArray(key: "artifactChanges")
            w.beginObject()
            w.beginObject(key: "artifactLocation"); w.string("uri", uri); w.endObject()
            // One replacement per edit: exactly what `rewrite` writes (a dataset move edits two parts).
            w.beginArray(key: "replacements")
            for e in lf.editRegions {
                w.beginObject()
                w.beginObject(key: "deletedRegion")
                w.int("startLine", e.line); w.int("startColumn", e.column); w.int("endLine", e.endLine); w.int("endColumn", e.endColumn)
                w.endObject()
                w.beginObject(key: "insertedContent"); w.string("text", e.text); w.endObject()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            w.endArray()
            w.endObject()
            w.endArray()
        }
        w.endObject()
    }

    /// A relative URI reference for a relative path, a `file://` URI for an absolute one;
    /// bytes outside the unreserved set are percent-encoded.
    static func uri(_ path: String) -> String {
        var out: [UInt8] = path.hasPrefix("/") ? Array("file://".utf8) : []
        out.reserveCapacity(out.count + path.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(b)
            default:
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func region(_ w: inout JSONWriter, _ lf: LocatedFinding) {
        w.beginObject(key: "region")
        w.int("startLine", lf.line)
        w.int("startColumn", lf.column)
        w.int("endLine", lf.endLine)
        w.int("endColumn", lf.endColumn)
        w.endObject()
    }
}

/// Terminal columns of a scalar: 2 for East Asian wide and fullwidth characters, else 1.
enum DisplayWidth {
    static func of(_ s: Unicode.Scalar) -> Int {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}

/// Renders findings file by file, so a large report never has to sit in memory. Workers render
/// each file's `fragment`; the stream joins fragments in order and adds the frame.
public struct ReportStream: Sendable {
    public let format: ReportFormat
    let rules: RuleSet?
    public let style: FindingReport.Style
    private var count = 0
    let ruleIndex: [String: Int]

    public init(format: ReportFormat, rules: RuleSet?, style: FindingReport.Style) {
        self.format = format
        self.rules = rules
        self.style = style
        var index: [String: Int] = [:]
        for (i, id) in ((rules?.patterns.map(\.id) ?? []) + (rules?.legacy.map(\.id) ?? [])).enumerated() { index[id] = i }
        ruleIndex = index
    }

    /// One file's findings, rendered: the outcome's path is every finding's (see `LintRun.check`),
    /// so it is not compared finding by finding.
    public func fragment(_ outcome: FileOutcome) -> [UInt8] {
        assert(outcome.findings.allSatisfy { $0.finding.path.hasSameBytes(as: outcome.path) }, "a finding of another file")
        return fragment(outcome.findings, path: outcome.path)
    }

    /// One file's findings, rendered; JSON and SARIF items are separated by commas.
    public func fragment(_ findings: [LocatedFinding]) -> [UInt8] {
        fragment(findings, path: nil)
    }

    /// `path`: every finding's path, known to the caller (nil: compared here).
    private func fragment(_ findings: [LocatedFinding], path knownPath: String?) -> [UInt8] {
        guard !findings.isEmpty else { return [] }
        switch format {
        case .text: return FindingReport.textBytes(findings, style: style)
        case .github: return FindingReport.githubBytes(findings)
        case .json:
            // A fragment is one file's findings: one path, quoted once. The whole fragment is
            // written into memory reserved up front, each item checked against its bound first.
            let path = knownPath ?? findings[0].finding.path
            // By index: a closure over the elements would copy each finding.
            guard knownPath != nil || !findings.indices.contains(where: { !findings[$0].finding.path.hasSameBytes(as: path) }) else {
                return findings.indices.map { fragment([findings[$0]]) }.enumerated().flatMap { $0.offset > 0 ? [UInt8(ascii: ",")] + $0.element : $0.element }
            }
            var quotedPath: [UInt8] = []
            JSONWriter.appendQuoted(path, to: &quotedPath)
            // The findings are read through a pointer: each detail and fix is looked at in
            // place (read through the array, each would be copied out, its references counted).
            return findings.withUnsafeBufferPointer { fs in quotedPath.withUnsafeBufferPointer { quotedPath in
                var bound = 0
                for k in fs.indices { bound += 1 + FindingReport.jsonItemBound(fs[k].finding.detail.json, quotedPath: quotedPath) }
                return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                    var w = FindingReport.ItemWriter(base: buffer.baseAddress!)
                    for k in fs.indices {
                        let json = fs[k].finding.detail.json, tailStart = fs[k].finding.detail.jsonTailStart
                        precondition(w.count + 1 + FindingReport.jsonItemBound(json, quotedPath: quotedPath) <= bound,
                                     "a JSON fragment outgrew its bound")
                        if k > 0 { w.put(",") }
                        FindingReport.jsonItem(&w, line: fs[k].line, column: fs[k].column, endLine: fs[k].endLine, endColumn: fs[k].endColumn,
                                               json: json, tailStart: tailStart, applicability: fs[k].finding.applicability,
                                               quotedPath: quotedPath, style: style)
                    }
                    count = w.count
                }
            } }
        case .sarif:
            // One writer for the file: it puts the commas between the items itself.
            var w = JSONWriter(depth: 4, capacity: findings.count * 400)
            var path: String? = nil, uri = ""
            for lf in findings {
                if path.map({ !$0.hasSameBytes(as: lf.finding.path) }) ?? true { path = lf.finding.path; uri = FindingReport.uri(lf.finding.path) }
                FindingReport.sarifItem(&w, lf, uri: uri, ruleIndex: ruleIndex, style: style)
            }
            return w.bytes
        }
    }

    public mutating func begin() -> String {
        switch format {
        case .json: return "["
        case .sarif: return rules.map(FindingReport.sarifHead) ?? ""
        case .text, .github: return ""
        }
    }

    /// A fragment in its place: after a comma when items came before it.
    public mutating func add(fragment: [UInt8]) -> [UInt8] {
        let before = separator(before: fragment)
        return before.isEmpty ? fragment : before + fragment
    }

    /// What goes before `fragment` (a comma when items came before it), counting it as added;
    /// the caller writes the fragment itself, uncopied.
    public mutating func separator(before fragment: [UInt8]) -> [UInt8] {
        guard !fragment.isEmpty else { return [] }
        defer { count += 1 }
        return count > 0 && (format == .json || format == .sarif) ? [UInt8(ascii: ",")] : []
    }

    public mutating func add(_ findings: [LocatedFinding]) -> String {
        String(decoding: add(fragment: fragment(findings)), as: UTF8.self)
    }

    public mutating func end() -> String {
        switch format {
        case .json: return (count > 0 ? "\n" : "") + "]\n"
        case .sarif:
            let close = count > 0 ? "\n      ]" : "]"
            return close + ",\n      \"columnKind\": \"unicodeCodePoints\"\n    }\n  ]\n}\n"
        case .text, .github: return ""
        }
    }
}

/// Counts for `--statistics` and the summary line, gathered while streaming.
///
/// Findings are counted per shared `FindingDetail` (found by identity: no rule id is hashed
/// per finding); the per-rule counts are summed from those when asked for.
public struct FindingTally: Sendable {
    public private(set) var errors = 0
    public private(set) var warnings = 0
    public private(set) var fixable = 0
    public private(set) var unsafe = 0
    struct Counted: Sendable {
        let detail: FindingDetail
        var count: Int
        var fixable: Int
        /// The detail's identity, compared without touching the detail.
        let id: ObjectIdentifier

        init(detail: FindingDetail, count: Int, fixable: Int) {
            self.detail = detail
            self.count = count
            self.fixable = fixable
            id = ObjectIdentifier(detail)
        }
    }
    /// Counts gathered by `add`, found by identity through `lastPlace`; a detail may appear
    /// more than once.
    private var recent: [Counted] = []
    /// Where in `recent` a detail was last counted, by a hash of its address (direct-mapped:
    /// a detail whose place was taken by another gets a new entry). Made on first need.
    private var lastPlace: [Int32] = []
    private static let placeBits = 8
    /// Counts gathered by `merge`, one per detail.
    private var perDetail: [ObjectIdentifier: Counted] = [:]
    /// Counts moved out of `perDetail` when it grows large (it keeps its details alive).
    private var folded: [String: (count: Int, severity: Severity, fixable: Int)] = [:]
    static let foldLimit = 4096

    public init() {}

    public var total: Int { errors + warnings }

    /// Per rule: how many findings, the highest severity, how many fixable.
    var byRule: [String: (count: Int, severity: Severity, fixable: Int)] {
        var out = folded
        for c in perDetail.values { Self.add(c.count, c.fixable, c.detail.severity, to: &out[c.detail.rule]) }
        for c in recent { Self.add(c.count, c.fixable, c.detail.severity, to: &out[c.detail.rule]) }
        return out
    }

    private static func add(_ count: Int, _ fixable: Int, _ severity: Severity, to slot: inout (count: Int, severity: Severity, fixable: Int)?) {
        let c = slot ?? (0, severity, 0)
        slot = (c.count + count, max(c.severity, severity), c.fixable + fixable)
    }

    public mutating func add(_ findings: [LocatedFinding]) {
        if lastPlace.isEmpty { lastPlace = Array(repeating: -1, count: 1 << Self.placeBits) }
        // Read through a pointer and compared by identity: a detail is retained only when it
        // is new to the tally.
        findings.withUnsafeBufferPointer { fs in
            for i in fs.indices {
                let id = ObjectIdentifier(fs[i].finding.detail)
                let applicability = fs[i].finding.applicability
                if fs[i].finding.detail.severity == .error { errors += 1 } else { warnings += 1 }
                let isFixable = applicability == .safe
                if isFixable { fixable += 1 }
                if applicability == .unsafe { unsafe += 1 }
                let address = UInt(bitPattern: id)
                let h = Int(truncatingIfNeeded: (address >> 4) ^ (address >> 12)) & ((1 << Self.placeBits) - 1)
                var k = Int(lastPlace[h])
                if k < 0 || recent[k].id != id {
                    if recent.count >= Self.foldLimit {
                        for c in recent { add(c) }
                        recent.removeAll(keepingCapacity: true)
                        for j in lastPlace.indices { lastPlace[j] = -1 }
                    }
                    recent.append(Counted(detail: fs[i].finding.detail, count: 0, fixable: 0))
                    k = recent.count - 1
                    lastPlace[h] = Int32(k)
                }
                recent[k].count += 1
                if isFixable { recent[k].fixable += 1 }
            }
        }
    }

    private mutating func add(_ c: Counted) {
        if let i = perDetail.index(forKey: ObjectIdentifier(c.detail)) {
            perDetail.values[i].count += c.count
            perDetail.values[i].fixable += c.fixable
            return
        }
        if perDetail.count >= Self.foldLimit {
            for d in perDetail.values { Self.add(d.count, d.fixable, d.detail.severity, to: &folded[d.detail.rule]) }
            perDetail.removeAll(keepingCapacity: true)
        }
        perDetail[ObjectIdentifier(c.detail)] = c
    }

    /// Adds another tally (one file's, counted on a worker thread).
    public mutating func merge(_ other: FindingTally) {
        errors += other.errors
        warnings += other.warnings
        fixable += other.fixable
        unsafe += other.unsafe
        for c in other.recent { add(c) }
        for c in other.perDetail.values { add(c) }
        for (rule, c) in other.folded { Self.add(c.count, c.fixable, c.severity, to: &folded[rule]) }
    }
}

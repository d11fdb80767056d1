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
        func paint(_ s: String, _ code: String) -> String { style.color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = ""
        for lf in findings {
            let f = lf.finding
            let severity = f.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
            out += paint("\(f.path):\(lf.line):\(lf.column):", "1") + " \(severity): \(f.message) [\(f.rule)]\n"
            // The source line and a caret under the name (columns in Unicode scalars; tabs kept).
            let line = lf.sourceLine
            out += "  " + line + "\n"
            var pad = ""
            var width = 0
            let lastColumn = lf.endLine == lf.line ? lf.endColumn - 1 : line.unicodeScalars.count
            for (i, ch) in line.unicodeScalars.enumerated() {
                if i < lf.column - 1 { pad += ch == "\t" ? "\t" : String(repeating: " ", count: DisplayWidth.of(ch)) }
                else if i < lastColumn { width += DisplayWidth.of(ch) }
            }
            width = max(1, width)
            out += "  " + pad + paint("^" + String(repeating: "~", count: width - 1), f.severity == .error ? "31" : "33")
            if f.isFixable(unsafe: style.unsafeFixes), let r = f.replacement {
                out += " " + paint("fix: `\(r)`", "32") + (f.fix?.applicability == .unsafe ? " (unsafe)" : "")
            }
            out += "\n"
        }
        return out
    }

    public static func summary(_ findings: [LocatedFinding], files: Int, skipped: Int = 0, style: Style) -> String {
        let skippedNote = skipped > 0 ? " (\(skipped) skipped)" : ""
        let errors = findings.filter { $0.finding.severity == .error }.count
        let warnings = findings.count - errors
        let fixable = findings.filter { $0.finding.isFixable(unsafe: false) }.count
        let unsafe = findings.filter { $0.finding.fix?.applicability == .unsafe }.count
        if findings.isEmpty { return "All clear: \(files) file\(files == 1 ? "" : "s") checked\(skippedNote), no findings.\n" }
        var s = "Found \(errors) error\(errors == 1 ? "" : "s") and \(warnings) warning\(warnings == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")\(skippedNote)."
        if fixable > 0 { s += " \(fixable) fixable with `nomen rewrite`" + (unsafe > 0 ? ", \(unsafe) more with `--unsafe-fixes`" : "") + "." }
        else if unsafe > 0 { s += " \(unsafe) fixable with `nomen rewrite --unsafe-fixes`." }
        return s + "\n"
    }

    public static func statistics(_ findings: [LocatedFinding]) -> String {
        var counts: [String: (Int, Severity, Int)] = [:]
        for lf in findings {
            let f = lf.finding
            let c = counts[f.rule] ?? (0, f.severity, 0)
            counts[f.rule] = (c.0 + 1, max(c.1, f.severity), c.2 + (f.isFixable(unsafe: false) ? 1 : 0))
        }
        var out = ""
        for (rule, c) in counts.sorted(by: { ($0.value.0, $1.key) > ($1.value.0, $0.key) }) {
            let n = String(c.0)
            out += String(repeating: " ", count: max(0, 6 - n.count)) + n + "  " + rule + String(repeating: " ", count: max(1, 30 - rule.count))
                + c.1.rawValue + (c.2 > 0 ? "  (\(c.2) fixable)" : "") + "\n"
        }
        return out
    }

    // MARK: json

    public static func json(_ findings: [LocatedFinding], style: Style) -> String {
        var w = JSONWriter()
        w.beginArray()
        for lf in findings {
            let f = lf.finding
            w.beginObject()
            w.string("path", f.path)
            w.int("line", lf.line)
            w.int("column", lf.column)
            w.int("endLine", lf.endLine)
            w.int("endColumn", lf.endColumn)
            w.string("rule", f.rule)
            w.string("severity", f.severity.rawValue)
            w.string("message", f.message)
            w.string("found", f.found)
            w.string("replacement", f.replacement)
            w.bool("fixable", f.isFixable(unsafe: style.unsafeFixes))
            w.string("applicability", f.fix?.applicability.rawValue)
            w.string("context", f.context.rawValue)
            w.endObject()
        }
        w.endArray()
        return w.output + "\n"
    }

    // MARK: github

    public static func github(_ findings: [LocatedFinding]) -> String {
        func escapeData(_ s: String) -> String {
            s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
        }
        var out = ""
        for lf in findings {
            let f = lf.finding
            out += "::\(f.severity == .error ? "error" : "warning") file=\(escapeProperty(f.path)),line=\(lf.line),col=\(lf.column),endLine=\(lf.endLine),endColumn=\(lf.endColumn),title=\(escapeProperty("nomen " + f.rule))::\(escapeData(f.message))\n"
        }
        return out
    }

    // MARK: sarif

    public static func sarif(_ findings: [LocatedFinding], rules: RuleSet, style: Style) -> String {
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
        var ids: [String] = []
        for p in rules.patterns {
            ids.append(p.id)
            w.beginObject()
            w.string("id", p.id)
            w.beginObject(key: "shortDescription"); w.string("text", p.description.isEmpty ? "names follow \(p.layout)" : p.description); w.endObject()
            w.beginObject(key: "defaultConfiguration"); w.string("level", p.severity == .error ? "error" : "warning"); w.endObject()
            w.endObject()
        }
        for r in rules.legacy {
            ids.append(r.id)
            w.beginObject()
            w.string("id", r.id)
            w.beginObject(key: "shortDescription"); w.string("text", r.kind == .retired ? "retired name `\(r.source)`" : "legacy name `\(r.source)`"); w.endObject()
            w.beginObject(key: "defaultConfiguration"); w.string("level", r.severity == .error ? "error" : "warning"); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.beginArray(key: "results")
        for lf in findings {
            let f = lf.finding
            w.beginObject()
            w.string("ruleId", f.rule)
            if let i = ids.firstIndex(of: f.rule) { w.int("ruleIndex", i) }
            w.string("level", f.severity == .error ? "error" : "warning")
            w.beginObject(key: "message"); w.string("text", f.message); w.endObject()
            w.beginArray(key: "locations")
            w.beginObject()
            w.beginObject(key: "physicalLocation")
            w.beginObject(key: "artifactLocation"); w.string("uri", f.path); w.endObject()
            region(&w, lf)
            w.endObject()
            w.endObject()
            w.endArray()
            if f.isFixable(unsafe: style.unsafeFixes), let replacement = f.replacement {
                w.beginArray(key: "fixes")
                w.beginObject()
                w.beginObject(key: "description"); w.string("text", f.fix?.title ?? "replace with `\(replacement)`"); w.endObject()
                w.beginArray(key: "artifactChanges")
                w.beginObject()
                w.beginObject(key: "artifactLocation"); w.string("uri", f.path); w.endObject()
                w.beginArray(key: "replacements")
                w.beginObject()
                w.beginObject(key: "deletedRegion")
                w.int("startLine", lf.line); w.int("startColumn", lf.column); w.int("endLine", lf.endLine); w.int("endColumn", lf.endColumn)
                w.endObject()
                w.beginObject(key: "insertedContent"); w.string("text", replacement); w.endObject()
                w.endObject()
                w.endArray()
                w.endObject()
                w.endArray()
                w.endObject()
                w.endArray()
            }
            w.endObject()
        }
        w.endArray()
        w.string("columnKind", "unicodeCodePoints")
        w.endObject()
        w.endArray()
        w.endObject()
        return w.output + "\n"
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

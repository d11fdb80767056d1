/// Renders `nomen validate` results.
public enum ValidationReport {
    public static func json(_ results: [Validation]) -> String {
        var w = JSONWriter()
        w.beginArray()
        for r in results {
            w.beginObject()
            w.string("input", r.input)
            w.bool("valid", r.valid)
            w.string("pattern", r.pattern)
            w.beginArray(key: "segments")
            for s in r.segments {
                w.beginObject(); w.string("name", s.name); w.string("value", s.value); w.endObject()
            }
            w.endArray()
            w.beginArray(key: "errors")
            for e in r.errors {
                w.beginObject()
                w.string("segment", e.segment)
                w.int("column", e.column)
                w.string("message", e.message)
                w.string("suggestion", e.suggestion)
                w.endObject()
            }
            w.endArray()
            if let legacy = r.legacy {
                w.beginObject(key: "legacy")
                w.string("rule", legacy.rule)
                w.string("replacement", legacy.replacement)
                w.endObject()
            } else {
                w.null("legacy")
            }
            if let note = r.note { w.string("note", note) }
            w.endObject()
        }
        w.endArray()
        return w.output + "\n"
    }

    public static func text(_ results: [Validation]) -> String {
        var out = ""
        for r in results {
            if r.valid {
                out += "\(r.input): valid"
                if let p = r.pattern { out += " (\(p))" }
                out += "\n"
                let width = r.segments.map(\.name.count).max() ?? 0
                for s in r.segments {
                    out += "  " + s.name + String(repeating: " ", count: width - s.name.count) + "  " + s.value + "\n"
                }
                if let note = r.note { out += "  note: \(note)\n" }
                continue
            }
            out += "\(r.input): invalid" + (r.pattern.map { " (\($0))" } ?? "") + "\n"
            for e in r.errors {
                out += "  column \(e.column)" + (e.segment.map { " (\($0))" } ?? "") + ": \(e.message)\n"
                out += "    " + r.input + "\n"
                out += "    " + String(repeating: " ", count: max(0, e.column - 1)) + "^\n"
                if let s = e.suggestion { out += "  suggestion: \(s)\n" }
            }
            if let legacy = r.legacy {
                out += "  legacy rule: \(legacy.rule)" + (legacy.replacement.map { ", replacement: \($0)" } ?? ", no replacement") + "\n"
            }
        }
        return out
    }
}

/// Renders `nomen rules`.
public enum RulesReport {
    public static func text(_ rules: RuleSet, today: Day = .today()) -> String {
        var out = "rule set `\(rules.name)` (\(rules.file))\n\npatterns:\n"
        for p in rules.patterns {
            var scope: [String] = []
            if !p.datasets.isEmpty { scope.append("datasets " + p.datasets.joined(separator: ", ")) }
            if !p.pathPrefixes.isEmpty { scope.append("paths " + p.pathPrefixes.joined(separator: ", ")) }
            if !p.prefixes.isEmpty { scope.append("words " + p.prefixes.map { $0 + "…" }.joined(separator: ", ")) }
            out += "  \(p.id)  \(p.layout)  [\(p.severity.rawValue)]" + (scope.isEmpty ? "" : "  (\(scope.joined(separator: "; ")))") + "\n"
        }
        if !rules.exceptions.isEmpty {
            out += "\nexceptions:\n"
            for e in rules.exceptions { out += "  \(e.name)" + (e.datasets.isEmpty ? "" : " (in \(e.datasets.joined(separator: ", ")))") + "\n" }
        }
        out += "\nlegacy and retired:\n"
        for r in rules.legacy {
            var line = "  \(r.id)  [\(r.kind.rawValue), \(r.severity(on: today).rawValue)]  "
            if let d = r.dataset { line += d + "." }
            line += r.source
            if let t = r.replacement { line += "  →  " + (r.replacementDataset.map { $0 + "." } ?? "") + t.source }
            if let w = r.warnUntil { line += "  (warn until \(w))" }
            if let e = r.errorAfter { line += "  (error after \(e))" }
            out += line + "\n"
        }
        if let note = rules.searchNote { out += "\nsearch: \(note)\n" }
        return out
    }
}

/// `nomen scan --dump`: every span the scanners saw, as JSON, for tests and bug reports.
public enum ScanDump {
    public static func json(_ source: SourceFile) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("path", source.path)
        w.string("language", source.language.rawValue)
        w.int("bytes", source.bytes.count)
        w.bool("bom", source.hasBOM)
        if source.language == .notebook {
            w.beginArray(key: "cells")
            for cell in Notebook.cells(of: source.bytes) ?? [] {
                w.beginObject()
                w.string("language", cell.language.rawValue)
                cell.bytes.withUnsafeBufferPointer { b in
                    let regions = Tokenizers.regions(in: b, language: cell.language, path: source.path)
                    dump(&w, regions: regions, bytes: cell.bytes, map: cell.map)
                    if cell.language == .sql { dumpReferences(&w, SQLTokenizer.scan(b, range: 0..<b.count).references, bytes: cell.bytes, map: cell.map) }
                }
                w.endObject()
            }
            w.endArray()
        } else {
            source.bytes.withUnsafeBufferPointer { b in
                let regions = Tokenizers.regions(in: b, language: source.language, path: source.path)
                dump(&w, regions: regions, bytes: source.bytes, map: nil)
                var refs: [SQLTokenizer.TableReference] = []
                if source.language == .sql { refs = SQLTokenizer.scan(b, range: 0..<b.count).references }
                for r in regions.regions where r.holdsSQL { refs += SQLTokenizer.scan(b, range: r.content).references }
                dumpReferences(&w, refs, bytes: source.bytes, map: nil)
            }
        }
        w.endObject()
        return w.output + "\n"
    }

    private static func dump(_ w: inout JSONWriter, regions: RegionTree, bytes: [UInt8], map: OffsetMap?) {
        w.beginArray(key: "tokens")
        for r in regions.regions { token(&w, r, in: regions, bytes: bytes, map: map) }
        w.endArray()
    }

    private static func span(_ w: inout JSONWriter, _ key: String, _ r: Range<Int>, map: OffsetMap?) {
        w.beginArray(key: key)
        w.int(nil, map?[r.lowerBound] ?? r.lowerBound)
        w.int(nil, map?[r.upperBound] ?? r.upperBound)
        w.endArray()
    }

    private static func token(_ w: inout JSONWriter, _ r: Region, in tree: RegionTree, bytes: [UInt8], map: OffsetMap?) {
        w.beginObject()
        w.string("kind", r.kind.rawValue)
        w.string("context", r.context.rawValue)
        span(&w, "range", r.range, map: map)
        span(&w, "content", r.content, map: map)
        if r.kind == .string {
            w.string("prefix", r.prefix)
            w.string("quote", r.quote)
            w.bool("terminated", r.terminated)
        }
        if r.holdsSQL { w.bool("sql", true) }
        if !tree.fields(of: r).isEmpty {
            w.beginArray(key: "placeholders")
            for f in tree.fields(of: r) {
                w.beginObject()
                span(&w, "range", f.range, map: map)
                w.string("expression", String(decoding: bytes[f.expression], as: UTF8.self))
                if !tree.strings(of: f).isEmpty {
                    w.beginArray(key: "strings")
                    for s in tree.strings(of: f) { token(&w, s, in: tree, bytes: bytes, map: map) }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
        }
        if !tree.children(of: r).isEmpty {
            w.beginArray(key: "children")
            for c in tree.children(of: r) { token(&w, c, in: tree, bytes: bytes, map: map) }
            w.endArray()
        }
        w.endObject()
    }

    private static func dumpReferences(_ w: inout JSONWriter, _ refs: [SQLTokenizer.TableReference], bytes: [UInt8], map: OffsetMap?) {
        w.beginArray(key: "tableReferences")
        for ref in refs {
            w.beginObject()
            span(&w, "range", ref.range, map: map)
            w.bool("backticked", ref.backticked)
            let names = ref.parts.count == 3 ? ["project", "dataset", "table"] : ref.parts.count == 2 ? ["dataset", "table"] : Array(repeating: "part", count: ref.parts.count)
            if ref.parts.count == 1 { w.string("table", String(decoding: bytes[ref.parts[0]], as: UTF8.self)) }
            w.beginArray(key: "parts")
            for (i, p) in ref.parts.enumerated() {
                w.beginObject()
                w.string("role", ref.parts.count == 1 ? "table" : names[min(i, names.count - 1)])
                w.string("text", String(decoding: bytes[p], as: UTF8.self))
                span(&w, "range", p, map: map)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }
}

import CByteScan
#if canImport(Glibc)
import Glibc
#endif

/// Unified diffs that `git apply` and `patch -p1` accept: `a/`/`b/` prefixes, 3 lines of
/// context, C-quoted paths where needed, `\ No newline at end of file` where due. Lines keep
/// their bytes (a CRLF line stays CRLF).
public enum UnifiedDiff {
    public static let context = 3

    /// The diff between `old` and `new`, where `new` differs from `old` by `edits`.
    public static func render(path: String, old: [UInt8], edits unordered: [Edit]) -> [UInt8] {
        old.withUnsafeBufferPointer { render(path: path, old: $0, edits: unordered, indexWholeFile: false) }
    }

    /// The same over the old bytes in place (`rewrite` diffs the file in its read buffer).
    public static func render(path: String, old: UnsafeBufferPointer<UInt8>, edits unordered: [Edit]) -> [UInt8] {
        render(path: path, old: old, edits: unordered, indexWholeFile: false)
    }

    /// `indexWholeFile`: find the hunks' lines in an index of every line even when no edit
    /// moves a line (the tests hold the usual way to it).
    static func render(path: String, old: [UInt8], edits unordered: [Edit], indexWholeFile: Bool) -> [UInt8] {
        old.withUnsafeBufferPointer { render(path: path, old: $0, edits: unordered, indexWholeFile: indexWholeFile) }
    }

    static func render(path: String, old: UnsafeBufferPointer<UInt8>, edits unordered: [Edit], indexWholeFile: Bool) -> [UInt8] {
        let inOrder = zip(unordered, unordered.dropFirst()).allSatisfy { $0.range.lowerBound <= $1.range.lowerBound }
        let edits = inOrder ? unordered : unordered.sorted(by: { $0.range.lowerBound < $1.range.lowerBound })
        // When no edit takes or adds a line break (names never do), each new line is its old
        // line with its edits applied, written straight out; otherwise the new version is
        // built and indexed.
        let lineForLine = edits.allSatisfy { e in
            (e.range.isEmpty || memchr(old.baseAddress! + e.range.lowerBound, 0x0A, e.range.count) == nil) && !e.replacement.contains(0x0A)
        }
        // Line starts of the whole old version only when lines move (line for line, a hunk's
        // lines are found from its first change: no index of the whole file is made).
        // (Lines that move are rare: the old bytes are copied for them.)
        let oldIndex = lineForLine && !indexWholeFile ? nil : LineIndex(Array(old))
        let newIndex = lineForLine ? nil : LineIndex(Fixer.apply(edits, to: Array(old)))
        var nextEdit = 0
        // Old lines touched by each edit, and how the line count shifts after it.
        // (`firstStart`: where the old line `first` starts.)
        var changed: [(first: Int, last: Int, newFirst: Int, newLast: Int, firstStart: Int)] = []
        var shift = 0
        // The (0-based) line of an offset: line feeds counted on from the previous offset asked
        // about (the edits are in order), 32 bytes at a time, rather than a binary search per
        // edit, whose branches are unpredictable.
        // `lineStart` is where the line holding `countedTo` starts.
        var countedTo = 0, linesBefore = 0, lineStart = 0
        func line(of offset: Int) -> Int {
            if offset < countedTo { countedTo = 0; linesBefore = 0; lineStart = 0 }
            if offset > countedTo {
                var after = lineStart
                linesBefore += nomen_count_lines(old.baseAddress!, countedTo, offset, &after)
                lineStart = after
                countedTo = offset
            }
            return linesBefore
        }
        for k in edits.indices {
            // (Ranges read by index: an edit copied out counts a reference to its replacement.)
            let editRange = edits[k].range
            let first = line(of: editRange.lowerBound)
            let firstStart = lineStart
            let last = line(of: max(editRange.lowerBound, editRange.upperBound))
            // Line for line, no edit takes or adds a line break.
            let removed = lineForLine ? 0 : old[editRange].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let added = lineForLine ? 0 : edits[k].replacement.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let newFirst = first + shift
            shift += added - removed
            let newLast = last + shift
            // Changes on the same or adjacent lines form one block: all `-` lines, then all `+`.
            if let prev = changed.last, first <= prev.last + 1 {
                changed[changed.count - 1] = (prev.first, max(prev.last, last), prev.newFirst, max(prev.newLast, newLast), prev.firstStart)
            } else {
                changed.append((first, last, newFirst, newLast, firstStart))
            }
        }
        guard !changed.isEmpty else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(old.count / 2 + 256)
        out += Array("--- \(quote("a/" + path))\n+++ \(quote("b/" + path))\n".utf8)
        // Group changes whose context windows touch (each group a range of `changed`).
        var groups: [Range<Int>] = []
        for (k, c) in changed.enumerated() {
            if let g = groups.last, c.first - changed[g.upperBound - 1].last - 1 <= 2 * context {
                groups[groups.count - 1] = g.lowerBound..<(k + 1)
            } else {
                groups.append(k..<(k + 1))
            }
        }
        // Lines are copied from the old bytes through pointers: a line read as a slice of the
        // array would count a reference to it, for each of the diff's lines.
        // With the whole file's index: its starts and the end of the last line.
        let indexed = oldIndex.map { $0.starts + [old.count] }
        var localStarts: [Int] = []
        do {
            let b = old
            for members in groups {
                let g = changed[members]
                let head = g[g.startIndex], tail = g[g.endIndex - 1]
                let start = max(0, head.first - context)
                // The starts of the hunk's old lines (and the end of its last), from the whole
                // file's index or found from the first change: back to the first context line,
                // then line by line to the last (fewer when the file ends first).
                let firstLine: Int
                localStarts.removeAll(keepingCapacity: true)
                if let indexed {
                    firstLine = 0
                    localStarts = indexed
                } else {
                    firstLine = start
                    var s = head.firstStart
                    for _ in start..<head.first { s = Self.lineStart(before: s, in: b) }
                    localStarts.append(s)
                    while localStarts.count - 1 <= tail.last + context - start {
                        let e = Self.lineEnd(from: s, in: b)
                        localStarts.append(e)
                        // No line after a final line feed (and none after the end).
                        if e >= b.count { break }
                        s = e
                    }
                }
                // The file's last line, or the last found, whichever comes first. (An insertion
                // at the end after a final line feed is on the line after the last: a line
                // that is added, with no old line to remove.)
                let lastLine = oldIndex.map { $0.lineCount - 1 } ?? (firstLine + localStarts.count - 2)
                let end = min(lastLine, tail.last + context)
                let newStart = head.newFirst - (head.first - start)
                let newEnd = tail.newLast + max(0, end - tail.last)
                append(&out, "@@ -")
                range(start, end - start + 1, to: &out)
                append(&out, " +")
                range(newStart, newEnd - newStart + 1, to: &out)
                append(&out, " @@\n")
                localStarts.withUnsafeBufferPointer { starts in
                let lines = Lines(bytes: b, starts: starts, first: firstLine)
                if let newIndex {
                    // Lines move: the `+` lines are the new version's, from its index.
                    var o = start
                    for c in g {
                        while o < c.first { lines.emit(&out, UInt8(ascii: " "), o); o += 1 }
                        for k in c.first...c.last where k <= lastLine { lines.emit(&out, UInt8(ascii: "-"), k) }
                        for k in c.newFirst...c.newLast { emit(&out, UInt8(ascii: "+"), newIndex.line(k)) }
                        o = c.last + 1
                    }
                    while o <= end { lines.emit(&out, UInt8(ascii: " "), o); o += 1 }
                    return
                }
                // Line for line, the hunk is written through a pointer into room made for it at
                // once (an append per line costs more than its copy): each old line at most twice
                // (as context or `-`, and as `+`), a marker each, the replacements of the hunk's
                // edits, and the notes of a last line.
                let span = lines.bounds(end).upperBound - lines.bounds(start).lowerBound
                let hunkEnd = lines.bounds(tail.last).upperBound
                var replaced = 0
                var j = nextEdit
                while j < edits.count, edits[j].range.lowerBound < hunkEnd || (hunkEnd == b.count && edits[j].range.lowerBound == hunkEnd) {
                    replaced += edits[j].replacement.count
                    j += 1
                }
                let bound = 2 * span + 2 * (end - start + 2) + replaced + 4 * noNewline.count
                let before = out.count
                // (Made from a page of zeros: appending repeated zeros goes element by element.)
                UnifiedDiff.zeros.withUnsafeBufferPointer { page in
                    var left = bound
                    while left > 0 {
                        let n = min(left, page.count)
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: page[0..<n]))
                        left -= n
                    }
                }
                let written = out.withUnsafeMutableBufferPointer { buffer -> Int in
                    let from = buffer.baseAddress! + before
                    var w = from
                    var o = start
                    edits.withUnsafeBufferPointer { es in
                        for c in g {
                            while o < c.first { lines.write(&w, UInt8(ascii: " "), o); o += 1 }
                            for k in c.first...c.last where k <= lastLine { lines.write(&w, UInt8(ascii: "-"), k) }
                            for k in c.first...c.last { lines.writeEdited(&w, line: k, edits: es, next: &nextEdit) }
                            o = c.last + 1
                        }
                    }
                    while o <= end { lines.write(&w, UInt8(ascii: " "), o); o += 1 }
                    return from.distance(to: w)
                }
                precondition(written <= bound, "a hunk outgrew its room")
                out.removeLast(bound - written)
                }
            }
        }
        return out
    }

    /// Where the line before the one starting at `s` starts (`s` > 0).
    private static func lineStart(before s: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        // The line feed ending the line before is at s - 1: that line starts after the one
        // before it.
        s > 1 ? nomen_line_start(b.baseAddress!, s - 1) : 0
    }

    /// Where the line starting at `s` ends (after its line feed, or at the end).
    private static func lineEnd(from s: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        guard s < b.count, let p = memchr(b.baseAddress! + s, 0x0A, b.count - s) else { return b.count }
        return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
    }

    /// The old version's lines, read in place: `starts[k - first]` is where line `k` starts,
    /// and the last element where the last line given ends.
    private struct Lines {
        let bytes: UnsafeBufferPointer<UInt8>
        let starts: UnsafeBufferPointer<Int>
        let first: Int

        /// Line `k` (0-based) with its terminator (empty at the end, for an insertion there).
        @inline(__always)
        func bounds(_ k: Int) -> Range<Int> {
            let i = k - first
            let s = starts[min(i, starts.count - 1)]
            let e = i + 1 < starts.count ? starts[i + 1] : bytes.count
            return s..<max(s, e)
        }

        /// `marker` and line `k`, with a note when it has no line break.
        func emit(_ out: inout [UInt8], _ marker: UInt8, _ k: Int) {
            let r = bounds(k)
            out.append(marker)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[r]))
            if r.isEmpty || bytes[r.upperBound - 1] != 0x0A { out += noNewline }
        }

        /// `marker` and line `k` through a pointer (the room is made), with a note when it has
        /// no line break.
        @inline(__always)
        func write(_ w: inout UnsafeMutablePointer<UInt8>, _ marker: UInt8, _ k: Int) {
            let r = bounds(k)
            w.pointee = marker
            w += 1
            put(&w, r)
            if r.isEmpty || bytes[r.upperBound - 1] != 0x0A { UnifiedDiff.writeNoNewline(&w) }
        }

        @inline(__always)
        private func put(_ w: inout UnsafeMutablePointer<UInt8>, _ r: Range<Int>) {
            guard !r.isEmpty else { return }
            w.update(from: bytes.baseAddress! + r.lowerBound, count: r.count)
            w += r.count
        }

        /// `+` and line `k` with the edits that lie in it applied (edits from `next` on, in
        /// order; `next` moves past those used), through a pointer (the room is made).
        func writeEdited(_ w: inout UnsafeMutablePointer<UInt8>, line k: Int, edits: UnsafeBufferPointer<Edit>, next: inout Int) {
            let r = bounds(k)
            let end = r.upperBound
            w.pointee = UInt8(ascii: "+")
            w += 1
            var cursor = r.lowerBound
            var last: UInt8? = nil
            // An insertion at the very end of the file belongs to the last line.
            while next < edits.count, edits[next].range.lowerBound < end || (end == bytes.count && edits[next].range.lowerBound == end) {
                let range = edits[next].range
                put(&w, cursor..<range.lowerBound)
                edits[next].replacement.withUnsafeBufferPointer { rep in
                    if let base = rep.baseAddress, !rep.isEmpty { w.update(from: base, count: rep.count); w += rep.count }
                }
                if let r = edits[next].replacement.last { last = r } else if range.lowerBound > cursor { last = bytes[range.lowerBound - 1] }
                cursor = range.upperBound
                next += 1
            }
            put(&w, cursor..<end)
            if end > cursor { last = bytes[end - 1] }
            if last != 0x0A { UnifiedDiff.writeNoNewline(&w) }
        }
    }

    /// A hunk range, `start` 0-based: `l` for one line, else `l,count` (an empty range names
    /// the line before it).
    private static func range(_ start: Int, _ count: Int, to out: inout [UInt8]) {
        if count == 1 { JSONWriter.appendDecimal(start + 1, to: &out); return }
        JSONWriter.appendDecimal(count == 0 ? start : start + 1, to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendDecimal(count, to: &out)
    }

    private static let noNewline = SharedObjects.pinned(Array("\n\\ No newline at end of file\n".utf8))

    private static let zeros = SharedObjects.pinned([UInt8](repeating: 0, count: 4096))

    private static func writeNoNewline(_ w: inout UnsafeMutablePointer<UInt8>) {
        noNewline.withUnsafeBufferPointer { note in
            w.update(from: note.baseAddress!, count: note.count)
            w += note.count
        }
    }

    /// A constant piece, from the binary's bytes.
    private static func append(_ out: inout [UInt8], _ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private static func emit(_ out: inout [UInt8], _ marker: UInt8, _ line: ArraySlice<UInt8>) {
        out.append(marker)
        line.withUnsafeBufferPointer { out.append(contentsOf: $0) }
        if line.last != 0x0A { out += noNewline }
    }

    /// Git's C-style quoting for paths with spaces, quotes, backslashes, control or non-ASCII bytes.
    public static func quote(_ path: String) -> String {
        // (Read as one buffer: a diff quotes two paths per file.)
        func special(_ c: UInt8) -> Bool { c < 0x21 || c >= 0x7F || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") }
        var copy = path
        let needs = copy.withUTF8 { $0.contains(where: special) }
        guard needs else { return path }
        var out = "\""
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x20: out += " "
            default:
                if b < 0x20 || b >= 0x7F {
                    let oct = String(b, radix: 8)
                    out += "\\" + String(repeating: "0", count: 3 - oct.count) + oct
                } else {
                    out.unicodeScalars.append(Unicode.Scalar(b))
                }
            }
        }
        return out + "\""
    }
}

/// The rules of one `.gitignore` (or `.git/info/exclude`), relative to its folder.
struct IgnoreFile: Sendable {
    struct Rule: Sendable {
        let glob: Glob
        let negated: Bool
    }
    /// The folder the patterns are relative to, relative to the repository's root ("" for the root).
    let base: String
    let rules: [Rule]
    /// The rules that can speak of a file (not `dir/`-only ones), in order: the walker asks
    /// about every file, and most rules of a `.gitignore` name folders.
    let fileRules: [Rule]

    init(base: String, text: String) {
        self.base = base
        var rules: [Rule] = []
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            // Trailing spaces are ignored unless escaped.
            while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") { negated = true; line.removeFirst() }
            if line.hasPrefix("\\") { line.removeFirst() }
            if line.isEmpty { continue }
            rules.append(Rule(glob: Glob(line), negated: negated))
        }
        self.rules = rules
        fileRules = rules.filter { !$0.glob.directoryOnly }
    }

    /// nil when no rule speaks of the path; otherwise whether it is ignored.
    func verdict(_ relative: String, isDirectory: Bool) -> Bool? {
        var relative = relative
        return relative.withUTF8 { verdict(bytes: $0, isDirectory: isDirectory) }
    }

    /// `verdict` on the path's UTF-8 (the walker asks for every file).
    func verdict(bytes path: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> Bool? {
        // Below `base`: the path after `base/` (compared in place, no string built).
        var start = 0
        if !base.isEmpty {
            let n = base.utf8.count
            guard path.count > n, path[n] == UInt8(ascii: "/"), base.hasSameBytes(as: UnsafeBufferPointer(rebasing: path[..<n])) else { return nil }
            start = n + 1
        }
        let below = UnsafeBufferPointer(rebasing: path[start...])
        let name = below.lastIndex(of: UInt8(ascii: "/")).map { below[($0 + 1)...] } ?? below[...]
        var result: Bool? = nil
        // Read in place: no rule (and no glob's arrays) is copied out per file.
        (isDirectory ? rules : fileRules).withUnsafeBufferPointer { all in
            for k in all.indices where all[k].glob.matches(path: below[...], name: name) {
                result = !all[k].negated
            }
        }
        return result
    }
}

/// The scanner a file goes through.
public enum Language: String, Sendable, CaseIterable, Codable {
    case python, notebook, sql, shell, config, text

    /// The default language of a file name, or nil when the file is not scanned by default.
    /// Markdown and plain text are opt-in (`text`), since docs describe history on purpose.
    public static func of(fileName: String) -> Language? {
        guard let ext = lowercasedExtension(fileName) else { return nil }
        switch ext {
        case "py", "pyi": return .python
        case "ipynb": return .notebook
        case "sql", "sqlx": return .sql
        case "sh", "bash": return .shell
        case "yaml", "yml", "toml", "json", "cfg", "ini": return .config
        default: return nil
        }
    }

    /// `of(fileName:)` on an ASCII name's bytes (the walk asks it of every file, before any
    /// string is made); nil when the name is not ASCII (then ask by `String`).
    static func of(asciiName b: UnsafeBufferPointer<UInt8>) -> Language?? {
        var dot = -1
        for k in b.indices {
            if b[k] >= 0x80 { return nil }
            if b[k] == UInt8(ascii: ".") { dot = k }
        }
        guard dot >= 0, b.count - dot - 1 <= 8 else { return .some(nil) }
        // The extension, lowercased, packed little-endian into a word.
        var packed: UInt64 = 0
        for k in (dot + 1)..<b.count {
            let c = b[k] >= UInt8(ascii: "A") && b[k] <= UInt8(ascii: "Z") ? b[k] | 0x20 : b[k]
            packed |= UInt64(c) << (8 * UInt64(k - dot - 1))
        }
        for (ext, language) in packedExtensions where ext == packed { return .some(language) }
        return .some(nil)
    }

    /// The extensions `of(fileName:)` knows, packed as `of(asciiName:)` packs a name's.
    private static let packedExtensions: [(UInt64, Language)] = {
        let known: [(String, Language)] = [("py", .python), ("pyi", .python), ("ipynb", .notebook), ("sql", .sql), ("sqlx", .sql),
                                            ("sh", .shell), ("bash", .shell), ("yaml", .config), ("yml", .config), ("toml", .config),
                                            ("json", .config), ("cfg", .config), ("ini", .config)]
        return SharedObjects.pinned(known.map { ext, language in
            (ext.utf8.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }, language)
        })
    }()

    /// Languages for opt-in text files (`md`, `txt`, `rst`).
    public static func optIn(fileName: String) -> Language? {
        guard let ext = lowercasedExtension(fileName) else { return nil }
        switch ext {
        case "md", "markdown", "txt", "rst": return .text
        default: return nil
        }
    }

    /// What follows the name's last `.`, lowercased; nil without a dot. An ASCII name (nearly
    /// all) is read as bytes; any other goes through `Character`s and Unicode lowercasing, as
    /// every name did before (the walk asks this of every file).
    static func lowercasedExtension(_ name: String) -> String? {
        var name = name
        let ascii: String?? = name.withUTF8 { b in
            var dot = -1
            for k in b.indices {
                if b[k] >= 0x80 { return nil }
                if b[k] == UInt8(ascii: ".") { dot = k }
            }
            guard dot >= 0 else { return .some(nil) }
            let ext = UnsafeBufferPointer(rebasing: b[(dot + 1)...])
            return String(unsafeUninitializedCapacity: ext.count) { out in
                for k in ext.indices { out[k] = ext[k] >= UInt8(ascii: "A") && ext[k] <= UInt8(ascii: "Z") ? ext[k] | 0x20 : ext[k] }
                return ext.count
            }
        }
        if let ascii { return ascii }
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return name[name.index(after: dot)...].lowercased()
    }
}

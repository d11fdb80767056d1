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

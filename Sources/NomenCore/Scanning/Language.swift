/// The scanner a file goes through.
public enum Language: String, Sendable, CaseIterable, Codable {
    case python, notebook, sql, shell, config, text

    /// The default language of a file name, or nil when the file is not scanned by default.
    /// Markdown and plain text are opt-in (`text`), since docs describe history on purpose.
    public static func of(fileName: String) -> Language? {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
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
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "md", "markdown", "txt", "rst": return .text
        default: return nil
        }
    }
}

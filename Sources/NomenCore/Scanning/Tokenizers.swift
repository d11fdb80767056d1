/// The tokenizer for each language.
enum Tokenizers {
    /// `deferSQL`: Python strings are not yet checked for SQL (see `PythonTokenizer.deferSQL`).
    /// With `keeping` (sorted offsets), a Python string that holds none of them is passed over
    /// without a region: the linter only ever looks up the regions its matches fall in.
    static func regions(in b: UnsafeBufferPointer<UInt8>, language: Language, path: String, deferSQL: Bool = false,
                        keeping: [Int]? = nil) -> [Region] {
        let all = 0..<b.count
        switch language {
        case .python: return PythonTokenizer.regions(in: b, range: all, deferSQL: deferSQL, keeping: keeping)
        case .sql: return SQLTokenizer.regions(in: b, range: all)
        case .shell: return ShellTokenizer.regions(in: b, range: all)
        case .config: return ConfigTokenizer.regions(in: b, range: all, json: path.lowercased().hasSuffix(".json"))
        case .text, .notebook: return []
        }
    }
}

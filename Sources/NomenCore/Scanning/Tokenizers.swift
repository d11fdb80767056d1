/// The tokenizer for each language.
enum Tokenizers {
    /// `deferSQL`: Python strings are not yet checked for SQL (see `PythonTokenizer.deferSQL`).
    /// With `keeping` (sorted offsets), a Python string or comment that holds none of them is
    /// passed over without a region: the linter only ever looks up the regions its matches
    /// fall in. With `keeping`, a SQL file's string literals and comments that hold none are
    /// passed over too.
    static func regions(in b: UnsafeBufferPointer<UInt8>, language: Language, path: String, deferSQL: Bool = false,
                        keeping: [Int]? = nil) -> RegionTree {
        let all = 0..<b.count
        switch language {
        case .python: return PythonTokenizer.regions(in: b, range: all, deferSQL: deferSQL, keeping: keeping)
        case .sql: return RegionTree(regions: SQLTokenizer.regions(in: b, range: all, keeping: keeping))
        case .shell: return RegionTree(regions: ShellTokenizer.regions(in: b, range: all))
        case .config: return RegionTree(regions: ConfigTokenizer.regions(in: b, range: all, json: path.lowercased().hasSuffix(".json")))
        case .text, .notebook: return RegionTree()
        }
    }
}

/// Sorted offsets, and which of them the tokens read so far (in order) have passed: a
/// tokenizer keeps only the regions that hold one (see `Tokenizers.regions`).
struct KeptOffsets {
    let offsets: [Int]
    /// The first offset not before the tokens read so far.
    private var next = 0

    init(_ offsets: [Int]) { self.offsets = offsets }

    /// Whether a token over `r` (after every token asked about before) holds an offset.
    mutating func holds(_ r: Range<Int>) -> Bool {
        while next < offsets.count, offsets[next] < r.lowerBound { next += 1 }
        return next < offsets.count && offsets[next] < r.upperBound
    }
}

/// A span of a file that a tokenizer recognised: a string literal, a comment, and inside a
/// string the SQL comments and string literals it holds. Bytes outside every region are code
/// (Python identifiers, SQL, shell words, config values). Offsets are UTF-8 byte offsets.
///
/// A plain value, with no references: what lies inside a region (an f-string's replacement
/// fields, the SQL regions of a string that holds SQL) is in its `RegionTree`'s tables, which
/// the region points into. (A region is copied for every match, and every file's regions are
/// freed: with arrays of their own, each copy and each free counted references.)
public struct Region: Sendable, Equatable {
    public enum Kind: String, Sendable { case string, comment }

    public var kind: Kind
    /// The whole token, prefix and quotes included.
    public var range: Range<Int>
    /// Between the quotes (strings), after the comment marker (comments).
    public var content: Range<Int>
    public var context: Context
    /// A Python string's prefix, lowercased (`f`, `rb`, …), one ASCII letter per byte; 0 for none.
    var prefixBytes: UInt16 = 0
    /// The quote character and how many open the string (1 or 3); 0 for comments.
    var quoteByte: UInt8 = 0
    var quoteCount: UInt8 = 0
    public var terminated: Bool = true
    /// The string holds SQL and was scanned again as SQL.
    public var holdsSQL: Bool = false

    /// An f-string or t-string (fields are code).
    public var isFString = false
    public var isBytes = false
    /// Replacement fields of an f-string (or t-string), in order: in the tree's field table.
    var fieldSpan = TableSpan.empty
    /// Regions inside this one, sorted and disjoint (SQL comments and strings inside a
    /// string): in the tree's table of nested regions.
    var childSpan = TableSpan.empty

    @inline(__always)
    init(kind: Kind, range: Range<Int>, content: Range<Int>, context: Context, prefixBytes: UInt16 = 0, quoteByte: UInt8 = 0,
         quoteCount: UInt8 = 0, terminated: Bool = true, isFString: Bool = false, isBytes: Bool = false) {
        self.kind = kind
        self.range = range
        self.content = content
        self.context = context
        self.prefixBytes = prefixBytes
        self.quoteByte = quoteByte
        self.quoteCount = quoteCount
        self.terminated = terminated
        self.isFString = isFString
        self.isBytes = isBytes
    }

    /// A Python string's prefix, lowercased (`f`, `rb`, …); empty otherwise.
    public var prefix: String {
        var bytes: [UInt8] = []
        var p = prefixBytes
        while p != 0 { bytes.insert(UInt8(p & 0xFF), at: 0); p >>= 8 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The opening quote (`'`, `"""`, …); empty for comments.
    public var quote: String {
        String(decoding: Array(repeating: quoteByte, count: Int(quoteCount)), as: UTF8.self)
    }

    /// Whether fields or nested regions lie inside (most regions have neither).
    var hasInside: Bool { fieldSpan.count != 0 || childSpan.count != 0 }
}

/// An f-string replacement field: `{expr!r:spec}`.
public struct Field: Sendable, Equatable {
    /// Braces included.
    public var range: Range<Int>
    /// The expression, without conversion or format spec.
    public var expression: Range<Int>
    /// String literals inside the expression (and inside nested fields of the format spec):
    /// in the tree's table of nested regions.
    var stringSpan = TableSpan.empty

    init(range: Range<Int>, expression: Range<Int>, stringSpan: TableSpan = .empty) {
        self.range = range
        self.expression = expression
        self.stringSpan = stringSpan
    }
}

/// Where a region's or field's parts lie in one of its tree's tables.
struct TableSpan: Sendable, Equatable {
    var start: Int32
    var count: Int32

    static let empty = TableSpan(start: 0, count: 0)

    var range: Range<Int> { Int(start)..<(Int(start) + Int(count)) }
}

/// A tokenizer's regions in a buffer: the top-level ones, sorted and disjoint, and the tables
/// of what lies inside them (fields, and the regions inside strings and fields), which
/// regions and fields point into. Equal trees have equal regions, fields and nested regions,
/// wherever in the tables these lie.
public struct RegionTree: Sendable, Equatable {
    /// The top-level regions, sorted and disjoint.
    public var regions: [Region]
    /// Regions inside regions and fields.
    var nested: [Region] = []
    var fieldTable: [Field] = []

    public init(regions: [Region] = []) {
        self.regions = regions
    }

    init(regions: [Region], nested: [Region], fieldTable: [Field]) {
        self.regions = regions
        self.nested = nested
        self.fieldTable = fieldTable
    }

    /// An f-string's replacement fields, in order.
    public func fields(of region: Region) -> ArraySlice<Field> { fieldTable[region.fieldSpan.range] }

    /// The regions inside a string that holds SQL, sorted and disjoint.
    public func children(of region: Region) -> ArraySlice<Region> { nested[region.childSpan.range] }

    /// The string literals inside a field.
    public func strings(of field: Field) -> ArraySlice<Region> { nested[field.stringSpan.range] }

    /// Marks top-level string `k` as holding SQL, its content scanned as SQL.
    mutating func markSQL(_ k: Int, in b: UnsafeBufferPointer<UInt8>) {
        let inside = SQLTokenizer.regions(in: b, range: regions[k].content)
        regions[k].holdsSQL = true
        regions[k].childSpan = TableSpan(start: Int32(nested.count), count: Int32(inside.count))
        nested.append(contentsOf: inside)
    }

    public static func == (a: RegionTree, b: RegionTree) -> Bool {
        a.regions.count == b.regions.count && zip(a.regions, b.regions).allSatisfy { sameRegion($0, a, $1, b) }
    }

    /// Regions equal in themselves and in what lies inside them.
    private static func sameRegion(_ x: Region, _ a: RegionTree, _ y: Region, _ b: RegionTree) -> Bool {
        var x0 = x, y0 = y
        x0.fieldSpan = .empty; x0.childSpan = .empty
        y0.fieldSpan = .empty; y0.childSpan = .empty
        guard x0 == y0, x.fieldSpan.count == y.fieldSpan.count, x.childSpan.count == y.childSpan.count else { return false }
        let sameFields = zip(a.fields(of: x), b.fields(of: y)).allSatisfy { f, g in
            f.range == g.range && f.expression == g.expression && f.stringSpan.count == g.stringSpan.count
                && zip(a.strings(of: f), b.strings(of: g)).allSatisfy { sameRegion($0, a, $1, b) }
        }
        return sameFields && zip(a.children(of: x), b.children(of: y)).allSatisfy { sameRegion($0, a, $1, b) }
    }
}

/// Appends to a tree's tables while a tokenizer runs (shared by the copies of a tokenizer
/// that scan nested strings).
final class RegionTables {
    var nested: [Region] = []
    var fields: [Field] = []

    func add(nested regions: some Collection<Region>) -> TableSpan {
        guard !regions.isEmpty else { return .empty }
        let span = TableSpan(start: Int32(nested.count), count: Int32(regions.count))
        nested.append(contentsOf: regions)
        return span
    }

    func add(fields list: [Field]) -> TableSpan {
        guard !list.isEmpty else { return .empty }
        let span = TableSpan(start: Int32(fields.count), count: Int32(list.count))
        fields.append(contentsOf: list)
        return span
    }

    /// Drops what was added after the given counts (a string that is not kept).
    func truncate(nested n: Int, fields f: Int) {
        if nested.count > n { nested.removeSubrange(n...) }
        if fields.count > f { fields.removeSubrange(f...) }
    }
}

/// The innermost region containing a byte range, or nil when it lies in code.
struct RegionLookup {
    enum Place {
        case region(Region)
        /// Inside an f-string field's expression (code), within the given f-string.
        case field(Region, Field)
        case code
    }

    static func place(of range: Range<Int>, in tree: RegionTree) -> Place {
        guard let region = containing(range, in: tree.regions) else { return .code }
        return place(of: range, within: region, in: tree)
    }

    /// The place of `range` inside `region`, a region of `tree` that holds it (its fields and
    /// nested regions looked into).
    static func place(of range: Range<Int>, within region: Region, in tree: RegionTree) -> Place {
        for field in tree.fields(of: region) where field.range.lowerBound <= range.lowerBound && range.upperBound <= field.range.upperBound {
            if field.range.lowerBound == range.lowerBound && field.range.upperBound == range.upperBound { break }
            if field.expression.lowerBound <= range.lowerBound && range.upperBound <= field.expression.upperBound {
                if let inner = containing(range, in: tree.strings(of: field)), case .region(let innermost) = place(of: range, within: inner, in: tree) {
                    return descend(innermost, tree, range)
                }
                return .field(region, field)
            }
            return .region(region)
        }
        return descend(region, tree, range)
    }

    private static func descend(_ region: Region, _ tree: RegionTree, _ range: Range<Int>) -> Place {
        if let child = containing(range, in: tree.children(of: region)) { return descend(child, tree, range) }
        return .region(region)
    }

    /// Binary search over sorted disjoint regions; the match must lie inside the content.
    static func containing(_ range: Range<Int>, in regions: ArraySlice<Region>) -> Region? {
        regions.withUnsafeBufferPointer { index(containing: range, in: $0) }.map { regions[regions.startIndex + $0] }
    }

    static func containing(_ range: Range<Int>, in regions: [Region]) -> Region? {
        containing(range, in: regions[...])
    }

    /// The same, looked for from the region `hint` on when the range starts after that
    /// region's start (a few steps forward before a binary search: matches come in order, so
    /// the next match's region is usually the same or one of the next few, and the binary
    /// search's branches are unpredictable). Also returns the last region starting at or
    /// before the range (-1 for none), the hint for the next lookup.
    static func index(containing range: Range<Int>, in regions: UnsafeBufferPointer<Region>, from hint: Int) -> (index: Int?, last: Int) {
        let n = regions.count
        var lo = 0, hi = n
        if hint >= 0, hint < n, regions[hint].range.lowerBound <= range.lowerBound {
            // The last region starting at or before the range is at `hint` or after it.
            var k = hint
            var steps = 0
            while k + 1 < n, regions[k + 1].range.lowerBound <= range.lowerBound, steps < 8 { k += 1; steps += 1 }
            if k + 1 == n || regions[k + 1].range.lowerBound > range.lowerBound { lo = k + 1; hi = k + 1 } else { lo = k + 1 }
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if regions[mid].range.lowerBound <= range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        let last = lo - 1
        guard lo > 0 else { return (nil, last) }
        let content = regions[lo - 1].content
        guard content.lowerBound <= range.lowerBound, range.upperBound <= content.upperBound else { return (nil, last) }
        return (lo - 1, last)
    }

    /// (Read through a buffer: the linter looks up every match's region.)
    static func index(containing range: Range<Int>, in regions: UnsafeBufferPointer<Region>) -> Int? {
        var lo = 0, hi = regions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if regions[mid].range.lowerBound <= range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let content = regions[lo - 1].content
        guard content.lowerBound <= range.lowerBound, range.upperBound <= content.upperBound else { return nil }
        return lo - 1
    }
}

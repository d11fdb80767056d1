/// A span of a file that a tokenizer recognised: a string literal, a comment, and inside a
/// string the SQL comments and string literals it holds. Bytes outside every region are code
/// (Python identifiers, SQL, shell words, config values). Offsets are UTF-8 byte offsets.
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
    /// Replacement fields of an f-string (or t-string), in order.
    public var fields: [Field] = []
    /// Regions inside this one, sorted and disjoint (SQL comments and strings inside a string).
    public var children: [Region] = []
    /// The string holds SQL and was scanned again as SQL.
    public var holdsSQL: Bool = false

    /// An f-string or t-string (fields are code).
    public var isFString = false
    public var isBytes = false

    @inline(__always)
    init(kind: Kind, range: Range<Int>, content: Range<Int>, context: Context, prefixBytes: UInt16 = 0, quoteByte: UInt8 = 0,
         quoteCount: UInt8 = 0, terminated: Bool = true, fields: [Field] = [], isFString: Bool = false, isBytes: Bool = false) {
        self.kind = kind
        self.range = range
        self.content = content
        self.context = context
        self.prefixBytes = prefixBytes
        self.quoteByte = quoteByte
        self.quoteCount = quoteCount
        self.terminated = terminated
        self.fields = fields
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
}

/// An f-string replacement field: `{expr!r:spec}`.
public struct Field: Sendable, Equatable {
    /// Braces included.
    public var range: Range<Int>
    /// The expression, without conversion or format spec.
    public var expression: Range<Int>
    /// String literals inside the expression (and inside nested fields of the format spec).
    public var strings: [Region] = []
}

/// The innermost region containing a byte range, or nil when it lies in code.
struct RegionLookup {
    enum Place {
        case region(Region)
        /// Inside an f-string field's expression (code), within the given f-string.
        case field(Region, Field)
        case code
    }

    static func place(of range: Range<Int>, in regions: [Region]) -> Place {
        guard let region = containing(range, in: regions) else { return .code }
        return place(of: range, within: region)
    }

    /// The place of `range` inside `region`, a top-level region that holds it (its fields and
    /// nested regions looked into).
    static func place(of range: Range<Int>, within region: Region) -> Place {
        for field in region.fields where field.range.lowerBound <= range.lowerBound && range.upperBound <= field.range.upperBound {
            if field.range.lowerBound == range.lowerBound && field.range.upperBound == range.upperBound { break }
            if field.expression.lowerBound <= range.lowerBound && range.upperBound <= field.expression.upperBound {
                if case .region(let inner) = place(of: range, in: field.strings) { return descend(inner, range) }
                return .field(region, field)
            }
            return .region(region)
        }
        return descend(region, range)
    }

    private static func descend(_ region: Region, _ range: Range<Int>) -> Place {
        if let child = containing(range, in: region.children) { return descend(child, range) }
        return .region(region)
    }

    /// Binary search over sorted disjoint regions; the match must lie inside the content.
    static func containing(_ range: Range<Int>, in regions: [Region]) -> Region? {
        regions.withUnsafeBufferPointer { index(containing: range, in: $0) }.map { regions[$0] }
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

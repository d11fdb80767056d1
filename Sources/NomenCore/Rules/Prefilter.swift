import CByteScan
import NomenRegex
import Synchronization

/// A literal prefilter: every trigger begins with a literal (`production_training_data_`,
/// `models_v4`, `zl_training_`, …) at a word start. A SIMD fingerprint search (Teddy, in
/// `CByteScan`) finds the few places whose first four bytes could begin one of those literals,
/// checks there the word start and the whole literal (up to 20 bytes), and hands back the triggers whose
/// literal agrees; only those run their (anchored) pattern, in trigger order, so the first to
/// match wins as in the combined alternation.
final class Prefilter: Sendable {
    let literals: LiteralSearch
    /// Each trigger's pattern source; empty when there are more than 64 triggers (then the
    /// combined pattern runs and its mark names the trigger).
    let bodies: [String]
    /// Each trigger's pattern, anchored at compile time (so it runs on the JIT), compiled on
    /// first use: a small run needs few of them, and compiling costs more than matching.
    /// `.some(nil)`: the body does not compile on its own (the combined pattern serves).
    private let compiled: Mutex<[Regex??]>
    /// The combined pattern anchored at compile time, for more than 64 triggers (made on
    /// first need; anchoring at match time would leave the JIT).
    private let combinedAnchored: Mutex<Result<Regex, RegexError>?>
    /// The combined pattern's source (alternatives ending in `(*MARK:n)`).
    private let combinedSource: String
    /// Triggers that begin with no literal the reader can follow (a user's pattern may not):
    /// they are searched over the whole buffer, by one pattern of their own alternatives
    /// (marked with their trigger numbers), beside the literal search.
    let uncovered: [Int]
    /// How many triggers there are (a mark is a trigger number below it).
    let triggerCount: Int
    /// That pattern, compiled on first need.
    private let uncoveredCompiled: Mutex<Result<Regex, RegexError>?>
    private let uncoveredSource: String

    static let wordBytes: [Bool] = SharedObjects.pinned((0..<256).map { c in
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    })

    /// nil when no trigger starts with a literal: then the whole-buffer search is used.
    init?(bodies: [String], combinedSource: String) {
        var entries: [LiteralSearch.Entry] = []
        let bits = bodies.count <= 64
        var uncovered: [Int] = []
        for (t, body) in bodies.enumerated() {
            guard let prefixes = Self.searchableLiterals(body) else {
                // Searched on its own only if its matches do not depend on the other rules'
                // alternatives around it (verbs, `\K`, `\G`, group numbers, recursion).
                guard !Self.needsCombinedSearch(body) else { return nil }
                uncovered.append(t)
                continue
            }
            for literal in Self.condensed(prefixes) {
                let bytes = Array(literal.prefix(LiteralPrefix.maxLength))
                let triggers: UInt64 = bits ? 1 << UInt64(t) : ~0
                if let e = entries.firstIndex(where: { $0.bytes == bytes }) {
                    entries[e].triggers |= triggers
                } else {
                    entries.append(LiteralSearch.Entry(bytes: bytes, triggers: triggers))
                }
            }
        }
        guard uncovered.count < bodies.count else { return nil }
        triggerCount = bodies.count
        self.uncovered = uncovered
        uncoveredSource = uncovered.map { "(?:\(bodies[$0]))(*MARK:\($0))" }.joined(separator: "|")
        uncoveredCompiled = Mutex(nil)
        literals = LiteralSearch(entries)
        self.bodies = bits ? bodies : []
        compiled = Mutex(Array(repeating: nil, count: self.bodies.count))
        combinedAnchored = Mutex(nil)
        self.combinedSource = combinedSource
    }

    /// A trigger's literals with the same first four bytes, as their common prefix:
    /// `Models/local/baselines` … `Models/local/$` (an alternation after a literal) are one
    /// entry, `Models/local/`; entries that share a first byte are each checked at a candidate.
    static func condensed(_ literals: [[UInt8]]) -> [[UInt8]] {
        var groups: [[UInt8]] = []
        for literal in literals {
            if let g = groups.firstIndex(where: { $0.count >= 4 && literal.count >= 4 && $0.prefix(4) == literal.prefix(4) }) {
                groups[g] = Array(zip(groups[g], literal).prefix(while: { $0.0 == $0.1 }).map(\.0))
            } else {
                groups.append(literal)
            }
        }
        return groups
    }

    /// Whether a pattern's matches can depend on where a search started or on the patterns
    /// beside it in the combined alternation: `\K`, `\G`, verbs `(*…)`, group references
    /// by number or name, recursion, conditions. Such a pattern is not searched on its own.
    static func needsCombinedSearch(_ body: String) -> Bool {
        let s = Array(body.utf8)
        for k in s.indices where k + 1 < s.count {
            let (c, d) = (s[k], s[k + 1])
            if c == UInt8(ascii: "\\"), "KGgk123456789".utf8.contains(d) { return true }
            if c == UInt8(ascii: "("), d == UInt8(ascii: "*") { return true }
            if c == UInt8(ascii: "("), d == UInt8(ascii: "?"), k + 2 < s.count, "R0123456789+-&(P".utf8.contains(s[k + 2]) {
                // `(?P<name>` is a named group, not a call.
                if s[k + 2] == UInt8(ascii: "P"), k + 3 < s.count, s[k + 3] == UInt8(ascii: "<") { continue }
                return true
            }
        }
        return false
    }

    /// The literals `body` begins with, when the prefilter can search for them (each starts
    /// with a word byte, as candidates are taken at word starts); nil otherwise.
    static func searchableLiterals(_ body: String) -> [[UInt8]]? {
        guard let prefixes = LiteralPrefix.of(body), !prefixes.isEmpty,
              prefixes.allSatisfy({ $0.first.map { wordBytes[Int($0)] } ?? false }) else { return nil }
        return prefixes
    }

    /// Whether `body` begins with literals the prefilter can search for.
    static func hasLiterals(_ body: String) -> Bool { searchableLiterals(body) != nil }

    /// Trigger `t`'s anchored pattern, compiled once for all threads; nil if it does not
    /// compile on its own (then the combined pattern serves).
    func regex(_ t: Int) -> Regex? {
        compiled.withLock { all in
            if let tried = all[t] { return tried }
            let r = try? Regex(bodies[t], options: [.duplicateNames, .anchored])
            all[t] = .some(r)
            return r
        }
    }

    /// The combined pattern anchored at compile time (made once), or why it does not compile
    /// (too large a rule set): then a candidate cannot be checked, and the scan says so.
    func anchoredCombined() throws(RegexError) -> Regex {
        let result: Result<Regex, RegexError> = combinedAnchored.withLock { cached in
            if let tried = cached { return tried }
            let tried: Result<Regex, RegexError>
            do throws(RegexError) {
                tried = .success(try Regex(combinedSource, options: [.duplicateNames, .anchored]))
            } catch {
                tried = .failure(error)
            }
            cached = tried
            return tried
        }
        return try result.get()
    }

    /// The uncovered triggers' pattern (made once), or why it does not compile.
    func uncoveredRegex() throws(RegexError) -> Regex {
        let result: Result<Regex, RegexError> = uncoveredCompiled.withLock { cached in
            if let tried = cached { return tried }
            let tried: Result<Regex, RegexError>
            do throws(RegexError) {
                tried = .success(try Regex(uncoveredSource, options: [.duplicateNames]))
            } catch {
                tried = .failure(error)
            }
            cached = tried
            return tried
        }
        return try result.get()
    }

    /// One thread's match state for the prefilter's patterns.
    final class Matchers {
        private let prefilter: Prefilter
        private let jit: Bool
        private var each: [Matcher?]
        /// Made on first need (more than 64 triggers, or a body that does not compile alone).
        private var combined: Matcher? = nil
        private var uncovered: Matcher? = nil

        /// The uncovered triggers' matcher (see `Prefilter.uncovered`).
        func uncoveredMatcher() throws(RegexError) -> Matcher {
            if let m = uncovered { return m }
            let m = try prefilter.uncoveredRegex().makeMatcher(jit: jit)
            uncovered = m
            return m
        }

        /// The combined matcher, or why there is none.
        func combinedMatcher() throws(RegexError) -> Matcher {
            if let m = combined { return m }
            let m = try prefilter.anchoredCombined().makeMatcher(jit: jit)
            combined = m
            return m
        }

        /// The made matchers' handles, for the C loop (`nomen_prefilter_next`) that checks
        /// candidates without coming back to Swift for each.
        private let codes: UnsafeMutableBufferPointer<UnsafeRawPointer?>
        private let matchData: UnsafeMutableBufferPointer<UnsafeMutableRawPointer?>
        private let contexts: UnsafeMutableBufferPointer<UnsafeMutableRawPointer?>
        private let matchFunctions: UnsafeMutableBufferPointer<nomen_match_fn?>
        let table: UnsafeMutablePointer<nomen_trigger_matchers>
        /// Each made matcher's offset pairs, and how many of them a match keeps (see `collect`).
        private let ovectors: UnsafeMutableBufferPointer<UnsafePointer<Int>?>
        private let keptPairs: UnsafeMutableBufferPointer<UInt32>
        /// Which triggers' matches keep their groups.
        private let keep: [Bool]
        /// The most pairs a made matcher's match keeps.
        private(set) var maxKeptPairs = 0
        /// Where the C loop collects hits and kept groups before they are handed over.
        let hitBuffer: UnsafeMutableBufferPointer<nomen_hit>
        let groupBuffer: UnsafeMutableBufferPointer<Int>

        /// `keepGroups`: triggers whose matches keep their groups (`collect`); none by default.
        init(_ prefilter: Prefilter, jit: Bool = true, keepGroups: [Bool] = []) {
            self.prefilter = prefilter
            self.jit = jit
            keep = keepGroups
            each = Array(repeating: nil, count: prefilter.bodies.count)
            let count = max(1, prefilter.bodies.count)
            codes = .allocate(capacity: count)
            codes.initialize(repeating: nil)
            matchData = .allocate(capacity: count)
            matchData.initialize(repeating: nil)
            contexts = .allocate(capacity: count)
            contexts.initialize(repeating: nil)
            matchFunctions = .allocate(capacity: count)
            matchFunctions.initialize(repeating: nil)
            ovectors = .allocate(capacity: count)
            ovectors.initialize(repeating: nil)
            keptPairs = .allocate(capacity: count)
            keptPairs.initialize(repeating: 0)
            hitBuffer = .allocate(capacity: 256)
            groupBuffer = .allocate(capacity: 4096)
            table = .allocate(capacity: 1)
            table.initialize(to: nomen_trigger_matchers(code: UnsafePointer(codes.baseAddress), match_data: UnsafePointer(matchData.baseAddress),
                                                        context: UnsafePointer(contexts.baseAddress), match: UnsafePointer(matchFunctions.baseAddress),
                                                        range: nil, ovector: UnsafePointer(ovectors.baseAddress), kept_pairs: UnsafePointer(keptPairs.baseAddress)))
        }

        deinit {
            codes.deallocate()
            matchData.deallocate()
            contexts.deallocate()
            matchFunctions.deallocate()
            ovectors.deallocate()
            keptPairs.deallocate()
            hitBuffer.deallocate()
            groupBuffer.deallocate()
            table.deallocate()
        }

        /// The JIT stack this thread's trigger matchers share (made with the first).
        private var stack: JITStack? = nil

        /// This thread's matcher for trigger `t` (made on first use), or nil.
        func matcher(_ t: Int) -> Matcher? {
            if let m = each[t] { return m }
            let m = prefilter.regex(t)?.makeMatcher(jit: jit)
            if let m, jit {
                if stack == nil { stack = JITStack() }
                m.use(stack!)
            }
            each[t] = m
            if let m {
                let h = m.handles
                ovectors[t] = UnsafePointer(m.ovector)
                // (A pattern with more groups than the buffer holds has them matched again.)
                let pairs = m.regex.groupCount + 1
                if t < keep.count, keep[t], 2 * pairs <= groupBuffer.count / 4 {
                    keptPairs[t] = UInt32(pairs)
                    maxKeptPairs = max(maxKeptPairs, pairs)
                }
                // The match function first: the C loop takes a trigger with a pattern as ready.
                matchFunctions[t] = h.match
                matchData[t] = h.matchData
                contexts[t] = h.context
                table.pointee.range = h.range
                codes[t] = h.code
            }
            return m
        }
    }

    /// Calls `hit` with each trigger match (range and trigger index) that starts at a word
    /// start, or anywhere when `wordStart` is false; `hit` returns false to stop. The same
    /// matches, in the same order, as the combined pattern searched over the whole buffer.
    func scan(_ b: UnsafeBufferPointer<UInt8>, matchers: Matchers, wordStart: Bool = true,
              hit: (Range<Int>, Int) -> Bool) throws(RegexError) {
        guard !uncovered.isEmpty else {
            guard !b.isEmpty else { return }
            var i = 0
            while let (range, trigger) = try nextCovered(b, matchers: matchers, from: i, wordStart: wordStart) {
                if !hit(range, trigger) { return }
                i = max(range.upperBound, range.lowerBound + 1)
            }
            return
        }
        // Two searches side by side, merged as the combined alternation would choose: the
        // leftmost start, then the first trigger; each resumes after the match taken.
        // An error of the uncovered search (a match limit) is held until the literal hits before
        // the place it was searching from are handed out.
        var failure: (error: RegexError, from: Int)? = nil
        func uncoveredNext(from: Int) -> (Range<Int>, Int)? {
            do throws(RegexError) {
                return try nextUncovered(b, matchers: matchers, from: from, wordStart: wordStart)
            } catch {
                failure = (error, from)
                return nil
            }
        }
        var covered = try nextCovered(b, matchers: matchers, from: 0, wordStart: wordStart)
        var other = uncoveredNext(from: 0)
        while true {
            let taken: (Range<Int>, Int)
            switch (covered, other) {
            case (nil, nil):
                if let failure { throw failure.error }
                return
            case (let c?, nil):
                if let failure, c.0.lowerBound >= failure.from { throw failure.error }
                taken = c
            case (nil, let u?): taken = u
            case (let c?, let u?): taken = (c.0.lowerBound, c.1) <= (u.0.lowerBound, u.1) ? c : u
            }
            if !hit(taken.0, taken.1) { return }
            let next = max(taken.0.upperBound, taken.0.lowerBound + 1)
            if let c = covered, c.0.lowerBound < next { covered = try nextCovered(b, matchers: matchers, from: next, wordStart: wordStart) }
            if let u = other, u.0.lowerBound < next { other = uncoveredNext(from: next) }
        }
    }

    /// Whether every trigger's matches are found by the literal search and checked in C, so
    /// that `collect` can gather them.
    var collects: Bool { uncovered.isEmpty && !bodies.isEmpty }

    /// The matches `scan` hands out (at word starts), appended to `hits` as (trigger, range,
    /// where its groups are in `groups`), gathered in C a buffer at a time (no call back per
    /// match). A match of a trigger whose matcher keeps groups (`Matchers.init`) has them
    /// appended to `groups`: `regex.groupCount + 1` offset pairs, -1 for a group not set.
    /// Only when `collects`.
    func collect(_ b: UnsafeBufferPointer<UInt8>, matchers: Matchers, into hits: inout [Hit],
                 groups: inout [Int]) throws(RegexError) {
        precondition(collects, "collect needs every trigger covered by literals, at most 64 of them")
        guard let p = b.baseAddress, !b.isEmpty else { return }
        let n = b.count
        var from = 0
        while true {
            var hitCount = 0, groupCount = 0, at = 0, trigger: Int32 = 0, pending: UInt64 = 0
            let status = nomen_prefilter_collect(literals.teddyTable, literals.literalTable, p, n, &from, 1, matchers.table, matchers.maxKeptPairs,
                                                 matchers.hitBuffer.baseAddress, matchers.hitBuffer.count, &hitCount,
                                                 matchers.groupBuffer.baseAddress, matchers.groupBuffer.count, &groupCount,
                                                 &at, &trigger, &pending)
            let base = groups.count
            groups.append(contentsOf: UnsafeBufferPointer(rebasing: matchers.groupBuffer[..<groupCount]))
            hits.reserveCapacity(hits.count + hitCount)
            for k in 0..<hitCount {
                let h = matchers.hitBuffer[k]
                hits.append((Int(h.trigger), h.at..<h.end, h.groups < 0 ? -1 : base + Int(h.groups)))
            }
            switch status {
            case 0: return
            case 1: continue
            default:
                // A candidate whose triggers need a matcher made here (or an error reported).
                if let (range, t) = try pendingMatch(b, matchers: matchers, at: at, triggers: pending) {
                    hits.append((t, range, -1))
                    from = max(range.upperBound, at + 1)
                } else {
                    from = at + 1
                }
            }
        }
    }

    /// The first match at or after `from` of a trigger with literals.
    private func nextCovered(_ b: UnsafeBufferPointer<UInt8>, matchers: Matchers, from: Int, wordStart: Bool) throws(RegexError) -> (Range<Int>, Int)? {
        let n = b.count
        guard let p = b.baseAddress else { return nil }
        let raw = UnsafeRawBufferPointer(b)
        var i = from
        while i < n {
            var triggers: UInt64 = 0
            let c: Int
            if bodies.isEmpty {
                c = literals.next(p, n, from: i, wordStart: wordStart, triggers: &triggers)
            } else {
                // Candidates are checked in C; it comes back with a match, with nothing, or with
                // a candidate whose remaining triggers need this loop (a matcher to make, an
                // error to report).
                var at = 0, end = 0, trigger: Int32 = 0, groupsSet: Int32 = 0
                switch literals.verifiedNext(p, n, from: i, wordStart: wordStart, matchers: matchers.table, at: &at, end: &end, trigger: &trigger,
                                             groupsSet: &groupsSet, pending: &triggers) {
                case 1: return (at..<end, Int(trigger))
                case 0: return nil
                default: c = at
                }
            }
            guard c < n else { return nil }
            i = c + 1
            if bodies.isEmpty {
                if let (range, mark) = try matchers.combinedMatcher().nextRange(in: raw, from: c), range.lowerBound == c,
                   let mark, let t = Self.markIndex(mark, count: triggerCount) {
                    return (range, t)
                }
                continue
            }
            if let found = try pendingMatch(b, matchers: matchers, at: c, triggers: triggers) { return found }
        }
        return nil
    }

    /// The first of `triggers` (lowest first) whose match starts at candidate `c`, checked in
    /// Swift: their matchers are made here (the C loop hands back a trigger without one, or
    /// whose match failed with an error, which is thrown here).
    private func pendingMatch(_ b: UnsafeBufferPointer<UInt8>, matchers: Matchers, at c: Int, triggers pending: UInt64) throws(RegexError) -> (Range<Int>, Int)? {
        let raw = UnsafeRawBufferPointer(b)
        var triggers = pending
        while triggers != 0 {
            let t = triggers.trailingZeroBitCount
            triggers &= triggers &- 1
            guard let matcher = matchers.matcher(t) else {
                // Never in practice (each body compiled inside the combined pattern).
                if let (range, mark) = try matchers.combinedMatcher().nextRange(in: raw, from: c), range.lowerBound == c,
                   let mark, let t = Self.markIndex(mark, count: triggerCount) {
                    return (range, t)
                }
                return nil
            }
            if let (range, _) = try matcher.nextRange(in: raw, from: c), range.lowerBound == c {
                return (range, t)
            }
        }
        return nil
    }

    /// The first match at or after `from` of a trigger without literals (whole-buffer search,
    /// the word start checked here as in `Linter.scan`).
    private func nextUncovered(_ b: UnsafeBufferPointer<UInt8>, matchers: Matchers, from: Int, wordStart: Bool) throws(RegexError) -> (Range<Int>, Int)? {
        let raw = UnsafeRawBufferPointer(b)
        var pos = from
        while pos <= raw.count {
            guard let (range, mark) = try matchers.uncoveredMatcher().nextRange(in: raw, from: pos) else { return nil }
            if wordStart, range.lowerBound > 0, Self.wordBytes[Int(b[range.lowerBound - 1])] {
                pos = range.lowerBound + 1
                continue
            }
            if let mark, let t = Self.markIndex(mark, count: triggerCount) { return (range, t) }
            pos = range.isEmpty ? range.upperBound + 1 : range.upperBound
        }
        return nil
    }

    /// The trigger index a `(*MARK:n)` names.
    /// nil for a mark that is no trigger number below `count` (a user's pattern can set a
    /// mark of its own, `(*MARK:x)(*ACCEPT)`, and end the match there).
    static func markIndex(_ mark: UnsafePointer<UInt8>, count: Int) -> Int? {
        let length = Int((mark - 1).pointee)
        guard length > 0, length <= 9 else { return nil }
        var n = 0
        for k in 0..<length {
            let d = mark[k] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            n = n * 10 + Int(d)
        }
        return n < count ? n : nil
    }
}

/// The Teddy tables and literal entries, built once; the search itself is C (`CByteScan`).
final class LiteralSearch: @unchecked Sendable {
    /// Up to twenty bytes a trigger begins with, and the triggers (as bits) that begin so.
    struct Entry {
        var bytes: [UInt8]
        var triggers: UInt64
    }

    // Written only in init, read-only afterwards: safe to share between threads.
    private let teddy: UnsafeMutablePointer<nomen_teddy>
    private let table: UnsafeMutablePointer<nomen_literal_table>
    /// The tables, for a C loop of its own (`Prefilter.collect`).
    var teddyTable: UnsafePointer<nomen_teddy> { UnsafePointer(teddy) }
    var literalTable: UnsafePointer<nomen_literal_table> { UnsafePointer(table) }
    private let values: UnsafeMutableBufferPointer<UInt32>
    private let masks: UnsafeMutableBufferPointer<UInt32>
    private let tails: UnsafeMutableBufferPointer<UInt64>
    private let tailMasks: UnsafeMutableBufferPointer<UInt64>
    private let triggerSets: UnsafeMutableBufferPointer<UInt64>

    /// Entries that share a first byte share one of the eight fingerprint buckets.
    init(_ entries: [Entry]) {
        let teddy = UnsafeMutablePointer<nomen_teddy>.allocate(capacity: 1)
        self.teddy = teddy
        nomen_teddy_init(teddy)
        var bucketOf: [UInt8: UInt32] = [:]
        for entry in entries {
            let first = entry.bytes.first ?? 0
            let bucket = bucketOf[first] ?? UInt32(bucketOf.count % 8)
            bucketOf[first] = bucket
            entry.bytes.withUnsafeBufferPointer { nomen_teddy_add(teddy, $0.baseAddress, $0.count, bucket) }
        }
        // Entries grouped by first byte, for the literal check.
        let sorted = entries.enumerated().sorted { ($0.element.bytes.first ?? 0, $0.offset) < ($1.element.bytes.first ?? 0, $1.offset) }.map(\.element)
        values = .allocate(capacity: max(1, sorted.count))
        masks = .allocate(capacity: max(1, sorted.count))
        tails = .allocate(capacity: 2 * max(1, sorted.count))
        tailMasks = .allocate(capacity: 2 * max(1, sorted.count))
        triggerSets = .allocate(capacity: max(1, sorted.count))
        table = .allocate(capacity: 1)
        table.initialize(to: nomen_literal_table())
        var offsets = [UInt32](repeating: 0, count: 257)
        for (k, entry) in sorted.enumerated() {
            var value: UInt32 = 0, mask: UInt32 = 0
            for j in 0..<4 {
                value <<= 8; mask <<= 8
                if j < entry.bytes.count { value |= UInt32(entry.bytes[j]); mask |= 0xFF }
            }
            values[k] = value
            masks[k] = mask
            // Bytes 4..<20, little-endian: byte 4 + 8w + j sits at bits 8j of word w.
            for w in 0..<2 {
                var tail: UInt64 = 0, tailMask: UInt64 = 0
                for j in 0..<8 where 4 + 8 * w + j < entry.bytes.count {
                    tail |= UInt64(entry.bytes[4 + 8 * w + j]) << UInt64(8 * j)
                    tailMask |= 0xFF << UInt64(8 * j)
                }
                tails[2 * k + w] = tail
                tailMasks[2 * k + w] = tailMask
            }
            triggerSets[k] = entry.triggers
            offsets[Int(entry.bytes.first ?? 0) + 1] += 1
        }
        for c in 1..<257 { offsets[c] += offsets[c - 1] }
        table.pointee.values = UnsafePointer(values.baseAddress)
        table.pointee.masks = UnsafePointer(masks.baseAddress)
        table.pointee.tails = UnsafePointer(tails.baseAddress)
        table.pointee.tail_masks = UnsafePointer(tailMasks.baseAddress)
        table.pointee.triggers = UnsafePointer(triggerSets.baseAddress)
        withUnsafeMutableBytes(of: &table.pointee.offsets) { raw in
            let o = raw.bindMemory(to: UInt32.self)
            for c in 0..<257 { o[c] = offsets[c] }
        }
    }

    deinit {
        teddy.deallocate()
        table.deallocate()
        values.deallocate()
        masks.deallocate()
        tails.deallocate()
        tailMasks.deallocate()
        triggerSets.deallocate()
    }

    /// The first position at or after `from` that starts a word (when `wordStart`) and
    /// begins like some entry, with the triggers of those entries; `n` when there is none.
    @inline(__always)
    func next(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int, wordStart: Bool, triggers: inout UInt64) -> Int {
        nomen_literal_next(teddy, table, p, n, from, wordStart ? 1 : 0, &triggers)
    }

    /// `next`, each candidate then checked by its triggers' matchers in C: see
    /// `nomen_prefilter_next` (1: a match; 0: none left; -1: a candidate for the caller).
    @inline(__always)
    func verifiedNext(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int, wordStart: Bool, matchers: UnsafePointer<nomen_trigger_matchers>,
                      at: inout Int, end: inout Int, trigger: inout Int32, groupsSet: inout Int32, pending: inout UInt64) -> Int32 {
        nomen_prefilter_next(teddy, table, p, n, from, wordStart ? 1 : 0, matchers, &at, &end, &trigger, &groupsSet, &pending)
    }

    /// The first position at or after `from` whose first four bytes could begin an entry
    /// (the fingerprints alone; candidates, not matches), or `n`.
    func fingerprintNext(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int {
        nomen_teddy_next(teddy, p, n, from)
    }
}

/// The literal texts a pattern must begin with (alternatives expanded, caseless letters in
/// both cases), or nil when it can begin otherwise.
enum LiteralPrefix {
    /// Literals are read this far: every byte of a literal is checked before a pattern runs.
    static let maxLength = 20
    /// Caseless letters multiply the literals; they stop growing at this many.
    static let maxCaselessVariants = 8

    static func of(_ source: String) -> [[UInt8]]? {
        let bytes = Array(source.utf8)
        guard !hasUnreadConstruct(bytes) else { return nil }
        var p = Parser(s: bytes)
        // Top-level alternatives each need literals of their own.
        var result: [[UInt8]] = []
        while true {
            guard let alternative = p.sequence(caseless: false), alternative.allSatisfy({ !$0.isEmpty }) else { return nil }
            result += alternative
            guard p.i < p.s.count else { break }
            // A `)` without its `(`, or an inline option (`(?i)`) that reaches the alternatives after it.
            guard p.s[p.i] == UInt8(ascii: "|"), !p.sawInlineOption else { return nil }
            p.i += 1
        }
        guard !result.isEmpty, result.count <= 64 else { return nil }
        return result
    }

    /// Constructs the reader does not follow, anywhere in the pattern: comments `(?#…)`,
    /// verbs `(*…)`, callouts `(?C…)`, `\c`, quoting `\Q…\E`, POSIX classes, `\K` (a match
    /// that starts later) and extended mode (`x` in an option setting: blanks and `#`
    /// comments). Each can hide a `|` or `)` from it, or move a quantifier or a match's start;
    /// a pattern holding one gets no literals (the prefilter then stands aside). Plain byte
    /// checks, erring on the side of nil.
    static func hasUnreadConstruct(_ s: [UInt8]) -> Bool {
        func at(_ k: Int, _ t: String) -> Bool { s[k...].starts(with: t.utf8) }
        var k = 0
        while k < s.count {
            defer { k += 1 }
            switch s[k] {
            case UInt8(ascii: "("):
                if at(k, "(?#") || at(k, "(*") || at(k, "(?C") { return true }
                if at(k, "(?") {
                    // An option setting or an option group: `(?ix)`, `(?-x:`, `(?^x)`.
                    var j = k + 2
                    while j < s.count, (s[j] | 0x20 >= UInt8(ascii: "a") && s[j] | 0x20 <= UInt8(ascii: "z")) || s[j] == UInt8(ascii: "-") || s[j] == UInt8(ascii: "^") {
                        if s[j] == UInt8(ascii: "x") { return true }
                        j += 1
                    }
                }
            case UInt8(ascii: "\\"):
                // `\G` holds where a search starts: a prefilter candidate is not one.
                if k + 1 < s.count, [UInt8(ascii: "c"), UInt8(ascii: "Q"), UInt8(ascii: "E"), UInt8(ascii: "K"), UInt8(ascii: "G")].contains(s[k + 1]) { return true }
                k += 1
            case UInt8(ascii: "["):
                // A class: a `]` first is a member; inside, `[:`, `[.`, `[=` are POSIX forms.
                k += 1
                if k < s.count, s[k] == UInt8(ascii: "^") { k += 1 }
                if k < s.count, s[k] == UInt8(ascii: "]") { k += 1 }
                while k < s.count, s[k] != UInt8(ascii: "]") {
                    if s[k] == UInt8(ascii: "\\") {
                        if k + 1 < s.count, [UInt8(ascii: "c"), UInt8(ascii: "Q"), UInt8(ascii: "E")].contains(s[k + 1]) { return true }
                        k += 2
                        continue
                    }
                    if s[k] == UInt8(ascii: "["), k + 1 < s.count, s[k + 1] == UInt8(ascii: ":") || s[k + 1] == UInt8(ascii: ".") || s[k + 1] == UInt8(ascii: "=") { return true }
                    k += 1
                }
            default:
                break
            }
        }
        return false
    }

    struct Parser {
        let s: [UInt8]
        var i = 0
        /// An inline option setting (`(?i)`, `(?x)`) was met: it changes how the rest of its
        /// group reads, later alternatives included, so no literal is read past it.
        var sawInlineOption = false

        /// Literal prefixes of the sequence starting at `i` up to `)` or `|` or the end; stops
        /// at the first thing that is not a plain literal.
        mutating func sequence(caseless: Bool) -> [[UInt8]]? {
            var prefixes: [[UInt8]] = [[]]
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "(") {
                    // Zero-width lookarounds at the start do not consume text: skip them.
                    if at("(?!") || at("(?=") || at("(?<!") || at("(?<=") {
                        skipGroup()
                        continue
                    }
                    if let end = inlineOptionEnd() {
                        // Options that leave literal text alone (`(?s)`, `(?m)`, `(?n)`, `(?J)`,
                        // `(?U)`) are passed over; any other (`(?i)`) changes how what follows
                        // in this group reads.
                        if s[(i + 2)..<(end - 1)].allSatisfy({ "smnJU".utf8.contains($0) }), !quantified(at: end) {
                            i = end
                            continue
                        }
                        sawInlineOption = true
                        i = end
                        return finish(prefixes)
                    }
                    var groupCaseless = caseless
                    if at("(?i:") { groupCaseless = true; i += 4 }
                    else if at("(?:") { i += 3 }
                    else if at("(?<") || at("(?P<") || at("(?'") {
                        let close = at("(?'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
                        i += at("(?P<") ? 4 : 3
                        while i < s.count, s[i] != close { i += 1 }
                        i += 1
                    } else if at("(?") || at("(*") {
                        // Atomic groups, comments, conditionals, verbs, calls: not read. The
                        // literals so far stand (the whole group is passed over).
                        return finish(prefixes)
                    }
                    else { i += 1 }
                    var alternatives: [[UInt8]] = []
                    // An option set inside the group ends with it. Restored before each
                    // `finish` below: what `finish` passes over after the group (a later
                    // `(?i)` in this alternative) must still be seen by the enclosing level.
                    let optionBefore = sawInlineOption
                    sawInlineOption = false
                    while true {
                        guard let alt = sequence(caseless: groupCaseless) else {
                            skipRestOfGroup()
                            sawInlineOption = optionBefore
                            return finish(prefixes)
                        }
                        alternatives += alt
                        if i < s.count, s[i] == UInt8(ascii: "|") {
                            // An inline option in this alternative reaches the next ones.
                            if sawInlineOption {
                                skipRestOfGroup()
                                sawInlineOption = optionBefore
                                return finish(prefixes)
                            }
                            i += 1
                            continue
                        }
                        break
                    }
                    sawInlineOption = optionBefore
                    guard i < s.count, s[i] == UInt8(ascii: ")") else { return finish(prefixes) }
                    i += 1
                    if i < s.count, [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{")].contains(s[i]) { return finish(prefixes) }
                    let joined = prefixes.flatMap { p in alternatives.map { p + $0 } }
                    // Too many spellings: the literals before the group are enough.
                    if joined.count > 64 { return finish(prefixes) }
                    // After a group the prefixes may have different lengths; stop here.
                    return finish(joined)
                }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "|") { return prefixes }
                // Zero-width assertions (`\b`, `^`, `\A`, …) consume nothing: passed over.
                let assertion = c == UInt8(ascii: "^") || c == UInt8(ascii: "$") ? 1
                    : c == UInt8(ascii: "\\") && i + 1 < s.count && "bBAzZ".utf8.contains(s[i + 1]) ? 2 : 0
                if assertion > 0 {
                    guard !quantified(at: i + assertion) else { return finish(prefixes) }
                    i += assertion
                    continue
                }
                var literal: UInt8
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < s.count else { return finish(prefixes) }
                    let e = s[i + 1]
                    guard !Prefilter.wordBytes[Int(e)] else { return finish(prefixes) } // \d, \w, …
                    literal = e
                    i += 2
                } else if "[.^$*+?{".utf8.contains(c) {
                    return finish(prefixes)
                } else {
                    literal = c
                    i += 1
                }
                if i < s.count, [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{")].contains(s[i]) { return finish(prefixes) }
                let isLetter = (literal | 0x20) >= UInt8(ascii: "a") && (literal | 0x20) <= UInt8(ascii: "z")
                if caseless && isLetter && prefixes.count * 2 > LiteralPrefix.maxCaselessVariants { return finish(prefixes) }
                if caseless && isLetter {
                    prefixes = prefixes.flatMap { [$0 + [literal | 0x20], $0 + [literal & ~0x20]] }
                } else {
                    prefixes = prefixes.map { $0 + [literal] }
                }
                if prefixes.count > 64 { return nil }
                if prefixes[0].count >= LiteralPrefix.maxLength { skipToEnd(); return prefixes }
                if i < s.count, s[i] == UInt8(ascii: "+") { return finish(prefixes) }
            }
            return prefixes
        }

        /// Stops reading literals: the rest of this alternative is passed over, so an enclosing
        /// group can go on with its next alternative.
        mutating func finish(_ prefixes: [[UInt8]]) -> [[UInt8]]? {
            skipToEnd()
            return prefixes.contains(where: \.isEmpty) ? nil : prefixes
        }

        func at(_ t: String) -> Bool { s[i...].starts(with: t.utf8) }

        /// Whether a quantifier follows at `k`.
        func quantified(at k: Int) -> Bool {
            k < s.count && (s[k] == UInt8(ascii: "?") || s[k] == UInt8(ascii: "*") || s[k] == UInt8(ascii: "+") || s[k] == UInt8(ascii: "{"))
        }

        /// At `(?` followed by option letters and `)` (`(?i)`, `(?-x)`, `(?^)`): where it ends.
        func inlineOptionEnd() -> Int? {
            guard at("(?") else { return nil }
            var k = i + 2
            while k < s.count, (s[k] | 0x20 >= UInt8(ascii: "a") && s[k] | 0x20 <= UInt8(ascii: "z")) || s[k] == UInt8(ascii: "-") || s[k] == UInt8(ascii: "^") { k += 1 }
            guard k < s.count, s[k] == UInt8(ascii: ")") else { return nil }
            return k + 1
        }

        /// Moves past pattern text, brackets and escapes respected. Starting `depth` groups deep,
        /// it stops just after the `)` that closes depth 0 (`closing`), or (`!closing`) at the
        /// `|` or `)` that ends the current alternative.
        mutating func skip(depth start: Int, closing: Bool) {
            var depth = start
            var inClass = false
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "\\") {
                    // `\Q…\E` quotes everything up to `\E` (or the end).
                    if i + 1 < s.count, s[i + 1] == UInt8(ascii: "Q") {
                        i += 2
                        while i < s.count, !(s[i] == UInt8(ascii: "\\") && i + 1 < s.count && s[i + 1] == UInt8(ascii: "E")) { i += 1 }
                    }
                    i += 2
                    continue
                }
                if inClass {
                    // A POSIX class (`[:digit:]`) inside a class has a `]` of its own.
                    if c == UInt8(ascii: "["), i + 1 < s.count, s[i + 1] == UInt8(ascii: ":") {
                        var k = i + 2
                        while k + 1 < s.count, !(s[k] == UInt8(ascii: ":") && s[k + 1] == UInt8(ascii: "]")) { k += 1 }
                        if k + 1 < s.count { i = k + 2; continue }
                    }
                    if c == UInt8(ascii: "]") { inClass = false }
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "[") {
                    // A `]` first in a class (after `[` or `[^`) is a member, not its end.
                    inClass = true
                    i += 1
                    if i < s.count, s[i] == UInt8(ascii: "^") { i += 1 }
                    if i < s.count, s[i] == UInt8(ascii: "]") { i += 1 }
                    continue
                }
                else if c == UInt8(ascii: "(") {
                    // An inline option (`(?i)`) in the skipped part of this alternative still
                    // reaches the alternatives after it.
                    if !closing, depth == 0, inlineOptionEnd() != nil { sawInlineOption = true }
                    depth += 1
                }
                else if c == UInt8(ascii: ")") {
                    if !closing, depth == 0 { return }
                    depth -= 1
                    if closing, depth == 0 { i += 1; return }
                } else if c == UInt8(ascii: "|"), !closing, depth == 0 { return }
                i += 1
            }
        }

        /// Past the group that starts at `i`.
        mutating func skipGroup() { skip(depth: 0, closing: true) }
        /// Past the `)` that closes the group we are inside.
        mutating func skipRestOfGroup() { skip(depth: 1, closing: true) }
        /// Enough literal text has been read: to the end of the current alternative.
        mutating func skipToEnd() { skip(depth: 0, closing: false) }
    }
}

import Testing
import Dispatch
@testable import NomenRegex

@Suite struct RegexTests {
    @Test func compileErrorReportsMessageAndOffset() {
        do {
            _ = try Regex("abc(def")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.kind == .compile(offset: 7))
            #expect(error.message.contains("missing closing parenthesis"))
        }
    }

    @Test func namedGroupsAndByteRanges() throws {
        let r = try Regex("data_(?<horizon>1w|12m)")
        #expect(r.isJIT)
        let bytes = Array("é data_12m".utf8)
        let m = try #require(try r.firstMatch(in: bytes))
        #expect(m.range == 3..<11)
        #expect(m.group("horizon", in: r) == 8..<11)
        #expect(r.groupNames["horizon"] == 1)
    }

    /// Matches made into one array: a match kept while the next is made keeps its own groups.
    @Test func matchesReusingOneArrayKeepTheirGroups() throws {
        let r = try Regex("x_(?<h>1w|12m)")
        let matcher = r.makeMatcher()
        let bytes = Array("x_1w x_12m".utf8)
        var groups: [Range<Int>?] = []
        try bytes.withUnsafeBytes { raw in
            let first = try #require(try matcher.firstMatch(in: raw, from: 0, reusing: &groups))
            let second = try #require(try matcher.firstMatch(in: raw, from: 4, reusing: &groups))
            #expect(first.groups == [0..<4, 2..<4] && second.groups == [5..<10, 7..<10])
            #expect(try matcher.firstMatch(in: raw, from: 11, reusing: &groups) == nil)
            #expect(first.groups == [0..<4, 2..<4])
        }
    }

    @Test func marksNameTheAlternative() throws {
        let r = try Regex("(?:foo)(*MARK:0)|(?:bar)(*MARK:1)")
        let m = try #require(try r.firstMatch(in: Array("xxbar".utf8)))
        #expect(m.mark == "1")
    }

    @Test func anchoredMatchAtOffset() throws {
        let r = try Regex("ab")
        #expect(try r.firstMatch(in: Array("xab".utf8), from: 0, options: [.anchored]) == nil)
        #expect(try r.firstMatch(in: Array("xab".utf8), from: 1, options: [.anchored])?.range == 1..<3)
    }

    @Test func pathologicalPatternFailsInsteadOfHanging() throws {
        let r = try Regex("(a+)+$", limits: .init(match: 100_000, depth: 1000))
        let subject = Array(repeating: UInt8(ascii: "a"), count: 40) + [UInt8(ascii: "b")]
        do {
            _ = try r.firstMatch(in: subject)
            Issue.record("expected a match-limit error")
        } catch {
            if case .match = error.kind {} else { Issue.record("wrong error kind \(error)") }
        }
    }

    /// Matchers sharing one JIT stack give the matches of matchers with none, including one
    /// that needs far more than the stack's first 32 KiB (it grows), and report a match that
    /// needs more than its 8 MiB as an error, as before.
    @Test func sharedJITStackGrowsAndMatchesAlike() throws {
        let deep = try Regex("^(?:(a)|b)*$")
        let subject = Array(repeating: UInt8(ascii: "a"), count: 20_000)
        let own = deep.makeMatcher()
        let stack = JITStack()
        let shared = deep.makeMatcher(), other = try Regex("a+b").makeMatcher()
        shared.use(stack)
        other.use(stack)
        let expected = try own.firstMatch(in: subject, from: 0)
        #expect(expected?.range == 0..<20_000)
        for _ in 0..<3 {
            #expect(try shared.firstMatch(in: subject, from: 0)?.range == expected?.range)
            let ab = Array("xaab".utf8)
            #expect(try other.firstMatch(in: ab, from: 0)?.range == 1..<4)
        }
        let huge = Array(repeating: UInt8(ascii: "a"), count: 3_000_000)
        #expect(throws: RegexError.self) {
            _ = try shared.firstMatch(in: huge, from: 0)
        }
    }

    @Test func invalidUTF8IsJustBytes() throws {
        let r = try Regex("name")
        let bytes: [UInt8] = [0xFF, 0xFE, 0x6E, 0x61, 0x6D, 0x65, 0xC3]
        #expect(try r.firstMatch(in: bytes)?.range == 2..<6)
    }

    @Test func sharedAcrossThreads() throws {
        let r = try Regex("(?<n>[0-9]+)")
        let subject = Array(String(repeating: "ab 123 ", count: 1000).utf8)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        defer { counts.deallocate() }
        let box = UnsafeSendable(counts)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let matcher = r.makeMatcher()
            var n = 0, start = 0
            while let m = try? matcher.firstMatch(in: subject, from: start) { n += 1; start = m.range.upperBound }
            box.value[i] = n
        }
        #expect(Array(counts) == Array(repeating: 1000, count: 8))
    }
}

struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

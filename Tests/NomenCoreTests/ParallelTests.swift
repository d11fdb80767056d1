import Dispatch
import Synchronization
import Testing
@testable import NomenCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ParallelTests {
    @Test func orderedDeliversEveryResultInOrder() {
        for threads in [1, 2, 4] {
            var seen: [Int] = []
            Parallel.ordered(count: 500, threads: threads, makeState: { [Int]() }, work: { i, state in
                state.append(i)
                return i * 2
            }, consume: { seen.append($0) })
            #expect(seen == (0..<500).map { $0 * 2 })
        }
    }

    /// Each thread's state reaches `finish` once, with the work that thread did, before the
    /// run returns: the states' counts add up to every item, each counted once.
    @Test func finishGetsEveryThreadsState() {
        final class Finished: Sendable { let states = Mutex<[[Int]]>([]) }
        for (threads, count) in [(1, 40), (2, 500), (3, 7), (4, 1000)] {
            let finished = Finished()
            var consumed = 0
            Parallel.ordered(items: FixedCount(count: count), threads: threads, chunk: 4, makeState: { [Int]() }, work: { i, state in
                state.append(i)
                return i
            }, finish: { state in finished.states.withLock { $0.append(state) } }, consume: { _ in consumed += 1 })
            let states = finished.states.withLock { $0 }
            #expect(consumed == count)
            #expect(states.count >= 1 && states.count <= threads, "threads \(threads)")
            #expect(states.flatMap { $0 }.sorted() == Array(0..<count), "threads \(threads), \(count) items")
        }
    }

    /// `LintRun.stream` with a value per thread: the values come back, and together they saw
    /// every file once.
    @Test func lintRunHandsBackEachThreadsValue() throws {
        let dir = try Fixture.tempDir()
        let paths = try (0..<60).map { k -> String in
            let path = dir + "/f\(k).py"
            try Fixture.write("x = 'production_training_data_1w'\n" + (k % 3 == 0 ? "y = 'models_v4.production_training_data_1m'\n" : ""), to: path)
            return path
        }
        let linter = Fixture.linter()
        for threads in [1, 2, 3] {
            let feed = FileFeed(paths.map { FileEntry(path: $0, language: .python, explicit: true, sizeLimit: 1 << 20) })
            var order: [String] = []
            let locals = LintRun(linter: linter, threads: threads).stream(feed, local: { (files: 0, findings: 0) }, then: { outcome, local in
                local.files += 1
                local.findings += outcome.findings.count
                return outcome.path
            }, consume: { order.append($0) })
            #expect(order == paths)
            #expect(locals.count >= 1 && locals.count <= threads)
            #expect(locals.map(\.files).reduce(0, +) == 60)
            #expect(locals.map(\.findings).reduce(0, +) == 60 + 20)
        }
    }

    /// `LintRun.stream` hands `then` each read file's bytes in place: they are the file's.
    @Test func lintRunHandsThenTheFilesBytes() throws {
        let dir = try Fixture.tempDir()
        let texts = (0..<40).map { k in "x = 'production_training_data_1w'  # \(k)\n" + String(repeating: "y = \(k)\n", count: k) }
        let paths = try texts.indices.map { k -> String in
            let path = dir + "/f\(k).py"
            try Fixture.write(texts[k], to: path)
            return path
        }
        let linter = Fixture.linter()
        for threads in [1, 2, 3] {
            let feed = FileFeed(paths.map { FileEntry(path: $0, language: .python, explicit: true, sizeLimit: 1 << 20) })
            var seen: [String] = []
            LintRun(linter: linter, threads: threads).stream(feed, then: { outcome, bytes in
                bytes.map { String(decoding: $0, as: UTF8.self) } ?? "<none>"
            }, consume: { seen.append($0) })
            #expect(seen == texts, "threads \(threads)")
        }
    }

    @Test func orderedWithClassState() {
        final class S { var n = 0 }
        for _ in 0..<50 {
            var total = 0
            Parallel.ordered(count: 3, threads: 1, makeState: { S() }, work: { i, s in s.n += 1; return "x\(i)" }, consume: { total += $0.count })
            #expect(total == 6)
        }
    }

    /// Items that arrive while the run goes on (a walk feeding its files): threads that reach
    /// the last item found so far wait for more, and every result arrives, in order, once.
    @Test func orderedOverAGrowingCountWaitsForItems() {
        for (threads, total) in [(1, 37), (2, 500), (3, 1), (2, 0), (4, 16)] {
            let feed = FileFeed()
            let entry: @Sendable (Int) -> FileEntry = { k in FileEntry(path: "f\(k)", language: .python, explicit: false, sizeLimit: 1) }
            DispatchQueue.global().async {
                var k = 0
                while k < total {
                    let n = min(total - k, 1 + k % 7)
                    feed.append((k..<(k + n)).map(entry))
                    k += n
                    usleep(50)
                }
                feed.finish()
            }
            var seen: [String] = []
            Parallel.ordered(items: feed, threads: threads, makeState: { () }, work: { i, _ in feed[i].path }, consume: { seen.append($0) })
            #expect(seen == (0..<total).map { "f\($0)" }, "threads \(threads), \(total) items")
        }
    }

    /// A few items fed slowly (a short walk) still get small chunks once the count is final:
    /// both threads check some, not one thread all. (The thread with item 0 waits for another
    /// to take item 1, up to 3 s: in one chunk of 10, no other thread ever does.)
    @Test func fewItemsFedSlowlyAreShared() {
        final class Seen: Sendable {
            let threads = Mutex<Set<UInt>>([])
            let second = Atomic<Bool>(false)
        }
        let feed = FileFeed()
        DispatchQueue.global().async {
            for k in 0..<10 {
                usleep(1000)
                feed.append([FileEntry(path: "f\(k)", language: .python, explicit: false, sizeLimit: 1)])
            }
            feed.finish()
        }
        let seen = Seen()
        var order: [String] = []
        Parallel.ordered(items: feed, threads: 2, makeState: { () }, work: { i, _ in
            seen.threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            if i == 0 {
                for _ in 0..<3000 where !seen.second.load(ordering: .acquiring) { usleep(1000) }
            } else {
                seen.second.store(true, ordering: .releasing)
            }
            return feed[i].path
        }, consume: { order.append($0) })
        #expect(order == (0..<10).map { "f\($0)" })
        #expect(seen.threads.withLock { $0.count } == 2)
    }

    /// Entries read while the feed grows, without a lock, across the places where its storage
    /// gains a segment (after 1,024, 3,072 and 7,168 entries): two readers see every entry, in
    /// order, as it was fed; a feed finished with a segment part full is freed.
    @Test func feedReadWhileGrowingAcrossSegments() {
        let total = 9_000
        let feed = FileFeed(skipping: ["skip-me"])
        let entry: @Sendable (Int) -> FileEntry = { k in
            FileEntry(path: "dir\(k % 7)/file-\(k).py", language: k % 2 == 0 ? .python : .sql, explicit: false, sizeLimit: k)
        }
        DispatchQueue.global().async {
            var k = 0
            while k < total {
                // Batches of 1 to 97, with a skipped path in some: boundaries fall inside them.
                let n = min(total - k, 1 + (k * 31) % 97)
                var batch = (k..<(k + n)).map(entry)
                if k % 3 == 0 { batch.insert(FileEntry(path: "skip-me", language: .text, explicit: false, sizeLimit: 0), at: batch.count / 2) }
                feed.append(batch)
                k += n
                if k % 5 == 0 { usleep(20) }
            }
            feed.finish()
        }
        final class Mismatches: Sendable { let list = Mutex<[Int]>([]) }
        let bad = Mismatches()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                var i = 0
                while true {
                    let n = feed.available(upTo: i + 1 + i % 13)
                    if n <= i { break }
                    for j in i..<n {
                        let e = feed[j], want = entry(j)
                        if e.path != want.path || e.language != want.language || e.sizeLimit != want.sizeLimit { bad.list.withLock { $0.append(j) } }
                    }
                    i = n
                }
                if i != total { bad.list.withLock { $0.append(-i) } }
                group.leave()
            }
        }
        group.wait()
        #expect(bad.list.withLock { $0 }.isEmpty)
        #expect(feed.finalCount == total)
        #expect(feed.all.count == total && feed.all.last?.path == entry(total - 1).path)
    }

    /// Feeds that end just before, on and just after a segment's end hand on every entry,
    /// and are freed (under the address sanitizer, a wrong count of entries to free shows).
    @Test func feedsEndingAtSegmentBoundaries() {
        for total in [0, 1, 1023, 1024, 1025, 3071, 3072, 3073, 7168] {
            var feed: FileFeed? = FileFeed((0..<total).map { FileEntry(path: "p\($0)", language: .python, explicit: false, sizeLimit: $0) })
            #expect(feed?.finalCount == total)
            #expect(feed?.available(upTo: total + 5) == total)
            let all = feed?.all ?? []
            #expect(all.count == total && all.enumerated().allSatisfy { $0.element.path == "p\($0.offset)" && $0.element.sizeLimit == $0.offset })
            feed = nil
        }
    }

    /// A feed skips nomen's own reports, and hands its whole list on once finished.
    @Test func feedSkipsOwnOutputs() {
        let feed = FileFeed(skipping: ["report.json"])
        feed.append(["a.py", "report.json", "b.sql"].map { FileEntry(path: $0, language: .python, explicit: false, sizeLimit: 1) })
        #expect(feed.finalCount == nil)
        #expect(feed.available(upTo: 2) == 2)
        feed.finish()
        #expect(feed.finalCount == 2)
        #expect(feed.available(upTo: 10) == 2)
        #expect(feed.all.map(\.path) == ["a.py", "b.sql"])
    }

    /// The calling thread works too (the others wait for its first chunk), and its chunks are
    /// slow: meanwhile the others fill the window of finished chunks, which it hands on
    /// between its own. Every result arrives, in order.
    @Test func slowCallingThreadStillHandsOnInOrder() {
        final class Flag: Sendable { let raised = Mutex(false) }
        let caller = pthread_self()
        for threads in [2, 3] {
            let callerWorked = Flag()
            var seen: [Int] = []
            Parallel.ordered(count: 400, threads: threads, chunk: 1, makeState: { () }, work: { i, _ in
                if pthread_equal(pthread_self(), caller) != 0 {
                    callerWorked.raised.withLock { $0 = true }
                    usleep(2000)
                } else {
                    while !callerWorked.raised.withLock({ $0 }) { usleep(100) }
                }
                return i
            }, consume: { seen.append($0) })
            #expect(seen == Array(0..<400))
            #expect(callerWorked.raised.withLock { $0 })
        }
    }
}

/// Objects shared by the checking threads have their reference counts pinned (see
/// `SharedObjects`): a pinned object is never uniquely referenced, so writing through it
/// copies, and the rule set pins its rules when it is made.
@Suite struct SharedObjectsTests {
    final class Box {}

    @Test func aPinnedObjectIsNeverUnique() {
        var box = Box()
        #expect(isKnownUniquelyReferenced(&box))
        SharedObjects.pin(box)
        #expect(!isKnownUniquelyReferenced(&box))
    }

    @Test func aPinnedArrayIsCopiedWhenWritten() {
        var a = [1, 2, 3]
        let before = a.withUnsafeBufferPointer { $0.baseAddress }
        a[0] = 4  // unique: written in place
        #expect(a.withUnsafeBufferPointer { $0.baseAddress } == before)
        SharedObjects.pin(storageOf: a)
        a[0] = 5
        #expect(a.withUnsafeBufferPointer { $0.baseAddress } != before)
        #expect(a == [5, 2, 3])
        var d = ["k": 1]
        SharedObjects.pin(storageOf: d)
        d["k"] = 2
        #expect(d == ["k": 2])
    }

    @Test func aRuleSetIsPinnedWhenARunSharesIt() throws {
        let yaml = RuleLoadingTests.base + "legacy:\n  - id: r1\n    match: 'old_name_(?<h>1w|1m)'\n    replace: 'new_name_{h}'\n"
        var rules = try RuleLoader.load(text: yaml, file: "pinned.yaml")
        // Loaded, it is freed as usual (only its own reference here).
        #expect(isKnownUniquelyReferenced(&rules))
        // A run on one thread shares nothing: still not pinned.
        _ = LintRun(linter: Linter(rules: rules, options: LintOptions()), threads: 1).run([])
        #expect(isKnownUniquelyReferenced(&rules))
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'old_name_1w'\n", to: dir + "/a.py")
        let entries = [FileEntry(path: dir + "/a.py", language: .python, explicit: true, sizeLimit: 1 << 20)]
        _ = LintRun(linter: Linter(rules: rules, options: LintOptions()), threads: 2).run(entries)
        #expect(!isKnownUniquelyReferenced(&rules))
        // Pinned objects still work as before.
        #expect(Linter(rules: rules, options: LintOptions()).findings(in: SourceFile(path: "t.py", bytes: Array("x = 'old_name_1w'\n".utf8), language: .python)).count == 1)
    }
}

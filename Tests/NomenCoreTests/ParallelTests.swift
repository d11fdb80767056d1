import Testing
@testable import NomenCore

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

    @Test func orderedWithClassState() {
        final class S { var n = 0 }
        for _ in 0..<50 {
            var total = 0
            Parallel.ordered(count: 3, threads: 1, makeState: { S() }, work: { i, s in s.n += 1; return "x\(i)" }, consume: { total += $0.count })
            #expect(total == 6)
        }
    }
}

import Dispatch
import Synchronization

/// Runs `body` over `0..<count` on `threads` threads; results keep their index order, so output
/// is deterministic whatever the scheduling. Each thread gets its own `State` (match data,
/// buffers) made by `makeState`.
public enum Parallel {
    public static func map<State, T: Sendable>(count: Int, threads: Int, makeState: @Sendable () -> State,
                                               _ body: @Sendable (Int, inout State) -> T) -> [T] {
        let results = ResultSlots<T>(count: count)
        let next = Atomic<Int>(0)
        let workers = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var state = makeState()
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { break }
                results.set(i, body(i, &state))
            }
        }
        return results.collect()
    }
}

/// One slot per index, each written by exactly one thread.
final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ i: Int, _ value: T) { slots[i] = value }

    func collect() -> [T] { slots.map { $0! } }
}

public enum Machine {
    public static var cores: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif

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

    func take(_ i: Int) -> T {
        let v = slots[i]!
        slots[i] = nil
        return v
    }

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

extension Parallel {
    /// Runs `work` over `0..<count` on `threads` worker threads and hands each result to
    /// `consume` on the calling thread, in index order, as soon as it is ready: output streams
    /// and memory stays bounded by `window` results in flight.
    public static func ordered<State, T: Sendable>(count: Int, threads: Int, window: Int = 0, makeState: @escaping @Sendable () -> State,
                                                   work: @escaping @Sendable (Int, inout State) -> T, consume: (T) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        let shared = OrderedRun<T>(count: count, window: max(window, workers * 8 + 32))
        for _ in 0..<workers {
            shared.group.enter()
            DispatchQueue.global().async {
                var state = makeState()
                while let i = shared.claim() {
                    shared.slots.set(i, work(i, &state))
                    shared.ready[i].signal()
                }
                shared.group.leave()
            }
        }
        for i in 0..<count {
            shared.ready[i].wait()
            consume(shared.slots.take(i))
            shared.inFlight.signal()
        }
        shared.group.wait()
    }
}

/// The state an ordered run shares between its workers and its consumer.
final class OrderedRun<T>: @unchecked Sendable {
    let count: Int
    let slots: ResultSlots<T>
    let ready: [DispatchSemaphore]
    let inFlight: DispatchSemaphore
    let group = DispatchGroup()
    private let next = Atomic<Int>(0)

    init(count: Int, window: Int) {
        self.count = count
        slots = ResultSlots<T>(count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        inFlight = DispatchSemaphore(value: window)
    }

    /// The next index to work on, or nil when all are taken. Waits while `window` results are
    /// done but not yet consumed.
    func claim() -> Int? {
        inFlight.wait()
        let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if i >= count {
            inFlight.signal()
            return nil
        }
        return i
    }
}


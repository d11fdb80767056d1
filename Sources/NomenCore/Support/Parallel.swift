import Dispatch
import Synchronization

public enum Parallel {}

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
    /// and memory stays bounded. Workers take `chunk` indices at a time, so the hand-over costs
    /// one wake-up per chunk, not per item.
    public static func ordered<State, T: Sendable>(count: Int, threads: Int, chunk: Int = 16, makeState: @escaping @Sendable () -> State,
                                                   work: @escaping @Sendable (Int, inout State) -> T, consume: (T) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        let chunk = max(1, min(chunk, count / (workers * 4)))
        let chunks = (count + chunk - 1) / chunk
        let shared = OrderedRun<T>(count: count, chunks: chunks, window: workers * 4 + 8)
        for _ in 0..<workers {
            shared.group.enter()
            DispatchQueue.global().async {
                var state = makeState()
                while let c = shared.claim() {
                    for i in (c * chunk)..<min(count, (c + 1) * chunk) { shared.slots.set(i, work(i, &state)) }
                    shared.ready[c].signal()
                }
                shared.group.leave()
            }
        }
        for c in 0..<chunks {
            shared.ready[c].wait()
            for i in (c * chunk)..<min(count, (c + 1) * chunk) { consume(shared.slots.take(i)) }
            shared.inFlight.signal()
        }
        shared.group.wait()
    }
}

/// The state an ordered run shares between its workers and its consumer.
final class OrderedRun<T>: @unchecked Sendable {
    let chunks: Int
    let slots: ResultSlots<T>
    let ready: [DispatchSemaphore]
    let inFlight: DispatchSemaphore
    let group = DispatchGroup()
    private let next = Atomic<Int>(0)

    init(count: Int, chunks: Int, window: Int) {
        self.chunks = chunks
        slots = ResultSlots<T>(count: count)
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        inFlight = DispatchSemaphore(value: window)
    }

    /// The next chunk to work on, or nil when all are taken. Waits while `window` chunks are
    /// done but not yet consumed.
    func claim() -> Int? {
        inFlight.wait()
        let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if c >= chunks {
            inFlight.signal()
            return nil
        }
        return c
    }
}

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
    /// Runs `work` over `0..<count` on `threads` threads, the calling thread one of them, and
    /// hands each result to `consume` on the calling thread, in index order, as soon as it is
    /// ready: output streams and memory stays bounded. Threads take `chunk` indices at a
    /// time. The calling thread hands finished chunks on between chunks of its own, so no
    /// thread sits waiting to write while the others work (with 2 cores, 2 busy threads, not 3).
    public static func ordered<State, T: Sendable>(count: Int, threads: Int, chunk: Int = 16, makeState: @escaping @Sendable () -> State,
                                                   work: @escaping @Sendable (Int, inout State) -> T, consume: (T) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        let chunk = max(1, min(chunk, count / (workers * 4)))
        let chunks = (count + chunk - 1) / chunk
        // A wide window: on a shared machine a thread can be descheduled in the middle of a
        // chunk, and the others go on with later chunks meanwhile instead of waiting for it
        // (results are small: the peak memory of a 250 MB run did not change).
        let shared = OrderedRun<T>(count: count, chunks: chunks, window: workers * 16 + 16)
        let run: @Sendable (Int, inout State) -> Void = { c, state in
            for i in (c * chunk)..<min(count, (c + 1) * chunk) { shared.slots.set(i, work(i, &state)) }
            shared.finished(c)
        }
        for _ in 1..<workers {
            shared.group.enter()
            DispatchQueue.global().async {
                var state = makeState()
                while let c = shared.claim() { run(c, &state) }
                shared.group.leave()
            }
        }
        // The next chunk to hand on, in order.
        var next = 0
        func handOn(_ c: Int) {
            for i in (c * chunk)..<min(count, (c + 1) * chunk) { consume(shared.slots.take(i)) }
            shared.inFlight.signal()
        }
        var state = makeState()
        while true {
            // What the other threads finished, in order, without waiting (a flag is read; a
            // semaphore tried with no wait would still enter the kernel).
            while next < chunks, shared.isFinished(next) {
                handOn(next)
                next += 1
            }
            // A full window: the next chunk is being worked on (or done); wait for it and hand
            // it on, which makes room. (Every chunk before it is handed on, so it is claimed.)
            guard shared.inFlight.wait(timeout: .now()) == .success else {
                shared.ready[next].wait()
                handOn(next)
                next += 1
                continue
            }
            guard let c = shared.claimTaken() else { break }
            run(c, &state)
        }
        while next < chunks {
            shared.ready[next].wait()
            handOn(next)
            next += 1
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
    /// Per chunk: its results are in their slots (set before `ready` is signalled).
    private let done: UnsafeMutablePointer<Atomic<Bool>>

    init(count: Int, chunks: Int, window: Int) {
        self.chunks = chunks
        slots = ResultSlots<T>(count: count)
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        inFlight = DispatchSemaphore(value: window)
        done = .allocate(capacity: chunks)
        for c in 0..<chunks { (done + c).initialize(to: Atomic(false)) }
    }

    deinit {
        done.deinitialize(count: chunks)
        done.deallocate()
    }

    /// Chunk `c`'s results are in place.
    func finished(_ c: Int) {
        done[c].store(true, ordering: .releasing)
        ready[c].signal()
    }

    func isFinished(_ c: Int) -> Bool { done[c].load(ordering: .acquiring) }

    /// The next chunk to work on, or nil when all are taken. Waits while `window` chunks are
    /// done but not yet consumed.
    func claim() -> Int? {
        inFlight.wait()
        return claimTaken()
    }

    /// The next chunk, a place in the window already taken (given back when none is left).
    func claimTaken() -> Int? {
        let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if c >= chunks {
            inFlight.signal()
            return nil
        }
        return c
    }
}

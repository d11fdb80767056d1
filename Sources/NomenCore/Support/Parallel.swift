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

/// A value handed to another thread to be freed there.
private final class Parked<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: consuming Value) { self.value = value }

    func free() { DispatchQueue.global().async { self.value = nil } }
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

/// How many items an ordered run has: a count known up front, or one that grows while the
/// run goes on (a walk that hands its files on as it finds them).
public protocol ItemCount: Sendable {
    /// Waits until there are `end` items or the count is final; the number of items below
    /// `end` then.
    func available(upTo end: Int) -> Int
    /// The count, once it is final.
    var finalCount: Int? { get }
}

/// A count known up front.
struct FixedCount: ItemCount {
    let count: Int
    func available(upTo end: Int) -> Int { min(end, count) }
    var finalCount: Int? { count }
}

extension Parallel {
    /// Runs `work` over `0..<count` on `threads` threads, the calling thread one of them, and
    /// hands each result to `consume` on the calling thread, in index order, as soon as it is
    /// ready: output streams and memory stays bounded. Threads take `chunk` indices at a
    /// time. The calling thread hands finished chunks on between chunks of its own, so no
    /// thread sits waiting to write while the others work (with 2 cores, 2 busy threads, not 3).
    public static func ordered<State, T: Sendable>(count: Int, threads: Int, chunk: Int = 16, makeState: @escaping @Sendable () -> State,
                                                   work: @escaping @Sendable (Int, inout State) -> T, consume: (T) -> Void) {
        ordered(items: FixedCount(count: count), threads: threads, chunk: chunk, makeState: makeState, work: work, consume: consume)
    }

    /// The same over a count that may still grow: a thread that takes a chunk past the items
    /// found so far waits for them (or for the count to be final).
    /// `finish` gets each thread's state once it has no more work, on that thread, before the
    /// run returns.
    public static func ordered<State, T: Sendable>(items: some ItemCount, threads: Int, chunk requested: Int = 16, makeState: @escaping @Sendable () -> State,
                                                   work: @escaping @Sendable (Int, inout State) -> T,
                                                   finish: @escaping @Sendable (State) -> Void = { _ in }, consume: (T) -> Void) {
        // Enough items for full chunks on every thread, or the final count: a small count gets
        // small chunks (every thread takes some), a count still growing past that full ones.
        _ = items.available(upTo: max(1, threads) * 4 * max(1, requested))
        let known = items.finalCount
        guard known != 0 else { return }
        let workers = max(1, min(threads, known ?? threads))
        let chunk = max(1, known.map { min(requested, $0 / (workers * 4)) } ?? requested)
        // A wide window: on a shared machine a thread can be descheduled in the middle of a
        // chunk, and the others go on with later chunks meanwhile instead of waiting for it
        // (results are small: the peak memory of a 250 MB run did not change).
        // The window must exceed the number of threads: a full window then holds the next chunk
        // to hand on (at most threads − 1 places are held by claims past the last item).
        let shared = OrderedRun<T>(chunk: chunk, window: workers * 16 + 16)
        // Runs chunk `c`; false when it lies past the last item (then nothing is run).
        let run: @Sendable (Int, inout State) -> Bool = { c, state in
            let start = c * chunk
            let end = items.available(upTo: start + chunk)
            guard end > start else { return false }
            for i in start..<end { shared.set(c, i - start, work(i, &state)) }
            shared.finished(c, count: end - start)
            return true
        }
        for _ in 1..<workers {
            shared.group.enter()
            DispatchQueue.global().async {
                var state = makeState()
                while run(shared.claim(), &state) {}
                shared.giveBack()
                // The state (a scratch with its memo tables: thousands of objects) is freed
                // after the run is told this thread is done, not while the run waits for it.
                withExtendedLifetime(state) {
                    finish(state)
                    shared.group.leave()
                }
            }
        }
        // The next chunk to hand on, in order.
        var next = 0
        func handOn(_ c: Int) {
            shared.waitFinished(c)
            for k in 0..<shared.count(c) { consume(shared.take(c, k)) }
            shared.handedOn(c)
        }
        var state = makeState()
        while true {
            // What the other threads finished, in order, without waiting (a flag is read; a
            // semaphore tried with no wait would still enter the kernel).
            while shared.isFinished(next) {
                handOn(next)
                next += 1
            }
            // A full window: the next chunk is being worked on (or done); wait for it and hand
            // it on, which makes room. (Every chunk before it is handed on, so it is claimed.)
            guard shared.inFlight.wait(timeout: .now()) == .success else {
                handOn(next)
                next += 1
                continue
            }
            if run(shared.claimTaken(), &state) { continue }
            shared.giveBack()
            break
        }
        finish(state)
        // This thread's state is freed on another thread, while the caller goes on with the
        // results (a process that exits does not wait for it).
        Parked(consume state).free()
        // This thread's last claim lay past the last item: the count is final, and every
        // chunk before that claim was taken by some thread.
        let total = items.available(upTo: Int.max)
        while next * chunk < total {
            handOn(next)
            next += 1
        }
        shared.group.wait()
    }
}

/// The state an ordered run shares between its workers and its consumer. At most `window`
/// chunks are taken and not yet handed on, so chunk `c` lives in ring place `c % window`.
final class OrderedRun<T>: @unchecked Sendable {
    let chunk: Int
    let window: Int
    /// Chunk `c`'s results at `(c % window) * chunk + k`.
    private let slots: ResultSlots<T>
    private let counts: UnsafeMutablePointer<Int>
    private let ready: [DispatchSemaphore]
    let inFlight: DispatchSemaphore
    let group = DispatchGroup()
    private let next = Atomic<Int>(0)
    /// Per ring place: its chunk's results are in their slots (set before `ready` is signalled).
    private let done: UnsafeMutablePointer<Atomic<Bool>>

    init(chunk: Int, window: Int) {
        self.chunk = chunk
        self.window = window
        slots = ResultSlots<T>(count: chunk * window)
        counts = .allocate(capacity: window)
        counts.initialize(repeating: 0, count: window)
        ready = (0..<window).map { _ in DispatchSemaphore(value: 0) }
        inFlight = DispatchSemaphore(value: window)
        done = .allocate(capacity: window)
        for p in 0..<window { (done + p).initialize(to: Atomic(false)) }
    }

    deinit {
        done.deinitialize(count: window)
        done.deallocate()
        counts.deallocate()
    }

    func set(_ c: Int, _ k: Int, _ value: T) { slots.set((c % window) * chunk + k, value) }

    func take(_ c: Int, _ k: Int) -> T { slots.take((c % window) * chunk + k) }

    func count(_ c: Int) -> Int { counts[c % window] }

    /// Chunk `c`'s `count` results are in place.
    func finished(_ c: Int, count: Int) {
        counts[c % window] = count
        done[c % window].store(true, ordering: .releasing)
        ready[c % window].signal()
    }

    func isFinished(_ c: Int) -> Bool { done[c % window].load(ordering: .acquiring) }

    /// Waits for chunk `c` (taking its signal, so that the place's next chunk finds none).
    func waitFinished(_ c: Int) { ready[c % window].wait() }

    /// Chunk `c` is handed on: its place is free for chunk `c + window`.
    func handedOn(_ c: Int) {
        done[c % window].store(false, ordering: .relaxed)
        inFlight.signal()
    }

    /// The next chunk to work on. Waits while `window` chunks are taken and not handed on.
    func claim() -> Int {
        inFlight.wait()
        return claimTaken()
    }

    /// The next chunk, a place in the window already taken.
    /// (Acquiring and releasing: the claim of chunk `c + window` follows the handing on of
    /// chunk `c`, whose ring place it takes over, in the memory model and not only on x86.)
    func claimTaken() -> Int { next.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue }

    /// A claim past the last item gives its place back.
    func giveBack() { inFlight.signal() }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The files a walk has found so far, in the walk's order, read by the checking threads while
/// the walk goes on: checking starts with the first folder's files, not after the last
/// folder is listed. Paths in `skipping` (nomen's own reports) are never fed.
///
/// Reading takes no lock. Entries live in segments that never move (segment `k` holds
/// `first << k` entries), and a count published after they are written says how many may be
/// read. Only a reader that gets ahead of the walk locks, to wait. (With a lock around every
/// read, a checking thread that found the walk holding it slept in the kernel: at 2 threads,
/// 25 of the run's 30 sleeps, while the walk had a core of its own.)
public final class FileFeed: ItemCount, @unchecked Sendable {
    /// Segment `k` holds entries `first * (2^k - 1) ..< first * (2^(k+1) - 1)`.
    private static let first = 1024
    /// Segments for about 2^62 entries (an append past them traps); one more would hold
    /// `1024 << 52` entries, a size past what `allocate` takes.
    private static let maxSegments = 52
    private let segments: UnsafeMutablePointer<UnsafeMutablePointer<FileEntry>?>
    /// Entries below this are written and may be read (stored after they are written).
    private let published = Atomic<Int>(0)
    private let isFinished = Atomic<Bool>(false)
    // Writers (`append`, `finish`) and waiting readers hold `lock`; `changed` is signalled when
    // entries arrive or the feed finishes.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private let skipping: Set<String>

    public init(skipping: Set<String> = []) {
        self.skipping = skipping
        segments = .allocate(capacity: Self.maxSegments)
        segments.initialize(repeating: nil, count: Self.maxSegments)
        lock = .allocate(capacity: 1)
        changed = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
    }

    /// A feed that holds `entries` and is finished (tests, and callers that have a list).
    public convenience init(_ entries: [FileEntry]) {
        self.init()
        append(entries)
        finish()
    }

    deinit {
        var left = published.load(ordering: .acquiring)
        for k in 0..<Self.maxSegments {
            guard let segment = segments[k] else { break }
            let size = Self.first << k
            segment.deinitialize(count: min(left, size))
            segment.deallocate()
            left = max(0, left - size)
        }
        segments.deallocate()
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    /// Entry `i`'s segment and its place there.
    @inline(__always)
    private static func place(_ i: Int) -> (segment: Int, offset: Int) {
        // i / first + 1 lies in [2^k, 2^(k+1)) for segment k.
        let q = UInt(i / first + 1)
        let k = UInt.bitWidth - 1 - q.leadingZeroBitCount
        return (k, i - first * ((1 << k) - 1))
    }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }

    /// More files, after those fed before.
    public func append(_ batch: some Collection<FileEntry>) {
        guard !batch.isEmpty else { return }
        locked {
            var n = published.load(ordering: .relaxed)
            for entry in batch where skipping.isEmpty || !skipping.contains(entry.path) {
                let (k, offset) = Self.place(n)
                precondition(k < Self.maxSegments, "a feed of more files than its segments hold")
                if segments[k] == nil { segments[k] = .allocate(capacity: Self.first << k) }
                (segments[k]! + offset).initialize(to: entry)
                n += 1
            }
            // The entries (and any new segment) are in place before the count says so.
            published.store(n, ordering: .releasing)
            pthread_cond_broadcast(changed)
        }
    }

    /// The walk is over: no more files come.
    public func finish() {
        locked {
            isFinished.store(true, ordering: .releasing)
            pthread_cond_broadcast(changed)
        }
    }

    public func available(upTo end: Int) -> Int {
        // Without a lock while the walk is ahead (or over).
        let n = published.load(ordering: .acquiring)
        if n >= end { return end }
        if isFinished.load(ordering: .acquiring) { return min(end, published.load(ordering: .acquiring)) }
        return locked {
            while published.load(ordering: .acquiring) < end && !isFinished.load(ordering: .acquiring) { pthread_cond_wait(changed, lock) }
            return min(end, published.load(ordering: .acquiring))
        }
    }

    public var finalCount: Int? {
        // `finish` is stored after the last count: once it is seen, the count is final.
        isFinished.load(ordering: .acquiring) ? published.load(ordering: .acquiring) : nil
    }

    /// File `i` (it has been fed: `available` said so).
    public subscript(i: Int) -> FileEntry {
        precondition(i >= 0 && i < published.load(ordering: .acquiring), "file \(i) has not been fed")
        let (k, offset) = Self.place(i)
        return segments[k]![offset]
    }

    /// Every file, once the walk is over (waits for it).
    public var all: [FileEntry] {
        let n = available(upTo: Int.max)
        return (0..<n).map { self[$0] }
    }
}

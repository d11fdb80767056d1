#if canImport(Glibc)
import Glibc
#endif

/// The files a walk has found so far, in the walk's order, read by the checking threads while
/// the walk goes on: checking starts with the first folder's files, not after the last
/// folder is listed. Paths in `skipping` (nomen's own reports) are never fed.
public final class FileFeed: ItemCount, @unchecked Sendable {
    // Guarded by `lock`; `changed` is signalled when entries arrive or the feed finishes.
    private var entries: [FileEntry] = []
    private var isFinished = false
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private let skipping: Set<String>

    public init(skipping: Set<String> = []) {
        self.skipping = skipping
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
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }

    /// More files, after those fed before.
    public func append(_ batch: some Collection<FileEntry>) {
        guard !batch.isEmpty else { return }
        let kept = skipping.isEmpty ? Array(batch) : batch.filter { !skipping.contains($0.path) }
        locked {
            entries += kept
            pthread_cond_broadcast(changed)
        }
    }

    /// The walk is over: no more files come.
    public func finish() {
        locked {
            isFinished = true
            pthread_cond_broadcast(changed)
        }
    }

    public func available(upTo end: Int) -> Int {
        locked {
            while entries.count < end && !isFinished { pthread_cond_wait(changed, lock) }
            return min(end, entries.count)
        }
    }

    public var finalCount: Int? { locked { isFinished ? entries.count : nil } }

    /// File `i` (it has been fed: `available` said so).
    public subscript(i: Int) -> FileEntry { locked { entries[i] } }

    /// Every file, once the walk is over (waits for it).
    public var all: [FileEntry] {
        _ = available(upTo: Int.max)
        return locked { entries }
    }
}

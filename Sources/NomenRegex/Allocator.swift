import CPCRE2

/// The process allocator, tuned once at start: per-file buffers of a few hundred KiB would
/// otherwise be mapped and unmapped by glibc on every file (a quarter of a run's time).
public enum Allocator {
    public static func preferHeap() {
        _ = mallopt(NOMEN_M_MMAP_THRESHOLD, 32 << 20)  // glibc's upper limit on 64-bit
        _ = mallopt(NOMEN_M_TRIM_THRESHOLD, 512 << 20)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An I/O failure with the path and the system's reason.
public struct IOFailure: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }

    static func errno(_ path: String, _ what: String) -> IOFailure {
        IOFailure(path: path, reason: "\(what): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// Reading and writing whole files as bytes, with POSIX calls (no Foundation on the hot path).
public enum FileIO {
    /// A whole file as an array (cold paths: rules, configuration, notebooks in tests).
    public static func read(_ path: String) throws(IOFailure) -> [UInt8] {
        let buffer = ReadBuffer(capacity: 4096)
        let outcome = try buffer.read(path)
        // The bytes live in `buffer`: copy them out while it is alive.
        return withExtendedLifetime(buffer) {
            switch outcome {
            case .bytes(let b): return Array(b)
            case .tooLarge: return []
            }
        }
    }

    /// Permission bits and identity of a file, to keep them across a rewrite and to notice a
    /// file that changed since it was read.
    public struct Stamp: Sendable, Equatable {
        public let mode: UInt32
        public let uid: UInt32
        public let gid: UInt32
        public let links: Int
    }

    public static func stamp(_ path: String) throws(IOFailure) -> Stamp {
        var st = stat()
        guard stat(path, &st) == 0 else { throw IOFailure.errno(path, "cannot stat") }
        return Stamp(mode: UInt32(st.st_mode & 0o7777), uid: UInt32(st.st_uid), gid: UInt32(st.st_gid), links: Int(st.st_nlink))
    }

    /// Writes `bytes` to a temporary file in the same folder, flushes it, keeps `mode`, and
    /// renames it over `path`. On any failure the original is untouched and the temporary removed.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32, owner: (uid: UInt32, gid: UInt32)? = nil) throws(IOFailure) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).nomen-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let tmp = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard fd >= 0 else { throw IOFailure.errno(path, "cannot create a temporary file beside it") }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buf in write(fd, buf.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                let failure = IOFailure.errno(path, "cannot write")
                close(fd)
                throw failure
            }
            written += n
        }
        if let owner, fchown(fd, owner.uid, owner.gid) != 0, owner.uid != geteuid() {
            let failure = IOFailure.errno(path, "cannot keep the file's owner")
            close(fd)
            throw failure
        }
        if fchmod(fd, mode_t(mode)) != 0 || fsync(fd) != 0 {
            let failure = IOFailure.errno(path, "cannot set mode or flush")
            close(fd)
            throw failure
        }
        close(fd)
        guard rename(tmp, path) == 0 else { throw IOFailure.errno(path, "cannot replace") }
        ok = true
        // Make the rename itself durable.
        let dirfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_CLOEXEC)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }
}

extension FileIO {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}

extension FileIO {
    /// Replaces a file's content atomically, keeping its permissions, but only if it still
    /// holds `expected` (the bytes that were checked): a file changed in between is left alone.
    public static func replace(_ path: String, expecting expected: [UInt8], with bytes: [UInt8]) throws(IOFailure) {
        let stamp = try FileIO.stamp(path)
        if stamp.links > 1 {
            throw IOFailure(path: path, reason: "has \(stamp.links) hard links, which a rewrite by rename would break; left alone")
        }
        let current = try FileIO.read(path)
        guard current == expected else {
            throw IOFailure(path: path, reason: "changed since nomen read it; left alone")
        }
        try writeAtomically(bytes, to: path, mode: stamp.mode, owner: (stamp.uid, stamp.gid))
    }
}

/// A reusable read buffer (one per thread): no allocation or zero-filling per file.
public final class ReadBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int

    /// What the first read of a file asks for (see `read(opened:path:limit:)`).
    static let firstRead = 1 << 16

    public init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        base.deallocate()
        if folderFD >= 0 { close(folderFD) }
    }

    private func grow(to newCapacity: Int, keeping count: Int) {
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    public enum Outcome {
        case bytes(UnsafeBufferPointer<UInt8>)
        /// Over the size limit: not read.
        case tooLarge(Int)
    }

    /// The bytes the last `read` gave (nil after one that gave none), valid until the next.
    public private(set) var last: UnsafeBufferPointer<UInt8>? = nil

    /// The file's bytes, valid until the next `read`.
    public func read(_ path: String, limit: Int = .max) throws(IOFailure) -> Outcome {
        // (Through `withCString`: a native string passed as a C string by conversion is copied
        // into a new array first.)
        try read(opened: path.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC) }, path: path, limit: limit)
    }

    /// A walked file's bytes, the same way; opened by its name in its folder, which stays open
    /// while the files that follow are in it too (the walk's order: a thread takes its files a
    /// run at a time). The kernel then looks up one name per file, not every folder of its path
    /// (on the benchmark corpus, 19,420 files in 701 folders: 7-13 ms of 140-160 ms of kernel
    /// time per pass).
    public func read(_ entry: FileEntry) throws(IOFailure) -> Outcome {
        try read(opened: open(entry), path: entry.path, limit: entry.sizeLimit)
    }

    /// The folder of the last walked file opened, and its descriptor (-1: none, or it could not
    /// be opened, and files are opened by their paths).
    private var folderID = -1
    private var folderFD: Int32 = -1

    private func open(_ entry: FileEntry) -> Int32 {
        let flags = O_RDONLY | O_CLOEXEC
        guard let folder = entry.folder else { return entry.path.withCString { Glibc.open($0, flags) } }
        if folder.id != folderID {
            if folderFD >= 0 { close(folderFD) }
            folderID = folder.id
            folderFD = entry.path.withCString { path in
                guard folder.nameStart > 0 else { return Glibc.open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                // The folder's path: the bytes before the name (with its slash).
                let copy = UnsafeMutablePointer<CChar>.allocate(capacity: folder.nameStart + 1)
                defer { copy.deallocate() }
                copy.update(from: path, count: folder.nameStart)
                copy[folder.nameStart] = 0
                return Glibc.open(copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
        }
        return entry.path.withCString { path in
            folderFD >= 0 ? openat(folderFD, path + folder.nameStart, flags) : Glibc.open(path, flags)
        }
    }

    /// `fd` from `open` (negative: its error is in `errno`), read and closed.
    ///
    /// Read until a read gives nothing, without asking the file's size first: for the small
    /// files most are, a read that returns 0 costs a third of an `fstat` (on the 250 MB
    /// benchmark corpus, 19,420 files: 155 against 173 ms of system time per pass). The first
    /// read asks for at most 64 KB (and never more than the limit and one byte): a file that
    /// fills it is asked its size then, so a file over the limit costs one small read, and a
    /// large one gets room for all of it at once.
    private func read(opened fd: Int32, path: String, limit: Int) throws(IOFailure) -> Outcome {
        last = nil
        guard fd >= 0 else { throw IOFailure.errno(path, "cannot open") }
        defer { close(fd) }
        var count = 0
        var sized = false
        // `pread` at the count read so far: unlike `read`, it takes no lock on the file's
        // position, which the kernel takes for every `read` in a process of several threads.
        // A pipe or other stream (ESPIPE) is read with `read`.
        var positioned = true
        // How far the next reads may fill the buffer before the file is looked at again.
        var stretch = min(capacity, Self.firstRead, limit < Int.max ? limit + 1 : Int.max)
        while true {
            if count == stretch {
                // What `fstat` says once; after that (or for a file that reports no size, as in
                // /proc), at least what has been read.
                var size = count
                if !sized {
                    sized = true
                    var st = stat()
                    guard fstat(fd, &st) == 0 else { throw IOFailure.errno(path, "cannot stat") }
                    size = max(count, Int(st.st_size))
                }
                if size > limit { return .tooLarge(size) }
                if capacity <= size { grow(to: max(capacity * 2, size + 1), keeping: count) }
                stretch = capacity
            }
            let n = positioned ? pread(fd, base + count, stretch - count, off_t(count)) : Glibc.read(fd, base + count, stretch - count)
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                if Glibc.errno == ESPIPE, positioned, count == 0 { positioned = false; continue }
                if Glibc.errno == EISDIR { throw IOFailure(path: path, reason: "is a directory") }
                throw IOFailure.errno(path, "cannot read")
            }
            if n == 0 { break }
            count += n
        }
        if count > limit { return .tooLarge(count) }
        let bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
        last = bytes
        return .bytes(bytes)
    }
}

import Foundation
import Testing
@testable import NomenCore

/// `ReadBuffer` reads a file until a read gives nothing and asks its size only when the
/// buffer fills: every size around the buffer's capacity comes back whole, and the limit holds
/// on both sides of it.
@Suite struct FileIOTests {
    static func bytes(_ n: Int, seed: UInt64) -> [UInt8] {
        var x = seed
        return (0..<n).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: x >> 33)
        }
    }

    static func read(_ buffer: ReadBuffer, _ path: String, limit: Int = .max) throws -> [UInt8]? {
        switch try buffer.read(path, limit: limit) {
        case .bytes(let b): return Array(b)
        case .tooLarge: return nil
        }
    }

    @Test func everySizeAroundTheCapacityIsReadWhole() throws {
        let dir = try Fixture.tempDir()
        // One buffer for all (as a thread reuses its own): it grows, and a smaller file after a
        // larger one gets only its own bytes.
        let buffer = ReadBuffer(capacity: 64)
        // Sizes around the capacity and around the first read's 64 KB.
        let first = ReadBuffer.firstRead
        for n in [0, 1, 63, 64, 65, 127, 128, 129, 1000, 5, 64, first - 1, first, first + 1, 3 * first, 3] {
            let content = Self.bytes(n, seed: UInt64(n))
            let path = dir + "/f\(n)"
            try Data(content).write(to: URL(fileURLWithPath: path))
            #expect(try Self.read(buffer, path) == content, "a file of \(n) bytes")
            #expect(buffer.last.map(Array.init) == content)
            // And with a buffer of its own, at that capacity, one less and one more.
            for capacity in [64, max(1, n - 1), n, n + 1] {
                #expect(try Self.read(ReadBuffer(capacity: capacity), path) == content, "a file of \(n) bytes, capacity \(capacity)")
            }
        }
    }

    @Test func theLimitHoldsBelowAndAboveTheCapacity() throws {
        let dir = try Fixture.tempDir()
        let path = dir + "/f"
        try Data(Self.bytes(300, seed: 7)).write(to: URL(fileURLWithPath: path))
        // A limit under the capacity: the file is read (it fits), then found too large.
        // A limit over it: the size is asked when the buffer fills. Either way the exact size
        // is reported, and nothing is left as the last bytes.
        for (capacity, limit) in [(1024, 299), (64, 299), (64, 100), (16, 64), (1024, 0), (300, 299), (301, 299)] {
            let buffer = ReadBuffer(capacity: capacity)
            guard case .tooLarge(let size) = try buffer.read(path, limit: limit) else {
                Issue.record("capacity \(capacity), limit \(limit): not refused")
                continue
            }
            #expect(size == 300)
            #expect(buffer.last == nil)
        }
        for (capacity, limit) in [(1024, 300), (64, 300), (16, 1000)] {
            #expect(try Self.read(ReadBuffer(capacity: capacity), path, limit: limit) == Self.bytes(300, seed: 7))
        }
    }

    /// A file that reports no size (as in /proc) is read to its end all the same.
    @Test func aFileWithoutASizeIsReadToItsEnd() throws {
        let expected = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/status"))
        let got = try Self.read(ReadBuffer(capacity: 32), "/proc/self/status")
        #expect(got.map { $0.count > 32 } == true)
        // (The content changes from read to read; its first line does not.)
        #expect(got.map { Array($0.prefix(while: { $0 != 0x0A })) } == Array(expected.prefix(while: { $0 != 0x0A })))
    }

    /// A file is read at offsets (`pread`); a named pipe, which has none, is read as a stream,
    /// in pieces as the writer sends them, to its end. The limit holds there too.
    @Test func aNamedPipeIsReadAsAStream() throws {
        // The reader stops at the limit and closes the pipe while the writer is still writing:
        // the writer's next write fails (EPIPE) instead of raising SIGPIPE in the test process.
        signal(SIGPIPE, SIG_IGN)
        let dir = try Fixture.tempDir()
        let expected = Self.bytes(200_000, seed: 11)
        for limit in [Int.max, 100_000] {
            let fifo = dir + "/pipe-\(limit)"
            #expect(mkfifo(fifo, 0o600) == 0)
            let writer = Thread {
                let fd = open(fifo, O_WRONLY)
                var at = 0
                // Pieces of 7,000 bytes: the reader gets short reads before the end.
                while at < expected.count, fd >= 0 {
                    let n = expected[at..<min(at + 7_000, expected.count)].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    at += n
                }
                close(fd)
            }
            writer.start()
            let got = try Self.read(ReadBuffer(capacity: 4096), fifo, limit: limit)
            #expect(got == (limit == Int.max ? expected : nil))
        }
    }

    /// Walked files are opened by name in their folder, which a buffer keeps open while the
    /// next file is in it too: files of the same name in different folders, read in any order
    /// (as threads take them), come from their own folder. (Files of the working folder, whose
    /// folder is `.`, are read by `EndToEndTests.walkerHonoursIgnoresAndSkips`: the binary runs
    /// in the fixture's folder, which holds several files to check.)
    @Test func walkedFilesAreReadFromTheirOwnFolder() throws {
        let dir = try Fixture.tempDir()
        // (A folder of fewer than four files has its files opened by their paths: `d/`.)
        for folder in ["", "a/", "b/", "a/c/", "d/"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
            for name in folder == "d/" ? ["x.py"] : ["w.py", "x.py", "y.sql", "z.sh"] {
                try Data((folder + name).utf8).write(to: URL(fileURLWithPath: dir + "/" + folder + name))
            }
        }
        do {
            var walker = Walker(configuration: Configuration(root: dir))
            let entries = try walker.collect([dir])
            #expect(entries.count == 17)
            #expect(entries.allSatisfy { ($0.folder == nil) == $0.path.hasSuffix("/d/x.py") })
            // Two passes, the second in an order that changes folder at nearly every file.
            let buffer = ReadBuffer(capacity: 64)
            for order in [Array(entries.indices), [0, 4, 8, 12, 16, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15, 15, 0]] {
                for k in order {
                    let e = entries[k]
                    let expected = String(e.path.dropFirst(dir.count + 1))
                    #expect(try Self.read(buffer, e).map { String(decoding: $0, as: UTF8.self) } == expected, "\(e.path)")
                }
            }
        }
        // A folder that cannot be opened any more: the file is opened by its path, and its
        // error is the path's.
        var walker = Walker(configuration: Configuration(root: dir))
        let entries = try walker.collect([dir])
        let buffer = ReadBuffer(capacity: 64)
        #expect(try Self.read(buffer, entries[0]) != nil)
        try FileManager.default.removeItem(atPath: dir + "/a")
        do {
            _ = try buffer.read(entries.first { $0.path.hasSuffix("/a/x.py") }!)
            Issue.record("a removed file was read")
        } catch {
            #expect(error.description.hasPrefix("\(dir)/a/x.py: cannot open: "))
        }
    }

    static func read(_ buffer: ReadBuffer, _ entry: FileEntry) throws -> [UInt8]? {
        switch try buffer.read(entry) {
        case .bytes(let b): return Array(b)
        case .tooLarge: return nil
        }
    }

    @Test func failuresNameThePathAndTheCause() throws {
        let dir = try Fixture.tempDir()
        let buffer = ReadBuffer(capacity: 64)
        #expect(throws: IOFailure.self) { _ = try buffer.read(dir + "/missing") }
        do {
            _ = try buffer.read(dir)
            Issue.record("a folder was read")
        } catch {
            #expect(error.description == "\(dir): is a directory")
        }
        do {
            _ = try buffer.read(dir + "/missing")
            Issue.record("a missing file was read")
        } catch {
            #expect(error.description.hasPrefix("\(dir)/missing: cannot open: "))
        }
    }
}

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
        for n in [0, 1, 63, 64, 65, 127, 128, 129, 1000, 5, 64, 70_000, 3] {
            let content = Self.bytes(n, seed: UInt64(n))
            let path = dir + "/f\(n)"
            try Data(content).write(to: URL(fileURLWithPath: path))
            #expect(try Self.read(buffer, path) == content, "a file of \(n) bytes")
            #expect(buffer.last.map(Array.init) == content)
        }
    }

    @Test func theLimitHoldsBelowAndAboveTheCapacity() throws {
        let dir = try Fixture.tempDir()
        let path = dir + "/f"
        try Data(Self.bytes(300, seed: 7)).write(to: URL(fileURLWithPath: path))
        // A limit under the capacity: the file is read (it fits), then found too large.
        // A limit over it: the size is asked when the buffer fills. Either way the exact size
        // is reported, and nothing is left as the last bytes.
        for (capacity, limit) in [(1024, 299), (64, 299), (64, 100), (16, 64)] {
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
        } catch {
            #expect(error.description.hasPrefix("\(dir)/missing: cannot open: "))
        }
    }
}

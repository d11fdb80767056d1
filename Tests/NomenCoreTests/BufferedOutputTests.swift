import Testing
@testable import NomenCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct BufferedOutputTests {
    /// Small writes are copied, large ones held and written with `writev`: whatever the mix,
    /// the file gets every byte in the order written.
    @Test func mixedWritesArriveInOrder() throws {
        let path = try Fixture.tempDir() + "/out.bin"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        var out = BufferedOutput(fd: fd)
        var expected: [UInt8] = []
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % n
        }
        for k in 0..<400 {
            switch next(4) {
            case 0:
                let s = "s\(k);"
                out.write(s)
                expected += Array(s.utf8)
            case 1:
                // Around the size from which writes are held.
                let n = BufferedOutput.holdFrom - 2 + next(5)
                let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &+ k) }
                out.write(bytes: bytes)
                expected += bytes
            case 2:
                let bytes = (0..<(1 + next(50))).map { _ in UInt8(truncatingIfNeeded: k) }
                out.write(bytes: bytes)
                expected += bytes
            default:
                let bytes = (0..<(5000 + next(70_000))).map { UInt8(truncatingIfNeeded: $0 / 7 &+ k) }
                out.write(bytes: bytes)
                expected += bytes
            }
        }
        out.flush()
        close(fd)
        let written = try FileIO.read(path)
        #expect(written.count == expected.count)
        #expect(written == expected)
    }
}

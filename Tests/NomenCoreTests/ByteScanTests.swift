import CByteScan
import Testing
@testable import NomenCore

/// The small C scans the linter calls on every match, against byte loops written from their
/// definitions.
@Suite struct ByteScanTests {
    static let alphabet: [UInt8] = Array("aZ09_-.`'\" \t\r\n,;(){}$%:/é".utf8) + [0x80, 0xFF, 0x00]

    /// Every position `k` of random buffers, with random bounds `lower...upper` around it.
    static func positions(seed: UInt64, _ body: (UnsafeBufferPointer<UInt8>, Int, Int, Int) -> Void) {
        var random = SeededRandom(seed)
        for _ in 0..<300 {
            let bytes = (0..<(1 + random.next(60))).map { _ in alphabet[random.next(alphabet.count)] }
            bytes.withUnsafeBufferPointer { b in
                let lower = random.next(b.count), upper = lower + random.next(b.count - lower + 1)
                for k in lower...upper { body(b, lower, upper, k) }
            }
        }
    }

    /// Reference parts: ASCII letters, digits, `_` and `-` (`Reference.isPartByte`).
    @Test func partRunsAgreeWithTheByteLoop() {
        Self.positions(seed: 31) { b, lower, upper, k in
            var s = k
            while s > lower, Reference.isPartByte(b[s - 1]) { s -= 1 }
            var e = k
            while e < upper, Reference.isPartByte(b[e]) { e += 1 }
            #expect(nomen_part_start(b.baseAddress!, k, lower) == s && nomen_part_end(b.baseAddress!, k, upper) == e, "\(Array(b)) at \(k)")
        }
    }

    /// A path-like token: up to white space, a quote, a backtick or `,;()`, braces balanced
    /// on the right (`FileScan.token(around:within:)`).
    @Test func tokenEndsAgreeWithTheByteLoop() {
        func isStop(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "'") || c == UInt8(ascii: "\"")
                || c == UInt8(ascii: "`") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
        }
        Self.positions(seed: 37) { b, lower, upper, k in
            var s = k
            while s > lower, !isStop(b[s - 1]) { s -= 1 }
            var e = k, depth = 0
            while e < upper {
                let c = b[e]
                if c == UInt8(ascii: "{") { depth += 1 } else if c == UInt8(ascii: "}") { depth -= 1 }
                if depth <= 0, isStop(c) { break }
                e += 1
            }
            #expect(nomen_token_start(b.baseAddress!, k, lower) == s && nomen_token_end(b.baseAddress!, k, upper) == e, "\(Array(b)) at \(k)")
        }
    }
}

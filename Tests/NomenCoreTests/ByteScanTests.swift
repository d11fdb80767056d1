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

    /// The line around an offset and where a needle first lies in it, for every offset of
    /// generated texts (lines of 0 to 200 bytes, so that both ends and the needle are found
    /// across 32-byte blocks, and a needle that runs past the line's end is not in it).
    @Test func lineSearchAgreesWithTheByteLoop() {
        let needle = Array("nomen: ignore".utf8)
        let texts = Fixture.generatedTexts(["nomen: ignore", "nomen: ignor", "\n", "\r\n", "x = 1 ", String(repeating: "y", count: 40), "n", "e"],
                                           count: 80, seed: 5, base: 1, spread: 50)
        for (round, text) in texts.enumerated() {
            let b = Array(text.utf8)
            b.withUnsafeBufferPointer { buf in
                for at in 0...b.count {
                    var s = min(at, b.count)
                    while s > 0, b[s - 1] != 0x0A { s -= 1 }
                    var e = min(at, b.count)
                    while e < b.count, b[e] != 0x0A { e += 1 }
                    let found = s + needle.count <= e ? (s...(e - needle.count)).first { Array(b[$0..<($0 + needle.count)]) == needle } : nil
                    var start = -1, end = -1
                    let got = needle.withUnsafeBufferPointer { nomen_line_find(buf.baseAddress!, b.count, at, $0.baseAddress, $0.count, &start, &end) }
                    #expect(start == s && end == e && got == (found ?? e), "text \(round) at \(at)")
                }
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

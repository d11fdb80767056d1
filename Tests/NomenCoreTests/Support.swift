import Foundation
@testable import NomenCore

/// Shared fixtures: the default rule set, the package root, and one-line helpers.
enum Fixture {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let rulesPath = packageRoot + "/rules/zl-warehouse.yaml"

    static let rules: RuleSet = {
        do { return try RuleLoader.load(path: rulesPath) } catch { fatalError("default rules do not load: \(error)") }
    }()

    /// A day after the shim views' grace period.
    static let today = Day("2026-11-27")!

    static func linter(today: Day = today) -> Linter { Linter(rules: rules, options: LintOptions(today: today)) }

    static func findings(_ code: String, _ language: Language = .python, today: Day = today) -> [Finding] {
        linter(today: today).findings(in: SourceFile(path: "t", bytes: Array(code.utf8), language: language))
    }

    /// The code after all safe fixes (or unsafe too).
    static func fixed(_ code: String, _ language: Language = .python, unsafe: Bool = false) -> String {
        let bytes = Array(code.utf8)
        let fs = linter().findings(in: SourceFile(path: "t", bytes: bytes, language: language))
        guard let plan = Rewriter.plan(path: "t", bytes: bytes, findings: fs, unsafe: unsafe) else { return code }
        precondition(plan.conflict == nil)
        return String(decoding: plan.rewritten, as: UTF8.self)
    }

    static func text(_ bytes: [UInt8], _ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

    /// The built `nomen` binary beside the test bundle.
    static var binary: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The XCTest bundle may be a folder one level down.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("nomen").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return packageRoot + "/.build/debug/nomen"
    }

    struct Run {
        let status: Int32
        let stdout: Data
        let stderr: String
        var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs the binary; `stdin` is fed when given.
    static func run(_ args: [String], in dir: String? = nil, stdin: String? = nil, env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["NOMEN_RULES"] = rulesPath
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let outBox = Box()
        let group = DispatchGroup()
        group.enter()
        let reader = out.fileHandleForReading
        DispatchQueue.global().async { outBox.data = reader.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = outBox.data
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The test process's own temporary folder: every `tempDir` lies in it, and it is removed
    /// when the process exits (a test does not have to clean up after itself).
    private static let tempRoot: String = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nomen-tests-\(getpid())-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Fixture.tempRoot) }
        return root
    }()

    /// A fresh temporary folder.
    static func tempDir() throws -> String {
        let dir = tempRoot + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static func shell(_ command: String, in dir: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Marked text: `‹name›` marks the span a test expects a finding on; the markers are removed.
struct Marked {
    let code: String
    let spans: [Range<Int>]

    init(_ marked: String) {
        var bytes: [UInt8] = []
        var spans: [Range<Int>] = []
        var open: Int? = nil
        for scalar in marked.unicodeScalars {
            if scalar == "‹" { open = bytes.count; continue }
            if scalar == "›", let o = open { spans.append(o..<bytes.count); open = nil; continue }
            bytes.append(contentsOf: Array(String(scalar).utf8))
        }
        code = String(decoding: bytes, as: UTF8.self)
        self.spans = spans
    }
}

extension Fixture {
    /// Deterministic texts made of `tokens` (a linear congruential generator from `seed`):
    /// text k has `base + k % spread` tokens. Equivalence tests run both paths over them.
    static func generatedTexts(_ tokens: [String], count: Int, seed: UInt64, base: Int, spread: Int) -> [String] {
        var state = seed
        return (0..<count).map { round in
            var text = ""
            for _ in 0..<(base + round % spread) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += tokens[Int(state >> 33) % tokens.count]
            }
            return text
        }
    }
}

extension Fixture {
    /// A linter for the test base patterns plus the given `legacy:` list (YAML, indented by 2).
    static func linter(legacy yaml: String, file: String) throws -> Linter {
        let rules = try RuleLoader.load(text: RuleLoadingTests.base + "legacy:\n" + yaml, file: file)
        return Linter(rules: rules, options: LintOptions(today: today))
    }
}

/// A deterministic generator for tests over generated input (a 64-bit LCG, its high bits):
/// the same seed gives the same cases on every run.
struct SeededRandom {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    mutating func next() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33)
    }

    mutating func next(_ n: Int) -> Int { next() % n }
}


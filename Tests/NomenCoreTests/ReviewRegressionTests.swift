import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import NomenCore

/// Bugs found in review, each pinned by a test.
@Suite struct ReviewRegressionTests {
    @Test func doubleStarSlashMatchesWholeFoldersOnly() {
        #expect(Glob("**/foo.py").matches("foo.py"))
        #expect(Glob("**/foo.py").matches("a/b/foo.py"))
        #expect(!Glob("**/foo.py").matches("xfoo.py"))
        #expect(!Glob("**/foo.py").matches("a/xfoo.py"))
        #expect(Glob("a/**/b.py").matches("a/b.py"))
        #expect(Glob("a/**/b.py").matches("a/x/y/b.py"))
        #expect(!Glob("a/**/b.py").matches("a/xb.py"))
    }

    /// Plain names and `*suffix` globs take a shortcut; the general matcher agrees with it
    /// on every path, anchored or not, with or without folders.
    @Test func globShortcutsAgreeWithTheGeneralMatcher() {
        let patterns = [".env", "*.pkl", "*.parquet", "*", "*.", "venv", "/TrainingData", "/a/b.txt", "a/b.txt", "/*.pkl", "src/*.py", "*.py[cod]"]
        let paths = ["", ".env", "x.env", "a/.env", "m.pkl", "a/m.pkl", "a/b/m.pkl", ".pkl", "pkl", "x.parquet", "venv", "a/venv", "TrainingData",
                     "a/TrainingData", "a/b.txt", "x/a/b.txt", "src/x.py", "src/a/x.py", "x.pyc", "a."]
        var shortcuts = 0
        for source in patterns {
            let glob = Glob(source)
            if glob.shape != .general { shortcuts += 1 }
            for path in paths {
                let p = Array(path.utf8)
                let name = p.lastIndex(of: UInt8(ascii: "/")).map { Array(p[($0 + 1)...]) } ?? p
                let subject = glob.anchored ? p : name
                let general = subject.withUnsafeBufferPointer { Glob.match(glob.pattern[...], $0[...]) }
                #expect(glob.matches(path) == general, "\(source) on \(path)")
            }
        }
        #expect(shortcuts >= 8)
    }

    /// The walk lists files in byte order of their paths without sorting them at the end:
    /// each folder's children sorted with a `/` after folder names (`a-b.py` before `a/`,
    /// `a.py` before `a/` and after `a-b.py`); fed to a run as found, in the same order.
    /// Names that share their first 8 bytes (the sort compares those first) or end inside
    /// them are ordered by the rest, and a short name before a longer one it begins
    /// (`c.py` before `c.py.py`).
    @Test func walkListsPathsInByteOrder() throws {
        let dir = try Fixture.tempDir()
        let files = ["a/x.py", "a-b.py", "a.py", "a0/y.py", "b.py", "A.py", "a/b/c.py", "a/b-c.py", "a/b.sql", "_/z.py", "é/e.py", "a b/s.py", "a/bb/q.py",
                     "features_b.py", "features_a.py", "features.py", "features/x.py", "features-x.py", "featuresX.py", "features_a.sql",
                     "abcdefgh/z.py", "abcdefg/w.py", "abcdefgh.py", "abcdefgh-/v.py", "abcdefghi/u.py", "abcdefg.py",
                     "c.py.py", "c.py", "c.py-d/k.py"]
        for f in files { try Fixture.write("x = 1\n", to: dir + "/" + f) }
        let expected = files.map { dir + "/" + $0 }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var walker = Walker(configuration: Configuration(root: dir))
        #expect(try walker.collect([dir]).map(\.path) == expected)
        let feed = FileFeed()
        var streaming = Walker(configuration: Configuration(root: dir))
        streaming.feed([dir], into: feed)
        #expect(feed.all.map(\.path) == expected)
    }

    /// `./` and `.//` are the current folder, never the empty path (which the walk would
    /// take for the file system's root).
    @Test func cleanPathsStayRelative() {
        #expect(Walker.clean("./") == ".")
        #expect(Walker.clean(".//") == ".")
        #expect(Walker.clean(".") == ".")
        #expect(Walker.clean("./a/") == "a")
        #expect(Walker.clean(".//a//") == "a")
        #expect(Walker.clean("././a") == "a")
        #expect(Walker.clean("/") == "/")
        #expect(Walker.clean("/tmp/x/") == "/tmp/x")
        #expect(Walker.clean("a") == "a")
    }

    /// Names that are not UTF-8 are listed as reported (U+FFFD for the bad bytes), in byte
    /// order of that, once even when two of them read the same.
    @Test func namesThatAreNotUTF8AreListedInOrderOnce() throws {
        let dir = try Fixture.tempDir()
        for name: [UInt8] in [[0x80], [0x81], Array("é".utf8), Array("z".utf8)] {
            let path = Array(dir.utf8) + [UInt8(ascii: "/")] + name + Array(".py".utf8) + [0]
            let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
            #expect(fd >= 0)
            close(fd)
        }
        var walker = Walker(configuration: Configuration(root: dir))
        let paths = try walker.collect([dir]).map(\.path)
        #expect(paths == [dir + "/z.py", dir + "/é.py", dir + "/\u{FFFD}.py"])
    }

    @Test func stringAfterALineContinuationIsNotADocstring() {
        let code = "q = \\\n    \"SELECT * FROM training.zl_trainng_prod_allhistory_1w\"\n"
        let regions = PythonTokenizer.regions(in: Array(code.utf8)).regions
        #expect(regions.first?.context == .string)
        #expect(regions.first?.holdsSQL == true)
        #expect(Fixture.findings(code).contains { $0.rule == "training-table" })
    }

    @Test func notebookNameAfterAJSONEscape() {
        let nb = #"{"cells": [{"cell_type": "code", "source": ["%%bigquery\n", "SELECT * FROM\n", "\tproduction_training_data_1w\n"]}]}"#
        let fs = Fixture.findings(nb, .notebook)
        #expect(fs.map(\.found) == ["production_training_data_1w"])
    }

    @Test func sarifFixesCarryEachEdit() {
        let code = "q = 'SELECT * FROM `p`.`models_v4`.`production_training_data_3m`'\n"
        let source = SourceFile(path: "a b.py", bytes: Array(code.utf8), language: .python)
        let located = LintRun.locate(Fixture.linter().findings(in: source), in: source)
        let sarif = FindingReport.sarif(located, rules: Fixture.rules, style: .init())
        #expect(sarif.contains("\"uri\": \"a%20b.py\""))
        #expect(sarif.contains("\"text\": \"training\""))
        #expect(sarif.contains("\"text\": \"zl_training_prod_allhistory_3m\""))
        #expect(located.first?.editRegions.map(\.column) == [25, 37])
    }

    @Test func hardLinkedFilesAreLeftAlone() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'production_training_data_1w'\n", to: dir + "/a.py")
        link(dir + "/a.py", dir + "/b.py")
        let original = try FileIO.read(dir + "/a.py")
        #expect(throws: IOFailure.self) { try FileIO.replace(dir + "/a.py", expecting: original, with: Array("y\n".utf8)) }
        #expect(try FileIO.read(dir + "/b.py") == original)
    }

    @Test func rewriteRefusesPathsOutsideTheWorkingFolder() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'production_training_data_1w'\n", to: dir + "/a.py")
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        let run = try Fixture.run(["rewrite", "../a.py"], in: dir + "/sub")
        #expect(run.status == 2)
        #expect(run.stderr.contains("outside the working folder"))
    }
}

/// The general glob matcher's quick reject (a subject must end in a byte the pattern's last
/// element accepts) never changes a verdict: checked against the matcher alone on random
/// patterns and paths over a small alphabet that hits classes, `?`, `*`, `**` and `/`.
@Suite struct GlobQuickRejectTests {
    @Test func quickRejectAgreesWithTheMatcher() {
        let patternBytes = Array("ab.py/*?[c-d][!a]]".utf8)
        let pathBytes = Array("ab.py/cd]".utf8)
        var rng = SystemRandomNumberGenerator()
        var general = 0
        for _ in 0..<20_000 {
            let pattern = String(decoding: (0..<Int.random(in: 1...7, using: &rng)).map { _ in patternBytes.randomElement(using: &rng)! }, as: UTF8.self)
            let glob = Glob(pattern)
            guard glob.shape == .general else { continue }
            general += 1
            for _ in 0..<8 {
                let path = Array((0..<Int.random(in: 0...6, using: &rng)).map { _ in pathBytes.randomElement(using: &rng)! })
                path.withUnsafeBufferPointer { p in
                    let name = p.lastIndex(of: UInt8(ascii: "/")).map { p[($0 + 1)...] } ?? p[...]
                    let subject = glob.anchored ? p[...] : name
                    #expect(glob.matches(path: p[...], name: name) == Glob.match(glob.pattern[...], subject),
                            "pattern \(pattern), path \(String(decoding: path, as: UTF8.self))")
                }
            }
        }
        #expect(general > 1000)
        #expect(Glob("*.py[cod]").lastBytes != nil)
        #expect(!Glob("*.py[cod]").matches("a.py"))
        #expect(Glob("*.py[cod]").matches("a.pyc"))
    }
}

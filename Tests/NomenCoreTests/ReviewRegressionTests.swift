import Foundation
import Testing
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

    @Test func stringAfterALineContinuationIsNotADocstring() {
        let code = "q = \\\n    \"SELECT * FROM training.zl_trainng_prod_allhistory_1w\"\n"
        let regions = PythonTokenizer.regions(in: Array(code.utf8))
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

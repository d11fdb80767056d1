import Foundation
import Testing
@testable import NomenCore

/// The built binary on the example repository and on small trees: stdout, diff and exit
/// status compared with checked-in expectations (regenerate with Tests/Scripts/update-golden.sh).
@Suite(.serialized) struct EndToEndTests {
    static let example = Fixture.packageRoot + "/examples/legacy-repo"
    static let golden = Fixture.packageRoot + "/Tests/Golden/"

    func golden(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: Self.golden + name)) }

    @Test func lintJSONMatchesGolden() throws {
        let run = try Fixture.run(["lint", "--today", "2026-11-27", "--format", "json", "."], in: Self.example)
        #expect(run.status == 1)
        #expect(run.stdout == (try golden("legacy-repo.lint.json")), "run Tests/Scripts/update-golden.sh and review the diff")
        // The ignored folder, the ignored local config, the log and the binary file are never reported.
        for skipped in ["build/", "pipeline.local.yaml", "logs/", "sample.parquet", "docs/NOTES.md"] {
            #expect(!run.out.contains("\"path\": \"\(skipped)") && !run.out.contains(skipped + "\""), "\(skipped)")
        }
    }

    @Test func lintTextMatchesGolden() throws {
        let run = try Fixture.run(["lint", "--today", "2026-11-27", "."], in: Self.example)
        #expect(run.status == 1)
        #expect(run.stdout == (try golden("legacy-repo.lint.txt")))
    }

    @Test func rewritePatchMatchesGolden() throws {
        let run = try Fixture.run(["rewrite", "--today", "2026-11-27", "."], in: Self.example)
        #expect(run.status == 1, "changes are pending")
        #expect(run.stdout == (try golden("legacy-repo.patch")))
        #expect(run.stderr == String(decoding: try golden("legacy-repo.rewrite.stderr"), as: UTF8.self))
    }

    /// The diff applied with `git apply` gives the same bytes as `--apply`; a second run is
    /// empty; every Python file that compiled still compiles; modes and line endings survive.
    @Test func rewriteInvariants() throws {
        let dir = try Fixture.tempDir()
        let a = dir + "/a", b = dir + "/b"
        for target in [a, b] {
            let (status, out) = try Fixture.shell("cp -a '\(Self.example)' '\(target)' && cd '\(target)' && git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm base", in: dir)
            #expect(status == 0, "\(out)")
        }
        let diff = try Fixture.run(["rewrite", "--today", "2026-11-27", "."], in: a)
        #expect(diff.status == 1)
        try diff.stdout.write(to: URL(fileURLWithPath: dir + "/fix.patch"))
        let (applyStatus, applyOut) = try Fixture.shell("git apply --check ../fix.patch && git apply ../fix.patch && patch -p1 --dry-run -R < ../fix.patch > /dev/null", in: a)
        #expect(applyStatus == 0, "\(applyOut)")
        let applied = try Fixture.run(["rewrite", "--apply", "--today", "2026-11-27", "."], in: b)
        #expect(applied.status == 1, "findings without a fix remain")
        #expect(applied.stderr.contains("files changed"))
        let (same, sameOut) = try Fixture.shell("diff -r -x .git a b", in: dir)
        #expect(same == 0, "git apply and --apply differ:\n\(sameOut)")
        let second = try Fixture.run(["rewrite", "--today", "2026-11-27", "."], in: b)
        #expect(second.status == 0)
        #expect(second.stdout.isEmpty)
        let (modeStatus, modes) = try Fixture.shell("stat -c '%a' scripts/run_all.sh; git diff --stat -- data build | wc -l", in: b)
        #expect(modeStatus == 0)
        #expect(modes == "755\n0\n")
        // CRLF and BOM files keep them.
        let crlf = try Data(contentsOf: URL(fileURLWithPath: b + "/src/training/advanced/attention_model.py"))
        #expect(crlf.filter { $0 == 0x0A }.count == crlf.filter { $0 == 0x0D }.count)
        let bom = try Data(contentsOf: URL(fileURLWithPath: b + "/sql/ULTIMATE_DATA_CONSOLIDATION.sql"))
        #expect(bom.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let (_, python) = try Fixture.shell("command -v python3 || true", in: dir)
        if !python.isEmpty {
            let (compileStatus, compileOut) = try Fixture.shell("find . -name '*.py' -not -path './build/*' -print0 | xargs -0 -n1 python3 -m py_compile", in: b)
            #expect(compileStatus == 0, "\(compileOut)")
            let (nbStatus, nbOut) = try Fixture.shell("python3 -c 'import json,sys; json.load(open(\"notebooks/explore.ipynb\"))'", in: b)
            #expect(nbStatus == 0, "\(nbOut)")
        }
    }

    @Test func exitCodesAreAnAPI() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'training.zl_training_prod_allhistory_1w'\n", to: dir + "/clean.py")
        #expect(try Fixture.run(["lint", "clean.py"], in: dir).status == 0)
        #expect(try Fixture.run(["rewrite", "clean.py"], in: dir).status == 0)
        try Fixture.write("x = 'zl_training_prod_allhistry_1w'\n", to: dir + "/warn.py")
        #expect(try Fixture.run(["lint", "warn.py"], in: dir).status == 0, "warnings alone do not fail")
        try Fixture.write("x = 'production_training_data_1w'\n", to: dir + "/bad.py")
        #expect(try Fixture.run(["lint", "bad.py"], in: dir).status == 1)
        #expect(try Fixture.run(["lint", "missing.py"], in: dir).status == 2)
        #expect(try Fixture.run(["lint", "--rules", "nope.yaml", "bad.py"], in: dir).status == 2)
        try Fixture.write("name: x\nlegacy:\n  - {id: a, match: '(', replace: b}\n", to: dir + "/bad-rules.yaml")
        let badRules = try Fixture.run(["rules", "--check", "bad-rules.yaml"], in: dir)
        #expect(badRules.status == 2)
        #expect(badRules.stderr.contains("bad-rules.yaml:3:"))
        #expect(try Fixture.run(["rules", "--check", Fixture.rulesPath], in: dir).status == 0)
        #expect(try Fixture.run(["validate", "zl_training_prod_allhistory_1w"], in: dir).status == 0)
        #expect(try Fixture.run(["validate", "zl_training_prod_1w"], in: dir).status == 1)
        #expect(try Fixture.run(["validate"], in: dir).status != 0)
        #expect(try Fixture.run(["lint", "--format", "xml"], in: dir).status != 0)
    }

    /// `lint` and `rewrite` without `--rules`, `--config` or `--threads 1` load the
    /// configuration's rules while the arguments are parsed: the rules, findings and errors are
    /// those of the load after parsing (`--threads 1` makes it wait).
    @Test func rulesLoadedEarlyAreThoseLoadedAfterParsing() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'old_sales_table'\ny = 'production_training_data_1w'\n", to: dir + "/a.py")
        try Fixture.write("""
        name: custom
        legacy:
          - id: old-sales
            match: 'old_sales_table'
            replace: 'sales.sales_fact_prod_all_daily'
            message: 'renamed'
        """, to: dir + "/custom.yaml")
        try Fixture.write("rules: [custom.yaml]\n", to: dir + "/.nomen.yaml")
        for command in [["lint", "--format", "json"], ["rewrite"]] {
            let early = try Fixture.run(command + ["a.py"], in: dir)
            let late = try Fixture.run(command + ["--threads", "1", "a.py"], in: dir)
            #expect(early.status == late.status && early.stdout == late.stdout && early.stderr == late.stderr, "\(command)")
            #expect(early.out.contains("sales.sales_fact_prod_all_daily") && !early.out.contains("zl_training"), "\(command): the configuration's rules")
        }
        // A broken rules file, or configuration: the same error, exit 2, either way.
        for (file, text) in [("custom.yaml", "name: custom\nlegacy: [\n"), (".nomen.yaml", "rules: [custom.yaml]\nbogus: 1\n")] {
            try Fixture.write(text, to: dir + "/" + file)
            let early = try Fixture.run(["lint", "a.py"], in: dir)
            let late = try Fixture.run(["lint", "--threads", "1", "a.py"], in: dir)
            #expect(early.status == 2 && late.status == 2)
            #expect(early.stderr == late.stderr && early.stderr.contains(file + ":"), "\(early.stderr)")
        }
    }

    @Test func validateReadsStdinAndPrintsJSON() throws {
        let run = try Fixture.run(["validate", "--format", "json", "-"], stdin: "zl_training_prod_allhistory_1w\n\nproduction_training_data_1m\n")
        #expect(run.status == 1)
        let array = try JSONSerialization.jsonObject(with: run.stdout) as? [[String: Any]]
        #expect(array?.count == 2)
        #expect(array?[0]["valid"] as? Bool == true)
        let legacy = array?[1]["legacy"] as? [String: Any]
        #expect(legacy?["rule"] as? String == "legacy-training-table")
        #expect(legacy?["replacement"] as? String == "zl_training_prod_allhistory_1m")
    }

    @Test func sarifAndGithubFormats() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'production_training_data_1w'\ny = 'zl_training_prod_allhistry_1w'\n", to: dir + "/a.py")
        let sarif = try Fixture.run(["lint", "--format", "sarif", "--report", "github:gh.txt", "a.py"], in: dir)
        let log = try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any]
        #expect(log?["version"] as? String == "2.1.0")
        let run = (log?["runs"] as? [[String: Any]])?.first
        let results = run?["results"] as? [[String: Any]]
        #expect(results?.count == 2)
        #expect(results?.first?["fixes"] != nil, "safe fixes are in the SARIF")
        #expect(results?.last?["fixes"] == nil, "unsafe fixes are not, without --unsafe-fixes")
        // SARIF on its own: each fix still says which bytes it replaces.
        let alone = try Fixture.run(["lint", "--format", "sarif", "a.py"], in: dir)
        let aloneLog = try JSONSerialization.jsonObject(with: alone.stdout) as? [String: Any]
        let aloneResults = (aloneLog?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]
        let change = ((aloneResults?.first?["fixes"] as? [[String: Any]])?.first?["artifactChanges"] as? [[String: Any]])?.first
        let replacement = (change?["replacements"] as? [[String: Any]])?.first
        let deleted = replacement?["deletedRegion"] as? [String: Any]
        #expect(deleted?["startColumn"] as? Int == 6 && deleted?["endColumn"] as? Int == 33)
        #expect((replacement?["insertedContent"] as? [String: Any])?["text"] as? String == "zl_training_prod_allhistory_1w")
        let gh = try String(contentsOfFile: dir + "/gh.txt", encoding: .utf8)
        #expect(gh.hasPrefix("::error file=a.py,line=1,col=6,endLine=1,endColumn=33,title=nomen legacy-training-table::"))
        #expect(gh.contains("::warning file=a.py,line=2"))
    }

    @Test func walkerHonoursIgnoresAndSkips() throws {
        let dir = try Fixture.tempDir()
        let (s, o) = try Fixture.shell("git init -q .", in: dir)
        #expect(s == 0, "\(o)")
        let name = "x = 'production_training_data_1w'\n"
        try Fixture.write("*.gen.py\nbuild/\n!keep.gen.py\n", to: dir + "/.gitignore")
        try Fixture.write("sub_ignored.py\n", to: dir + "/pkg/.gitignore")
        try Fixture.write("secret.py\n", to: dir + "/.git/info/exclude")
        for file in ["a.py", "x.gen.py", "keep.gen.py", "build/b.py", "pkg/sub_ignored.py", "pkg/c.sql", "secret.py", "notes.md", "deep/d/e.ipynb"] {
            let content = file.hasSuffix(".ipynb") ? #"{"cells": [{"cell_type": "code", "source": ["t = 'production_training_data_1w'"]}]}"# : name
            try Fixture.write(content, to: dir + "/" + file)
        }
        try Data([0x78, 0x3D, 0x27, 0xFF, 0xFE, 0x27, 0x0A]).write(to: URL(fileURLWithPath: dir + "/latin1.py"))
        try Data([0x00, 0x01] + Array(name.utf8)).write(to: URL(fileURLWithPath: dir + "/bin.py"))
        try Fixture.write("big = '" + String(repeating: "a", count: 200) + "production_training_data_1w'\n", to: dir + "/big.py")
        try Fixture.write("max_file_size: 100\n", to: dir + "/.nomen.yaml")
        symlink(dir + "/a.py", dir + "/link.py")
        let run = try Fixture.run(["lint", "--format", "json"], in: dir)
        let paths = ((try JSONSerialization.jsonObject(with: run.stdout)) as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
        #expect(Set(paths) == ["a.py", "deep/d/e.ipynb", "keep.gen.py", "pkg/c.sql"])
        #expect(run.stderr.contains("latin1.py: skipped, not valid UTF-8"))
        #expect(run.stderr.contains("big.py: skipped"))
        #expect(!run.stderr.contains("bin.py"), "binary files found by walking are skipped quietly")
        // `--show-files` lists what the walk found (the size limit, binary and UTF-8 checks come
        // when a file is read), in byte order, with each file's language.
        let listed = try Fixture.run(["lint", "--show-files"], in: dir)
        #expect(listed.status == 0 && listed.stdout.isEmpty == false)
        #expect(listed.out == ["a.py\tpython", "big.py\tpython", "bin.py\tpython", "deep/d/e.ipynb\tnotebook", "keep.gen.py\tpython",
                               "latin1.py\tpython", "pkg/c.sql\tsql", ".nomen.yaml\tconfig"].sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                               .joined(separator: "\n") + "\n")
        // Opt-in markdown through the configuration's include globs.
        try Fixture.write("include: ['*.md']\n", to: dir + "/.nomen.yaml")
        let withDocs = try Fixture.run(["lint", "--format", "json"], in: dir)
        #expect(withDocs.out.contains("\"path\": \"notes.md\""))
        #expect(try Fixture.run(["lint", "--show-files"], in: dir).out.contains("\nnotes.md\ttext\n"))
        // Explicit binary files are reported as skipped.
        let explicit = try Fixture.run(["lint", "bin.py"], in: dir)
        #expect(explicit.stderr.contains("bin.py: skipped, binary file"))
    }

    /// Several folders with subfolders, many threads: the checking threads wait in the walk's
    /// feed while the walk goes on, and the walk must not queue work behind them (it once
    /// waited a second per spare thread for the thread pool to grow). A stall guard, with a
    /// bound far above the run's time (tens of milliseconds), not a speed target.
    @Test func severalFoldersWithManyThreadsDoNotStall() throws {
        let dir = try Fixture.tempDir()
        for top in ["a", "b"] {
            for sub in ["s1", "s2", "s3"] {
                try Fixture.write("x = 'production_training_data_1w'\n", to: "\(dir)/\(top)/\(sub)/f.py")
            }
        }
        let started = Date()
        let run = try Fixture.run(["lint", "--threads", "12", "--format", "json", "a", "b"], in: dir)
        #expect(run.status == 1)
        #expect(run.out.components(separatedBy: "\"path\"").count - 1 == 6)
        #expect(Date().timeIntervalSince(started) < 5, "a stall: the walk waited for the thread pool")
    }

    /// Notes on the paths given (a symbolic link) come first, before the files' own warnings.
    @Test func pathNotesComeBeforeFileWarnings() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 1\n", to: dir + "/a.py")
        try Data([0x00, 0x01, 0x0A]).write(to: URL(fileURLWithPath: dir + "/bin.py"))
        symlink(dir + "/a.py", dir + "/link.py")
        let run = try Fixture.run(["lint", "link.py", "bin.py", "a.py"], in: dir)
        let link = run.stderr.range(of: "link.py: is a symbolic link"), binary = run.stderr.range(of: "bin.py: skipped, binary file")
        #expect(link != nil && binary != nil && link!.lowerBound < binary!.lowerBound, "\(run.stderr)")
    }

    @Test func outputOrderIsDeterministicAcrossThreadCounts() throws {
        let one = try Fixture.run(["lint", "--threads", "1", "--today", "2026-11-27", "--format", "json", "."], in: Self.example)
        let four = try Fixture.run(["lint", "--threads", "4", "--today", "2026-11-27", "--format", "json", "."], in: Self.example)
        #expect(one.stdout == four.stdout)
    }

    @Test func baselineReportsOnlyNewFindings() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("x = 'production_training_data_1w'\n", to: dir + "/a.py")
        #expect(try Fixture.run(["lint", "--write-baseline", "base.json"], in: dir).status == 0)
        #expect(try Fixture.run(["lint", "--baseline", "base.json"], in: dir).status == 0)
        try Fixture.write("x = 'production_training_data_1w'\ny = 'production_training_data_1m'\n", to: dir + "/a.py")
        let run = try Fixture.run(["lint", "--baseline", "base.json", "--format", "json"], in: dir)
        #expect(run.status == 1)
        #expect(run.out.contains("production_training_data_1m") && !run.out.contains("\"production_training_data_1w\""))
    }

    @Test func scanDumpShowsTokensAndReferences() throws {
        let dir = try Fixture.tempDir()
        try Fixture.write("q = f\"SELECT * FROM `{p}.models_v4.t_{h}`\"  # c\n", to: dir + "/a.py")
        let run = try Fixture.run(["scan", "--dump", "a.py"], in: dir)
        #expect(run.status == 0)
        let dump = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        let tokens = dump?["tokens"] as? [[String: Any]]
        #expect(tokens?.map { $0["kind"] as? String } == ["string", "comment"])
        #expect(tokens?.first?["prefix"] as? String == "f")
        let refs = dump?["tableReferences"] as? [[String: Any]]
        let parts = (refs?.first?["parts"] as? [[String: Any]])?.map { $0["text"] as? String }
        #expect(parts == ["{p}", "models_v4", "t_{h}"])
    }
}

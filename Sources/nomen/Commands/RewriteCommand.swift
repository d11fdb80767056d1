import ArgumentParser
import NomenCore

struct RewriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite",
        abstract: "Rewrite legacy names: print a unified diff (default), or apply it in place with --apply.",
        discussion: """
        The diff uses a/ and b/ prefixes relative to the working folder; `git apply` and `patch -p1` accept it.
        Without --apply: exit 0 when nothing would change, 1 when changes are pending, 2 on an error.
        With --apply: exit 0 when all went well, 1 when findings without a fix remain, 2 on an I/O error.
        """
    )

    @OptionGroup var files: FileOptions

    @Flag(help: "Write the changes to the files (atomically), instead of printing a diff.")
    var apply = false

    @Flag(help: "With --apply, also print the diff that was written.")
    var diff = false

    @Flag(name: .long, help: "Also apply did-you-mean fixes (guesses).")
    var unsafeFixes = false

    @OptionGroup var options: RuleOptions

    /// What one file came to, computed on a worker thread. (Its findings stay there: made
    /// and counted on that thread, they are not handed to the output thread to be freed.)
    struct FileResult: Sendable {
        let path: String
        let status: FileOutcome.Status
        let note: String?
        /// A fix is pending: shown in the diff or applied (the exit status says so).
        var pending = false
        var diff: [UInt8] = []
        var conflict: String? = nil
        var applied: [String: Int] = [:]
        var writeError: String? = nil
        /// Findings left for a human: how many, and their notes for stderr, rendered here.
        var leftCount = 0
        var leftNotes: [UInt8] = []

        /// The findings whose fixability is `fixable` (read in place: none is copied out).
        mutating func leave(_ findings: [LocatedFinding], fixable: Bool, unsafe: Bool) {
            findings.withUnsafeBufferPointer { fs in
                for k in fs.indices where fs[k].finding.isFixable(unsafe: unsafe) == fixable { leave(fs[k], unsafe: unsafe) }
            }
        }

        mutating func leave(_ lf: LocatedFinding, unsafe: Bool) {
            leftCount += 1
            // Bytes appended piece by piece: no string is built per note.
            do {
                let f = lf.finding
                leftNotes.append(contentsOf: f.path.utf8)
                leftNotes.append(UInt8(ascii: ":"))
                JSONWriter.appendDecimal(lf.line, to: &leftNotes)
                leftNotes.append(UInt8(ascii: ":"))
                JSONWriter.appendDecimal(lf.column, to: &leftNotes)
                leftNotes.append(contentsOf: ": ".utf8)
                leftNotes.append(contentsOf: f.rule.utf8)
                leftNotes.append(contentsOf: ": `".utf8)
                leftNotes.append(contentsOf: f.found.utf8)
                leftNotes.append(contentsOf: "` left as is: ".utf8)
                if let reason = f.noFixReason {
                    leftNotes.append(contentsOf: reason.utf8)
                } else if f.fix?.applicability == .unsafe {
                    leftNotes.append(contentsOf: "a guess: use --unsafe-fixes to apply `".utf8)
                    leftNotes.append(contentsOf: (f.replacement ?? "").utf8)
                    leftNotes.append(UInt8(ascii: "`"))
                } else {
                    leftNotes.append(contentsOf: "no fix".utf8)
                }
                leftNotes.append(0x0A)
            }
        }
    }

    func run() throws {
        // The files are walked (a path that does not exist is an I/O error, exit 2) while the
        // rules load.
        let (rules, walk) = try options.loadWithWalk(files)
        let linter = Linter(rules: rules, options: LintOptions(today: options.day))
        let cwd = Paths.currentDirectory()
        let (apply, diff, unsafe) = (self.apply, self.diff, self.unsafeFixes)
        var out = StandardOutput()
        var ioError = false, pending = false
        var changedFiles = 0
        var applied: [String: Int] = [:]
        var leftCount = 0
        var notes = BufferedOutput(fd: 2)
        var leftNotes: [UInt8] = []
        // Each file is planned and diffed in its read buffer (no copy of its bytes; one is made
        // only to write it back).
        LintRun(linter: linter, threads: files.threads, sourceLines: false).stream(walk.files, then: { (outcome: FileOutcome, bytes: UnsafeBufferPointer<UInt8>?) -> FileResult in
            var r = FileResult(path: outcome.path, status: outcome.status, note: outcome.note)
            r.leave(outcome.findings, fixable: false, unsafe: unsafe)
            guard let bytes, let plan = Rewriter.editPlan(bytes: bytes, located: outcome.findings, unsafe: unsafe) else {
                return r
            }
            let shown = Self.displayPath(outcome.path, cwd: cwd)
            if !apply || diff, shown.hasPrefix("/") || shown.hasPrefix("../") || shown == ".." {
                r.writeError = "\(outcome.path): outside the working folder, so a patch cannot name it; run nomen from a folder that contains it"
                return r
            }
            if let conflict = plan.conflict {
                r.conflict = conflict
                r.leave(outcome.findings, fixable: true, unsafe: unsafe)
            } else {
                if !apply || diff { r.diff = UnifiedDiff.render(path: shown, old: bytes, edits: plan.edits) }
                if apply {
                    let file = FilePlan(path: outcome.path, original: Array(bytes), plan: plan)
                    do {
                        try FileIO.replace(file.path, expecting: file.original, with: file.rewritten)
                        r.applied = plan.fixesByRule
                    } catch let failure as IOFailure {
                        r.writeError = failure.description
                    } catch {
                        r.writeError = "\(file.path): \(error)"
                    }
                }
            }
            r.pending = r.conflict == nil && r.writeError == nil && (!r.diff.isEmpty || !r.applied.isEmpty)
                && outcome.findings.contains(where: { $0.finding.isFixable(unsafe: unsafe) })
            return r
        }) { (r: FileResult) in
            if let note = r.note { Output.warning(note) }
            if r.status == .unreadable { ioError = true }
            if let conflict = r.conflict { Output.warning("\(r.path): \(conflict)") }
            if !r.diff.isEmpty { out.write(bytes: r.diff) }
            if r.pending { pending = true }
            if let e = r.writeError { Output.error(e); ioError = true }
            if !r.applied.isEmpty {
                changedFiles += 1
                for (rule, n) in r.applied { applied[rule, default: 0] += n }
            }
            leftCount += r.leftCount
            leftNotes += r.leftNotes
        }
        out.flush()
        walk.finish()
        // After the diff and the warnings, as before: one buffered write, not one per note.
        notes.write(bytes: leftNotes)
        notes.flush()
        if apply {
            let total = applied.values.reduce(0, +)
            var summary = "nomen: \(changedFiles) file\(changedFiles == 1 ? "" : "s") changed, \(total) fix\(total == 1 ? "" : "es") applied"
            if !applied.isEmpty { summary += " (" + applied.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")" }
            summary += ", \(leftCount) finding\(leftCount == 1 ? "" : "s") left for a human"
            Output.note(summary)
            RunEnd.exit(ioError ? 2 : leftCount > 0 ? 1 : 0)
        }
        RunEnd.exit(ioError ? 2 : pending ? 1 : 0)
    }

    /// The path relative to the working folder (a patch's `a/` and `b/` are relative to it).
    static func displayPath(_ path: String, cwd: String) -> String {
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }
}

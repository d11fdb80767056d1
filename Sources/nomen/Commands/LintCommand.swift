import ArgumentParser
import NomenCore
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `lint` and `rewrite`: which files, how many threads.
struct FileOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Files or folders to check (default: the current folder).", valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: "Worker threads.")
    var threads: Int = Machine.cores

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Report legacy, retired and almost-valid names in Python, SQL, notebooks, shell and config files.",
        discussion: "Exit 0 when there is no error-severity finding, 1 otherwise, 2 on a configuration or I/O error."
    )

    @OptionGroup var files: FileOptions

    @Option(help: "Output format: text, json, sarif or github.")
    var format: ReportFormatArgument = .text

    @Option(name: .customLong("report"), help: ArgumentHelp("Also write a report in another format to a file, as FORMAT:PATH (repeatable), e.g. sarif:nomen.sarif.", valueName: "format:path"))
    var reports: [String] = []

    @Flag(help: "Print the number of findings per rule.")
    var statistics = false

    @Flag(name: .long, help: "Count did-you-mean fixes as fixable.")
    var unsafeFixes = false

    @Option(name: .long, help: ArgumentHelp("Ignore findings recorded in this baseline file.", valueName: "file"))
    var baseline: String?

    @Option(name: .long, help: ArgumentHelp("Record the current findings in this baseline file and exit 0.", valueName: "file"))
    var writeBaseline: String?

    @Flag(name: .long, help: "Print the files that would be checked, with the language each is read as, and exit.")
    var showFiles = false

    @OptionGroup var options: RuleOptions

    func validate() throws {
        for r in reports {
            let parts = r.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, ReportFormat(rawValue: String(parts[0])) != nil else {
                throw ValidationError("--report expects FORMAT:PATH with FORMAT one of text, json, sarif, github; found `\(r)`")
            }
        }
    }

    func run() throws {
        // nomen's own outputs (a baseline, reports) quote legacy names: never lint them.
        let own = Set(([baseline, writeBaseline].compactMap { $0 } + reports.map { String($0.split(separator: ":", maxSplits: 1)[1]) }).map(Walker.clean))
        // The files are walked (a path that does not exist is an I/O error, exit 2) while the
        // rules load, and while the first files are checked.
        let (rules, walk) = try options.loadWithWalk(files, skipping: own)
        if showFiles {
            var out = StandardOutput()
            for e in walk.files.all { out.write("\(e.path)\t\(e.language.rawValue)\n") }
            out.flush()
            walk.finish()
            return
        }
        let linter = Linter(rules: rules, options: LintOptions(today: options.day))
        var known: Baseline? = nil
        if let baseline {
            do { known = try Baseline.load(baseline) } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
        }
        let style = FindingReport.Style(color: format.value == .text && Terminal.wantsColor, unsafeFixes: unsafeFixes)
        var out = StandardOutput()
        var main = ReportStream(format: format.value, rules: rules, style: style)
        var extra: [(path: String, stream: ReportStream, text: String)] = reports.map { r in
            let parts = r.split(separator: ":", maxSplits: 1).map(String.init)
            var stream = ReportStream(format: ReportFormat(rawValue: parts[0])!, rules: rules, style: FindingReport.Style(unsafeFixes: unsafeFixes))
            let head = stream.begin()
            return (parts[1], stream, head)
        }
        var tally = FindingTally()
        var ioError = false
        var scanned = 0, skipped = 0
        var recorded: [LocatedFinding] = []
        if writeBaseline == nil { out.write(main.begin()) }
        // Without a baseline each worker renders and counts its file, and the findings die on
        // the thread that made them; with one (or extra reports) the findings come back.
        let renderer = main
        let renderInWorkers = known == nil && writeBaseline == nil
        // Read once: an option's value is not a plain stored property.
        let recording = writeBaseline != nil
        let keepFindings = !renderInWorkers || !extra.isEmpty
        // Each worker counts its files' findings in a tally of its own, added up at the end.
        let workerTallies = LintRun(linter: linter, threads: files.threads, sourceLines: format.value == .text || format.value == .sarif || !reports.isEmpty || writeBaseline != nil)
            .stream(walk.files, local: { FindingTally() }, then: { (outcome: FileOutcome, counted: inout FindingTally) -> Handed in
                if renderInWorkers { counted.add(outcome.findings) }
                return Handed(status: outcome.status, note: outcome.note, findings: keepFindings ? outcome.findings : [],
                              rendered: renderInWorkers ? renderer.fragment(outcome) : [])
            }) { (item: Handed) in
            if let note = item.note { Output.warning(note) }
            if item.status == .unreadable { ioError = true }
            if item.status == .scanned { scanned += 1 } else { skipped += 1 }
            if recording { recorded += item.findings; return }
            var findings = item.findings
            if renderInWorkers {
                out.write(bytes: main.separator(before: item.rendered))
                out.write(bytes: item.rendered)
            } else {
                if known != nil { findings = known!.filter(findings) }
                guard !findings.isEmpty else { return }
                tally.add(findings)
                out.write(bytes: main.add(fragment: main.fragment(findings)))
            }
            guard !findings.isEmpty else { return }
            for i in extra.indices { extra[i].text += extra[i].stream.add(findings) }
        }
        walk.finish()
        for counted in workerTallies { tally.merge(counted) }
        if let writeBaseline {
            do {
                try Baseline.write(recorded, to: writeBaseline)
                Output.note("nomen: wrote \(recorded.count) findings to the baseline \(writeBaseline)")
            } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
            if ioError { throw ExitCode(2) }
            return
        }
        out.write(main.end())
        if format.value == .text {
            if statistics { out.write(FindingReport.statistics(tally)) }
            out.write(FindingReport.summary(tally, files: scanned, skipped: skipped))
        } else if statistics {
            Output.note(FindingReport.statistics(tally))
        }
        out.flush()
        for i in extra.indices {
            let text = extra[i].text + extra[i].stream.end()
            do { try FileIO.writeAtomically(Array(text.utf8), to: extra[i].path, mode: 0o644) } catch {
                Output.error(error.description)
                ioError = true
            }
        }
        RunEnd.exit(ioError ? 2 : tally.errors > 0 ? 1 : 0)
    }
}

/// What a worker hands the output thread for one file.
private struct Handed: Sendable {
    let status: FileOutcome.Status
    let note: String?
    /// Empty unless a baseline, a baseline to write or an extra report needs them.
    let findings: [LocatedFinding]
    let rendered: [UInt8]
}

struct ReportFormatArgument: ExpressibleByArgument {
    let value: ReportFormat
    init?(argument: String) {
        guard let v = ReportFormat(rawValue: argument) else { return nil }
        value = v
    }
    init(_ v: ReportFormat) { value = v }
    static let text = ReportFormatArgument(.text)
    static var allValueStrings: [String] { ReportFormat.allCases.map(\.rawValue) }
    var defaultValueDescription: String { value.rawValue }
}

enum Terminal {
    static var wantsColor: Bool {
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        return isatty(1) == 1
    }
}

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

    /// Walks the paths; a path that does not exist is an I/O error (exit 2).
    func collect(_ configuration: Configuration) throws -> [FileEntry] {
        var walker = Walker(configuration: configuration)
        do {
            let entries = try walker.collect(paths)
            for note in walker.notes { Output.warning(note) }
            return entries
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
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
        let (configuration, rules) = try options.load()
        // nomen's own outputs (a baseline, reports) quote legacy names: never lint them.
        let own = Set(([baseline, writeBaseline].compactMap { $0 } + reports.map { String($0.split(separator: ":", maxSplits: 1)[1]) }).map(Walker.clean))
        let entries = try files.collect(configuration).filter { !own.contains($0.path) }
        let linter = Linter(rules: rules, options: LintOptions(today: options.day))
        let outcomes = LintRun(linter: linter, threads: files.threads).run(entries)
        var ioError = false
        for o in outcomes {
            if let note = o.note { Output.warning(note) }
            if o.status == .unreadable { ioError = true }
        }
        var findings = outcomes.flatMap(\.findings)
        if let writeBaseline {
            do {
                try Baseline.write(findings, to: writeBaseline)
                Output.note("nomen: wrote \(findings.count) findings to the baseline \(writeBaseline)")
            } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
            return
        }
        if let baseline {
            do {
                findings = try Baseline.load(baseline).filter(findings)
            } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
        }
        let style = FindingReport.Style(color: format.value == .text && Terminal.wantsColor, unsafeFixes: unsafeFixes)
        var out = StandardOutput()
        out.write(FindingReport.render(findings, format: format.value, rules: rules, style: style))
        if format.value == .text {
            if statistics { out.write(FindingReport.statistics(findings)) }
            out.write(FindingReport.summary(findings, files: outcomes.filter { $0.status == .scanned }.count,
                                            skipped: outcomes.filter { $0.status != .scanned }.count, style: style))
        } else if statistics {
            Output.note(FindingReport.statistics(findings))
        }
        out.flush()
        for r in reports {
            let parts = r.split(separator: ":", maxSplits: 1).map(String.init)
            let text = FindingReport.render(findings, format: ReportFormat(rawValue: parts[0])!, rules: rules, style: FindingReport.Style(unsafeFixes: unsafeFixes))
            do { try FileIO.writeAtomically(Array(text.utf8), to: parts[1], mode: 0o644) } catch {
                Output.error(error.description)
                ioError = true
            }
        }
        if ioError { throw ExitCode(2) }
        if findings.contains(where: { $0.finding.severity == .error }) { throw ExitCode(1) }
    }
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

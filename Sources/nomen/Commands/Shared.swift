import ArgumentParser
import Dispatch
import NomenCore
#if canImport(Glibc)
import Glibc
#endif

/// Options every command that loads rules shares.
struct RuleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A rules file (repeatable). Default: the `rules` of .nomen.yaml, else the bundled rule set.", valueName: "file"))
    var rules: [String] = []

    @Option(name: .long, help: ArgumentHelp("Judge grace periods as of this day (YYYY-MM-DD). Default: today.", valueName: "date"))
    var today: String?

    @Option(name: .long, help: ArgumentHelp("The configuration file. Default: .nomen.yaml in this folder or the nearest parent.", valueName: "file"))
    var config: String?

    func validate() throws {
        if let today, Day(today) == nil {
            throw ValidationError("--today expects YYYY-MM-DD, found `\(today)`")
        }
    }

    var day: Day { today.flatMap(Day.init) ?? Day.today() }

    /// Loads configuration and rules, or exits 2 with every problem on stderr.
    func load() throws -> (Configuration, RuleSet) {
        let configuration = try loadConfiguration()
        return (configuration, try loadRules(configuration))
    }

    /// Loads the configuration, or exits 2 with the problem on stderr.
    func loadConfiguration() throws -> Configuration {
        do {
            if config == nil, let early = EarlyRules.configuration() { return try early.get() }
            return try Configuration.discover(explicit: config, from: Paths.currentDirectory())
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
    }

    /// Loads the rules the configuration (or `--rules`) names, or exits 2 with every problem
    /// on stderr.
    func loadRules(_ configuration: Configuration) throws -> RuleSet {
        do {
            if rules.isEmpty, config == nil, let early = EarlyRules.rules() { return try early.get() }
            let files = rules.isEmpty ? configuration.rules : rules
            let ruleFiles = files.isEmpty ? [try Paths.bundledRules()] : files
            return try RuleLoader.load(paths: ruleFiles)
        } catch let errors as RuleLoadErrors {
            Output.error(errors.description)
            throw ExitCode(2)
        } catch let failure as IOFailure {
            Output.error(failure.description)
            throw ExitCode(2)
        }
    }

    /// The rules and the walk of the files to check, which runs on another thread: it goes on
    /// while the rules load and, for one folder, while its first files are checked (it hands
    /// them on as it finds them). Problems are reported as before: a rules problem first (and
    /// then nothing of the walk), then a path that does not exist (exit 2, nothing checked).
    /// Files in `skipping` (nomen's own reports) are never checked.
    func loadWithWalk(_ files: FileOptions, skipping: Set<String> = []) throws -> (RuleSet, BackgroundWalk) {
        let configuration = try loadConfiguration()
        let walk = BackgroundWalk(files, configuration, skipping: skipping)
        let rules = try loadRules(configuration)
        try walk.start()
        return (rules, walk)
    }
}

/// A walk run on another thread (with more than one thread), feeding `files` as it finds
/// them. `start()` waits for the paths to be checked (exit 2 when one does not exist);
/// `finish()`, after the run, prints the walk's notes as warnings.
final class BackgroundWalk: @unchecked Sendable {
    let files: FileFeed
    // Written by the walking thread before `checked` (the path check and its notes) or `done`
    // (the walk's notes) is signalled, read after.
    private var failure: IOFailure? = nil
    private var pathNotes: [String] = []
    private var notes: [String] = []
    private let checked = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(_ options: FileOptions, _ configuration: Configuration, skipping: Set<String>) {
        let threads = options.threads, paths = options.paths
        let feed = FileFeed(skipping: skipping)
        files = feed
        // `--threads 1` is one thread at work: the walk runs here, before the rules load.
        let run: (@escaping @Sendable () -> Void) -> Void = threads > 1 ? { DispatchQueue.global().async(execute: $0) } : { $0() }
        run { [self] in
            do throws(IOFailure) {
                pathNotes = try Walker.checkPaths(paths)
            } catch {
                failure = error
                feed.finish()
                checked.signal()
                done.signal()
                return
            }
            checked.signal()
            // The walk is one thread (the checking threads wait in the feed as global-queue
            // tasks: a walk that queued tasks of its own behind them would wait for the pool
            // to grow).
            var walker = Walker(configuration: configuration)
            walker.feed(paths, into: feed)
            notes = walker.notes
            done.signal()
        }
    }

    /// Waits for the paths to be checked: exit 2 for one that does not exist; otherwise the
    /// notes on them (a symbolic link or special file given on the command line) as warnings.
    func start() throws {
        checked.wait()
        if let failure {
            Output.error(failure.description)
            throw ExitCode(2)
        }
        for note in pathNotes { Output.warning(note) }
    }

    /// After the run (or before an error that ends it): the walk's notes (a folder it could
    /// not read), as warnings.
    func finish() {
        done.wait()
        for note in notes { Output.warning(note) }
        notes = []
    }
}

enum Output {
    static func error(_ message: String) {
        var stderr = StandardError()
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            print("nomen: error: \(line)", to: &stderr)
        }
    }

    static func warning(_ message: String) {
        var stderr = StandardError()
        print("nomen: warning: \(message)", to: &stderr)
    }

    static func note(_ message: String) {
        var stderr = StandardError()
        print(message, to: &stderr)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { buf in _ = Glibc.write(2, buf.baseAddress, buf.count) }
    }
}

/// The end of a run that checked files.
enum RunEnd {
    /// Ends the process with `status` now, everything written (the run has flushed its
    /// buffered stdout and stderr, and written its report files): what the run built is not
    /// freed object by object on the way out, as returning would do. At the end of a 19,420-file run that took 2-3 ms, most of
    /// it the file list's paths, while nothing else was left to do.
    static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }
}

/// Buffered stdout for large reports and diffs.
typealias StandardOutput = BufferedOutput

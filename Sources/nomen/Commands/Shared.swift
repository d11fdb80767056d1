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

    /// The rules and the files to check. The files are walked on another thread while the
    /// rules load (both take a few milliseconds, and a pre-commit hook waits for both). Problems
    /// are reported as before: a rules problem first (and then nothing of the walk), then the
    /// walk's notes.
    func loadWithFiles(_ files: FileOptions) throws -> (RuleSet, [FileEntry]) {
        let configuration = try loadConfiguration()
        let walk = BackgroundWalk(files, configuration)
        let rules = try loadRules(configuration)
        return (rules, try walk.entries())
    }
}

/// A walk run on another thread. `entries()` waits for it, prints its notes as warnings, and
/// exits 2 on an I/O error (a path that does not exist).
final class BackgroundWalk: @unchecked Sendable {
    // Written by the walking thread before `done` is signalled, read after.
    private var result: Result<[FileEntry], IOFailure> = .success([])
    private var notes: [String] = []
    private let done = DispatchSemaphore(value: 0)

    init(_ files: FileOptions, _ configuration: Configuration) {
        let threads = files.threads, paths = files.paths
        DispatchQueue.global().async { [self] in
            var walker = Walker(configuration: configuration)
            walker.threads = threads
            do throws(IOFailure) {
                result = .success(try walker.collect(paths))
            } catch {
                result = .failure(error)
            }
            notes = walker.notes
            done.signal()
        }
    }

    func entries() throws -> [FileEntry] {
        done.wait()
        switch result {
        case .success(let entries):
            for note in notes { Output.warning(note) }
            return entries
        case .failure(let error):
            Output.error(error.description)
            throw ExitCode(2)
        }
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

/// Buffered stdout for large reports and diffs.
typealias StandardOutput = BufferedOutput

import ArgumentParser
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
        do {
            let configuration = try Configuration.discover(explicit: config, from: Paths.currentDirectory())
            let files = rules.isEmpty ? configuration.rules : rules
            let ruleFiles = files.isEmpty ? [try Paths.bundledRules()] : files
            let set = try RuleLoader.load(paths: ruleFiles)
            return (configuration, set)
        } catch let errors as RuleLoadErrors {
            Output.error(errors.description)
            throw ExitCode(2)
        } catch let failure as IOFailure {
            Output.error(failure.description)
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

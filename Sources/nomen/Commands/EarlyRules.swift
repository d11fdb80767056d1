import Dispatch
import NomenCore

/// The configuration and rules of a `lint` or `rewrite` run, loaded on another thread while the
/// arguments are parsed. Without `--rules` or `--config` (a pre-commit hook's call) the files
/// to load are known before parsing: the working folder's `.nomen.yaml` and the rules it
/// names, or the bundled rule set. Parsing and loading each take a few milliseconds of a
/// 10-file run. The commands take the result only when their options name neither (the same
/// inputs, the same function, so the same rules and the same errors, reported as before).
enum EarlyRules {
    /// What the load produced: the configuration written before `configured` is signalled,
    /// the rules before `done` (the walk starts once the configuration is known).
    final class Load: @unchecked Sendable {
        var configuration: Result<Configuration, RuleLoadErrors> = .success(Configuration(root: "."))
        var rules: Result<RuleSet, any Error>? = nil
        let configured = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
    }

    nonisolated(unsafe) private static var started: Load? = nil

    /// Starts the load when the arguments are those of a run it serves (checked loosely: a
    /// `--rules` or `--config` anywhere, or one thread, means no early load).
    static func start(arguments: [String]) {
        guard let command = arguments.first, command == "lint" || command == "rewrite" else { return }
        var threads = Machine.cores
        for (k, a) in arguments.enumerated() {
            if a.hasPrefix("--rules") || a.hasPrefix("--config") { return }
            if a.hasPrefix("--threads=") { threads = Int(a.dropFirst("--threads=".count)) ?? threads }
            if a == "--threads", k + 1 < arguments.count { threads = Int(arguments[k + 1]) ?? threads }
        }
        guard threads > 1 else { return }
        let load = Load()
        started = load
        DispatchQueue.global().async {
            load.configuration = Result { () throws(RuleLoadErrors) in try Configuration.discover(explicit: nil, from: Paths.currentDirectory()) }
            load.configured.signal()
            if case .success(let configuration) = load.configuration {
                load.rules = Result {
                    let ruleFiles = configuration.rules.isEmpty ? [try Paths.bundledRules()] : configuration.rules
                    return try RuleLoader.load(paths: ruleFiles)
                }
            }
            load.done.signal()
        }
    }

    /// The early load's configuration, waited for; nil when there is none.
    static func configuration() -> Result<Configuration, RuleLoadErrors>? {
        guard let load = started else { return nil }
        load.configured.wait()
        load.configured.signal()
        return load.configuration
    }

    /// The early load's rules, waited for; nil when there are none.
    static func rules() -> Result<RuleSet, any Error>? {
        guard let load = started else { return nil }
        load.done.wait()
        load.done.signal()
        return load.rules
    }
}

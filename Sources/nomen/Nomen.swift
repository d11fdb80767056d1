import ArgumentParser
import NomenRegex

@main
struct Nomen: ParsableCommand {
    static func main() {
        Allocator.preferHeap()
        EarlyRules.start(arguments: Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "nomen",
        abstract: "Enforce a warehouse naming convention across a repository and rewrite legacy names safely.",
        discussion: """
        Exit codes: 0 clean, 1 findings or pending changes, 2 configuration, rules or I/O error.
        """,
        version: "0.1.0",
        subcommands: [LintCommand.self, RewriteCommand.self, ValidateCommand.self, RulesCommand.self, ScanCommand.self]
    )
}

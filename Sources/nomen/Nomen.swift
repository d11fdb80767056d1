import ArgumentParser

@main
struct Nomen: ParsableCommand {
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

import ArgumentParser
import NomenCore

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the loaded rules, or check a rules file.",
        discussion: "Exit 0 when the rules load, 2 when a rules file has errors (each printed as file:line:column)."
    )

    @Option(name: .long, help: ArgumentHelp("Check this rules file and report every error.", valueName: "file"))
    var check: String?

    @Flag(name: .long, help: "Print the PCRE2 search patterns, one per line (for benchmarks against grep tools).")
    var printPatterns = false

    @OptionGroup var options: RuleOptions

    func run() throws {
        if let check {
            do {
                let set = try RuleLoader.load(paths: [check])
                print("\(check): ok: \(set.patterns.count) patterns, \(set.legacy.count) legacy and retired rules, \(set.exceptions.count) exceptions")
                if let note = set.searchNote { Output.note("\(check): note: \(note)") }
                return
            } catch {
                let errors = error
                Output.error(errors.description)
                throw ExitCode(2)
            }
        }
        let (_, rules) = try options.load()
        var out = StandardOutput()
        if printPatterns {
            for p in rules.searchPatterns { out.write(p + "\n") }
        } else {
            out.write(RulesReport.text(rules, today: options.day))
        }
        out.flush()
    }
}

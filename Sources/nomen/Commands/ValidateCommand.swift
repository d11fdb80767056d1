import ArgumentParser
import NomenCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate names against the naming grammar, segment by segment.",
        discussion: "Names may be bare, dataset.table, project.dataset.table, paths or file names, or templates with {placeholders}. Exit 0 all valid, 1 any invalid, 2 bad rules or usage."
    )

    @Argument(help: ArgumentHelp("Names to validate; `-` reads one name per line from standard input.", valueName: "name"))
    var names: [String]

    @Option(help: "Output format: text or json.")
    var format: ValidateFormat = .text

    @OptionGroup var options: RuleOptions

    func validate() throws {
        if names.isEmpty { throw ValidationError("give at least one name, or `-` to read names from standard input") }
    }

    func run() throws {
        let (_, rules) = try options.load()
        var inputs: [String] = []
        for name in names {
            if name == "-" {
                while let line = readLine() {
                    let trimmed = line.trimmed
                    if !trimmed.isEmpty { inputs.append(trimmed) }
                }
            } else {
                inputs.append(name)
            }
        }
        let validator = Validator(rules: rules)
        let results = inputs.map { validator.validate($0) }
        var out = StandardOutput()
        switch format {
        case .json: out.write(ValidationReport.json(results))
        case .text: out.write(ValidationReport.text(results))
        }
        out.flush()
        if results.contains(where: { !$0.valid }) { throw ExitCode(1) }
    }
}

enum ValidateFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension String {
    var trimmed: String {
        String(drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}

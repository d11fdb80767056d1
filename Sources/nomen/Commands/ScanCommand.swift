import ArgumentParser
import NomenCore

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Debug view: print, as JSON, every token span the scanners saw in a file.",
        discussion: "Offsets are UTF-8 byte offsets into the file; ranges are [start, end)."
    )

    @Flag(help: "Print the token spans and SQL table references (the only mode for now).")
    var dump = false

    @Option(help: ArgumentHelp("Scan as this language instead of the one the file name implies (python, notebook, sql, shell, config, text).", valueName: "language"))
    var language: String?

    @Argument(help: ArgumentHelp("The file to scan.", valueName: "file"))
    var file: String

    func validate() throws {
        if !dump { throw ValidationError("`nomen scan` needs --dump") }
        if let language, Language(rawValue: language) == nil {
            throw ValidationError("unknown language `\(language)`; languages: \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(file) } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        let lang = language.flatMap(Language.init(rawValue:)) ?? Language.of(fileName: name) ?? .text
        var out = StandardOutput()
        out.write(ScanDump.json(SourceFile(path: file, bytes: bytes, language: lang)))
        out.flush()
    }
}

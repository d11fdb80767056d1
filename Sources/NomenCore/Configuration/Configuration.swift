/// The project configuration, `.nomen.yaml`: which rules, which files.
///
/// ```yaml
/// rules: [rules/warehouse.yaml]     # relative to this file
/// include: ["docs/**/*.md"]         # opt-in files (scanned as text unless their type is known)
/// exclude: ["vendor/**", "*.gen.py"]
/// max_file_size: 2097152            # bytes; larger files are skipped with a note
/// ```
public struct Configuration: Sendable {
    /// The folder globs are relative to (the configuration file's folder).
    public var root: String
    public var file: String?
    public var rules: [String] = []
    public var include: [Glob] = []
    public var exclude: [Glob] = []
    public var maxFileSize: Int = 4 << 20

    public init(root: String) { self.root = root }

    public static let fileName = ".nomen.yaml"

    /// `explicit`, or `.nomen.yaml` in `directory` or its nearest parent, or defaults.
    public static func discover(explicit: String?, from directory: String) throws(RuleLoadErrors) -> Configuration {
        if let explicit { return try load(path: explicit) }
        var dir = directory
        while true {
            let candidate = (dir == "/" ? "" : dir) + "/" + fileName
            if FileIO.exists(candidate) { return try load(path: candidate) }
            guard let slash = dir.lastIndex(of: "/"), dir != "/" else { break }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
        return Configuration(root: directory)
    }

    public static func load(path: String) throws(RuleLoadErrors) -> Configuration {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            throw RuleLoadErrors(errors: [RuleLoadError(file: path, line: 1, column: 1, key: "", message: "cannot read configuration: \(error.reason)")])
        }
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var config = Configuration(root: dir.isEmpty ? "/" : dir)
        config.file = path
        guard let root = try YAMLNode.parse(String(decoding: bytes, as: UTF8.self), file: path) else { return config }
        var errors: [RuleLoadError] = []
        if let m = root.mapping(allowed: ["rules", "include", "exclude", "max_file_size"], errors: &errors) {
            config.rules = (m["rules"]?.strings(errors: &errors) ?? []).map { $0.hasPrefix("/") ? $0 : config.root + "/" + $0 }
            config.include = (m["include"]?.strings(errors: &errors) ?? []).map { Glob($0) }
            config.exclude = (m["exclude"]?.strings(errors: &errors) ?? []).map { Glob($0) }
            if let size = m["max_file_size"]?.integer(errors: &errors) {
                if size <= 0 { errors.append(m["max_file_size"]!.error("must be a positive number of bytes")) }
                config.maxFileSize = size
            }
        }
        if !errors.isEmpty { throw RuleLoadErrors(errors: errors) }
        return config
    }
}

extension RuleLoader {
    /// Loads several rules files into one set (later files add to earlier ones).
    public static func load(paths: [String]) throws(RuleLoadErrors) -> RuleSet {
        if paths.count == 1 { return try load(path: paths[0]) }
        var texts: [(String, String)] = []
        for path in paths {
            do {
                let bytes = try FileIO.read(path)
                texts.append((path, String(decoding: bytes, as: UTF8.self)))
            } catch {
                throw RuleLoadErrors(errors: [RuleLoadError(file: path, line: 1, column: 1, key: "", message: "cannot read rules file: \(error.reason)")])
            }
        }
        var sets: [RuleSet] = []
        var errors: [RuleLoadError] = []
        for (path, text) in texts {
            do { sets.append(try load(text: text, file: path)) } catch { errors += error.errors }
        }
        if !errors.isEmpty { throw RuleLoadErrors(errors: errors) }
        do {
            return try RuleSet(name: sets.map(\.name).joined(separator: "+"), file: paths.joined(separator: ","),
                               datasets: sets.flatMap(\.datasets), patterns: sets.flatMap(\.patterns),
                               exceptions: sets.flatMap(\.exceptions), legacy: sets.flatMap(\.legacy))
        } catch {
            throw RuleLoadErrors(errors: [RuleLoadError(file: paths[0], line: 1, column: 1, key: "", message: "rules do not combine: \(error)")])
        }
    }
}

extension RuleSet {
    /// The search patterns, one PCRE2 pattern per trigger, with named groups made plain so
    /// that a grep tool can join them with `|`.
    public var searchPatterns: [String] { triggers.sources.map(RegexSource.withoutGroupNames) }
}

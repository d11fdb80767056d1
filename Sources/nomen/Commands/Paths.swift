import NomenCore
#if canImport(Glibc)
import Glibc
#endif

enum Paths {
    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The bundled rule set: `rules/zl-warehouse.yaml` in the checkout the executable was
    /// built in (found by walking up from the executable), or `$NOMEN_RULES`.
    static func bundledRules() throws(IOFailure) -> String {
        if let env = getenv("NOMEN_RULES") { return String(validatingCString: env) ?? "" }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 {
            var dir = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            while let slash = dir.lastIndex(of: "/"), slash != dir.startIndex {
                dir = String(dir[..<slash])
                let candidate = dir + "/rules/zl-warehouse.yaml"
                if FileIO.exists(candidate) { return candidate }
            }
        }
        throw IOFailure(path: "rules/zl-warehouse.yaml", reason: "no rules given and the bundled rule set was not found; pass --rules FILE or list `rules` in .nomen.yaml")
    }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A file chosen for scanning.
public struct FileEntry: Sendable {
    /// The path as it will be reported (relative to the working folder when under it).
    public let path: String
    public let language: Language
    /// Named on the command line (scanned even if its type is not scanned by default).
    public let explicit: Bool
    /// Files over this many bytes are skipped with a note (checked when the file is read).
    public let sizeLimit: Int
    /// The walked folder the file was listed in: it is opened by its name in that folder
    /// (see `ReadBuffer.read(_:)`). nil for a file named on the command line, and for the files
    /// of a folder with fewer than four files to check (opened by their paths).
    public let folder: Folder?

    /// A walked folder (its number is no other folder's in the process) and where the file's
    /// name starts in `path`, after the folder's path and its slash.
    public struct Folder: Sendable, Equatable {
        public let id: Int
        public let nameStart: Int

        /// A number for a folder a walk lists.
        static func nextID() -> Int { counter.add(1, ordering: .relaxed).oldValue }
        private static let counter = Atomic<Int>(0)
    }

    public init(path: String, language: Language, explicit: Bool, sizeLimit: Int, folder: Folder? = nil) {
        self.path = path
        self.language = language
        self.explicit = explicit
        self.sizeLimit = sizeLimit
        self.folder = folder
    }
}

/// Walks the given paths with `readdir`: honours nested `.gitignore` files (with negation),
/// `.git/info/exclude`, and the configuration's excludes and includes; never follows symlinks;
/// skips `.git/`. (Files over the size limit are skipped, with a note, when they are read.)
public struct Walker: Sendable {
    public let configuration: Configuration
    public private(set) var notes: [String] = []
    private var entries: [FileEntry] = []
    private var configPrefix = ""

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Where a streaming walk feeds its files (nil: they collect in `entries`).
    private var feed: FileFeed? = nil

    public mutating func collect(_ paths: [String]) throws(IOFailure) -> [FileEntry] {
        notes = try Self.checkPaths(paths)
        let all = FileFeed()
        feed(paths, into: all, streaming: false)
        return all.all
    }

    /// Every path must exist: checked before anything is walked or fed (a path that does
    /// not is an I/O error, and nothing is reported of the others). Returns the notes on the
    /// paths that are passed over (a symbolic link, a special file).
    public static func checkPaths(_ paths: [String]) throws(IOFailure) -> [String] {
        var notes: [String] = []
        for path in paths {
            var st = stat()
            guard lstat(path, &st) == 0 else { throw IOFailure.errno(path, "cannot access") }
            switch st.st_mode & S_IFMT {
            case S_IFDIR, S_IFREG: break
            case S_IFLNK: notes.append("\(path): is a symbolic link; not followed")
            default: notes.append("\(path): not a regular file or folder; skipped")
            }
        }
        return notes
    }

    /// Walks `paths` (checked by `checkPaths`) and finishes `feed`. `streaming`, one path: its
    /// files are fed as the walk finds them, in their final order (the walk runs on one
    /// thread, beside the threads checking what it fed). Several paths are merged in byte
    /// order and fed at the end.
    public mutating func feed(_ paths: [String], into feed: FileFeed, streaming: Bool = true) {
        let stream = streaming && paths.count <= 1
        if stream { self.feed = feed }
        entries = []
        for path in paths.isEmpty ? ["."] : paths {
            var st = stat()
            guard lstat(path, &st) == 0 else {
                notes.append("\(path): cannot access: \(String(cString: strerror(errno)))")
                continue
            }
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR {
                walkRoot(path)
            } else if kind == S_IFREG {
                configPrefix = ""
                let clean = Self.clean(path)
                let name = clean.split(separator: "/").last.map(String.init) ?? clean
                let language = languageOf(relative: clean, name: name) ?? .text
                add(path: clean, language: language, explicit: true)
            }
            // A symbolic link or special file: passed over (`checkPaths` gave its note).
        }
        if stream {
            publish()
            self.feed = nil
        } else if paths.count <= 1 {
            feed.append(entries)
        } else {
            // Deterministic order (by path bytes), whatever the file system returns. A single
            // folder is walked in that order already (see `walk`); several paths are merged here.
            entries.sort { Self.bytewiseLess($0.path, $1.path) }
            var unique: [FileEntry] = []
            for e in entries where unique.last.map({ !$0.path.hasSameBytes(as: e.path) }) ?? true { unique.append(e) }
            feed.append(unique)
        }
        entries = []
        feed.finish()
    }

    /// Streaming: hands the entries found so far on, every few dozen.
    private mutating func publishIfDue() {
        if feed != nil, entries.count >= 32 { publish() }
    }

    private mutating func publish() {
        guard let feed else { return }
        feed.append(entries)
        entries.removeAll(keepingCapacity: true)
    }

    /// Byte order of two paths' UTF-8 (memcmp on the strings' own storage).
    static func bytewiseLess(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                return c != 0 ? c < 0 : x.count < y.count
            }
        }
    }

    /// `./a/` is `a`, `./` and `.//` are `.`, `/` stays `/` (never the empty path, which the
    /// walk would read as the file system's root).
    public static func clean(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        while p.hasPrefix("./") {
            p.removeFirst(2)
            while p.hasPrefix("/") { p.removeFirst() }
        }
        return p.isEmpty ? "." : p
    }

    private mutating func add(path: String, language: Language, explicit: Bool) {
        entries.append(FileEntry(path: path, language: language, explicit: explicit, sizeLimit: configuration.maxFileSize))
        publishIfDue()
    }

    /// The language of a walked file: by type, or by an `include` glob (opt-in files).
    private func languageOf(relative: String, name: String) -> Language? {
        if let l = Language.of(fileName: name) { return l }
        if configuration.include.contains(where: { $0.matches(configPrefix + relative) }) { return Language.optIn(fileName: name) ?? .text }
        return nil
    }

    private mutating func walkRoot(_ root: String) {
        let rootClean = Self.clean(root)
        // Ignore files apply by their place in the repository: `.git/info/exclude` and every
        // `.gitignore` from the repository's top down to the folder being walked.
        var ignores: [IgnoreFile] = []
        var inRepo = ""
        if let repo = Self.repositoryRoot(containing: rootClean), let absRepo = Self.realPath(repo), let absRoot = Self.realPath(rootClean),
           absRoot == absRepo || absRoot.hasPrefix(absRepo + "/") {
            inRepo = absRoot == absRepo ? "" : String(absRoot.dropFirst(absRepo.count + 1))
            if let text = Self.readText(repo + "/.git/info/exclude") { ignores.append(IgnoreFile(base: "", text: text)) }
            var dir = ""
            let parts = inRepo.split(separator: "/").map(String.init)
            for part in parts {
                if let text = Self.readText(repo + "/" + (dir.isEmpty ? "" : dir + "/") + ".gitignore") { ignores.append(IgnoreFile(base: dir, text: text)) }
                dir = dir.isEmpty ? part : dir + "/" + part
            }
        }
        // Excludes and includes are relative to the configuration file's folder.
        configPrefix = ""
        if let absConfig = Self.realPath(configuration.root), let absRoot = Self.realPath(rootClean), absRoot.hasPrefix(absConfig + "/") {
            configPrefix = String(absRoot.dropFirst(absConfig.count + 1)) + "/"
        }
        walk(dir: rootClean, relative: "", inRepo: inRepo, ignores: ignores)
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(validatingCString: p)
    }

    /// `relative` is the folder's path below the walk's root; `inRepo` the root's path in the
    /// repository, which ignore files are matched against.
    /// Files are added (and, streaming, fed) in the order they are listed, on one thread.
    private mutating func walk(dir: String, relative: String, inRepo: String, ignores: [IgnoreFile]) {
        var ignores = ignores
        let prefix = dir == "." ? "" : dir + "/"
        let here = [inRepo, relative].filter { !$0.isEmpty }.joined(separator: "/")
        guard let handle = opendir(dir == "" ? "." : dir) else {
            notes.append("\(dir): cannot read folder: \(String(cString: strerror(errno)))")
            return
        }
        // Each child's name bytes, with a `/` after a folder's: sorted by these, the walk
        // lists paths in byte order (`a-b` before the files in `a/`, as `-` < `/`).
        // (Keys are the names as reported: a name that is not UTF-8 is reported, and sorted,
        // with U+FFFD in place of its bad bytes.) All names share one buffer.
        var names: [UInt8] = []
        var children: [Child] = []
        // Whether the folder lists a `.gitignore` (read only then: most folders have none, and
        // a failed open costs a system call and an error message).
        var listsIgnoreFile = false
        while let entry = readdir(handle) {
            let start = names.count
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let name = UnsafeBufferPointer(rebasing: bytes[0..<(bytes.firstIndex(of: 0) ?? bytes.count)])
                if name.allSatisfy({ $0 < 0x80 }) { names.append(contentsOf: name) } else { names.append(contentsOf: String(decoding: name, as: UTF8.self).utf8) }
            }
            let count = names.count - start
            if count == 10, names[start...].elementsEqual(".gitignore".utf8) { listsIgnoreFile = true }
            if Self.isSkippedName(names, start, count) { names.removeLast(count); continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var st = stat()
                if lstat(prefix + String(decoding: names[start...], as: UTF8.self), &st) == 0 {
                    switch st.st_mode & S_IFMT {
                    case S_IFDIR: type = UInt8(DT_DIR)
                    case S_IFREG: type = UInt8(DT_REG)
                    case S_IFLNK: type = UInt8(DT_LNK)
                    default: type = UInt8(DT_UNKNOWN)
                    }
                }
            }
            if type == UInt8(DT_DIR) {
                names.append(UInt8(ascii: "/"))
                children.append(Child(start: start, count: count + 1, isDir: true, names: names))
            } else if type == UInt8(DT_REG) {
                children.append(Child(start: start, count: count, isDir: false, names: names))
            } else {
                names.removeLast(count)
            }
        }
        closedir(handle)
        if listsIgnoreFile, let text = Self.readText(prefix + ".gitignore") {
            ignores.append(IgnoreFile(base: here, text: text))
        }
        // In order: a file to check (its path and language), or the subfolder (by its number)
        // whose entries go there.
        enum Slot { case file(String, Language), folder(Int) }
        var slots: [Slot] = []
        var subfolders: [(dir: String, relative: String)] = []
        // The paths a child is known by, built in place: the reported path (`dir/name`), the
        // path below the walk's root (`relative/name`), the path in the repository (`here/name`).
        var full = Array(prefix.utf8), rel = relative.isEmpty ? [] : Array((relative + "/").utf8), repoRel = here.isEmpty ? [] : Array((here + "/").utf8)
        let (fullBase, relBase, repoBase) = (full.count, rel.count, repoRel.count)
        names.withUnsafeBufferPointer { all in
            children.sort { a, b in
                if a.head != b.head { return a.head < b.head }
                let n = min(a.count, b.count)
                let c = n == 0 ? 0 : memcmp(all.baseAddress! + a.start, all.baseAddress! + b.start, n)
                return c != 0 ? c < 0 : a.count < b.count
            }
            var previous: Child? = nil
            for child in children {
                let key = UnsafeBufferPointer(rebasing: all[child.start..<(child.start + child.count)])
                // Two names that are not UTF-8 can read the same once decoded: listed once.
                if let p = previous, p.count == child.count, memcmp(all.baseAddress! + p.start, key.baseAddress!, key.count) == 0 { continue }
                previous = child
                let name = child.isDir ? UnsafeBufferPointer(rebasing: key.dropLast()) : key
                // A file of no scanned type is passed over before its paths are made (unless an
                // include glob may opt it in).
                var language: Language?? = nil
                if !child.isDir {
                    language = Language.of(asciiName: name)
                    if language == .some(nil), configuration.include.isEmpty { continue }
                }
                full.removeSubrange(fullBase...); full.append(contentsOf: name)
                rel.removeSubrange(relBase...); rel.append(contentsOf: name)
                repoRel.removeSubrange(repoBase...); repoRel.append(contentsOf: name)
                let ignored = rel.withUnsafeBufferPointer { r in
                    repoRel.withUnsafeBufferPointer { isIgnored(r, repoRelative: $0, isDirectory: child.isDir, ignores: ignores) }
                }
                if ignored { continue }
                let path = String(decoding: full, as: UTF8.self)
                if child.isDir {
                    slots.append(.folder(subfolders.count))
                    subfolders.append((path, String(decoding: rel, as: UTF8.self)))
                } else {
                    let nameString = { String(decoding: name, as: UTF8.self) }
                    guard let language = (language ?? Language.of(fileName: nameString())) ?? languageOf(relative: String(decoding: rel, as: UTF8.self), name: nameString())
                    else { continue }
                    slots.append(.file(path, language))
                }
            }
        }
        // A folder of several files to check has them opened by name in it: one lookup of its
        // path, not one per file. (Opening and closing the folder costs about what three files'
        // lookups of a few folders each save.)
        let fileCount = slots.count { if case .file = $0 { true } else { false } }
        let folder = fileCount >= 4 ? FileEntry.Folder(id: FileEntry.Folder.nextID(), nameStart: fullBase) : nil
        // Walked in place, in order.
        for slot in slots {
            switch slot {
            case .file(let path, let language):
                entries.append(FileEntry(path: path, language: language, explicit: false, sizeLimit: configuration.maxFileSize, folder: folder))
                publishIfDue()
            case .folder(let k): walk(dir: subfolders[k].dir, relative: subfolders[k].relative, inRepo: inRepo, ignores: ignores)
            }
        }
    }

    /// `rel`: the path below the walk's root; `repoRelative`: its path in the repository.
    private func isIgnored(_ rel: UnsafeBufferPointer<UInt8>, repoRelative: UnsafeBufferPointer<UInt8>, isDirectory: Bool, ignores: [IgnoreFile]) -> Bool {
        if !configuration.exclude.isEmpty {
            let configRel = configPrefix + String(decoding: rel, as: UTF8.self)
            if configuration.exclude.contains(where: { $0.matches(configRel, isDirectory: isDirectory) || $0.matches(configRel) }) { return true }
        }
        var ignored = false
        for file in ignores {
            if let v = file.verdict(bytes: repoRelative, isDirectory: isDirectory) { ignored = v }
        }
        return ignored
    }

    /// A child's place in the folder's name buffer.
    private struct Child {
        var start: Int
        var count: Int
        var isDir: Bool
        /// The name's first 8 bytes, big-endian, zero-padded: two names whose heads differ
        /// compare as their heads do (a name holds no zero byte, so a shorter one that is a
        /// prefix of the other sorts first, as it should); equal heads compare in full.
        /// (Sorting by `memcmp` alone took 9.3M of the walk's 82M instructions on 19,426 files.)
        var head: UInt64

        init(start: Int, count: Int, isDir: Bool, names: [UInt8]) {
            self.start = start
            self.count = count
            self.isDir = isDir
            var head: UInt64 = 0
            for k in 0..<min(8, count) { head |= UInt64(names[start + k]) << (56 - 8 * UInt64(k)) }
            self.head = head
        }
    }

    /// `.`, `..` and `.git` are never walked.
    private static func isSkippedName(_ names: [UInt8], _ start: Int, _ count: Int) -> Bool {
        let dot = UInt8(ascii: ".")
        switch count {
        case 1: return names[start] == dot
        case 2: return names[start] == dot && names[start + 1] == dot
        case 4: return names[start] == dot && names[start + 1] == UInt8(ascii: "g") && names[start + 2] == UInt8(ascii: "i") && names[start + 3] == UInt8(ascii: "t")
        default: return false
        }
    }

    static func readText(_ path: String) -> String? {
        guard let bytes = try? FileIO.read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The nearest folder at or above `path` holding `.git`.
    static func repositoryRoot(containing path: String) -> String? {
        var dir = path
        for _ in 0..<64 {
            if FileIO.exists(dir + "/.git") { return dir }
            if dir == "/" { return nil }
            if dir == "." || dir.isEmpty { dir = ".." } else if dir.hasSuffix("..") { dir += "/.." } else {
                if let slash = dir.lastIndex(of: "/") { dir = slash == dir.startIndex ? "/" : String(dir[..<slash]) } else { dir = "." }
            }
            if dir.count > 4096 { return nil }
        }
        return nil
    }
}


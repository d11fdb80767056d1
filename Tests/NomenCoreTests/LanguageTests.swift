import Testing
@testable import NomenCore

/// The walk names a file's language from its extension, read as bytes for an ASCII name;
/// the `Character` reading it replaced stays here as the oracle.
@Suite struct LanguageTests {
    static func oracleExtension(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return name[name.index(after: dot)...].lowercased()
    }

    @Test func extensionsAreReadAsTheCharacterReadingDid() {
        let names = ["a.py", "A.PY", "Query.SqlX", "notebook.IPYNB", "Makefile", "", ".", "a.", ".bashrc", "a.b.c.YML",
                     "x.tar.GZ", "weird..py", "dir.d", "ÄÖ.PY", "data.\u{212A}", "model.mar\u{212A}down", "e\u{301}.py",
                     "a.\u{301}py", "\u{600}.py", "x\r\n.py", "tab\t.Py", "ünïcödé.sql"]
        for name in names {
            #expect(Language.lowercasedExtension(name) == Self.oracleExtension(name), "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        for name in names + ["a.PyI", "b.sqlx", "c.Bash", "d.toml", "e.JSON", "f.cfg", "g.ini", "h.yaml", "i.markdown", "j.pyc", "k.p", "l.pyy", "m.s",
                             ".py", "n.py.", "o.\u{7F}", "p.PYINOTEBOOK", "q.sh\r"] {
            let fromBytes = Array(name.utf8).withUnsafeBufferPointer { Language.of(asciiName: $0) }
            if name.utf8.allSatisfy({ $0 < 0x80 }) {
                #expect(fromBytes == .some(Language.of(fileName: name)), "\(name)")
            } else {
                #expect(fromBytes == nil, "\(name)")
            }
        }
        #expect(Language.of(fileName: "A.PY") == .python)
        #expect(Language.of(fileName: "Makefile") == nil)
        #expect(Language.optIn(fileName: "model.mar\u{212A}down") == .text)
    }

    @Test func pathsAreJoinedWithOneSlash() {
        for (head, tail) in [("", "a"), ("a", ""), ("", ""), ("dir", "file.py"), ("/", "etc"), ("a/b", "ünï.py")] {
            let expected = head.isEmpty ? tail : tail.isEmpty ? head : head + "/" + tail
            #expect(String.joiningPath(head, tail).hasSameBytes(as: expected))
        }
    }
}

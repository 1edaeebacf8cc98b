import CasefileTestKit
import Foundation
import Testing

@testable import CasefileParse

/// `Text.words` reads bytes for speed; it must say exactly what the plain
/// Character-by-Character version says.
@Suite struct TextWordsTests {
    /// The reference: the first version of `Text.words`, kept here.
    static func reference(_ s: String) -> [(String, String)] {
        let edge: Set<Character> = [":", ".", ",", ";", "?", "!", "(", ")", "\"", "'", "*"]
        var out: [(String, String)] = []
        for w in s.split(whereSeparator: { $0 == " " }) {
            var key = Substring(Text.fold(w))
            while let f = key.first, edge.contains(f) { key.removeFirst() }
            while let l = key.last, edge.contains(l) { key.removeLast() }
            if key.isEmpty || key == "-" { continue }
            out.append((String(w), String(key)))
        }
        return out
    }

    static let tricky = [
        "", " ", "   two  spaces ", "`quoted` words", "(a) - b -- c", "“Curly” ‘quotes’ — dashes – here",
        "children’s services: Requires Improvement to be good.", "e\u{301}t\u{301}e\u{301} cafe \u{301}x",
        "a \u{200D}b", "Ünïcödé WORDS ÀND ascii", "***", "?!", "-", "x-", "1. 12.3 (4)", "tab\tinside word",
    ]

    @Test(arguments: tricky)
    func sameAsTheReference(_ s: String) {
        let got = Text.words(s).map { (String($0.original), $0.key) }
        let want = Self.reference(s)
        #expect(got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1), "\(s.debugDescription)")
    }

    @Test func sameOnEveryFixtureLine() throws {
        let dir = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }
        #expect(!names.isEmpty)
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let s = String(line)
                let got = Text.words(s).map { (String($0.original), $0.key) }
                let want = Self.reference(s)
                #expect(got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1), "\(name): \(s)")
            }
        }
    }
}

import CasefileTestKit
import Foundation
import Testing

@testable import CasefileParse

/// The byte-level helpers (TextBytes.swift) must answer exactly what the
/// plain versions they replace answer, on tricky strings and on every line
/// of the fixtures.
@Suite struct TextBytesTests {
    static let tricky =
        TextWordsTests.tricky + [
            "Board", "the Board\u{301}s board", "LSCB\u{301} LSCB", "\u{212A}ent", "a\u{37E} b", "\u{1FEF}x", "x\u{600}:y",
            "café board", "e\u{301}board", "Safeguarding Children Board.", "no areas for priority action",
            "inspection of looked after children services", "\u{FEFF}Board", " \u{301}lead inspector", "12/09/2016",
        ]

    static let needles = [
        "Board", "board", "LSCB", ":", "/", "-", "K", ";", "`", "safeguarding children board", "cafe", "e", "lead inspector",
        "\u{301}", "é", "x\u{600}", "areas for priority",
    ]

    static func fixtureLines() throws -> [String] {
        let dir = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }
        var out: [String] = []
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            out += text.split(separator: "\n").map(String.init)
        }
        return out
    }

    @Test(arguments: tricky)
    func keyIsTheWordsKeysJoined(_ s: String) {
        #expect(Text.key(s) == TextWordsTests.reference(s).map(\.1).joined(separator: " "), "\(s.debugDescription)")
    }

    @Test func keyOnEveryFixtureLine() throws {
        for s in try Self.fixtureLines() {
            #expect(Text.key(s) == TextWordsTests.reference(s).map(\.1).joined(separator: " "), "\(s)")
        }
    }

    @Test(arguments: tricky)
    func containsAsFoundationSays(_ s: String) {
        for n in Self.needles {
            #expect(Text.contains(s, n) == (s.range(of: n) != nil), "\(s.debugDescription) ∋ \(n.debugDescription)")
        }
    }

    @Test func containsOnEveryFixtureLine() throws {
        for s in try Self.fixtureLines() {
            for n in Self.needles {
                #expect(Text.contains(s, n) == (s.range(of: n) != nil), "\(s) ∋ \(n)")
            }
        }
    }

    /// `afterBullet` as it was before it read the first bytes itself.
    static func referenceAfterBullet(_ s: String) -> String? {
        guard let f = s.first, Text.isBullet(f) else { return nil }
        let rest = s.dropFirst()
        if f == "-" || f == "o" || f == "*" || f == "\u{2013}" {
            guard rest.isEmpty || rest.first == " " else { return nil }
        }
        return String(rest).trimmingSpaces
    }

    static let bulleted = [
        "- item", "-item", "-", "o", "o item", "of the", "o\u{308}ther", "* star", "*", "*x", "\u{2022} dot", "\u{2013} dash",
        "\u{2013}dash", "\u{F0B7} symbol", "\u{F0A7}", "- \u{301}x", "o \u{301}", "-\u{301} x", "a- b", "\u{B7}mid", "·",
        "x\u{301}", "  - spaced",
    ]

    @Test(arguments: bulleted + tricky)
    func afterBulletAsBefore(_ s: String) {
        #expect(Text.afterBullet(s) == Self.referenceAfterBullet(s), "\(s.debugDescription)")
    }

    @Test func afterBulletOnEveryFixtureLine() throws {
        for s in try Self.fixtureLines() {
            #expect(Text.afterBullet(s) == Self.referenceAfterBullet(s), "\(s)")
        }
    }
}

import CasefileTestKit
import Foundation
import Testing

@testable import CasefileParse

/// The parser's text helpers were rewritten for speed (on bytes, without
/// building Characters or NSStrings). Their first versions are kept here as
/// references: the rewritten ones must give exactly what these give, on
/// tricky strings and on the fixtures.
@Suite struct TextReferenceTests {
    // MARK: - The references

    static func fold(_ s: some StringProtocol) -> String {
        var out = ""
        for scalar in s.lowercased().unicodeScalars {
            switch scalar {
            case "\u{2018}", "\u{2019}", "\u{201B}", "\u{2032}", "`": out.unicodeScalars.append("'")
            case "\u{201C}", "\u{201D}": out.unicodeScalars.append("\"")
            case "\u{2010}"..."\u{2015}", "\u{2212}", "\u{2500}": out.unicodeScalars.append("-")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func mentionsJudge(_ s: String) -> Bool {
        let word: [UInt8] = [0x6A, 0x75, 0x64, 0x67, 0x65]
        var matched = 0
        for b in s.utf8 {
            let c = b == 0x4A ? 0x6A : b
            if c == word[matched] {
                matched += 1
                if matched == word.count { return true }
            } else {
                matched = c == word[0] ? 1 : 0
            }
        }
        return false
    }

    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        let chars = Array(text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        var i = 0
        while i < chars.count {
            let c = chars[i]
            current.append(c)
            if c == "." || c == "?" || c == "!", i + 2 < chars.count, chars[i + 1] == " ",
                chars[i + 2].isUppercase || chars[i + 2].isNumber
            {
                out.append(current.trimmingSpaces)
                current = ""
                i += 1
            }
            i += 1
        }
        if !current.trimmingSpaces.isEmpty { out.append(current.trimmingSpaces) }
        return out
    }

    static func lines(_ input: String) -> [(String, Bool, Bool)] {
        var out: [(String, Bool, Bool)] = []
        var current: [UInt8] = []
        var pending = false
        func flush() {
            var lo = 0, hi = current.count
            while lo < hi, current[lo] == 0x20 { lo += 1 }
            while hi > lo, current[hi - 1] == 0x20 { hi -= 1 }
            let t = String(decoding: current[lo..<hi], as: UTF8.self)
            out.append((t, pending, t.isEmpty))
            pending = false
            current.removeAll()
        }
        let bytes = Array(input.utf8)
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            switch b {
            case 0x0A: flush()
            case 0x0D: break
            case 0x0C:
                if current.contains(where: { $0 != 0x20 }) { flush() } else { current.removeAll() }
                pending = true
            case 0x09: current.append(0x20)
            case 0xC2 where i + 1 < n && bytes[i + 1] == 0xA0: current.append(0x20); i += 1
            case 0xC2 where i + 1 < n && bytes[i + 1] == 0xAD: i += 1
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (0x80...0x8A).contains(bytes[i + 2]),
                0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0xAF,
                0xE2 where i + 2 < n && bytes[i + 1] == 0x81 && bytes[i + 2] == 0x9F,
                0xE3 where i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x80:
                current.append(0x20); i += 2
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (0x8B...0x8D).contains(bytes[i + 2]),
                0xEF where i + 2 < n && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF:
                i += 2
            case 0xEF where i + 2 < n && bytes[i + 1] == 0xAC && (0x80...0x86).contains(bytes[i + 2]):
                let expansions = ["ff", "fi", "fl", "ffi", "ffl", "st", "st"]
                current += Array(expansions[Int(bytes[i + 2] - 0x80)].utf8)
                i += 2
            default: current.append(b)
            }
            i += 1
        }
        if !current.isEmpty || pending { flush() }
        return out
    }

    static func hasPrefixIgnoringCase(_ s: String, _ prefix: String) -> Bool {
        var a = s.utf8.makeIterator()
        for p in prefix.utf8 {
            guard let c = a.next() else { return false }
            let lower = (c >= 0x41 && c <= 0x5A) ? c + 0x20 : c
            if lower != p { return false }
        }
        return true
    }

    static func numberedParagraph(_ s: String) -> (Int, String)? {
        var digits = 0
        var idx = s.startIndex
        while idx < s.endIndex, let a = s[idx].asciiValue, (0x30...0x39).contains(a) {
            digits += 1
            idx = s.index(after: idx)
        }
        guard (1...3).contains(digits), idx < s.endIndex, s[idx] == "." else { return nil }
        let after = s.index(after: idx)
        if after < s.endIndex, s[after] != " " { return nil }
        guard let n = Int(s[..<idx]) else { return nil }
        return (n, String(s[after...]).trimmingSpaces)
    }

    static func htmlPageReason(_ text: String) -> Bool {
        let head = text.drop(while: { $0.isWhitespace }).prefix(512).lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html")
    }

    static func normalisedContent(_ doc: Document, to end: Int) -> [UInt8] {
        var out: [UInt8] = []
        let first = doc.firstContent ?? 0
        func isWordByte(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80 }
        for i in first..<max(first, end) where doc.lines[i].isContent {
            var t = doc.lines[i].text
            if let rest = TextBytesTests.referenceAfterBullet(t) { t = rest }
            if t.isEmpty { continue }
            if !out.isEmpty { out.append(0x20) }
            let bytes = Array(t.utf8)
            var k = 0
            while k < bytes.count {
                var b = bytes[k]
                if b == 0xE2, k + 2 < bytes.count, bytes[k + 1] == 0x80 {
                    switch bytes[k + 2] {
                    case 0x98, 0x99, 0x9B: b = 0x27; k += 2
                    case 0x9C, 0x9D: b = 0x22; k += 2
                    case 0x90, 0x91: b = 0x2D; k += 2
                    default: break
                    }
                }
                if b == 0x20 || b == 0x09 {
                    if out.last != 0x20 { out.append(0x20) }
                } else {
                    out.append(b)
                }
                k += 1
            }
        }
        var result: [UInt8] = []
        var j = 0
        while j < out.count {
            let b = out[j]
            if b == 0x2D, let prev = result.last, isWordByte(prev) {
                if j + 1 < out.count, isWordByte(out[j + 1]) { j += 1; continue }
                if j + 2 < out.count, out[j + 1] == 0x20, isWordByte(out[j + 2]) { j += 2; continue }
            }
            result.append(b)
            j += 1
        }
        if result.last == 0x20 { result.removeLast() }
        return result
    }

    // MARK: - The inputs

    static let tricky =
        TextBytesTests.tricky + [
            "ΣΑΣ ΑΣ. İstanbul \u{212A}elvin ǅ ß ﬁ", "Judged judge JUDGE jUdge jjudge judg e", "“Quoted” ‘single’ – — ― − ─ ‐ ′ `x`",
            "It was judged good. The next one. 2019 was. a. B", "Ends with a stop. ", "Two  spaces.  Then\ttab. X",
            "e.\u{301} Next. \u{301}Mark. É accented. ½ half. ² two.", "\u{600}. Prepend. x", "no stop at all",
            "line\r\nwith crlf\n\u{C}\u{C}page\n  \u{C}  \nnbsp\u{A0}x\u{AD}y\u{2003}z\u{200B}w\u{FEFF}v\u{FB01}\u{FB03}\t\n",
            "- x-\ny -\n- z\n\u{2022} a\u{2010}b c\u{2019}s “q” x - y x- y\t\tz", "-\n-", " - ",
            "\u{C}", "\n\n", "a\u{C}b\u{C}\nc", "trailing no newline   ", "\u{C2}", "x\u{E2}\u{80}", "\u{202F}\u{205F}\u{3000}end",
        ]

    static func fixtureTexts() throws -> [String] {
        let dir = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }
        return try names.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
    }

    // MARK: - The checks

    @Test(arguments: tricky)
    func sameOnTrickyText(_ s: String) {
        #expect(Text.fold(s) == Self.fold(s), "\(s.debugDescription)")
        #expect(Document.mentionsJudge(s) == Self.mentionsJudge(s), "\(s.debugDescription)")
        #expect(Document.sentences(s) == Self.sentences(s), "\(s.debugDescription)")
        let got = Text.lines(s).map { ($0.text, $0.pageStart, $0.kind == .blank) }
        let want = Self.lines(s)
        #expect(got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1) && got.map(\.2) == want.map(\.2), "\(s.debugDescription)")
    }

    @Test func sameOnTheFixtures() throws {
        for text in try Self.fixtureTexts() {
            let got = Text.lines(text)
            let want = Self.lines(text)
            #expect(got.map(\.text) == want.map(\.0) && got.map(\.pageStart) == want.map(\.1))
            #expect(Document.sentences(text) == Self.sentences(text))
            for line in got {
                #expect(Text.fold(line.text) == Self.fold(line.text), "\(line.text)")
                #expect(Document.mentionsJudge(line.text) == Self.mentionsJudge(line.text), "\(line.text)")
            }
        }
    }

    static let prefixes = ["inspection of ", "the overall", "children", "lead inspector", "the office for standards in education"]

    @Test(
        arguments: tricky + [
            "<!DOCTYPE html>", "  <html>", "\u{A0}<html", "\n\t<HTML", "\r\n<html", "x<html", "<p>", "Inspection Of X",
            "12. Text", "1.", "1234. x", "5\u{301}. x", "12.x", "12.\u{301} x", "12. \u{301}x", "a1. b", "\u{661}\u{662}. x", "  12. x",
            "7. ", "0.",
        ])
    func sameOnTrickyTextToo(_ s: String) {
        for p in Self.prefixes {
            #expect(Text.hasPrefixIgnoringCase(s, p) == Self.hasPrefixIgnoringCase(s, p), "\(s.debugDescription) \(p)")
        }
        #expect((TextChecks.htmlPageReason(s) != nil) == Self.htmlPageReason(s), "\(s.debugDescription)")
        #expect(Text.numberedParagraph(s).map { "\($0.0) \($0.1)" } == Self.numberedParagraph(s).map { "\($0.0) \($0.1)" })
        let doc = Document(lines: Text.lines(s))
        #expect(doc.normalisedContent(to: doc.lines.count) == Self.normalisedContent(doc, to: doc.lines.count), "\(s.debugDescription)")
    }

    @Test func contentSameOnTheFixtures() throws {
        for text in try Self.fixtureTexts() {
            #expect((TextChecks.htmlPageReason(text) != nil) == Self.htmlPageReason(text))
            let doc = Document(lines: Text.lines(text))
            for end in [0, doc.lines.count / 3, doc.lines.count] {
                #expect(doc.normalisedContent(to: end) == Self.normalisedContent(doc, to: end))
            }
            for line in doc.lines {
                #expect(
                    Text.numberedParagraph(line.text).map { "\($0.0) \($0.1)" }
                        == Self.numberedParagraph(line.text).map { "\($0.0) \($0.1)" })
                for p in Self.prefixes {
                    #expect(Text.hasPrefixIgnoringCase(line.text, p) == Self.hasPrefixIgnoringCase(line.text, p), "\(line.text)")
                }
            }
        }
    }

    /// Every scalar, lower-cased and folded, as the reference does it.
    @Test func foldSameOnEveryScalar() {
        var all = ""
        for v in 0..<0x11_0000 {
            if let s = Unicode.Scalar(v) { all.unicodeScalars.append(s) }
        }
        #expect(Text.fold(all) == Self.fold(all))
    }
}

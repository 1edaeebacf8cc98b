import CasefileModel

/// One line of the input after clean-up.
struct Line {
    /// The text with ligatures expanded, odd spaces made plain, ends trimmed.
    var text: String
    /// A form feed came before this line: pdftotext starts a page here.
    var pageStart: Bool
    var kind: Kind = .content

    enum Kind: Equatable {
        case blank
        case content
        /// A bare page number.
        case pageNumber
        /// The running footer ("Inspection of X local authority children's services" and its dates).
        case footer
        /// A footnote at the foot of a page, with its bare marker number.
        case footnote
    }

    var isContent: Bool { kind == .content }
}

enum Text {
    /// Splits the input into cleaned lines. Form feeds mark page starts;
    /// ligatures are expanded, odd spaces made plain, invisible characters
    /// dropped. Works on the UTF-8 bytes in place: this runs over every byte
    /// of the input.
    static func lines(_ input: String) -> [Line] {
        withBytes(input) { bytes in
            var out: [Line] = []
            out.reserveCapacity(bytes.count / 40)
            var current: [UInt8] = []
            current.reserveCapacity(160)
            var pending = false
            func line(_ text: UnsafeBufferPointer<UInt8>.SubSequence) {
                var lo = text.startIndex, hi = text.endIndex
                while lo < hi, text[lo] == 0x20 { lo += 1 }
                while hi > lo, text[hi - 1] == 0x20 { hi -= 1 }
                let t = String(decoding: text[lo..<hi], as: UTF8.self)
                out.append(Line(text: t, pageStart: pending, kind: t.isEmpty ? .blank : .content))
                pending = false
            }
            func flush() {
                current.withUnsafeBufferPointer { line($0[...]) }
                current.removeAll(keepingCapacity: true)
            }
            let n = bytes.count
            var i = 0
            while i < n {
                // A run of bytes kept as they are, found at once; a line that
                // is all such bytes is taken from the input without a copy.
                var j = i
                while j < n, isPlainLineByte(bytes[j]) { j += 1 }
                if j < n, bytes[j] == 0x0A, current.isEmpty {
                    line(bytes[i..<j])
                    i = j + 1
                    continue
                }
                current.append(contentsOf: bytes[i..<j])
                i = j
                guard i < n else { break }
                let b = bytes[i]
                switch b {
                case 0x0A:
                    flush()
                case 0x0D:
                    break
                case 0x0C:
                    if current.contains(where: { $0 != 0x20 }) { flush() } else { current.removeAll(keepingCapacity: true) }
                    pending = true
                case 0x09:
                    current.append(0x20)
                case 0xC2 where i + 1 < n && bytes[i + 1] == 0xA0:  // no-break space
                    current.append(0x20); i += 1
                case 0xC2 where i + 1 < n && bytes[i + 1] == 0xAD:  // soft hyphen
                    i += 1
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (0x80...0x8A).contains(bytes[i + 2]),
                    0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0xAF,
                    0xE2 where i + 2 < n && bytes[i + 1] == 0x81 && bytes[i + 2] == 0x9F,
                    0xE3 where i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x80:  // spaces of other widths
                    current.append(0x20); i += 2
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (0x8B...0x8D).contains(bytes[i + 2]),
                    0xEF where i + 2 < n && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF:  // zero width, BOM
                    i += 2
                case 0xEF where i + 2 < n && bytes[i + 1] == 0xAC && (0x80...0x86).contains(bytes[i + 2]):  // ligatures
                    current += ligatures[Int(bytes[i + 2] - 0x80)]
                    i += 2
                default:
                    current.append(b)
                }
                i += 1
            }
            if !current.isEmpty || pending { flush() }
            return out
        }
    }

    /// A byte `lines` keeps as it is, whatever comes next: not a line break,
    /// form feed, tab or carriage return, nor the first byte of a character
    /// it replaces (odd spaces, soft hyphens, zero-width characters, ligatures).
    @inline(__always)
    private static func isPlainLineByte(_ b: UInt8) -> Bool {
        // Printable ASCII, the common case, in one comparison.
        if b >= 0x20 && b < 0x80 { return true }
        switch b {
        case 0x0A, 0x0D, 0x0C, 0x09, 0xC2, 0xE2, 0xE3, 0xEF: return false
        default: return true
        }
    }

    /// The ligatures U+FB00–U+FB06 spelt out.
    private static let ligatures: [[UInt8]] = [
        Array("ff".utf8), Array("fi".utf8), Array("fl".utf8), Array("ffi".utf8), Array("ffl".utf8),
        Array("st".utf8), Array("st".utf8),
    ]

    /// True when `s` starts with the ASCII `prefix`, ignoring ASCII case.
    static func hasPrefixIgnoringCase(_ s: String, _ prefix: String) -> Bool {
        // Both strings' bytes in place: it is asked of most lines several
        // times over (the end of the body, the lead inspector, the statements).
        withBytes(s) { a in
            withBytes(prefix) { p in
                guard a.count >= p.count else { return false }
                for k in 0..<p.count {
                    let c = a[k]
                    if (c >= 0x41 && c <= 0x5A ? c + 0x20 : c) != p[k] { return false }
                }
                return true
            }
        }
    }

    /// Lower case, curly quotes straight, dashes plain: for comparing wording.
    /// Built on the bytes (TextBytes.swift): `String.lowercased()` followed
    /// by a Unicode scalar at a time was the parser's costliest step on
    /// letters, which fold their whole text.
    static func fold(_ s: some StringProtocol) -> String {
        withBytes(s) { foldBytes($0) }
    }

    /// A word with its wording as written and a key for matching.
    struct Word {
        var original: Substring
        var key: String
        var line: Int
    }

    private static let edgePunctuation: Set<Character> = [":", ".", ",", ";", "?", "!", "(", ")", "\"", "'", "*"]

    /// The words of a string; words that are only punctuation are left out.
    static func words(_ s: String, line: Int = 0) -> [Word] {
        // The words are cut on the bytes (TextBytes.swift): no array of
        // substrings is made first, and most words, being ASCII, are folded
        // and trimmed as bytes, without the Unicode case mapping (this runs
        // over much of every report).
        withBytes(s) { bytes in
            var result: [Word] = []
            scanWords(s, bytes) { lo, hi in
                var ascii = true
                for k in lo..<hi where bytes[k] >= 0x80 { ascii = false; break }
                let key: String
                if ascii {
                    guard let (a, b) = asciiKeyBounds(bytes, lo, hi) else { return }
                    key = String(unsafeUninitializedCapacity: b - a) { buf in
                        for k in a..<b { buf[k - a] = asciiKeyByte(bytes[k]) }
                        return b - a
                    }
                } else {
                    guard let k = unicodeKey(word(s, lo, hi)) else { return }
                    key = k
                }
                result.append(Word(original: word(s, lo, hi), key: key, line: line))
            }
            return result
        }
    }

    /// A non-ASCII word's key: folded, edge punctuation trimmed; nil when
    /// nothing (or a lone "-") is left.
    static func unicodeKey(_ w: Substring) -> String? {
        var key = Substring(fold(w))
        while let f = key.first, edgePunctuation.contains(f) { key.removeFirst() }
        while let l = key.last, edgePunctuation.contains(l) { key.removeLast() }
        if key.isEmpty || key == "-" { return nil }
        return String(key)
    }

    /// `s.split(whereSeparator: { $0 == " " })`, found on the UTF-8 bytes
    /// rather than by grapheme breaking: a space is a separator unless a mark
    /// (or a joiner) that would cling to it follows.
    static func splitOnSpaces(_ s: String) -> [Substring] {
        withBytes(s) { bytes in
            var out: [Substring] = []
            scanWords(s, bytes) { lo, hi in out.append(word(s, lo, hi)) }
            return out
        }
    }

    /// A scalar that joins the grapheme before it (extending marks, joiners, variation selectors).
    static func clings(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default:
            return c.value == 0x200D || c.value == 0x200C || (0xFE00...0xFE0F).contains(c.value)
                || (0x1F3FB...0x1F3FF).contains(c.value) || (0xE0020...0xE007F).contains(c.value)
        }
    }

    /// Joins wrapped lines: a line ending in a hyphen after a letter runs on
    /// without a space ("multi-" + "agency"); otherwise one space.
    static func join(_ parts: [String]) -> String {
        var out = ""
        for p in parts where !p.isEmpty {
            if out.isEmpty {
                out = p
            } else if out.hasSuffix("-"), out.dropLast().last?.isLetter == true, p.first?.isLetter == true {
                out += p
            } else {
                // Appended in two steps: no string " " + p made for each line.
                out += " "
                out += p
            }
        }
        return out
    }

    /// `1`–`3` digits alone on a line.
    static func bareNumber(_ s: String) -> Int? {
        guard (1...3).contains(s.utf8.count), s.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(s)
    }

    /// `12.` or `12. Text…` at the start of a line: the number and the rest.
    static func numberedParagraph(_ s: String) -> (Int, String)? {
        // Most lines begin with an ASCII byte other than a digit: the
        // Character it begins is no digit either, so there is no number (a
        // byte test, for the sections' every line).
        if let b = s.utf8.first, b < 0x80, !(0x30...0x39).contains(b) { return nil }
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

    /// Characters that start a bullet point in the lists of improvements.
    static func isBullet(_ c: Character) -> Bool {
        switch c {
        case "\u{25FC}", "\u{25A0}", "\u{25AA}", "\u{2022}", "\u{25CF}", "\u{25E6}", "\u{2023}", "\u{2043}",
            "\u{00B7}", "\u{2219}", "\u{25B8}", "\u{25BA}", "\u{27A2}", "\u{2013}", "-", "*", "o", "\u{F0A7}":
            return true
        default:
            // Symbol fonts map their bullets into the private use area (U+F0B7 and friends).
            return c.unicodeScalars.first.map { (0xE000...0xF8FF).contains($0.value) } ?? false
        }
    }

    /// The text after a leading bullet, or nil when the line has none.
    static func afterBullet(_ s: String) -> String? {
        // Decided on the bytes for most lines (the content hash asks of every
        // line): one that begins with an ASCII character other than "-", "*"
        // and "o", or with one of those and then an ASCII character other
        // than a space, has no bullet. An ASCII first byte begins a Character
        // no bullet is equal to; an ASCII byte after it starts a Character of
        // its own.
        let u = s.utf8
        if let b0 = u.first, b0 < 0x80 {
            guard b0 == 0x2D || b0 == 0x2A || b0 == 0x6F else { return nil }
            let i1 = u.index(after: u.startIndex)
            if i1 < u.endIndex, u[i1] < 0x80, u[i1] != 0x20 { return nil }
        }
        guard let f = s.first, isBullet(f) else { return nil }
        let rest = s.dropFirst()
        // "-" or "o" are bullets only when a space (or nothing) follows.
        if f == "-" || f == "o" || f == "*" || f == "\u{2013}" {
            guard rest.isEmpty || rest.first == " " else { return nil }
        }
        return String(rest).trimmingSpaces
    }
}

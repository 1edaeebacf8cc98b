import CasefileDigest
import CasefileModel

/// One report's text being read: its cleaned lines (Text.swift), what each
/// line is (content, page furniture), and the warnings gathered on the way.
/// The framework parsers (ILACSParser.swift, SIFParser.swift,
/// LetterParser.swift, LookedAfterParser.swift) are extensions of it.
struct Document {
    /// The lines. Only their `kind` changes once the document is made (the
    /// per-line values in `cache` are of their text).
    var lines: [Line]
    var warnings: [String] = []
    /// Why each judgement left out was left out (`Completeness`).
    var leftOut: [Area: String] = [:]

    /// Index of the first content line (leading "# …" comment lines, as in
    /// synthetic test fixtures, are skipped).
    let firstContent: Int?

    /// Per-line values worked out on demand and kept (`key`).
    let cache: LineCache

    init(lines: [Line]) {
        self.lines = lines
        self.cache = LineCache(count: lines.count)
        var first: Int?
        for (i, l) in lines.enumerated() where l.isContent {
            if first == nil, l.text.hasPrefix("#") {
                self.lines[i].kind = .blank
                continue
            }
            first = i
            break
        }
        firstContent = first
    }
}

/// What `Document` keeps of each line's text once worked out. A class, so
/// that the document's non-mutating readers can fill it in; the text of a
/// line never changes, so copies of a document share it safely. One parse
/// owns it: it never crosses threads.
final class LineCache {
    var keys: [String?]

    init(count: Int) {
        keys = Array(repeating: nil, count: count)
    }
}

extension Document {
    // MARK: - Lines

    /// The first `limit` content lines' indices.
    func contentIndices(from start: Int = 0, limit: Int) -> [Int] {
        var out: [Int] = []
        var i = start
        while i < lines.count, out.count < limit {
            if lines[i].isContent { out.append(i) }
            i += 1
        }
        return out
    }

    /// Content lines from `start` (inclusive) while `i < end`.
    func content(from start: Int, to end: Int) -> [Int] {
        var out: [Int] = []
        var i = max(0, start)
        while i < min(end, lines.count) {
            if lines[i].isContent { out.append(i) }
            i += 1
        }
        return out
    }

    /// The text of content lines joined as one paragraph.
    func joined(_ indices: some Sequence<Int>) -> String { Text.join(indices.map { lines[$0].text }) }

    /// A line's words as matching keys, joined by spaces. Kept once made:
    /// the framework parsers ask for the same lines' keys many times over
    /// (the dispatch, the title, the lists, the LSCB statements).
    func key(_ i: Int) -> String {
        if let k = cache.keys[i] { return k }
        let k = Text.key(lines[i].text)
        cache.keys[i] = k
        return k
    }

    static func isDatesLabel(_ key: String) -> Bool {
        key.hasPrefix("inspection date") || key.hasPrefix("dates of inspection") || key.hasPrefix("date of inspection")
    }

    /// A sentence that starts on line `i`, with the lines it runs on to (a
    /// next line starting in lower case continues it; at most three lines).
    func statement(at i: Int) -> [Text.Word] {
        var parts = [lines[i].text]
        var last = i
        for j in contentIndices(from: i + 1, limit: 2) {
            guard let end = lines[last].text.last, !".:;".contains(end),
                let f = lines[j].text.first, f.isLowercase
            else { break }
            parts.append(lines[j].text)
            last = j
        }
        return Text.words(Text.join(parts))
    }

    /// Where the report's own text ends: Ofsted's boilerplate follows.
    func endOfBody(after start: Int) -> Int {
        let markers = [
            "the office for standards in education",
            "ofsted has published a report on",
            "if you would like a copy of this document",
            "you may reuse this information",
        ]
        var i = start
        while i < lines.count {
            if lines[i].isContent, markers.contains(where: { Text.hasPrefixIgnoringCase(lines[i].text, $0) }) { return i }
            i += 1
        }
        return lines.count
    }
}

// MARK: - Content hash

extension Document {
    /// SHA-256 of the text up to the end of the body, without page furniture,
    /// bullets, or differences of line breaks, spacing and quote marks.
    func contentHash(to end: Int) -> String {
        SHA256.tagged(normalisedContent(to: end))
    }

    /// The bytes the content hash is taken of: the content lines in order,
    /// bullets dropped, whitespace runs (and line breaks) one space, curly
    /// quotes straight, and hyphens inside words dropped, because pdftotext
    /// removes the hyphen of a word it rejoins across a line break
    /// ("decision-\nmaking" → "decisionmaking").
    func normalisedContent(to end: Int) -> [UInt8] {
        let first = firstContent ?? 0
        let range = first..<max(first, end)
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80
        }
        // Written into one buffer of a size known beforehand (a line gives at
        // most its bytes and a space before it), without the checks of an
        // array growing by appends: this runs over every byte of the body.
        var capacity = 0
        for i in range where lines[i].isContent { capacity += lines[i].text.utf8.count + 1 }
        return [UInt8](unsafeUninitializedCapacity: capacity) { buf, count in
            var n = 0
            for i in range where lines[i].isContent {
                var t = lines[i].text
                if let rest = Text.afterBullet(t) { t = rest }
                if t.isEmpty { continue }
                if n > 0 { buf[n] = 0x20; n += 1 }
                n = Text.withBytes(t) { Self.appendNormalised($0, to: buf.baseAddress!, at: n) }
            }
            // Drop hyphens inside words, and the space a line break left
            // after one; in place (what is kept never gets ahead of what is
            // read). Hyphens are rare: the bytes between them move as blocks.
            guard let base = buf.baseAddress else { count = 0; return }
            var w = 0
            var j = 0
            while j < n {
                var h = j
                while h < n, base[h] != 0x2D { h += 1 }
                if h > j {
                    if w != j { UnsafeMutableRawPointer(base + w).copyMemory(from: base + j, byteCount: h - j) }  // may overlap: a memmove
                    w += h - j
                    j = h
                    if j == n { break }
                }
                // base[j] is a hyphen.
                if w > 0, isWordByte(base[w - 1]) {
                    if j + 1 < n, isWordByte(base[j + 1]) { j += 1; continue }
                    if j + 2 < n, base[j + 1] == 0x20, isWordByte(base[j + 2]) { j += 2; continue }
                }
                base[w] = 0x2D
                w += 1
                j += 1
            }
            if w > 0, buf[w - 1] == 0x20 { w -= 1 }
            count = w
        }
    }

    /// One line's bytes as the content hash takes them, written at `dst[n...]`
    /// (room is there): curly quotes straight, the hyphen-like dashes plain,
    /// runs of spaces and tabs one space. Returns the new end. A function of
    /// its own with plain pointers, so that the loop keeps its state in registers.
    private static func appendNormalised(_ src: UnsafeBufferPointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        guard let s = src.baseAddress else { return start }
        let count = src.count
        var n = start
        var k = 0
        while k < count {
            var b = s[k]
            if b == 0xE2, k + 2 < count, s[k + 1] == 0x80 {
                switch s[k + 2] {
                case 0x98, 0x99, 0x9B: b = 0x27; k += 2
                case 0x9C, 0x9D: b = 0x22; k += 2
                case 0x90, 0x91: b = 0x2D; k += 2
                default: break
                }
            }
            if b == 0x20 || b == 0x09 {
                if n == 0 || dst[n - 1] != 0x20 {
                    dst[n] = 0x20
                    n += 1
                }
            } else {
                dst[n] = b
                n += 1
            }
            k += 1
        }
        return n
    }
}

import Foundation

/// Byte-level versions of `Text`'s hot helpers. The parser runs them over
/// every line of every report (a cold sync parses hundreds), so they read the
/// UTF-8 bytes in place instead of building Characters, Substring arrays or
/// NSStrings. Each gives exactly what the plain version it replaces gives
/// (TextBytesTests compares them on tricky strings and every fixture line):
/// where a byte-level answer could differ (a combining mark, a character
/// Unicode treats as equal to an ASCII one), it falls back to the plain one.
extension Text {
    /// Runs `body` over the UTF-8 bytes of `s` in place (a copy only for a
    /// string that is not stored as UTF-8, which the parser never sees).
    @inline(__always)
    static func withBytes<R>(_ s: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
        return Array(s.utf8).withUnsafeBufferPointer(body)
    }

    /// The words of `s` as byte ranges of `bytes` (its UTF-8): what
    /// `splitOnSpaces` cuts, without making an array of substrings. A space
    /// is a separator unless a mark (or a joiner) that would cling to it follows.
    @inline(__always)
    static func scanWords(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let n = bytes.count
        var start = -1
        var i = 0
        while i < n {
            if bytes[i] == 0x20 {
                let next = i + 1
                if next < n, bytes[next] >= 0x80, clings(s.unicodeScalars[s.utf8.index(s.utf8.startIndex, offsetBy: next)]) {
                    if start < 0 { start = i }
                    i = next
                    continue
                }
                if start >= 0 { body(start, i) }
                start = -1
                i = next
            } else {
                if start < 0 { start = i }
                i += 1
            }
        }
        if start >= 0 { body(start, n) }
    }

    /// `words(s).map(\.key).joined(separator: " ")`, built in one byte buffer:
    /// no `Word` array and no String per word. `Document.key` (cached per
    /// line) is its caller.
    static func key(_ s: String) -> String {
        withBytes(s) { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            scanWords(s, bytes) { lo, hi in
                var ascii = true
                for k in lo..<hi where bytes[k] >= 0x80 { ascii = false; break }
                if ascii {
                    guard let (a, b) = asciiKeyBounds(bytes, lo, hi) else { return }
                    if !out.isEmpty { out.append(0x20) }
                    for k in a..<b { out.append(asciiKeyByte(bytes[k])) }
                } else {
                    guard let key = unicodeKey(word(s, lo, hi)) else { return }
                    if !out.isEmpty { out.append(0x20) }
                    out.append(contentsOf: key.utf8)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The substring of `s` between two UTF-8 offsets (on scalar boundaries).
    @inline(__always)
    static func word(_ s: String, _ lo: Int, _ hi: Int) -> Substring {
        let u = s.utf8
        return s[u.index(u.startIndex, offsetBy: lo)..<u.index(u.startIndex, offsetBy: hi)]
    }

    /// Edge punctuation `words` trims from an ASCII word (and "`", which
    /// `fold` makes "'").
    @inline(__always)
    static func isEdgeByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x3A, 0x2E, 0x2C, 0x3B, 0x3F, 0x21, 0x28, 0x29, 0x22, 0x27, 0x2A, 0x60: return true  // : . , ; ? ! ( ) " ' * `
        default: return false
        }
    }

    /// The bytes of an ASCII word's key, edge punctuation trimmed; nil when
    /// nothing but punctuation (or a lone "-") is left.
    @inline(__always)
    static func asciiKeyBounds(_ bytes: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> (Int, Int)? {
        var a = lo, b = hi
        while a < b, isEdgeByte(bytes[a]) { a += 1 }
        while b > a, isEdgeByte(bytes[b - 1]) { b -= 1 }
        if a == b || (b - a == 1 && bytes[a] == 0x2D) { return nil }
        return (a, b)
    }

    /// `fold` of one ASCII byte: lower case, "`" as "'".
    @inline(__always)
    static func asciiKeyByte(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : (b == 0x60 ? 0x27 : b) }

    // MARK: - Folding

    /// `fold` of UTF-8 bytes: each scalar lower-cased as
    /// `String.lowercased()` does it (its own lower-case mapping: Swift's
    /// lower-casing takes no context), then curly quotes made straight and
    /// dashes plain. ASCII bytes, and the punctuation of U+2000–U+206F (which
    /// has no case), are mapped without asking for Unicode properties.
    static func foldBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                out.append(asciiKeyByte(b))
                i += 1
                continue
            }
            // One scalar of valid UTF-8 (a String's bytes are).
            let length = b >= 0xF0 ? 4 : (b >= 0xE0 ? 3 : 2)
            var value = UInt32(b) & (length == 2 ? 0x1F : (length == 3 ? 0x0F : 0x07))
            for k in 1..<length { value = value << 6 | (UInt32(bytes[i + k]) & 0x3F) }
            let scalar = Unicode.Scalar(value)!
            if (0x2000...0x206F).contains(value) {
                appendFolded(scalar, to: &out)
            } else {
                for m in scalar.properties.lowercaseMapping.unicodeScalars { appendFolded(m, to: &out) }
            }
            i += length
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One lower-case scalar as `fold` writes it.
    @inline(__always)
    static func appendFolded(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        switch scalar.value {
        case 0x2018, 0x2019, 0x201B, 0x2032, 0x60: out.append(0x27)
        case 0x201C, 0x201D: out.append(0x22)
        case 0x2010...0x2015, 0x2212, 0x2500: out.append(0x2D)
        default: out.append(contentsOf: UTF8.encode(scalar)!)
        }
    }

    // MARK: - Searching

    /// `haystack.contains(needle)` as Foundation answers it, without bridging
    /// to NSString (which copies the string to UTF-16 on every call).
    ///
    /// Foundation's search is not literal: a match followed by a combining
    /// mark does not count, and a few characters count as the ASCII ones
    /// they are equivalent to (KELVIN SIGN as "K", GREEK QUESTION MARK as
    /// ";", GREEK VARIA as "`"). So: a needle of other ASCII characters is
    /// searched for byte by byte; no match is no match, a match followed by
    /// an ASCII byte (or nothing) is a match, and anything else is asked of
    /// Foundation.
    static func contains(_ haystack: some StringProtocol, _ needle: String) -> Bool {
        let simpleNeedle = !needle.isEmpty && needle.utf8.allSatisfy { $0 < 0x80 && $0 != 0x4B && $0 != 0x3B && $0 != 0x60 }
        guard simpleNeedle else { return haystack.range(of: needle) != nil }
        let found: Bool? = withBytes(haystack) { h in
            withBytes(needle) { n in
                guard let end = firstMatchEnd(h, n) else { return false }
                return end == h.count || h[end] < 0x80 ? true : nil
            }
        }
        return found ?? (haystack.range(of: needle) != nil)
    }

    /// Where the first occurrence of `needle` in `haystack` ends, by bytes.
    @inline(__always)
    static func firstMatchEnd(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Int? {
        let m = needle.count
        guard m > 0, haystack.count >= m else { return nil }
        let first = needle[0]
        var i = 0
        let last = haystack.count - m
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < m, haystack[i + k] == needle[k] { k += 1 }
                if k == m { return i + m }
            }
            i += 1
        }
        return nil
    }
}

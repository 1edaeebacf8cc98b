// The TOML reader's values: booleans, numbers, arrays, inline tables and the
// four string forms.

extension TOMLParser {
    // MARK: Values

    mutating func value() throws(TOMLError) -> TOMLValue {
        let at = position
        switch peek() {
        case nil, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw error("expected a value, found \(found())")
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                return TOMLValue(storage: .string(try multilineString(Self.doubleQuote)), position: at)
            }
            return TOMLValue(storage: .string(try singleLineString(Self.doubleQuote)), position: at)
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                return TOMLValue(storage: .string(try multilineString(UInt8(ascii: "'"))), position: at)
            }
            return TOMLValue(storage: .string(try singleLineString(UInt8(ascii: "'"))), position: at)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            guard depth < Self.maxDepth else {
                throw error("arrays and inline tables are nested more than \(Self.maxDepth) deep")
            }
            depth += 1
            defer { depth -= 1 }
            return peek() == UInt8(ascii: "[") ? try array() : try inlineTable()
        default:
            return try scalar()
        }
    }

    /// Booleans, numbers, and anything else written without quotes.
    mutating func scalar() throws(TOMLError) -> TOMLValue {
        let at = position
        let start = index
        while let c = peek(), Self.isBareKeyByte(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":") {
            advance()
        }
        guard index > start else { throw error("expected a value, found \(found())") }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        func fail(_ message: String) -> TOMLError { TOMLError(position: at, message: message) }

        switch token {
        case "true": return TOMLValue(storage: .boolean(true), position: at)
        case "false": return TOMLValue(storage: .boolean(false), position: at)
        case "inf", "+inf": return TOMLValue(storage: .float(.infinity), position: at)
        case "-inf": return TOMLValue(storage: .float(-.infinity), position: at)
        case "nan", "+nan", "-nan": return TOMLValue(storage: .float(.nan), position: at)
        default: break
        }
        if Self.looksLikeDateOrTime(token) {
            throw fail("dates and times are not supported here; write '\(token)' as a quoted string if you meant text")
        }
        let first = token.utf8.first!
        let startsLikeNumber =
            (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
        guard startsLikeNumber else {
            throw fail("expected a value, found '\(token)' (a string needs quotes: \"\(token)\")")
        }
        if let number = try Self.number(token, fail: fail) {
            return TOMLValue(storage: number, position: at)
        }
        throw fail("invalid number '\(token)'")
    }

    static func looksLikeDateOrTime(_ token: String) -> Bool {
        let b = Array(token.utf8)
        func digits(_ r: Range<Int>) -> Bool {
            r.upperBound <= b.count && b[r].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        // 1979-05-27 … or 07:32:00 …
        if digits(0..<4), b.count >= 5, b[4] == UInt8(ascii: "-"), digits(5..<7) { return true }
        if digits(0..<2), b.count >= 3, b[2] == UInt8(ascii: ":") { return true }
        return false
    }

    /// Integer or float per TOML 1.0, or nil when `token` is neither.
    static func number(_ token: String, fail: (String) -> TOMLError) throws(TOMLError) -> TOMLValue.Storage? {
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        // Underscores only between digits.
        func digitGroup<S: StringProtocol>(_ s: S, _ ok: (Character) -> Bool) -> Bool {
            guard let f = s.first, let l = s.last, ok(f), ok(l) else { return false }
            var previousUnderscore = false
            for c in s {
                if c == "_" {
                    if previousUnderscore { return false }
                    previousUnderscore = true
                } else {
                    guard ok(c) else { return false }
                    previousUnderscore = false
                }
            }
            return true
        }

        // 0x, 0o, 0b: no sign allowed.
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            let body = token.dropFirst(2)
            let ok: (Character) -> Bool = { $0.isASCII && ($0.hexDigitValue.map { $0 < radix } ?? false) }
            guard digitGroup(body, ok) else { return nil }
            guard let n = Int(body.replacing("_", with: ""), radix: radix) else {
                throw fail("integer '\(token)' is out of range")
            }
            return .integer(n)
        }

        var body = Substring(token)
        var sign = ""
        if let f = body.first, f == "+" || f == "-" {
            sign = f == "-" ? "-" : ""
            body = body.dropFirst()
        }
        // Split into integer part, fraction, exponent.
        var intPart = body
        var fraction: Substring?
        var exponent: Substring?
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = body[body.index(after: e)...]
            intPart = body[..<e]
        }
        if let dot = intPart.firstIndex(of: ".") {
            fraction = intPart[intPart.index(after: dot)...]
            intPart = intPart[..<dot]
        }
        guard digitGroup(intPart, isDigit) else { return nil }
        // No leading zeros ("0", "-0" and "0.5" are fine).
        if intPart.count > 1, intPart.first == "0" {
            throw fail("leading zeros are not allowed in '\(token)'")
        }
        if fraction == nil, exponent == nil {
            guard let n = Int(sign + intPart.replacing("_", with: "")) else {
                throw fail("integer '\(token)' is out of range")
            }
            return .integer(n)
        }
        if let fraction, !digitGroup(fraction, isDigit) { return nil }
        if var exponent {
            if let f = exponent.first, f == "+" || f == "-" { exponent = exponent.dropFirst() }
            guard digitGroup(exponent, isDigit) else { return nil }
        }
        guard let d = Double(token.replacing("_", with: "")), d.isFinite else {
            throw fail("float '\(token)' is out of range")
        }
        return .float(d)
    }

    mutating func array() throws(TOMLError) -> TOMLValue {
        let at = position
        advance()  // [
        var items: [TOMLValue] = []
        while true {
            try skipSpacesCommentsAndNewlines()
            if peek() == nil { throw TOMLError(position: at, message: "unterminated array (no ']' before the end of the file)") }
            if peek() == UInt8(ascii: "]") {
                advance()
                break
            }
            items.append(try value())
            try skipSpacesCommentsAndNewlines()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
            case UInt8(ascii: "]"):
                advance()
                return TOMLValue(storage: .array(items), position: at)
            case nil:
                throw TOMLError(position: at, message: "unterminated array (no ']' before the end of the file)")
            default:
                throw error("expected ',' or ']' in the array opened at line \(at.line), found \(found())")
            }
        }
        return TOMLValue(storage: .array(items), position: at)
    }

    mutating func inlineTable() throws(TOMLError) -> TOMLValue {
        let at = position
        advance()  // {
        let table = TableBuilder(origin: .inline, position: at)
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            advance()
            return TOMLValue(storage: .table(table.freeze()), position: at)
        }
        while true {
            skipSpaces()
            try inlineTableContinues()
            try keyValue(into: table)
            skipSpaces()
            try inlineTableContinues()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
                skipSpaces()
                if peek() == UInt8(ascii: "}") {
                    throw error("a trailing comma is not allowed in an inline table")
                }
            case UInt8(ascii: "}"):
                advance()
                return TOMLValue(storage: .table(table.freeze()), position: at)
            default:
                throw error("expected ',' or '}' in the inline table opened at line \(at.line), found \(found())")
            }
        }
    }

    func inlineTableContinues() throws(TOMLError) {
        switch peek() {
        case nil, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw error("an inline table must be on one line; expected '}', found \(found()) (use a [table] for longer ones)")
        default: break
        }
    }

    // MARK: Strings

    static let doubleQuote = UInt8(ascii: "\"")

    /// "…" (basic: escapes) or '…' (literal: as written), on one line.
    mutating func singleLineString(_ quote: UInt8) throws(TOMLError) -> String {
        let basic = quote == Self.doubleQuote
        let start = position
        advance()  // the opening quote
        var out: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw TOMLError(
                    position: start,
                    message: basic
                        ? "unterminated string (no closing '\"')" : "unterminated string (no closing \"'\")")
            }
            switch c {
            case quote:
                advance()
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\") where basic:
                try escape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error(
                    basic
                        ? "unterminated string: a \"…\" string cannot span lines (use \"\"\"…\"\"\" for text on several lines)"
                        : "unterminated string: a '…' string cannot span lines (use '''…''' for text on several lines)")
            default:
                try checkStringByte(c)
                out.append(c)
                advance()
            }
        }
    }

    /// \"\"\"…\"\"\" (basic) or '''…''' (literal): a newline right after the
    /// opening quotes is dropped; in a basic one, a backslash at the end of a
    /// line joins it to the next non-blank text.
    mutating func multilineString(_ quote: UInt8) throws(TOMLError) -> String {
        let basic = quote == Self.doubleQuote
        let start = position
        advance(3)
        skipOneNewline()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw TOMLError(
                    position: start,
                    message: basic
                        ? "unterminated multi-line string (no closing '\"\"\"')" : "unterminated multi-line string (no closing \"'''\")")
            }
            switch c {
            case quote:
                let n = run(of: c)
                advance(n)
                if n < 3 {
                    out.append(contentsOf: repeatElement(c, count: n))
                    continue
                }
                // Up to two quotes may sit right before the closing three.
                guard n <= 5 else { throw error("too many quotes at the end of a multi-line string") }
                out.append(contentsOf: repeatElement(c, count: n - 3))
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\") where basic:
                var look = 1
                while peek(look) == UInt8(ascii: " ") || peek(look) == UInt8(ascii: "\t") { look += 1 }
                if peek(look) == UInt8(ascii: "\n") || (peek(look) == UInt8(ascii: "\r") && peek(look + 1) == UInt8(ascii: "\n")) {
                    // Line-ending backslash: drop it and all whitespace after it.
                    advance(look)
                    while let w = peek(),
                        w == UInt8(ascii: " ") || w == UInt8(ascii: "\t") || w == UInt8(ascii: "\n") || w == UInt8(ascii: "\r")
                    {
                        if w == UInt8(ascii: "\r") { try newline() } else { advance() }
                    }
                } else {
                    try escape(into: &out)
                }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try newline()
                out.append(UInt8(ascii: "\n"))
            default:
                try checkStringByte(c)
                out.append(c)
                advance()
            }
        }
    }

    /// After a backslash in a basic string.
    mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
        let at = position
        advance()  // \
        guard let c = peek() else { throw TOMLError(position: at, message: "unterminated string") }
        advance()
        let simple: UInt8?
        switch c {
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "\""): simple = c
        case UInt8(ascii: "\\"): simple = c
        default: simple = nil
        }
        if let simple {
            out.append(simple)
            return
        }
        let digits: Int
        switch c {
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default:
            let shown = c < 0x80 && c >= 0x20 ? String(Character(UnicodeScalar(c))) : String(controlByte: c)
            throw TOMLError(
                position: at, message: "invalid escape sequence '\\\(shown)' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let h = peek(), let v = Character(UnicodeScalar(h)).hexDigitValue else {
                throw TOMLError(position: at, message: "\\\(Character(UnicodeScalar(c))) needs exactly \(digits) hexadecimal digits")
            }
            value = value << 4 | UInt32(v)
            advance()
        }
        guard let scalar = UnicodeScalar(value) else {
            let hex = String(value, radix: 16, uppercase: true)
            throw TOMLError(
                position: at,
                message:
                    "\\\(Character(UnicodeScalar(c)))\(String(repeating: "0", count: max(0, digits - hex.count)))\(hex) is not a Unicode scalar value"
            )
        }
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    /// Control characters other than tab must be escaped.
    func checkStringByte(_ c: UInt8) throws(TOMLError) {
        if (c < 0x20 && c != 0x09) || c == 0x7F {
            throw error("control character \(String(controlByte: c)) must be escaped in a string")
        }
    }
}

// A small strict TOML reader: the subset of TOML 1.0 that people write in
// config files, with the line and column of every key and value kept so
// that the config layer can say where a mistake is.
//
// Covered: comments; `[table]` and `[[array.of.tables]]` headers; bare,
// quoted and dotted keys; basic strings with escapes (incl. \uXXXX and
// \UXXXXXXXX), literal strings, and their multi-line forms; integers
// (decimal with `_`, 0x, 0o, 0b); floats (incl. inf and nan); booleans;
// arrays (multi-line, trailing comma, nested, mixed); inline tables.
// Dates and times are refused with a clear message: no key of ours takes one.
//
// The rules on redefinition follow TOML 1.0: a key is set once; a table is
// defined once by a header; `[a.b]` may come before `[a]`; dotted keys may
// not add to a table that a header defined; inline tables and static arrays
// are closed once written.

/// Where something is in the text: 1-based line and column (the column
/// counts Unicode scalars, so it matches what an editor shows for most text).
struct TOMLPosition: Hashable, Sendable, CustomStringConvertible {
    var line: Int
    var column: Int

    var description: String { "\(line):\(column)" }
}

/// A TOML syntax or redefinition error.
struct TOMLError: Error, Hashable, Sendable, CustomStringConvertible {
    var position: TOMLPosition
    var message: String

    var description: String { "\(position): \(message)" }
}

/// A value with where it starts in the text.
struct TOMLValue: Hashable, Sendable {
    enum Storage: Hashable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    var storage: Storage
    var position: TOMLPosition

    var line: Int { position.line }

    /// "a string", "an integer", … for "expected X, found Y" messages.
    var typeName: String {
        switch storage {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .array(let items):
            if !items.isEmpty, items.allSatisfy({ if case .table = $0.storage { true } else { false } }) {
                return "an array of tables"
            }
            return "an array"
        case .table: return "a table"
        }
    }

    var string: String? { if case .string(let s) = storage { s } else { nil } }
    var integer: Int? { if case .integer(let i) = storage { i } else { nil } }
    var float: Double? { if case .float(let d) = storage { d } else { nil } }
    var boolean: Bool? { if case .boolean(let b) = storage { b } else { nil } }
    var array: [TOMLValue]? { if case .array(let a) = storage { a } else { nil } }
    var table: TOMLTable? { if case .table(let t) = storage { t } else { nil } }
}

/// A table: its entries in the order they were written.
struct TOMLTable: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var key: String
        /// Where the key is written (for a table defined by a header, the header).
        var keyPosition: TOMLPosition
        var value: TOMLValue
    }

    var entries: [Entry]
    /// The header's position, the `{` of an inline table, or the first
    /// dotted key that created it.
    var position: TOMLPosition

    subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    var keys: [String] { entries.map(\.key) }
}

// MARK: - Parser

struct TOMLParser {
    /// Parses a whole document into its root table.
    static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.document()
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// Unicode scalars since the start of the line, plus one: kept as the
    /// cursor moves, so a position costs nothing on a long line.
    private var column = 1
    /// Arrays and inline tables open around the cursor.
    private var depth = 0
    /// Deeper nesting is refused rather than risking the stack; no config
    /// nests more than two or three levels.
    static let maxDepth = 64

    private init(_ text: String) {
        var b = Array(text.utf8)
        // A UTF-8 byte order mark is noise some editors add; TOML has no use for it.
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) }
        bytes = b
    }

    // MARK: Document

    private mutating func document() throws(TOMLError) -> TOMLTable {
        let root = TableBuilder(origin: .root, position: TOMLPosition(line: 1, column: 1))
        var current = root
        while true {
            skipSpaces()
            guard let c = peek() else { break }
            switch c {
            case UInt8(ascii: "#"):
                try skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try newline()
            case UInt8(ascii: "["):
                current = try header(root: root)
                try endOfLine(after: "the table header")
            default:
                try keyValue(into: current)
                try endOfLine(after: "the value")
            }
        }
        return root.freeze()
    }

    /// `[a.b]` or `[[a.b]]`: returns the table that following keys go into.
    private mutating func header(root: TableBuilder) throws(TOMLError) -> TableBuilder {
        let start = position
        advance()  // [
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        let parts = try key()
        let name = displayKey(parts.map(\.name))
        if isArray {
            guard peek() == UInt8(ascii: "]"), peek(1) == UInt8(ascii: "]") else {
                // Point past a lone ']' at what should have been the second one.
                if peek() == UInt8(ascii: "]") { advance() }
                throw error("expected ']]' to close the array-of-tables header [[\(name)]], found \(found())")
            }
            advance(2)
        } else {
            guard peek() == UInt8(ascii: "]") else {
                throw error("expected ']' to close the table header [\(name)], found \(found())")
            }
            advance()
        }

        // Walk (creating as needed) every part but the last.
        var table = root
        for (i, part) in parts.dropLast().enumerated() {
            let path = displayKey(parts[...i].map(\.name))
            switch table.items[part.name] {
            case nil:
                let t = TableBuilder(origin: .implicit, position: start)
                table.insert(part.name, .table(t))
                table = t
            case .table(let t):
                table = t
            case .tableArray(let elements):
                table = elements[elements.count - 1]
            case .value(let v, let at):
                throw TOMLError(position: start, message: "cannot use '\(path)' as a table: it already holds \(v.typeName) (line \(at.line))")
            }
        }

        let last = parts[parts.count - 1].name
        if isArray {
            let element = TableBuilder(origin: .header, position: start)
            switch table.items[last] {
            case nil:
                table.insert(last, .tableArray([element]))
            case .tableArray(var elements):
                elements.append(element)
                table.items[last] = .tableArray(elements)
            case .table(let t):
                throw TOMLError(position: start, message: "cannot define [[\(name)]]: '\(name)' is already a table (line \(t.position.line))")
            case .value(let v, let at):
                throw TOMLError(position: start, message: "cannot define [[\(name)]]: '\(name)' already holds \(v.typeName) (line \(at.line))")
            }
            return element
        }
        switch table.items[last] {
        case nil:
            let t = TableBuilder(origin: .header, position: start)
            table.insert(last, .table(t))
            return t
        case .table(let t):
            switch t.origin {
            case .implicit:
                // `[a.b]` came first and created `a`; this is a's one definition.
                t.origin = .header
                t.position = start
                return t
            case .dotted:
                throw TOMLError(position: start, message: "table [\(name)] was already defined by dotted keys (line \(t.position.line))")
            case .header, .root, .inline:
                throw TOMLError(position: start, message: "table [\(name)] is defined twice (first at line \(t.position.line))")
            }
        case .tableArray(let elements):
            throw TOMLError(position: start, message: "cannot define [\(name)]: '\(name)' is already an array of tables (line \(elements[0].position.line))")
        case .value(let v, let at):
            throw TOMLError(position: start, message: "cannot define [\(name)]: '\(name)' already holds \(v.typeName) (line \(at.line))")
        }
    }

    /// `a.b = value` into `table`.
    private mutating func keyValue(into table: TableBuilder) throws(TOMLError) {
        let parts = try key()
        let name = displayKey(parts.map(\.name))
        guard peek() == UInt8(ascii: "=") else {
            throw error("expected '=' after the key '\(name)', found \(found())")
        }
        advance()
        skipSpaces()
        let v = try value()

        var target = table
        for (i, part) in parts.dropLast().enumerated() {
            let path = displayKey(parts[...i].map(\.name))
            switch target.items[part.name] {
            case nil:
                let t = TableBuilder(origin: .dotted, position: part.position)
                target.insert(part.name, .table(t))
                target = t
            case .table(let t) where t.origin == .dotted:
                target = t
            case .table(let t):
                throw TOMLError(position: part.position, message: "cannot add to the table '\(path)' with a dotted key: it is defined at line \(t.position.line)")
            case .tableArray(let elements):
                throw TOMLError(position: part.position, message: "cannot add to '\(path)' with a dotted key: it is an array of tables (line \(elements[0].position.line))")
            case .value(let old, let at):
                throw TOMLError(position: part.position, message: "cannot use '\(path)' as a table: it already holds \(old.typeName) (line \(at.line))")
            }
        }
        let last = parts[parts.count - 1]
        if let existing = target.items[last.name] {
            throw TOMLError(position: last.position, message: "duplicate key '\(name)' (first set at line \(existing.line))")
        }
        target.insert(last.name, .value(v, key: last.position))
    }

    // MARK: Keys

    private struct KeyPart {
        var name: String
        var position: TOMLPosition
    }

    /// A dotted key, with the spaces around it consumed.
    private mutating func key() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipSpaces()
            let at = position
            parts.append(KeyPart(name: try simpleKey(), position: at))
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            advance()
        }
    }

    private mutating func simpleKey() throws(TOMLError) -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                throw error("a key cannot be a multi-line string")
            }
            return try singleLineString(Self.doubleQuote)
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                throw error("a key cannot be a multi-line string")
            }
            return try singleLineString(UInt8(ascii: "'"))
        default:
            let start = index
            while let c = peek(), Self.isBareKeyByte(c) { advance() }
            guard index > start else { throw error("expected a key, found \(found())") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    // MARK: Values

    private mutating func value() throws(TOMLError) -> TOMLValue {
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
    private mutating func scalar() throws(TOMLError) -> TOMLValue {
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
        let startsLikeNumber = (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
        guard startsLikeNumber else {
            throw fail("expected a value, found '\(token)' (a string needs quotes: \"\(token)\")")
        }
        if let number = try Self.number(token, fail: fail) {
            return TOMLValue(storage: number, position: at)
        }
        throw fail("invalid number '\(token)'")
    }

    private static func looksLikeDateOrTime(_ token: String) -> Bool {
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
    private static func number(_ token: String, fail: (String) -> TOMLError) throws(TOMLError) -> TOMLValue.Storage? {
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

    private mutating func array() throws(TOMLError) -> TOMLValue {
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

    private mutating func inlineTable() throws(TOMLError) -> TOMLValue {
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

    private func inlineTableContinues() throws(TOMLError) {
        switch peek() {
        case nil, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw error("an inline table must be on one line; expected '}', found \(found()) (use a [table] for longer ones)")
        default: break
        }
    }

    // MARK: Strings

    private static let doubleQuote = UInt8(ascii: "\"")

    /// "…" (basic: escapes) or '…' (literal: as written), on one line.
    private mutating func singleLineString(_ quote: UInt8) throws(TOMLError) -> String {
        let basic = quote == Self.doubleQuote
        let start = position
        advance()  // the opening quote
        var out: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw TOMLError(position: start, message: basic
                    ? "unterminated string (no closing '\"')" : "unterminated string (no closing \"'\")")
            }
            switch c {
            case quote:
                advance()
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\") where basic:
                try escape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error(basic
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
    private mutating func multilineString(_ quote: UInt8) throws(TOMLError) -> String {
        let basic = quote == Self.doubleQuote
        let start = position
        advance(3)
        skipOneNewline()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw TOMLError(position: start, message: basic
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
                    while let w = peek(), w == UInt8(ascii: " ") || w == UInt8(ascii: "\t") || w == UInt8(ascii: "\n") || w == UInt8(ascii: "\r") {
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
    private mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
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
            throw TOMLError(position: at, message: "invalid escape sequence '\\\(shown)' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
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
            throw TOMLError(position: at, message: "\\\(Character(UnicodeScalar(c)))\(String(repeating: "0", count: max(0, digits - hex.count)))\(hex) is not a Unicode scalar value")
        }
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    /// Control characters other than tab must be escaped.
    private func checkStringByte(_ c: UInt8) throws(TOMLError) {
        if (c < 0x20 && c != 0x09) || c == 0x7F {
            throw error("control character \(String(controlByte: c)) must be escaped in a string")
        }
    }

    // MARK: Whitespace, comments, newlines

    private mutating func skipSpaces() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { advance() }
    }

    /// A '#' comment up to (not including) the end of the line.
    private mutating func skipComment() throws(TOMLError) {
        advance()  // #
        while let c = peek(), c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if (c < 0x20 && c != 0x09) || c == 0x7F {
                throw error("control character \(String(controlByte: c)) is not allowed in a comment")
            }
            advance()
        }
    }

    private mutating func skipSpacesCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipSpaces()
            switch peek() {
            case UInt8(ascii: "#"): try skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try newline()
            default: return
            }
        }
    }

    /// LF or CRLF; a lone CR is an error.
    private mutating func newline() throws(TOMLError) {
        if peek() == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw error("a carriage return must be followed by a line feed") }
            advance()
        }
        advance()
    }

    private mutating func skipOneNewline() {
        if peek() == UInt8(ascii: "\n") {
            advance()
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            advance(2)
        }
    }

    /// After a value or header: spaces, an optional comment, then the end of the line.
    private mutating func endOfLine(after what: String) throws(TOMLError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try skipComment() }
        guard let c = peek() else { return }
        guard c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") else {
            throw error("expected the end of the line after \(what), found \(found())")
        }
        try newline()
    }

    // MARK: Cursor

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                // Count scalars, not bytes: continuation bytes are 0b10xxxxxx.
                column += 1
            }
            index += 1
        }
    }

    private func run(of c: UInt8) -> Int {
        var n = 0
        while peek(n) == c { n += 1 }
        return n
    }

    private var position: TOMLPosition { TOMLPosition(line: line, column: column) }

    private func error(_ message: String) -> TOMLError {
        TOMLError(position: position, message: message)
    }

    /// What is at the cursor, for "expected X, found Y".
    private func found() -> String {
        guard let c = peek() else { return "the end of the file" }
        switch c {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case UInt8(ascii: "#"): return "a comment"
        case 0x20...0x7E: return "'\(Character(UnicodeScalar(c)))'"
        case 0x80...:
            // A whole scalar, for people.
            var end = index + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
        default: return String(controlByte: c)
        }
    }
}

extension String {
    /// "U+0007" for a control byte in messages.
    fileprivate init(controlByte byte: UInt8) {
        let hex = String(byte, radix: 16, uppercase: true)
        self = "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

/// Keys as a person would write them: bare when possible, quoted otherwise.
func displayKey(_ parts: [String]) -> String {
    parts.map { part in
        if !part.isEmpty, part.utf8.allSatisfy(TOMLParser.isBareKeyByte) { return part }
        return quoted(part)
    }.joined(separator: ".")
}

// MARK: - Building tables

/// Tables under construction. A class because headers keep a reference to
/// the table that following keys go into while its parents are still open.
private final class TableBuilder {
    enum Origin {
        case root
        /// Created as the parent in a header (`a` for `[a.b]`); a later `[a]` may still define it.
        case implicit
        /// Defined by a `[header]` or as one `[[element]]`.
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`).
        case dotted
        /// `{ … }`: closed once written.
        case inline
    }

    enum Item {
        case value(TOMLValue, key: TOMLPosition)
        case table(TableBuilder)
        case tableArray([TableBuilder])

        var line: Int {
            switch self {
            case .value(_, let key): return key.line
            case .table(let t): return t.position.line
            case .tableArray(let elements): return elements[0].position.line
            }
        }
    }

    var origin: Origin
    var position: TOMLPosition
    private(set) var order: [String] = []
    var items: [String: Item] = [:]

    init(origin: Origin, position: TOMLPosition) {
        self.origin = origin
        self.position = position
    }

    func insert(_ key: String, _ item: Item) {
        order.append(key)
        items[key] = item
    }

    func freeze() -> TOMLTable {
        TOMLTable(
            entries: order.map { key in
                switch items[key]! {
                case .value(let v, let at):
                    return .init(key: key, keyPosition: at, value: v)
                case .table(let t):
                    return .init(key: key, keyPosition: t.position, value: TOMLValue(storage: .table(t.freeze()), position: t.position))
                case .tableArray(let elements):
                    let values = elements.map { TOMLValue(storage: .table($0.freeze()), position: $0.position) }
                    return .init(key: key, keyPosition: elements[0].position, value: TOMLValue(storage: .array(values), position: elements[0].position))
                }
            },
            position: position)
    }
}

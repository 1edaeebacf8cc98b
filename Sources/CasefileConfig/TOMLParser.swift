// The TOML reader's parser: the document, headers, keys, whitespace and the
// cursor. Values and strings are in TOMLValues.swift; the tree it builds and
// the subset of TOML it reads are described in TOMLTree.swift.

struct TOMLParser {
    /// Parses a whole document into its root table.
    static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.document()
    }

    let bytes: [UInt8]
    private(set) var index = 0
    private(set) var line = 1
    /// Unicode scalars since the start of the line, plus one: kept as the
    /// cursor moves, so a position costs nothing on a long line.
    private(set) var column = 1
    /// Arrays and inline tables open around the cursor.
    var depth = 0
    /// Deeper nesting is refused rather than risking the stack; no config
    /// nests more than two or three levels.
    static let maxDepth = 64

    init(_ text: String) {
        var b = Array(text.utf8)
        // A UTF-8 byte order mark is noise some editors add; TOML has no use for it.
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) }
        bytes = b
    }

    // MARK: Document

    mutating func document() throws(TOMLError) -> TOMLTable {
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
    mutating func header(root: TableBuilder) throws(TOMLError) -> TableBuilder {
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
                throw TOMLError(
                    position: start, message: "cannot use '\(path)' as a table: it already holds \(v.typeName) (line \(at.line))")
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
                throw TOMLError(
                    position: start, message: "cannot define [[\(name)]]: '\(name)' is already a table (line \(t.position.line))")
            case .value(let v, let at):
                throw TOMLError(
                    position: start, message: "cannot define [[\(name)]]: '\(name)' already holds \(v.typeName) (line \(at.line))")
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
            throw TOMLError(
                position: start,
                message: "cannot define [\(name)]: '\(name)' is already an array of tables (line \(elements[0].position.line))")
        case .value(let v, let at):
            throw TOMLError(position: start, message: "cannot define [\(name)]: '\(name)' already holds \(v.typeName) (line \(at.line))")
        }
    }

    /// `a.b = value` into `table`.
    mutating func keyValue(into table: TableBuilder) throws(TOMLError) {
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
                throw TOMLError(
                    position: part.position,
                    message: "cannot add to the table '\(path)' with a dotted key: it is defined at line \(t.position.line)")
            case .tableArray(let elements):
                throw TOMLError(
                    position: part.position,
                    message: "cannot add to '\(path)' with a dotted key: it is an array of tables (line \(elements[0].position.line))")
            case .value(let old, let at):
                throw TOMLError(
                    position: part.position, message: "cannot use '\(path)' as a table: it already holds \(old.typeName) (line \(at.line))")
            }
        }
        let last = parts[parts.count - 1]
        if let existing = target.items[last.name] {
            throw TOMLError(position: last.position, message: "duplicate key '\(name)' (first set at line \(existing.line))")
        }
        target.insert(last.name, .value(v, key: last.position))
    }

    // MARK: Keys

    struct KeyPart {
        var name: String
        var position: TOMLPosition
    }

    /// A dotted key, with the spaces around it consumed.
    mutating func key() throws(TOMLError) -> [KeyPart] {
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

    mutating func simpleKey() throws(TOMLError) -> String {
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

    // MARK: Whitespace, comments, newlines

    mutating func skipSpaces() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { advance() }
    }

    /// A '#' comment up to (not including) the end of the line.
    mutating func skipComment() throws(TOMLError) {
        advance()  // #
        while let c = peek(), c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if (c < 0x20 && c != 0x09) || c == 0x7F {
                throw error("control character \(String(controlByte: c)) is not allowed in a comment")
            }
            advance()
        }
    }

    mutating func skipSpacesCommentsAndNewlines() throws(TOMLError) {
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
    mutating func newline() throws(TOMLError) {
        if peek() == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw error("a carriage return must be followed by a line feed") }
            advance()
        }
        advance()
    }

    mutating func skipOneNewline() {
        if peek() == UInt8(ascii: "\n") {
            advance()
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            advance(2)
        }
    }

    /// After a value or header: spaces, an optional comment, then the end of the line.
    mutating func endOfLine(after what: String) throws(TOMLError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try skipComment() }
        guard let c = peek() else { return }
        guard c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") else {
            throw error("expected the end of the line after \(what), found \(found())")
        }
        try newline()
    }

    // MARK: Cursor

    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    mutating func advance(_ n: Int = 1) {
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

    func run(of c: UInt8) -> Int {
        var n = 0
        while peek(n) == c { n += 1 }
        return n
    }

    var position: TOMLPosition { TOMLPosition(line: line, column: column) }

    func error(_ message: String) -> TOMLError {
        TOMLError(position: position, message: message)
    }

    /// What is at the cursor, for "expected X, found Y".
    func found() -> String {
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

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

extension String {
    /// "U+0007" for a control byte in messages.
    init(controlByte byte: UInt8) {
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
final class TableBuilder {
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
                    return .init(
                        key: key, keyPosition: elements[0].position,
                        value: TOMLValue(storage: .array(values), position: elements[0].position))
                }
            },
            position: position)
    }
}

import CasefileModel
import Foundation

/// What a change says beyond its report (`change.payload`, JSON): the
/// moves of a `grade_changed`, the fields of a `report_revised`, `{}` for
/// the others.
struct ChangePayload: Codable, Equatable {
    var grades: [GradeMove]?
    var fields: [String]?
}

extension ChangePayload {
    /// The stored payload. Each row of a changes page has one, and
    /// `JSONDecoder` cost as much as reading the page: the shape the store
    /// writes (`StoreCoding.encode`: these keys, enum names and plain
    /// strings) is read by `FastPayload` below; anything else — an escape
    /// in a string, a key it does not know, other spacing — goes to
    /// `JSONDecoder`, which decides. `ChangePayloadTests` holds the two
    /// equal.
    static func read(_ text: String) throws -> ChangePayload {
        if text == "{}" { return ChangePayload() }
        if let fast = FastPayload.read(text) { return fast }
        return try JSONDecoder().decode(ChangePayload.self, from: Data(text.utf8))
    }
}

/// A reader for exactly the JSON `JSONEncoder` writes for a payload, nil at
/// the first byte it does not expect.
struct FastPayload {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The payload `text` holds, or nil when it is not in the expected shape.
    static func read(_ text: String) -> ChangePayload? {
        var text = text
        return text.withUTF8 { buffer in
            var reader = FastPayload(bytes: buffer)
            return reader.payload()
        }
    }

    mutating func payload() -> ChangePayload? {
        var out = ChangePayload()
        guard take(UInt8(ascii: "{")) else { return nil }
        if take(UInt8(ascii: "}")) { return at == bytes.count ? out : nil }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "fields" where out.fields == nil:
                guard let fields = list({ $0.string() }) else { return nil }
                out.fields = fields
            case "grades" where out.grades == nil:
                guard let grades = list({ $0.move() }) else { return nil }
                out.grades = grades
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), at == bytes.count else { return nil }
        return out
    }

    mutating func move() -> GradeMove? {
        var area: Area?
        var from: Grade?
        var to: Grade?
        var direction: Direction?
        var fromReport: Int64?
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "area" where area == nil: area = string().flatMap(Area.init(rawValue:))
            case "from" where from == nil: from = string().flatMap(Grade.init(rawValue:))
            case "to" where to == nil: to = string().flatMap(Grade.init(rawValue:))
            case "direction" where direction == nil: direction = string().flatMap(Direction.init(rawValue:))
            case "fromReport" where fromReport == nil:
                guard let n = integer() else { return nil }
                fromReport = n
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let area, let from, let to, let direction else { return nil }
        var move = GradeMove(area: area, from: from, to: to, fromReport: fromReport)
        // As stored, as JSONDecoder would give it: not worked out again.
        move.direction = direction
        return move
    }

    mutating func list<T>(_ element: (inout FastPayload) -> T?) -> [T]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var out: [T] = []
        if take(UInt8(ascii: "]")) { return out }
        repeat {
            guard let value = element(&self) else { return nil }
            out.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? out : nil
    }

    /// A string without escapes (a backslash or a control byte: nil).
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = at
        while at < bytes.count {
            let b = bytes[at]
            if b == UInt8(ascii: "\"") {
                at += 1
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<at - 1]), as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            at += 1
        }
        return nil
    }

    /// A non-negative integer as JSONEncoder writes one (no sign, no leading zero).
    mutating func integer() -> Int64? {
        let start = at
        var n: Int64 = 0
        while at < bytes.count, (48...57).contains(bytes[at]) {
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(bytes[at] - 48))
            guard !o1, !o2 else { return nil }
            n = s
            at += 1
        }
        guard at > start, at - start == 1 || bytes[start] != 48 else { return nil }
        return n
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }
}

/// For `ChangePayloadTests`: what the fast reader and `JSONDecoder` each
/// make of a stored payload (nil: declined, or failed).
@_spi(Testing)
public enum ChangePayloadReading {
    public typealias Parts = (grades: [GradeMove]?, fields: [String]?)

    public static func fast(_ text: String) -> Parts? {
        FastPayload.read(text).map { ($0.grades, $0.fields) }
    }

    public static func decoded(_ text: String) -> Parts? {
        (try? JSONDecoder().decode(ChangePayload.self, from: Data(text.utf8))).map { ($0.grades, $0.fields) }
    }

    /// The payload as the store writes it.
    public static func stored(grades: [GradeMove]?, fields: [String]?) throws -> String {
        try StoreCoding.encode(ChangePayload(grades: grades, fields: fields))
    }
}

/// JSON written directly for the answers read most often — a changes page
/// (`GET /v1/changes`, the change stream) and a history page — byte for
/// byte what `CasefileJSON.encode` makes of the same values (keys in
/// code-point order, `/` not escaped, absent optionals left out): through
/// `JSONEncoder`, encoding a page cost as much as reading it from the
/// store. The values' writers are here; the answers' in CasefileControl.
/// `ChangeJSONTests` and `AnswerJSONTests` hold the bytes equal to
/// `JSONEncoder`'s for every kind, every optional and every awkward
/// character, and fail when a type gains a field its writer does not know.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Punctuation and keys: written as they are.
    @inline(__always)
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func int(_ value: Int64) {
        // A decimal of up to 20 characters is a small string: no allocation.
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `[a,b,…]`, each element written by `element`.
    public mutating func array<T>(_ items: [T], _ element: (inout JSONWriter, T) -> Void) {
        raw("[")
        for (i, item) in items.enumerated() {
            if i > 0 { raw(",") }
            element(&self, item)
        }
        raw("]")
    }

    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`-style
    /// short escapes or `\u00xx`, everything else (`/` and non-ASCII
    /// included) as its UTF-8 bytes — `JSONEncoder`'s rules with
    /// `.withoutEscapingSlashes`.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    raw("u00")
                    hex.withUTF8Buffer { h in
                        bytes.append(h[Int(b >> 4)])
                        bytes.append(h[Int(b & 0xF)])
                    }
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension ChangeRecord {
    /// This change as `CasefileJSON.encode(self)` writes it.
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"at":"#)
        w.string(at)
        w.raw(#","authority":"#)
        authority.write(to: &w)
        if let fields {
            w.raw(#","fields":"#)
            w.array(fields) { $0.string($1) }
        }
        if let grades {
            w.raw(#","grades":"#)
            w.array(grades) { $1.write(to: &$0) }
        }
        w.raw(#","id":"#)
        w.string(id)
        w.raw(#","kind":"#)
        w.string(kind.rawValue)
        if let previous {
            w.raw(#","previous":"#)
            previous.write(to: &w)
        }
        w.raw(#","report":"#)
        report.write(to: &w)
        w.raw(#","seq":"#)
        w.int(seq)
        w.raw("}")
    }
}

extension GradeMove {
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"area":"#)
        w.string(area.rawValue)
        w.raw(#","direction":"#)
        w.string(direction.rawValue)
        w.raw(#","from":"#)
        w.string(from.rawValue)
        if let fromReport {
            w.raw(#","fromReport":"#)
            w.int(fromReport)
        }
        w.raw(#","to":"#)
        w.string(to.rawValue)
        w.raw("}")
    }
}

extension ReportRef {
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"framework":"#)
        w.string(framework.rawValue)
        w.raw(#","id":"#)
        w.int(id)
        w.raw(#","inspection":"#)
        inspection.write(to: &w)
        if let url {
            w.raw(#","url":"#)
            w.string(url)
        }
        w.raw("}")
    }
}

extension Authority {
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"name":"#)
        w.string(name)
        w.raw(#","slug":"#)
        w.string(slug)
        w.raw("}")
    }
}

extension DateSpan {
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"end":"#)
        w.string(end.description)
        w.raw(#","start":"#)
        w.string(start.description)
        w.raw("}")
    }
}

extension StatedGrade {
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"area":"#)
        w.string(area.rawValue)
        w.raw(#","grade":"#)
        w.string(grade.rawValue)
        w.raw(#","sentence":"#)
        w.string(sentence)
        w.raw(#","year":"#)
        w.int(Int64(year))
        w.raw("}")
    }
}

extension JSONWriter {
    /// Grades keyed by area, keys in the order `JSONEncoder`'s
    /// `.sortedKeys` puts them (their UTF-8 bytes).
    public mutating func grades(_ grades: [String: Grade]) {
        raw("{")
        for (i, (area, grade)) in grades.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if i > 0 { raw(",") }
            string(area)
            raw(":")
            string(grade.rawValue)
        }
        raw("}")
    }
}

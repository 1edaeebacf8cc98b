import CasefileModel

/// Escaping for the three places text goes: HTML text and attributes, and
/// JSON inside a `<script>` element.
enum Escape {
    /// Text or a double-quoted attribute value.
    static func html(_ t: String) -> String {
        guard t.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return t }
        var out = ""
        out.reserveCapacity(t.utf8.count + 16)
        for c in t.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A JSON string literal, quotes included, safe inside `<script>`: `<`,
    /// `>` and `&` are written as `\u003c` etc., so no `</script>` can appear.
    static func json(_ t: String) -> String {
        var out = "\""
        out.reserveCapacity(t.utf8.count + 2)
        for c in t.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// A JSON array of strings.
    static func jsonArray(_ items: [String]) -> String {
        "[" + items.map(json).joined(separator: ",") + "]"
    }

    /// An `http(s)` URL that may become a link, or nil.
    static func link(_ url: String?) -> String? {
        guard let url else { return nil }
        let lower = url.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") ? url : nil
    }
}

/// Short codes of the page's data: one letter per area and grade, so that a
/// report's grades take a few bytes ("oGlGhRcGeG"). The page's script reads
/// them back with the same table.
enum Codes {
    static func area(_ a: Area) -> String {
        switch a {
        case .overall: return "o"
        case .leadership: return "l"
        case .helpAndProtection: return "h"
        case .childrenInCare: return "c"
        case .careLeavers: return "e"
        case .adoption: return "a"
        case .lscb: return "s"
        }
    }

    static func grade(_ g: Grade) -> String {
        switch g {
        case .outstanding: return "O"
        case .good: return "G"
        case .requiresImprovement: return "R"
        case .inadequate: return "I"
        case .notJudged: return "N"
        }
    }

    /// The CSS class of a grade's colour; `gx` for no graded inspection on file.
    static func cssClass(_ g: Grade?) -> String {
        guard let g else { return "gx" }
        return "g" + grade(g).lowercased()
    }

    /// Grades in the judgement table's order, e.g. "oGlGhR".
    static func grades(_ grades: [Area: Grade]) -> String {
        var s = ""
        for area in Area.allCases {
            if let g = grades[area] { s += self.area(area) + grade(g) }
        }
        return s
    }

    /// Sort value of a grade: higher is better; not judged 0, none on file -1.
    static func rank(_ g: Grade?) -> Int {
        guard let g else { return -1 }
        return g.rank ?? 0
    }

    /// Words with a capital: "Requires improvement".
    static func words(_ g: Grade?) -> String {
        guard let g else { return "No graded inspection on file" }
        let w = g.words
        return w.prefix(1).uppercased() + w.dropFirst()
    }

    static func title(_ a: Area) -> String {
        switch a {
        case .overall: return "Overall effectiveness"
        case .leadership: return "Leadership"
        case .helpAndProtection: return "Help and protection"
        case .childrenInCare: return "Children in care"
        case .careLeavers: return "Care leavers"
        case .adoption: return "Adoption"
        case .lscb: return "LSCB"
        }
    }
}

/// One authority from the bundled list (current or former).
public struct AuthorityEntry: Sendable, Hashable {
    public let slug: String
    public let name: String
    public let region: String
    public let dfeCode: String?
    /// An abolished authority (`former-authorities.csv`), still found in older reports.
    public let former: Bool
    /// Every name the lists give for it, `name` first.
    public let aliases: [String]

    public init(slug: String, name: String, region: String, dfeCode: String?, former: Bool, aliases: [String] = []) {
        self.slug = slug
        self.name = name
        self.region = region
        self.dfeCode = dfeCode
        self.former = former
        self.aliases = aliases.isEmpty ? [name] : aliases
    }
}

/// Maps the name a report's title gives to an authority of the list.
///
/// Matching is a normalisation plus the alias lists of the CSVs: case,
/// "&"/"and", "St."/"St", hyphens, apostrophes and commas are ignored; then a
/// leading "The", prefixes such as "London Borough of", "Royal Borough of",
/// "City of", and suffixes such as "Council", "City Council", "Children's
/// Services" or a trailing ", City of" are taken off.
public struct AuthorityDirectory: Sendable {
    /// The list compiled into the binary (see `Data/generate.sh`).
    public static let bundled: AuthorityDirectory = {
        do {
            return try AuthorityDirectory(localCSV: AuthorityData.localCSV, formerCSV: AuthorityData.formerCSV)
        } catch {
            // The data is generated and checked by the tests: a failure here is a build defect.
            fatalError("bundled authority data is invalid: \(error)")
        }
    }()

    public let all: [AuthorityEntry]
    private let bySlug: [String: AuthorityEntry]
    /// Normalised spellings of names and aliases, exactly as listed.
    private let exact: [String: [AuthorityEntry]]
    /// The same with prefixes and suffixes taken off.
    private let stripped: [String: [AuthorityEntry]]

    public init(localCSV: String, formerCSV: String) throws(ParseError) {
        var entries: [AuthorityEntry] = []
        for (csv, former) in [(localCSV, false), (formerCSV, true)] {
            let label = former ? "former authority list" : "authority list"
            let rows = try CSV.rows(csv, label: label)
            guard let header = rows.first else { throw ParseError("\(label): empty") }
            func column(_ name: String) throws(ParseError) -> Int {
                guard let i = header.firstIndex(of: name) else { throw ParseError("\(label): no column '\(name)'") }
                return i
            }
            let cSlug = try column("slug"), cName = try column("name"), cRegion = try column("region")
            let cDfe = try column("dfe_code"), cAliases = try column("aliases")
            for (n, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
                guard row.count == header.count else {
                    throw ParseError("\(label): row \(n + 2) has \(row.count) fields, the header \(header.count)")
                }
                let slug = row[cSlug], name = row[cName]
                guard !slug.isEmpty, !name.isEmpty else { throw ParseError("\(label): row \(n + 2) has no slug or name") }
                var aliases = [name]
                for a in row[cAliases].split(separator: "|") {
                    let s = String(a).trimmingSpaces
                    if !s.isEmpty, !aliases.contains(s) { aliases.append(s) }
                }
                entries.append(AuthorityEntry(
                    slug: slug, name: name, region: row[cRegion],
                    dfeCode: row[cDfe].isEmpty ? nil : row[cDfe], former: former, aliases: aliases))
            }
        }
        var bySlug: [String: AuthorityEntry] = [:]
        var exact: [String: [AuthorityEntry]] = [:]
        var stripped: [String: [AuthorityEntry]] = [:]
        for e in entries {
            guard bySlug[e.slug] == nil else { throw ParseError("authority list: slug '\(e.slug)' appears twice") }
            bySlug[e.slug] = e
            for a in e.aliases + [e.slug] {
                let key = NameKey.basic(a)
                if !(exact[key]?.contains(e) ?? false) { exact[key, default: []].append(e) }
                let s = NameKey.stripped(a)
                if !s.isEmpty, !(stripped[s]?.contains(e) ?? false) { stripped[s, default: []].append(e) }
            }
        }
        self.all = entries
        self.bySlug = bySlug
        self.exact = exact
        self.stripped = stripped
    }

    public func entry(slug: String) -> AuthorityEntry? { bySlug[slug] }

    /// The authority a title names, or nil when the name is not on the list
    /// or could mean two authorities.
    public func resolve(_ nameAsWritten: String) -> AuthorityEntry? {
        if let hit = Self.pick(exact[NameKey.basic(nameAsWritten)]) { return hit }
        let key = NameKey.stripped(nameAsWritten)
        guard !key.isEmpty else { return nil }
        return Self.pick(stripped[key])
    }

    /// One candidate, or the only current one among current and former
    /// (a former authority is named explicitly by its own aliases).
    private static func pick(_ candidates: [AuthorityEntry]?) -> AuthorityEntry? {
        guard let c = candidates, !c.isEmpty else { return nil }
        if c.count == 1 { return c[0] }
        let current = c.filter { !$0.former }
        return current.count == 1 ? current[0] : nil
    }
}

/// Name normalisation for matching.
enum NameKey {
    /// Lower case; "&" → "and"; apostrophes, full stops, commas and brackets
    /// dropped ("St." = "St"); hyphens, dashes and other punctuation → space;
    /// spaces collapsed.
    static func basic(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s.lowercased() {
            switch ch {
            case "&": out += " and "
            case "'", "\u{2019}", "\u{2018}", "`", ".", ",", "(", ")": continue
            default:
                if ch.isLetter || ch.isNumber { out.append(ch) } else { out.append(" ") }
            }
        }
        return out.split(separator: " ").joined(separator: " ")
    }

    private static let prefixes = [
        "the ", "council of the ", "council of ", "london borough of ", "royal borough of ", "metropolitan borough of ",
        "borough of ",
        "city and county of ", "county of ", "city of ",
    ]
    private static let suffixes = [
        " childrens services", " childrens social care services", " childrens social care",
        " local authority", " metropolitan borough council", " metropolitan district council",
        " borough council", " city council", " county council", " district council", " council",
        " city of", " county of", " metropolitan borough", " borough", " city", " county",
    ]

    /// `basic`, then prefixes and suffixes taken off until none is left.
    static func stripped(_ s: String) -> String {
        var k = basic(s)
        var changed = true
        while changed {
            changed = false
            for p in prefixes where k.hasPrefix(p) && k.count > p.count {
                k.removeFirst(p.count)
                changed = true
            }
            for x in suffixes where k.hasSuffix(x) && k.count > x.count {
                k.removeLast(x.count)
                changed = true
            }
        }
        return k
    }
}

/// A small RFC 4180 reader: commas, double-quoted fields with "" escapes, LF or CRLF.
enum CSV {
    static func rows(_ text: String, label: String) throws(ParseError) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)
        if chars.last != "\n" { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" {
                        field.unicodeScalars.append("\""); i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty: quoted = true
                case ",": row.append(field); field = ""
                case "\r": break
                case "\n":
                    row.append(field); field = ""
                    rows.append(row); row = []
                default: field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if quoted { throw ParseError("\(label): unterminated quoted field") }
        return rows
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

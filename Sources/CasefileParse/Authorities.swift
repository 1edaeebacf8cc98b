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

/// What a name matches on the authority list.
public enum AuthorityMatch: Sendable, Equatable {
    case one(AuthorityEntry)
    /// No authority of the list has this name.
    case none
    /// The name could be any of these (and no one of them is more likely).
    case several([AuthorityEntry])
}

/// Maps the name a report gives to an authority of the list.
///
/// Names are matched by normalising them, not by listing every spelling
/// (`NameKey`): case, straight and curly apostrophes and possessives, "&" and
/// "and", hyphens and spaces, full stops and commas do not count, and the
/// council-type words around a name ("the", "London Borough of",
/// "Metropolitan", "Borough", "District", "County", "City", "Unitary
/// Authority", "MBC", "Council", "local authority", "children's services")
/// are taken off. The result is looked up among the names and aliases of the
/// bundled list; failing that, a name that is the head of exactly one
/// compound name ("East Riding" of "East Riding of Yorkshire", "Windsor" of
/// "Windsor and Maidenhead") names that authority. A name that matches no
/// authority, or more than one, is not placed.
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
    /// Names and aliases as listed, only `NameKey.basic`-normalised.
    private let exact: [String: [AuthorityEntry]]
    /// The same with the council-type words taken off (`NameKey.core`).
    private let core: [String: [AuthorityEntry]]
    /// Heads of compound core names: the words before "and", "of", "upon",
    /// "on", "with" or "under" ("east riding", "windsor", "kingston").
    private let heads: [String: [AuthorityEntry]]

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
                entries.append(
                    AuthorityEntry(
                        slug: slug, name: name, region: row[cRegion],
                        dfeCode: row[cDfe].isEmpty ? nil : row[cDfe], former: former, aliases: aliases))
            }
        }
        var bySlug: [String: AuthorityEntry] = [:]
        var exact: [String: [AuthorityEntry]] = [:]
        var core: [String: [AuthorityEntry]] = [:]
        var heads: [String: [AuthorityEntry]] = [:]
        func add(_ e: AuthorityEntry, _ key: String, to index: inout [String: [AuthorityEntry]]) {
            if !key.isEmpty, !(index[key]?.contains(e) ?? false) { index[key, default: []].append(e) }
        }
        for e in entries {
            guard bySlug[e.slug] == nil else { throw ParseError("authority list: slug '\(e.slug)' appears twice") }
            bySlug[e.slug] = e
            for a in e.aliases + [e.slug] {
                add(e, NameKey.basic(a), to: &exact)
                let words = NameKey.coreWords(a)
                // A name of connectors only ("City and County of the City of
                // London" → "and") names nothing.
                guard words.contains(where: { !NameKey.connectors.contains($0) }) else { continue }
                add(e, words.joined(separator: " "), to: &core)
                for (k, w) in words.enumerated() where k > 0 && NameKey.connectors.contains(w) {
                    // A head of designators only ("City" of "City and County
                    // of …") names nothing.
                    guard words[..<k].contains(where: { !NameKey.designators.contains($0) }) else { continue }
                    add(e, words[..<k].joined(separator: " "), to: &heads)
                }
            }
        }
        self.all = entries
        self.bySlug = bySlug
        self.exact = exact
        self.core = core
        self.heads = heads
    }

    public func entry(slug: String) -> AuthorityEntry? { bySlug[slug] }

    /// The authority a name stands for, or nil when it matches none or
    /// several (`match` says which).
    public func resolve(_ nameAsWritten: String) -> AuthorityEntry? {
        if case .one(let e) = match(nameAsWritten) { return e }
        return nil
    }

    /// What a name matches: its exact spelling (normalised), then without the
    /// council-type words, then as the head of a compound name.
    public func match(_ nameAsWritten: String) -> AuthorityMatch {
        let words = NameKey.coreWords(nameAsWritten)
        let key = words.joined(separator: " ")
        for candidates in [exact[NameKey.basic(nameAsWritten)], key.isEmpty ? nil : core[key], key.isEmpty ? nil : heads[key]] {
            guard let c = candidates, !c.isEmpty else { continue }
            return Self.pick(c)
        }
        return .none
    }

    /// One candidate, or the only current one among current and former
    /// (a former authority is named explicitly by its own aliases).
    private static func pick(_ candidates: [AuthorityEntry]) -> AuthorityMatch {
        if candidates.count == 1 { return .one(candidates[0]) }
        let current = candidates.filter { !$0.former }
        if current.count == 1 { return .one(current[0]) }
        return .several(current.isEmpty ? candidates : current)
    }
}

/// Name normalisation for matching.
enum NameKey {
    /// Lower case; a possessive "'s" dropped ("Durham's" = "Durham");
    /// "&" → "and"; "saint" → "st"; other apostrophes, full stops, commas and
    /// brackets dropped ("St." = "St"); hyphens, dashes and other punctuation
    /// → space; spaces collapsed.
    static func basic(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        let chars = Array(s.lowercased())
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            switch ch {
            case "&": out += " and "
            case "'", "\u{2019}", "\u{2018}", "`":
                // A possessive: the apostrophe and its "s" at the end of a word.
                if i + 1 < chars.count, chars[i + 1] == "s", i + 2 == chars.count || !(chars[i + 2].isLetter || chars[i + 2].isNumber) {
                    i += 1
                }
            case ".", ",", "(", ")": break
            default:
                if ch.isLetter || ch.isNumber { out.append(ch) } else { out.append(" ") }
            }
            i += 1
        }
        return out.split(separator: " ").map { $0 == "saint" ? "st" : String($0) }.joined(separator: " ")
    }

    /// Words that say what kind of body a name is, not which: taken off
    /// either end of a name ("London Borough of X", "X Metropolitan District
    /// Council", "X local authority children's services", "Bristol, City of").
    static let designators: Set<String> = [
        "the", "of", "london", "royal", "metropolitan", "borough", "district", "county", "city", "council", "unitary",
        "authority", "local", "mbc", "mdc", "children", "childrens", "social", "care", "services", "service",
        "corporation",
    ]

    /// Words that join the parts of a compound name ("Windsor and
    /// Maidenhead", "East Riding of Yorkshire", "Kingston upon Thames").
    static let connectors: Set<String> = ["and", "of", "upon", "on", "with", "under"]

    /// Words a name's service or council type trails with.
    static let trailing: Set<String> = [
        "children", "childrens", "social", "care", "services", "service", "local", "authority", "council", "corporation",
    ]

    /// The words of `basic`, with designators taken off both ends (and
    /// connectors off its start). A name made only of such words ("City of
    /// London") loses only a leading "the" and the trailing service words. A
    /// name that ends in a connector ("… Windsor and") keeps it: it was cut.
    static func coreWords(_ s: String) -> [String] {
        let all = basic(s).split(separator: " ").map(String.init)
        var words = all[...]
        while let f = words.first, designators.contains(f) || connectors.contains(f) { words.removeFirst() }
        while let l = words.last, designators.contains(l) { words.removeLast() }
        if !words.isEmpty { return Array(words) }
        var rest = all[...]
        if rest.first == "the" { rest.removeFirst() }
        while let l = rest.last, trailing.contains(l) { rest.removeLast() }
        return Array(rest)
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

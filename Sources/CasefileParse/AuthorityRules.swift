import CasefileModel

/// The rules that place a name a report gives on the authority list, beyond
/// the list's own aliases (`AuthorityDirectory.resolve`): the trusts and
/// companies that run an authority's children's services, Local Safeguarding
/// Children Boards, and Dorset before April 2019.
public enum AuthorityRules {
    /// A body that runs children's services for one or more authorities.
    public struct Trust: Sendable {
        public let names: [String]
        /// The authorities it serves (slugs of the list).
        public let serves: [String]
        /// For trusts whose authorities changed on a date: the slugs served
        /// before it.
        public let before: (date: LocalDate, serves: [String])?
    }

    /// Trusts and companies known to run children's services, with the
    /// authorities they serve.
    public static let trusts: [Trust] = [
        Trust(names: ["Bradford Children and Families Trust"], serves: ["bradford"], before: nil),
        Trust(names: ["Birmingham Children's Trust"], serves: ["birmingham"], before: nil),
        Trust(names: ["Doncaster Children's Services Trust", "Doncaster Children's Trust"], serves: ["doncaster"], before: nil),
        Trust(
            names: ["Sunderland Together for Children", "Together for Children Sunderland", "Together for Children"],
            serves: ["sunderland"], before: nil),
        Trust(
            names: ["Slough Children's Services Trust", "Slough Children First", "Slough Children's Trust"],
            serves: ["slough"], before: nil),
        Trust(names: ["Sandwell Children's Trust", "Children's Trust Sandwell"], serves: ["sandwell"], before: nil),
        Trust(names: ["Brighter Futures for Children"], serves: ["reading"], before: nil),
        Trust(names: ["Worcestershire Children First"], serves: ["worcestershire"], before: nil),
        Trust(
            names: ["Achieving for Children"],
            serves: ["kingston-upon-thames", "richmond-upon-thames", "windsor-and-maidenhead"], before: nil),
        Trust(
            names: ["Northamptonshire Children's Trust"],
            serves: ["north-northamptonshire", "west-northamptonshire"],
            before: (LocalDate(year: 2021, month: 4, day: 1)!, ["northamptonshire"])),
    ]

    /// Each trust's names as `NameKey.basic` gives them: worked out once,
    /// not for every name placed.
    static let trustKeys: [[String]] = trusts.map { $0.names.map(NameKey.basic) }

    /// Dorset Council replaced Dorset County Council on this day.
    static let dorsetCouncilFrom = LocalDate(year: 2019, month: 4, day: 1)!

    /// Words after an authority's name that make it a board's name.
    static let boardSuffixes = [
        " local safeguarding children board", " safeguarding children board", " safeguarding childrens board",
        " safeguarding children partnership", " safeguarding partnership", " lscb",
    ]
}

extension AuthorityDirectory {
    /// The authority a report names, judged on the inspection's first day
    /// (`date`; nil when unknown): trusts map to the authority they serve (a
    /// trust serving several is placed only when `context` — other lines of
    /// the report — names exactly one of them), a "… Safeguarding Children
    /// Board" to its authority, a "Dorset" inspected before April 2019 to the
    /// former county. Throws naming the name when it cannot be placed.
    public func place(
        _ nameAsWritten: String, on date: LocalDate?, context: [String] = [],
        warnings: inout [String]
    ) throws(ParseError) -> AuthorityEntry {
        var name = nameAsWritten.trimmingSpaces
        // A footnote marker stuck to the name ("Board1").
        while let l = name.last, l.isNumber, name.dropLast().last?.isLetter == true { name.removeLast() }
        while let l = name.last, ".,:;".contains(l) { name.removeLast() }
        let shown = name.trimmingSpaces
        guard !shown.isEmpty else { throw ParseError("no authority name found") }

        // Trusts.
        var key = NameKey.basic(shown)
        if key.hasPrefix("the ") { key.removeFirst(4) }
        for (trust, keys) in zip(AuthorityRules.trusts, AuthorityRules.trustKeys) where keys.contains(key) {
            var slugs = trust.serves
            if let b = trust.before, let d = date, d < b.date { slugs = b.serves }
            let entries = slugs.compactMap { entry(slug: $0) }
            if entries.count == 1 {
                warnings.append("authority: '\(shown)' runs children's services for \(entries[0].name)")
                return entries[0]
            }
            let named = Set(context.compactMap { resolve($0) }.filter { slugs.contains($0.slug) })
            if named.count == 1, let only = named.first {
                warnings.append("authority: '\(shown)' serves several authorities; the report names \(only.name)")
                return only
            }
            throw ParseError(
                "authority: '\(shown)' runs children's services for several authorities (\(entries.map(\.name).joined(separator: ", "))) and the report does not say which"
            )
        }

        // Boards: "Surrey Safeguarding Children Board" → Surrey.
        var lookup = shown
        for suffix in AuthorityRules.boardSuffixes where key.hasSuffix(suffix) && key.count > suffix.count {
            let base = String(key.dropLast(suffix.count))
            let e: AuthorityEntry
            switch match(base) {
            case .one(let one): e = one
            case .none:
                throw ParseError("authority not in the authority list: '\(shown)' (a board of '\(base)', which is not on the list)")
            case .several(let many):
                throw ParseError("authority name could be more than one authority: '\(shown)' (a board of \(Self.either(many)))")
            }
            warnings.append("authority: the board '\(shown)' is placed with \(e.name)")
            lookup = base
            break
        }

        var e: AuthorityEntry
        switch match(lookup) {
        case .one(let one): e = one
        case .none: throw ParseError("authority not in the authority list: '\(shown)'")
        case .several(let many):
            throw ParseError("authority name could be more than one authority: '\(shown)' could be \(Self.either(many))")
        }
        // Dorset before April 2019 is the former county.
        if e.slug == "dorset", let d = date, d < AuthorityRules.dorsetCouncilFrom, let county = entry(slug: "dorset-county") {
            warnings.append("authority: '\(shown)' inspected before April 2019 is the former Dorset County Council")
            e = county
        }
        return e
    }

    /// "Kingston upon Hull or Kingston upon Thames".
    static func either(_ entries: [AuthorityEntry]) -> String {
        let names = entries.map(\.name)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

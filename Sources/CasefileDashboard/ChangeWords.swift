import CasefileModel

/// The words of the page: a change as the notifications word it, frameworks,
/// date spans, lists.
///
/// The sentence rules are those of the notification channels
/// (`CasefileNotify`'s `ChangeMessage.sentence`), copied because this module
/// imports no channel code: the page must say what the email said, so a
/// change to one is a change to both (`DashboardWordsTests` pins the words).
enum Words {
    /// One sentence a director could forward as it is.
    static func sentence(_ change: ChangeRecord) -> String {
        let name = change.authority.name
        let report = change.report
        let what = framework(report.framework)
        let when = span(report.inspection)
        switch change.kind {
        case .gradeChanged:
            let list = join(orderedMoves(change.grades ?? []).map { "\($0.area.words) from \($0.from.words) to \($0.to.words)" })
            var s = "Ofsted's \(what) of \(name) children's services (\(when)) moved \(list.isEmpty ? "its grades" : list)"
            if let previous = change.previous {
                s += ", since the previous inspection (\(span(previous.inspection)))"
            }
            return s + "."
        case .reportAdded:
            return "Ofsted's report on its \(what) of \(name) children's services (\(when)) is now on file."
        case .reportRevised:
            let fields = change.fields ?? []
            return "Ofsted has republished its report on the \(what) of \(name) children's services (\(when))"
                + (fields.isEmpty ? "." : " with changes to \(join(fields.map { $0.replacingUnderscores })).")
        case .reportWithdrawn:
            return "Ofsted no longer lists its report on the \(what) of \(name) children's services (\(when)); "
                + "the report stays on file and the grades are unchanged."
        }
    }

    /// Overall effectiveness first, then the judgement table's order.
    static func orderedMoves(_ moves: [GradeMove]) -> [GradeMove] {
        moves.sorted { ($0.area == .overall ? -1 : $0.area.order) < ($1.area == .overall ? -1 : $1.area.order) }
    }

    static func framework(_ f: Framework) -> String {
        switch f {
        case .ilacs: return "ILACS inspection"
        case .sif: return "SIF inspection"
        case .focusedVisit: return "focused visit"
        case .monitoringVisit: return "monitoring visit"
        case .jtai: return "joint targeted area inspection"
        case .other: return "inspection"
        }
    }

    /// A short label for tables and the timeline: "ILACS (short)", "SIF", "JTAI".
    static func label(_ f: Framework, _ kind: InspectionKind?) -> String {
        switch f {
        case .ilacs: return kind.map { "ILACS (\($0.rawValue))" } ?? "ILACS"
        case .sif: return "SIF"
        case .focusedVisit: return "Focused visit"
        case .monitoringVisit: return "Monitoring visit"
        case .jtai: return "JTAI"
        case .other: return "Other inspection"
        }
    }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// "29 April to 3 May 2019", "6 to 17 March 2017", "1 May 2019".
    static func span(_ d: DateSpan) -> String {
        let (a, b) = (d.start, d.end)
        func day(_ x: LocalDate) -> String { "\(x.day) \(months[x.month - 1])" }
        if a == b { return "\(day(a)) \(a.year)" }
        if a.year != b.year { return "\(day(a)) \(a.year) to \(day(b)) \(b.year)" }
        if a.month != b.month { return "\(day(a)) to \(day(b)) \(b.year)" }
        return "\(a.day) to \(day(b)) \(b.year)"
    }

    /// "3 May 2019".
    static func date(_ d: LocalDate) -> String { "\(d.day) \(months[d.month - 1]) \(d.year)" }

    /// "May 2019".
    static func month(_ d: LocalDate) -> String { "\(months[d.month - 1]) \(d.year)" }

    /// "a", "a and b", "a, b and c".
    static func join(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// The day of an ISO 8601 timestamp (`2026-11-27T09:00:00Z`).
    static func day(ofTimestamp at: String) -> LocalDate? {
        LocalDate(iso: String(at.prefix(10)))
    }

    /// "1 judgement", "2 judgements".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

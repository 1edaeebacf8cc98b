import CasefileModel
import Foundation

/// What people read about a change: the words of every channel (the
/// webhook's `text`, the email's subject and body), written here and only
/// here.
public struct ChangeMessage: Sendable, Equatable {
    /// One line: "Redbridge: overall effectiveness good → outstanding".
    public var subject: String
    /// One sentence a director could forward as it is.
    public var sentence: String
    /// The facts, one "Label: value" line each.
    public var facts: [String]

    /// The sentence, a blank line, then the facts: the body of an email and
    /// the `text` of a webhook.
    public var text: String { sentence + "\n\n" + facts.joined(separator: "\n") }

    public init(_ change: ChangeRecord) {
        let name = change.authority.name
        let report = change.report
        let what = Self.framework(report.framework)
        let when = Self.span(report.inspection)
        var facts = ["Authority: \(name) (\(change.authority.slug))"]

        switch change.kind {
        case .gradeChanged:
            let moves = (change.grades ?? []).sorted {
                ($0.area == .overall ? -1 : $0.area.order) < ($1.area == .overall ? -1 : $1.area.order)
            }
            let headline = moves.first.map { "\($0.area.words) \($0.from.words) → \($0.to.words)" } ?? "grades changed"
            subject = "\(name): \(headline)" + (moves.count > 1 ? " (and \(moves.count - 1) more)" : "")
            let list = Self.join(moves.map { "\($0.area.words) from \($0.from.words) to \($0.to.words)" })
            var s = "Ofsted's \(what) of \(name) children's services (\(when)) moved \(list.isEmpty ? "its grades" : list)"
            if let previous = change.previous {
                s += ", since the previous inspection (\(Self.span(previous.inspection)))"
            }
            sentence = s + "."
            facts.append("Judgements:")
            for m in moves {
                let way = m.direction == .changed ? "changed" : m.direction.rawValue
                // A move from an older report than the previous one: that
                // report's reading lacked this judgement (docs/API.md).
                let from = m.fromReport.map { "; compared with report \($0), as the previous report lacks this judgement" } ?? ""
                facts.append("  \(m.area.words): \(m.from.words) → \(m.to.words) (\(way)\(from))")
            }
            facts.append("Inspection: \(when)")
            if let previous = change.previous {
                facts.append("Previous inspection: \(Self.span(previous.inspection))")
            }
        case .reportAdded:
            subject = "\(name): new \(what) report (\(when))"
            sentence = "Ofsted's report on its \(what) of \(name) children's services (\(when)) is now on file."
            facts.append("Inspection: \(when)")
        case .reportRevised:
            let fields = change.fields ?? []
            subject = "\(name): \(what) report revised (\(when))"
            sentence =
                "Ofsted has republished its report on the \(what) of \(name) children's services (\(when))"
                + (fields.isEmpty ? "." : " with changes to \(Self.join(fields.map { $0.replacingOccurrences(of: "_", with: " ") })).")
            facts.append("Inspection: \(when)")
            if !fields.isEmpty { facts.append("Changed: \(fields.joined(separator: ", "))") }
        case .reportWithdrawn:
            subject = "\(name): \(what) report withdrawn (\(when))"
            sentence =
                "Ofsted no longer lists its report on the \(what) of \(name) children's services (\(when)); "
                + "the report stays on file and the grades are unchanged."
            facts.append("Inspection: \(when)")
        }
        facts.append("Report: \(report.url ?? "(no link on file)")")
        facts.append("Change: \(change.id) (\(change.kind.rawValue), #\(change.seq))")
        self.facts = facts
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

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
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

    /// "a", "a and b", "a, b and c".
    static func join(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}

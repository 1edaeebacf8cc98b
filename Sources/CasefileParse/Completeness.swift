import CasefileModel

/// Which judgements a report must give, by its framework and inspection
/// dates, and the words that say why one is missing. A report that gives
/// fewer is marked: `Report.missing` names each missing judgement with its
/// reason, `Report.incomplete` is set, and a warning says so. Nothing is ever
/// assumed complete.
enum Completeness {
    /// ILACS inspections from this day judge care leavers apart from children in care.
    static let ilacsCareLeaversFrom = LocalDate(year: 2023, month: 1, day: 1)!
    /// ILACS inspections from this day give no overall effectiveness judgement.
    static let ilacsNoOverallFrom = LocalDate(year: 2026, month: 4, day: 1)!

    // The reasons (docs/PARSING.md lists them): fixed words, so that they
    // can be counted; the details are in the warnings.
    static let noTable = "no judgement table found"
    static let noRow = "no row in the judgement table"
    static let noGrade = "no grade read with certainty"
    static let duplicateRow = "the row appears more than once"
    static let tableAndHeadingDisagree = "the judgement table and the body heading disagree"
    static let statementsDisagree = "the report's statements of it disagree"
    static let notFound = "not found in the report"
    static let unreadable = "not kept: the report is unreadable"

    /// ILACS, by the first day of the inspection: before 2023 three
    /// practice judgements (care leavers within children in care) and
    /// overall; from 1 January 2023 four, care leavers separate, and overall;
    /// from 1 April 2026 the four and no overall. A report whose table still
    /// judges "children in care and care leavers" together needs no separate
    /// care leavers judgement.
    static func ilacs(start: LocalDate, careLeaversInCareRow: Bool) -> [Area] {
        var areas: [Area] = [.leadership, .helpAndProtection, .childrenInCare]
        if start >= ilacsCareLeaversFrom, !careLeaversInCareRow { areas.append(.careLeavers) }
        if start < ilacsNoOverallFrom { areas.append(.overall) }
        return areas
    }

    /// SIF: overall, help and protection, children looked after, adoption,
    /// care leavers and leadership; and the LSCB when the title names the
    /// LSCB review.
    static func sif(lscbReviewNamed: Bool) -> [Area] {
        var areas: [Area] = [.leadership, .helpAndProtection, .childrenInCare, .careLeavers, .adoption, .overall]
        if lscbReviewNamed { areas.append(.lscb) }
        return areas
    }
}

extension Document {
    /// Records why a judgement was left out; the first reason given stands.
    mutating func leaveOut(_ area: Area, _ reason: String) {
        if leftOut[area] == nil { leftOut[area] = reason }
    }

    /// Sets the report's `missing` and `incomplete` from the judgements it
    /// must give, and warns naming each one missing. Call it after the
    /// unreadable verdict: an unreadable report keeps no judgements, so all
    /// are missing (those it read, in `details.gradesRead`, as not kept).
    func markMissing(_ report: inout Report, expected: [Area], details: ReportDetails) {
        let kept = report.grades
        let read = Set(details.gradesRead.map(\.area))
        let missing = expected.sorted().filter { kept[$0] == nil }.map { area in
            MissingJudgement(area: area, reason: leftOut[area] ?? (read.contains(area) ? Completeness.unreadable : Completeness.notFound))
        }
        report.missing = missing
        report.incomplete = !missing.isEmpty
        guard !missing.isEmpty else { return }
        let list = missing.map { "\($0.area.rawValue) (\($0.reason))" }.joined(separator: ", ")
        report.warnings.append(
            "incomplete: \(missing.count) of the \(expected.count) judgements this report must give are missing: \(list)")
    }
}

import CasefileModel

/// One row of the due-window rule: after a graded inspection of these
/// frameworks with this headline grade, the next ILACS inspection is expected
/// between `earliestMonths` and `latestMonths` after the previous one's first
/// day on site.
public struct DueRule: Sendable, Hashable, Codable {
    /// The frameworks of the latest graded inspection this row applies to.
    public var frameworks: [Framework]
    /// The headline grade (see `DueWindows.headline`).
    public var grade: Grade
    /// What comes next, in words: "short inspection".
    public var next: String
    public var earliestMonths: Int
    public var latestMonths: Int
    /// Why, in one sentence, for the page's detail and `casefilectl due`.
    public var basis: String

    public init(frameworks: [Framework], grade: Grade, next: String, earliestMonths: Int, latestMonths: Int, basis: String) {
        self.frameworks = frameworks
        self.grade = grade
        self.next = next
        self.earliestMonths = earliestMonths
        self.latestMonths = latestMonths
        self.basis = basis
    }
}

/// Where an authority stands against its window on the data's date.
public enum DueStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The window opens after the data's date.
    case notYet = "not_yet"
    /// The data's date is inside the window.
    case open
    /// The window closed and no newer graded inspection is on file: the
    /// inspection is late, or its report is not on file yet.
    case overdue
    /// No window can be given: no graded inspection on file, or the newest
    /// one's grades could not be read.
    case unknown
}

/// The estimated window of an authority's next ILACS inspection.
public struct DueWindow: Sendable, Hashable, Codable {
    public var status: DueStatus
    /// The first and last day of the window; nil when `status` is `unknown`.
    public var earliest: LocalDate?
    public var latest: LocalDate?
    /// What is expected: "short inspection", "standard inspection", …; nil when unknown.
    public var next: String?
    /// The inspection the window is counted from; nil when none is on file.
    public var from: DueBasis?
    /// One sentence for people: the rule applied, or why there is no window.
    public var note: String

    public init(status: DueStatus, earliest: LocalDate?, latest: LocalDate?, next: String?, from: DueBasis?, note: String) {
        self.status = status
        self.earliest = earliest
        self.latest = latest
        self.next = next
        self.from = from
        self.note = note
    }
}

/// The inspection a due window is counted from.
public struct DueBasis: Sendable, Hashable, Codable {
    public var framework: Framework
    public var inspection: DateSpan
    /// The headline grade the rule used; nil when the grades could not be read.
    public var grade: Grade?
    /// `overall` when the report has an overall effectiveness grade, else the
    /// area whose grade was the lowest (ILACS from April 2026 has no overall).
    public var area: Area?

    public init(framework: Framework, inspection: DateSpan, grade: Grade?, area: Area?) {
        self.framework = framework
        self.inspection = inspection
        self.grade = grade
        self.area = area
    }
}

/// The due-window rule: the one place it is written. Change `rules` when
/// Ofsted changes the framework's cycle; `docs/DASHBOARD.md` explains it.
///
/// Sources:
/// - Ofsted, "Inspecting local authority children's services" (the ILACS
///   framework, first published November 2017, updated since, e.g. April and
///   December 2024),
///   https://www.gov.uk/government/publications/inspecting-local-authority-childrens-services-from-2018 —
///   authorities judged good or outstanding get a short inspection, those that
///   require improvement a standard inspection, inadequate ones monitoring
///   visits and then a standard re-inspection (since the September 2018 update,
///   no longer a SIF re-inspection).
/// - The timing, as local partnerships summarise the framework (e.g. Kirklees
///   Safeguarding Children Partnership, "ILACS Inspection: Guidance for
///   professionals"): "usually between six months before and six months after
///   the three year anniversary of the previous inspection".
/// - Inadequate authorities: no fixed date. Ofsted re-inspects when monitoring
///   visits show enough progress; its 2016 consultation response committed to
///   re-inspection within about two years, adjusted case by case (Community
///   Care, 31 May 2016), and re-inspections have come about two to three years
///   after the judgement. Hence a wide window, 18 to 36 months.
/// - Authorities last graded under the SIF (2013–2017) were scheduled for their
///   first ILACS inspection from that grade: the same rows apply, which today
///   gives a long-closed window (`overdue`: a report is probably missing).
/// - From April 2026 ILACS reports have no overall effectiveness grade (Ofsted,
///   27 November 2025); until Ofsted says how such reports set the next
///   inspection, the lowest of the report's grades stands in for it.
public enum DueWindows {
    /// The frameworks whose graded inspections set the cycle. Focused visits,
    /// monitoring visits and JTAIs come between and do not restart it.
    public static let cyclical: Set<Framework> = [.ilacs, .sif]

    /// The rule table.
    public static let rules: [DueRule] = [
        DueRule(
            frameworks: [.ilacs, .sif], grade: .outstanding, next: "short inspection", earliestMonths: 30, latestMonths: 42,
            basis: "Outstanding: a short inspection within six months either side of the third anniversary."),
        DueRule(
            frameworks: [.ilacs, .sif], grade: .good, next: "short inspection", earliestMonths: 30, latestMonths: 42,
            basis: "Good: a short inspection within six months either side of the third anniversary."),
        DueRule(
            frameworks: [.ilacs, .sif], grade: .requiresImprovement, next: "standard inspection", earliestMonths: 30,
            latestMonths: 42,
            basis: "Requires improvement: a standard inspection within six months either side of the third anniversary."),
        DueRule(
            frameworks: [.ilacs, .sif], grade: .inadequate, next: "standard re-inspection after monitoring visits",
            earliestMonths: 18, latestMonths: 36,
            basis: "Inadequate: monitoring visits, then a standard re-inspection when they show enough progress, "
                + "usually 18 months to three years later."),
    ]

    /// The grade a report's cycle follows: overall effectiveness where the
    /// report has it, else the lowest grade it gives (ILACS from April 2026).
    /// Nil when no grade is on the scale.
    public static func headline(_ grades: [Area: Grade]) -> (grade: Grade, area: Area)? {
        if let overall = grades[.overall], overall.rank != nil { return (overall, .overall) }
        var lowest: (grade: Grade, area: Area)?
        for area in Area.allCases where area != .overall {
            guard let g = grades[area], let rank = g.rank else { continue }
            if lowest == nil || rank < lowest!.grade.rank! { lowest = (g, area) }
        }
        return lowest
    }

    /// The window of an authority's next ILACS inspection on `asOf`, from its
    /// reports (any order, any framework).
    public static func window(reports: [DashboardReport], asOf: LocalDate, rules: [DueRule] = rules) -> DueWindow {
        // The newest cyclical inspection restarts the clock, readable or not.
        let cycle = reports.filter { cyclical.contains($0.framework) && ($0.isGraded || $0.unreadable) }
        guard let last = cycle.max(by: { newer($1, than: $0) }) else {
            return DueWindow(
                status: .unknown, earliest: nil, latest: nil, next: nil, from: nil,
                note: "No graded ILACS or SIF inspection on file, so no window can be estimated.")
        }
        guard !last.unreadable, let (grade, area) = headline(last.grades) else {
            return DueWindow(
                status: .unknown, earliest: nil, latest: nil, next: nil,
                from: DueBasis(framework: last.framework, inspection: last.inspection, grade: nil, area: nil),
                note: "The grades of the latest inspection could not be read, so no window can be estimated.")
        }
        let basis = DueBasis(framework: last.framework, inspection: last.inspection, grade: grade, area: area)
        guard let rule = rules.first(where: { $0.frameworks.contains(last.framework) && $0.grade == grade }) else {
            return DueWindow(
                status: .unknown, earliest: nil, latest: nil, next: nil, from: basis,
                note: "No rule for a \(grade.words) grade in this framework.")
        }
        let start = last.inspection.start
        let earliest = start.adding(months: rule.earliestMonths)
        let latest = start.adding(months: rule.latestMonths)
        let status: DueStatus = asOf < earliest ? .notYet : (asOf > latest ? .overdue : .open)
        return DueWindow(status: status, earliest: earliest, latest: latest, next: rule.next, from: basis, note: rule.basis)
    }

    /// Report order by inspection: the later end, then the later start.
    static func newer(_ a: DashboardReport, than b: DashboardReport) -> Bool {
        if a.inspection.end != b.inspection.end { return a.inspection.end > b.inspection.end }
        return a.inspection.start > b.inspection.start
    }
}

extension LocalDate {
    /// The same day `months` later, clamped to the month's last day
    /// (31 August + 6 months is 28 or 29 February).
    func adding(months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12, m = index % 12 + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))!
    }

    /// The date `days` after this one (before, when negative).
    func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + days)
    }

    /// The date of a day number (days since 1970-01-01).
    init(dayNumber z0: Int) {
        // Howard Hinnant's civil_from_days.
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self = LocalDate(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }
}

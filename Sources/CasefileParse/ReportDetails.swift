import CasefileModel

/// What a report says beyond the shared `Report` fields, by framework.
///
/// Every field is absent when the report does not say it or the parser was
/// not sure of it (the reason is then in the report's `warnings`).
public struct ReportDetails: Hashable, Sendable, Codable {
    /// "Report published: 8 August 2014" (SIF, LSCB reviews, older frameworks).
    public var published: LocalDate?
    /// The date a letter (focused visit, monitoring visit, JTAI) is dated.
    public var letterDate: LocalDate?
    /// Focused visits: what inspectors looked at; JTAIs: the multi-agency
    /// response inspected ("the multi-agency response to abuse and neglect").
    public var theme: String?
    /// JTAIs: the "deep dive" focus, when the letter names one.
    public var deepDive: String?
    /// Focused and monitoring visits: whether the letter names areas for
    /// priority action (Ofsted's most serious finding short of a judgement).
    public var priorityActionsNamed: Bool?
    /// Monitoring visits: which visit this is ("the third monitoring visit" → 3).
    public var monitoringVisitNumber: Int?
    /// Monitoring visits: when the authority was judged inadequate.
    public var judgedInadequate: YearMonth?
    /// SIF: a re-inspection (no LSCB review goes with it).
    public var reinspection: Bool?
    /// SIF: the document carries the LSCB's judgement (the combined review, or
    /// a separate LSCB report in the same PDF).
    public var lscbJudged: Bool?
    /// Older frameworks (2013 looked-after-children inspections): the grades
    /// as written, never compared with ILACS/SIF areas.
    public var writtenGrades: [WrittenGrade]
    /// Set when the report is a graded inspection whose grades cannot be read
    /// with certainty: the daemon stores it as `unreadable` and never raises
    /// a `grade_changed` for it. The report's `judgements` are then empty;
    /// what could be read is in `gradesRead`, for people only.
    public var unreadableReason: String?
    /// For an unreadable report: the grades that were read, not to be trusted.
    public var gradesRead: [Judgement]

    public init(
        published: LocalDate? = nil, letterDate: LocalDate? = nil, theme: String? = nil, deepDive: String? = nil,
        priorityActionsNamed: Bool? = nil, monitoringVisitNumber: Int? = nil, judgedInadequate: YearMonth? = nil,
        reinspection: Bool? = nil, lscbJudged: Bool? = nil, writtenGrades: [WrittenGrade] = [],
        unreadableReason: String? = nil, gradesRead: [Judgement] = []
    ) {
        self.published = published
        self.letterDate = letterDate
        self.theme = theme
        self.deepDive = deepDive
        self.priorityActionsNamed = priorityActionsNamed
        self.monitoringVisitNumber = monitoringVisitNumber
        self.judgedInadequate = judgedInadequate
        self.reinspection = reinspection
        self.lscbJudged = lscbJudged
        self.writtenGrades = writtenGrades
        self.unreadableReason = unreadableReason
        self.gradesRead = gradesRead
    }
}

/// A grade of an older framework, as the report writes it
/// ("Capacity to improve", "Adequate", 3).
public struct WrittenGrade: Hashable, Sendable, Codable {
    public var title: String
    public var grade: String
    /// "Grade 3": 1 outstanding … 4 inadequate, when the report gives it.
    public var number: Int?

    public init(title: String, grade: String, number: Int? = nil) {
        self.title = title
        self.grade = grade
        self.number = number
    }
}

/// A report with the details of its framework.
public struct ParsedReport: Hashable, Sendable {
    public var report: Report
    public var details: ReportDetails

    /// True when the daemon must store the report as `unreadable`.
    public var isUnreadable: Bool { details.unreadableReason != nil }

    public init(report: Report, details: ReportDetails) {
        self.report = report
        self.details = details
    }
}

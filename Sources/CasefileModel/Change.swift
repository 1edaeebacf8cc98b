/// The kinds of change the differ records (docs/ARCHITECTURE.md, "The flow").
public enum ChangeKind: String, Codable, Sendable, CaseIterable, Hashable {
    case reportAdded = "report_added"
    case gradeChanged = "grade_changed"
    case reportRevised = "report_revised"
    case reportWithdrawn = "report_withdrawn"
}

/// Which way a grade moved.
public enum Direction: String, Codable, Sendable, Hashable {
    case improved
    case declined
    /// To or from `not_judged`: a move with no direction on the scale.
    case changed

    public init(from: Grade, to: Grade) {
        if let a = from.rank, let b = to.rank {
            self = b > a ? .improved : .declined
        } else {
            self = .changed
        }
    }
}

/// One judgement whose grade moved between two reports.
public struct GradeMove: Hashable, Sendable, Codable {
    public var area: Area
    public var from: Grade
    public var to: Grade
    public var direction: Direction
    /// The report the grade moved from, when it is not the change's
    /// `previous`: the reports between did not give this judgement though
    /// they should have (they were incomplete). Absent otherwise.
    public var fromReport: Int64?

    public init(area: Area, from: Grade, to: Grade, fromReport: Int64? = nil) {
        self.area = area
        self.from = from
        self.to = to
        self.direction = Direction(from: from, to: to)
        self.fromReport = fromReport
    }
}

/// Which report a change is about, as the change log shows it.
public struct ReportRef: Hashable, Sendable, Codable {
    public var id: Int64
    public var framework: Framework
    public var inspection: DateSpan
    /// Where the report was fetched from.
    public var url: String?

    public init(id: Int64, framework: Framework, inspection: DateSpan, url: String?) {
        self.id = id
        self.framework = framework
        self.inspection = inspection
        self.url = url
    }
}

/// One entry of the append-only change log: the object of `changes --json`
/// (docs/API.md), and what every notifier receives.
public struct ChangeRecord: Hashable, Sendable, Codable {
    /// Monotonic sequence number in the log.
    public var seq: Int64
    /// Stable id: receivers drop duplicates by it.
    public var id: String
    public var kind: ChangeKind
    /// When the change was committed, ISO 8601 UTC (`2026-11-27T09:00:00Z`).
    public var at: String
    /// The authority with its canonical name from the authority list.
    public var authority: Authority
    public var report: ReportRef
    /// `grade_changed` only: each judgement that moved.
    public var grades: [GradeMove]?
    /// `grade_changed` only: the inspection the grades moved from.
    public var previous: ReportRef?
    /// `report_revised` only: what differs from the version on file.
    public var fields: [String]?

    public init(
        seq: Int64, id: String, kind: ChangeKind, at: String, authority: Authority, report: ReportRef,
        grades: [GradeMove]? = nil, previous: ReportRef? = nil, fields: [String]? = nil
    ) {
        self.seq = seq
        self.id = id
        self.kind = kind
        self.at = at
        self.authority = authority
        self.report = report
        self.grades = grades
        self.previous = previous
        self.fields = fields
    }
}

import CasefileModel

/// Everything the dashboard page shows: the input of `DashboardPage.render`.
///
/// It is a snapshot of the store and nothing else. The renderer reads no
/// clock, no file and no network: the same snapshot gives the same bytes.
/// Filling it takes a few queries: the authority list (the parser's
/// `AuthorityDirectory.bundled.all`), the current report versions of every
/// authority with their judgements, their documents' URLs and the newest
/// graded report's improvement points, and the change log's last entries.
public struct DashboardData: Sendable, Hashable {
    /// The day the data describes. "Days since", due windows and the 30/90-day
    /// counts are counted to this day, never to the reader's today, so that the
    /// page of a given store is always the same. Normally the day (UTC) of the
    /// last successful sync.
    public var asOf: LocalDate
    /// Casefile's version, printed in the footer ("0.2.0").
    public var version: String
    /// The authorities. Give all 153 current ones of the authority list, with
    /// or without reports: one left out still appears on the map and in the
    /// table (named from the bundled boundaries, with no region), as "no graded
    /// inspection on file". Former authorities (Cumbria, Northamptonshire, …)
    /// with reports on file may be given with `former = true`: they are listed
    /// apart, with their history, and counted nowhere. Any order.
    public var authorities: [DashboardAuthority]
    /// Entries of the change log, any order: the page words the newest
    /// `changeLimit` of them (by `seq`) and counts those of the last 90 days
    /// before `asOf` (by the date of `at`). Give at least the last 90 days.
    public var changes: [ChangeRecord]
    /// How many changes the "Recent changes" list shows at most.
    public var changeLimit: Int

    public init(asOf: LocalDate, version: String, authorities: [DashboardAuthority], changes: [ChangeRecord], changeLimit: Int = 50) {
        self.asOf = asOf
        self.version = version
        self.authorities = authorities
        self.changes = changes
        self.changeLimit = changeLimit
    }
}

/// One authority and every report on file about it.
public struct DashboardAuthority: Sendable, Hashable {
    /// The stable key of the authority list ("redbridge"); the map and the
    /// statistical neighbours are keyed by it.
    public var slug: String
    /// The canonical name of the authority list ("Redbridge").
    public var name: String
    /// The region of the authority list ("London"); the table filters by it.
    public var region: String
    /// DfE's three-digit local authority code ("317"), shown in the detail; nil when unknown.
    public var code: String?
    /// An abolished authority (`former-authorities.csv`): listed apart, not on
    /// the map, not counted.
    public var former: Bool
    /// Every current report version on file (superseded versions left out),
    /// every framework, withdrawn ones included. Any order.
    public var reports: [DashboardReport]

    public init(slug: String, name: String, region: String, code: String? = nil, former: Bool = false, reports: [DashboardReport]) {
        self.slug = slug
        self.name = name
        self.region = region
        self.code = code
        self.former = former
        self.reports = reports
    }
}

/// One report (inspection or visit) as the page needs it.
public struct DashboardReport: Sendable, Hashable {
    public var framework: Framework
    /// ILACS only: standard or short (inferred from the span).
    public var kind: InspectionKind?
    /// The days on site.
    public var inspection: DateSpan
    /// The day Ofsted published the report, when known; nil leaves "days to
    /// publication" blank.
    public var published: LocalDate?
    /// The grade of each judged area; empty for an ungraded visit and for an
    /// unreadable report.
    public var grades: [Area: Grade]
    /// The document the report was fetched from. Only `http(s)` URLs become
    /// links on the page; any other (a `file://` path on the server) is left
    /// out, so a published page never shows a server's folders.
    public var url: String?
    /// The "what needs to improve" points, in the report's order. The page
    /// shows those of each authority's newest graded report only, so the
    /// others may be left empty (one query fewer).
    public var improvements: [String]
    /// The grades could not be read with certainty (`Report.unreadable`): the
    /// timeline says so, and the report neither gives current grades nor a due
    /// window of its own.
    public var unreadable: Bool
    /// The source no longer lists the report (`report_withdrawn`); it stays in
    /// the history, marked.
    public var withdrawn: Bool

    public init(
        framework: Framework, kind: InspectionKind? = nil, inspection: DateSpan, published: LocalDate? = nil,
        grades: [Area: Grade] = [:], url: String? = nil, improvements: [String] = [], unreadable: Bool = false,
        withdrawn: Bool = false
    ) {
        self.framework = framework
        self.kind = kind
        self.inspection = inspection
        self.published = published
        self.grades = grades
        self.url = url
        self.improvements = improvements
        self.unreadable = unreadable
        self.withdrawn = withdrawn
    }

    /// A report with at least one grade, as the store's `grades` counts it.
    public var isGraded: Bool { !grades.isEmpty && !unreadable }
}

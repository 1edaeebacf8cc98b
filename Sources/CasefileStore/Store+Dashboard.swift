import CasefileModel
import Foundation
import GRDB

/// One current report version, as the dashboard and `due` need it: no
/// paragraphs, no report JSON.
public struct ReportOverview: Sendable, Hashable {
    public var id: Int64
    /// The authority's slug and the name the store keeps for it.
    public var authority: Authority
    public var framework: Framework
    public var kind: InspectionKind?
    public var inspection: DateSpan
    /// Empty for an ungraded visit and for an unreadable report.
    public var grades: [Area: Grade]
    /// The document the report was read from.
    public var url: String
    /// The grades could not be read with certainty (`Report.unreadable`).
    public var unreadable: Bool
    /// The source no longer lists the document.
    public var withdrawn: Bool
    /// "What needs to improve", in the report's order: filled for each
    /// authority's newest report (by inspection) that has any, empty for the
    /// others.
    public var improvements: [String]

    public init(
        id: Int64, authority: Authority, framework: Framework, kind: InspectionKind?, inspection: DateSpan, grades: [Area: Grade],
        url: String, unreadable: Bool, withdrawn: Bool, improvements: [String]
    ) {
        self.id = id
        self.authority = authority
        self.framework = framework
        self.kind = kind
        self.inspection = inspection
        self.grades = grades
        self.url = url
        self.unreadable = unreadable
        self.withdrawn = withdrawn
        self.improvements = improvements
    }
}

/// What the dashboard is made from, read in one transaction (one consistent
/// picture of the store).
public struct DashboardRecords: Sendable {
    /// Every current report version (superseded ones left out, withdrawn
    /// ones in), by authority slug, then inspection end, start and id.
    public var reports: [ReportOverview]
    /// The change log from `since` on, and at least its newest `atLeast`
    /// entries, ascending by seq.
    public var changes: [ChangeRecord]
    /// The newest successful sync of any source, if any.
    public var lastSuccess: Date?
}

extension CasefileStore {
    // MARK: - The dashboard

    /// Everything the dashboard page shows, in one read transaction.
    ///
    /// Cheap enough to run after every sync that changed something: the
    /// report rows are read up to their document URL and withdrawal mark,
    /// without decoding the report JSON; only a report with no judgement has
    /// its JSON looked into, for the unreadable mark (a report with grades is
    /// never unreadable). Judgements come in one query, and improvements only
    /// for the one report per authority whose points the page shows.
    ///
    /// - Parameters:
    ///   - since: changes committed at or after this time are included.
    ///   - atLeast: so are the newest `atLeast` changes, however old.
    public func dashboardRecords(changesSince since: Date, atLeast: Int) throws -> DashboardRecords {
        guard atLeast >= 0 else { throw StoreError(.invalidArgument, "atLeast must not be negative (got \(atLeast))") }
        return try pool.read { db in
            var reports = try Self.currentReports(db)
            try Self.fillImprovements(db, &reports)
            let last = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change'") ?? 0
            let changes = try Self.changes(db, afterSeq: last - Int64(atLeast), since: Timestamp.string(since))
            let lastSuccess = try String.fetchOne(db, sql: "SELECT MAX(last_success) FROM source_state").flatMap(Timestamp.date)
            return DashboardRecords(reports: reports, changes: changes, lastSuccess: lastSuccess)
        }
    }

    private static func currentReports(_ db: Database) throws -> [ReportOverview] {
        // `CASE` evaluates its ELSE only for a report without judgements, so
        // json_extract reads the (small) JSON of visits and unreadable
        // reports, never the large one of a graded inspection.
        // Read by position below: id 0, slug 1, name 2, framework 3, kind 4,
        // start 5, end 6, url 7, withdrawn 8, unreadable 9.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT r.id, r.authority_slug, a.name, r.framework, r.kind, r.start, r."end", r.document_url,
                       r.withdrawn_at IS NOT NULL AS withdrawn,
                       CASE WHEN EXISTS (SELECT 1 FROM judgement j WHERE j.report_id = r.id) THEN 0
                            ELSE json_extract(r.report_json, '$.unreadable') IS NOT NULL END AS unreadable
                FROM report r JOIN authority a ON a.slug = r.authority_slug
                WHERE r.superseded_by IS NULL
                ORDER BY r.authority_slug, r."end", r.start, r.id
                """)
        var grades: [Int64: [Area: Grade]] = [:]
        let judgements = try Row.fetchCursor(
            db,
            sql: """
                SELECT report_id, area, grade FROM judgement
                WHERE report_id IN (SELECT id FROM report WHERE superseded_by IS NULL)
                """)
        // Columns by position, not by name: a name is looked up (case-folded)
        // at every access, which for thousands of rows costs more than the query.
        while let j = try judgements.next() {
            let area: Area = try StoreCoding.enumValue(j[1])
            grades[j[0], default: [:]][area] = try StoreCoding.enumValue(j[2]) as Grade
        }
        return try rows.map { row in
            let id: Int64 = row[0]
            let kind: String? = row[4]
            return ReportOverview(
                id: id, authority: Authority(name: row[2], slug: row[1]),
                framework: try StoreCoding.enumValue(row[3]), kind: try kind.map { try StoreCoding.enumValue($0) },
                inspection: try StoreCoding.span(row[5], row[6]), grades: grades[id] ?? [:], url: row[7],
                unreadable: row[9], withdrawn: row[8], improvements: [])
        }
    }

    /// The change log after `afterSeq` or from `since` on, ascending, read
    /// as a page of the log is (`StoreCoding.changeRecords`): after a first
    /// sync every report's change falls in the window (thousands).
    private static func changes(_ db: Database, afterSeq: Int64, since: String) throws -> [ChangeRecord] {
        try StoreCoding.changeRecords(
            db, sql: StoreCoding.changeSelect + " WHERE c.seq > ? OR c.at >= ? ORDER BY c.seq", arguments: [afterSeq, since])
    }

    /// The improvements of each authority's newest report that has any
    /// (`reports` is ordered by authority, then inspection).
    private static func fillImprovements(_ db: Database, _ reports: inout [ReportOverview]) throws {
        let withPoints = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT report_id FROM improvement"))
        guard !withPoints.isEmpty else { return }
        var chosen: [String: Int] = [:]  // slug → index in reports
        for (i, r) in reports.enumerated() where withPoints.contains(r.id) { chosen[r.authority.slug] = i }
        guard !chosen.isEmpty else { return }
        let index = Dictionary(uniqueKeysWithValues: chosen.values.map { (reports[$0].id, $0) })
        let ids = index.keys.sorted()
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let points = try Row.fetchAll(
            db, sql: "SELECT report_id, text FROM improvement WHERE report_id IN (\(marks)) ORDER BY report_id, position",
            arguments: StatementArguments(ids))
        for p in points {
            if let i = index[p[0]] { reports[i].improvements.append(p[1]) }
        }
    }
}

import CasefileModel
import GRDB

extension StoreTransaction {
    /// The authority's current graded reports whose inspection falls in
    /// `year` (its first or last day in that year, or the year between),
    /// oldest first: the reports a report's stated previous grade of that
    /// year can be checked against.
    public func gradedReports(authority slug: String, year: Int) throws -> [StoredReportRecord] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, document_url, report_json, superseded_by FROM report
                    WHERE authority_slug = ? AND superseded_by IS NULL
                      AND start <= ? AND "end" >= ?
                      AND EXISTS (SELECT 1 FROM judgement WHERE judgement.report_id = report.id)
                    ORDER BY "end", start, id
                    """), arguments: [slug, "\(year)-12-31", "\(year)-01-01"]
        ).map(Self.storedReport)
    }
}

extension StoreCoding {
    /// Of the stated previous grades of `reportIDs` (reports of `slug`),
    /// those no report on file gives: no current report of the authority in
    /// that year judges that area. By report id, in each report's order.
    static func statedNotOnFile(_ db: Database, slug: String, reportIDs: [Int64]) throws -> [Int64: [StatedGrade]] {
        guard !reportIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: reportIDs.count).joined(separator: ",")
        var out: [Int64: [StatedGrade]] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT s.report_id, s.year, s.area, s.grade, s.sentence FROM stated_grade s
                WHERE s.report_id IN (\(marks))
                  AND NOT EXISTS (
                      SELECT 1 FROM report r JOIN judgement j ON j.report_id = r.id AND j.area = s.area
                      WHERE r.authority_slug = ? AND r.superseded_by IS NULL
                        AND r.start <= printf('%04d-12-31', s.year) AND r."end" >= printf('%04d-01-01', s.year))
                ORDER BY s.report_id, s.position
                """, arguments: StatementArguments(reportIDs + [slug] as [any DatabaseValueConvertible]))
        while let row = try rows.next() {
            out[row[0], default: []].append(
                StatedGrade(
                    year: row[1], area: try enumValue(row[2]), grade: try enumValue(row[3]), sentence: row[4]))
        }
        return out
    }
}

extension StoreTransaction {
    /// The grades the authority's current reports state of earlier
    /// inspections in `years`, with the id of the report that states each.
    public func statedGrades(authority slug: String, years: ClosedRange<Int>) throws -> [(reportID: Int64, stated: StatedGrade)] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT s.report_id, s.year, s.area, s.grade, s.sentence
                    FROM stated_grade s JOIN report r ON r.id = s.report_id
                    WHERE s.authority_slug = ? AND s.year BETWEEN ? AND ? AND r.superseded_by IS NULL
                    ORDER BY s.report_id, s.position
                    """), arguments: [slug, years.lowerBound, years.upperBound]
        ).map { row in
            (
                row[0],
                StatedGrade(
                    year: row[1], area: try StoreCoding.enumValue(row[2]),
                    grade: try StoreCoding.enumValue(row[3]), sentence: row[4])
            )
        }
    }
}

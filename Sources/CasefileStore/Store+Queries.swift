import CasefileModel
import Foundation
import GRDB

extension CasefileStore {
    // MARK: - Queries

    /// The change log after `since` (exclusive), ascending by seq, at most
    /// `limit` entries, optionally for one authority and one kind.
    public func changes(since: Int64?, limit: Int, authority: String?, kind: ChangeKind?) throws -> [ChangeRecord] {
        guard limit >= 0 else { throw StoreError(.invalidArgument, "limit must not be negative (got \(limit))") }
        var clauses = ["c.seq > ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [since ?? 0]
        if let authority {
            clauses.append("c.authority_slug = ?")
            arguments.append(authority)
        }
        if let kind {
            clauses.append("c.kind = ?")
            arguments.append(kind.rawValue)
        }
        arguments.append(limit)
        let sql = StoreCoding.changeSelect + " WHERE " + clauses.joined(separator: " AND ") + " ORDER BY c.seq LIMIT ?"
        return try pool.read { db in
            try StoreCoding.changeRecords(db, sql: sql, arguments: StatementArguments(arguments))
        }
    }

    /// The highest seq ever given, 0 for an empty log. Seqs are never reused.
    public func lastSeq() throws -> Int64 {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change'") ?? 0
        }
    }

    /// Each authority's latest graded inspection (by inspection date, not by
    /// arrival; current versions only), sorted by slug. Read from the kept
    /// `current_grades` (migration `v5-read-model`): one row per authority,
    /// whatever the number of reports.
    public func latestGrades() throws -> [AuthorityGrades] {
        try pool.read { db in try Self.latestGrades(db) }
    }

    /// `latestGrades()` and the version of what it shows, read together;
    /// the grades are left out (nil) when the version is still `unless`.
    /// The version moves with every write that may change the answer
    /// (`store_counts.grades_version`, kept by the read model's triggers),
    /// so a caller that keeps a rendered answer renders it only then.
    public func latestGrades(unless version: Int64?) throws -> (version: Int64, grades: [AuthorityGrades]?) {
        try pool.read { db in
            guard let now = try Int64.fetchOne(db, sql: "SELECT grades_version FROM store_counts WHERE id = 1") else {
                throw StoreError(.corrupt, "the store has no counts row (store_counts)")
            }
            return (now, now == version ? nil : try Self.latestGrades(db))
        }
    }

    private static func latestGrades(_ db: Database) throws -> [AuthorityGrades] {
        var out: [AuthorityGrades] = []
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT g.report_id, g.authority_slug, a.name, g.framework, g.start, g."end", g.grades, g.missing
                FROM current_grades g JOIN authority a ON a.slug = g.authority_slug
                ORDER BY g.authority_slug
                """)
        while let row = try rows.next() {
            let missing: String = row[7]
            out.append(
                AuthorityGrades(
                    authority: Authority(name: row[2], slug: row[1]), framework: try StoreCoding.enumValue(row[3]),
                    inspection: try StoreCoding.span(row[4], row[5]), reportID: row[0], grades: try ReadModel.grades(row[6]),
                    missing: CompletenessModel.areas(missing)))
        }
        return out
    }

    /// `latestGrades()` computed from every report, as it was before the
    /// grades were kept: the rule the kept table must always agree with.
    @_spi(Testing)
    public func latestGradesByScanForTesting() throws -> [AuthorityGrades] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.authority_slug, a.name, r.framework, r.start, r."end", r.missing
                    FROM (
                        SELECT id, authority_slug, framework, start, "end", missing,
                               ROW_NUMBER() OVER (PARTITION BY authority_slug ORDER BY "end" DESC, start DESC, id DESC) AS rank
                        FROM report
                        WHERE superseded_by IS NULL AND EXISTS (SELECT 1 FROM judgement WHERE judgement.report_id = report.id)
                    ) r
                    JOIN authority a ON a.slug = r.authority_slug
                    WHERE r.rank = 1
                    ORDER BY r.authority_slug
                    """)
            let grades = try StoreCoding.grades(db, reportIDs: rows.map { $0["id"] })
            return try rows.map { row in
                let id: Int64 = row["id"]
                return AuthorityGrades(
                    authority: Authority(name: row["name"], slug: row["authority_slug"]),
                    framework: try StoreCoding.enumValue(row["framework"]),
                    inspection: try StoreCoding.span(row["start"], row["end"]),
                    reportID: id, grades: grades[id] ?? [:], missing: CompletenessModel.areas(row["missing"]))
            }
        }
    }

    /// An authority and its reports, oldest inspection first, current
    /// versions only; nil for an authority with nothing on file. Every
    /// report at once: the control API pages with `historyPage`.
    public func history(slug: String) throws -> (authority: Authority, reports: [HistoryEntry])? {
        try historyPage(slug: slug, after: nil, limit: Int(Int32.max)).map { ($0.authority, $0.reports) }
    }

    /// One page of an authority's history: at most `limit` reports, oldest
    /// inspection first (end, then start, then id), current versions only,
    /// after the report `after` (a `next` of the page before; nil for the
    /// first page). nil for an authority with nothing on file. Its cost is
    /// the page's, however long the history: a walk of `report_by_authority`
    /// from the cursor.
    public func historyPage(slug: String, after: Int64?, limit: Int) throws -> HistoryPage? {
        guard limit >= 1 else { throw StoreError(.invalidArgument, "limit must be at least 1 (got \(limit))") }
        return try pool.read { db in
            guard let authority = try AuthorityRow.fetchOne(db, key: slug) else { return nil }
            var sql = """
                SELECT id, framework, kind, start, "end", document_url FROM report
                WHERE authority_slug = ? AND superseded_by IS NULL
                """
            var arguments: [(any DatabaseValueConvertible)?] = [slug]
            if let after {
                // The cursor's place in the order, even when a revision has
                // replaced that version since: rows are never deleted.
                guard
                    let at = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT "end", start FROM report WHERE id = ? AND authority_slug = ?
                            """, arguments: [after, slug])
                else {
                    throw StoreError(.invalidArgument, "cursor \(after) is not a report of \(slug)")
                }
                sql += #" AND ("end", start, id) > (?, ?, ?)"#
                arguments += [at["end"] as String, at["start"] as String, after]
            }
            sql += #" ORDER BY "end", start, id LIMIT ?"#
            // One more than asked: whether another page follows.
            arguments.append(Int64(limit) + 1)
            var entries: [HistoryEntry] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let kind: String? = row[2]
                entries.append(
                    HistoryEntry(
                        id: row[0], framework: try StoreCoding.enumValue(row[1]), kind: try kind.map { try StoreCoding.enumValue($0) },
                        inspection: try StoreCoding.span(row[3], row[4]), grades: [:], url: row[5]))
            }
            let more = entries.count > limit
            if more { entries.removeLast() }
            let grades = try StoreCoding.grades(db, reportIDs: entries.map(\.id))
            let stated = try StoreCoding.statedNotOnFile(db, slug: slug, reportIDs: entries.map(\.id))
            for i in entries.indices {
                entries[i].grades = grades[entries[i].id] ?? [:]
                entries[i].statedPrevious = stated[entries[i].id] ?? []
            }
            return HistoryPage(
                authority: Authority(name: authority.name, slug: authority.slug), reports: entries,
                next: more ? entries.last?.id : nil)
        }
    }

    /// The authority's newest report by inspection date, graded or not.
    public func latestReport(slug: String) throws -> Report? {
        try newestReport(slug: slug)?.report
    }

    /// The authority's newest current report by inspection date (end, then
    /// start, then id), graded or not, with its id and the authority's
    /// canonical name; nil when the authority has no report on file. One
    /// step of `report_by_authority`, however long the history.
    public func newestReport(slug: String) throws -> (authority: Authority, reportID: Int64, report: Report)? {
        try pool.read { db in
            guard let authority = try AuthorityRow.fetchOne(db, key: slug),
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, report_json FROM report
                        WHERE authority_slug = ? AND superseded_by IS NULL
                        ORDER BY "end" DESC, start DESC, id DESC LIMIT 1
                        """, arguments: [slug])
            else { return nil }
            return (
                Authority(name: authority.name, slug: authority.slug), row["id"],
                try StoreCoding.decodeReport(row["report_json"])
            )
        }
    }

    /// A report by id, superseded versions included.
    public func report(id: Int64) throws -> Report? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT report_json FROM report WHERE id = ?", arguments: [id])
                .map(StoreCoding.decodeReport)
        }
    }

    /// Row counts; `reports` counts current versions only. Read from the
    /// kept `store_counts` (migration `v5-read-model`), not counted.
    public func counts() throws -> StoreCounts {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT reports, documents, authorities, changes, incomplete FROM store_counts WHERE id = 1
                        """)
            else { throw StoreError(.corrupt, "the store has no counts row (store_counts)") }
            return StoreCounts(
                reports: row["reports"], documents: row["documents"],
                authorities: row["authorities"], changes: row["changes"], incomplete: row["incomplete"])
        }
    }

    /// `counts()` counted from the tables, as it was before the counts were
    /// kept: what the kept row must always equal.
    @_spi(Testing)
    public func countsByScanForTesting() throws -> StoreCounts {
        try pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM report WHERE superseded_by IS NULL) AS reports,
                           (SELECT COUNT(*) FROM document) AS documents,
                           (SELECT COUNT(*) FROM authority) AS authorities,
                           (SELECT COUNT(*) FROM "change") AS changes,
                           (SELECT COUNT(*) FROM report WHERE superseded_by IS NULL AND incomplete = 1) AS incomplete
                    """)!
            return StoreCounts(
                reports: row["reports"], documents: row["documents"],
                authorities: row["authorities"], changes: row["changes"], incomplete: row["incomplete"])
        }
    }
}

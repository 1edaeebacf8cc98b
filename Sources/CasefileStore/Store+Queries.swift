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
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(StoreCoding.changeRecord)
        }
    }

    /// The highest seq ever given, 0 for an empty log. Seqs are never reused.
    public func lastSeq() throws -> Int64 {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change'") ?? 0
        }
    }

    /// Each authority's latest graded inspection (by inspection date, not by
    /// arrival), sorted by slug.
    public func latestGrades() throws -> [AuthorityGrades] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.id, r.authority_slug, a.name, r.framework, r.start, r."end"
                FROM (
                    SELECT id, authority_slug, framework, start, "end",
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
                    reportID: id, grades: grades[id] ?? [:])
            }
        }
    }

    /// An authority and its reports, oldest inspection first, current
    /// versions only; nil for an authority with nothing on file.
    public func history(slug: String) throws -> (authority: Authority, reports: [HistoryEntry])? {
        try pool.read { db in
            guard let authority = try AuthorityRow.fetchOne(db, key: slug) else { return nil }
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, framework, kind, start, "end", document_url FROM report
                WHERE authority_slug = ? AND superseded_by IS NULL
                ORDER BY "end", start, id
                """, arguments: [slug])
            let grades = try StoreCoding.grades(db, reportIDs: rows.map { $0["id"] })
            let entries = try rows.map { row in
                let id: Int64 = row["id"]
                let kind: String? = row["kind"]
                return HistoryEntry(
                    id: id, framework: try StoreCoding.enumValue(row["framework"]),
                    kind: try kind.map { try StoreCoding.enumValue($0) },
                    inspection: try StoreCoding.span(row["start"], row["end"]),
                    grades: grades[id] ?? [:], url: row["document_url"])
            }
            return (Authority(name: authority.name, slug: authority.slug), entries)
        }
    }

    /// The authority's newest report by inspection date, graded or not.
    public func latestReport(slug: String) throws -> Report? {
        try pool.read { db in
            let json = try String.fetchOne(db, sql: """
                SELECT report_json FROM report
                WHERE authority_slug = ? AND superseded_by IS NULL
                ORDER BY "end" DESC, start DESC, id DESC LIMIT 1
                """, arguments: [slug])
            return try json.map(StoreCoding.decodeReport)
        }
    }

    /// A report by id, superseded versions included.
    public func report(id: Int64) throws -> Report? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT report_json FROM report WHERE id = ?", arguments: [id])
                .map(StoreCoding.decodeReport)
        }
    }

    /// Row counts; `reports` counts current versions only.
    public func counts() throws -> StoreCounts {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM report WHERE superseded_by IS NULL) AS reports,
                       (SELECT COUNT(*) FROM document) AS documents,
                       (SELECT COUNT(*) FROM authority) AS authorities,
                       (SELECT COUNT(*) FROM "change") AS changes
                """)!
            return StoreCounts(reports: row["reports"], documents: row["documents"],
                               authorities: row["authorities"], changes: row["changes"])
        }
    }
}

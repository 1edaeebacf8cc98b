import CasefileModel
import Foundation
import GRDB

/// One write transaction on the store: the primitives the sync rules
/// (CasefileSync's ingest) combine into one document's all-or-nothing
/// write. Each primitive writes what it is told; none of them decides
/// anything. Valid only inside `CasefileStore.write`.
///
/// Every statement is a cached prepared statement: a cold sync runs the
/// same dozen statements thousands of times, and compiling them each time
/// (or encoding a Codable record, whose column names GRDB converts to snake
/// case on every use) cost more than running them.
public struct StoreTransaction {
    let db: Database

    /// Runs one cached statement.
    private func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Creates the authority, or updates its canonical name.
    public func upsertAuthority(slug: String, name: String) throws {
        try run(
            """
            INSERT INTO authority (slug, name) VALUES (?, ?)
            ON CONFLICT (slug) DO UPDATE SET name = excluded.name WHERE name <> excluded.name
            """, [slug, name])
    }

    /// The authority's reports on file, superseded versions included.
    public func reports(authority slug: String) throws -> [StoredReportRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, document_url, report_json, superseded_by FROM report WHERE authority_slug = ? ORDER BY id
                """, arguments: [slug]
        ).map(Self.storedReport)
    }

    /// Of the authority's reports (superseded versions included), those that
    /// can matter to the differ for `report` read from `documentURL`, in id
    /// order: every version from the same document or of the same
    /// inspection (framework, start and end), the report the document gives
    /// now, and the two newest current graded reports (by end, start, id).
    /// What `reports(authority:)` gives, less the reports no diff looks at:
    /// an ingest reads a handful of rows, not the authority's whole history.
    /// For each area the report grades, the two newest current graded
    /// reports that do not list it as missing are read too: the differ
    /// compares an area with the newest report that gives it, passing over
    /// incomplete ones.
    public func reportsToCompare(authority slug: String, with report: Report, documentURL: String) throws
        -> [StoredReportRecord]
    {
        // One subquery per area graded, in table order (so the statement's
        // text, and its cache entry, depend only on the set of areas); none
        // while no current report is incomplete (the kept count says so),
        // when they would find the two newest again.
        let anyIncomplete =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT incomplete > 0 FROM store_counts WHERE id = 1")) ?? true
        let perArea = (anyIncomplete ? report.grades.keys.sorted() : []).map { area in
            """
                UNION SELECT * FROM (
                    SELECT id FROM report
                    WHERE authority_slug = :slug AND superseded_by IS NULL
                      AND EXISTS (SELECT 1 FROM judgement WHERE judgement.report_id = report.id)
                      AND instr(',' || missing || ',', ',\(area.rawValue),') = 0
                    ORDER BY "end" DESC, start DESC, id DESC LIMIT 2)
            """
        }.joined(separator: "\n")
        return try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, document_url, report_json, superseded_by FROM report
                    -- The unary + keeps SQLite from walking the authority's index
                    -- entries: the few ids below are looked up by key.
                    WHERE +authority_slug = :slug AND id IN (
                        SELECT id FROM report WHERE document_url = :url
                        UNION SELECT id FROM report
                            WHERE authority_slug = :slug AND framework = :framework AND start = :start AND "end" = :end
                        UNION SELECT report_id FROM document WHERE url = :url
                        UNION SELECT * FROM (
                            SELECT id FROM report
                            WHERE authority_slug = :slug AND superseded_by IS NULL
                              AND EXISTS (SELECT 1 FROM judgement WHERE judgement.report_id = report.id)
                            ORDER BY "end" DESC, start DESC, id DESC LIMIT 2)
                    \(perArea))
                    ORDER BY id
                    """),
            arguments: [
                "slug": slug, "url": documentURL, "framework": report.framework.rawValue,
                "start": report.inspection.start.description, "end": report.inspection.end.description,
            ]
        ).map(Self.storedReport)
    }

    static func storedReport(_ row: Row) throws -> StoredReportRecord {
        StoredReportRecord(
            id: row["id"], documentURL: row["document_url"],
            report: try StoreCoding.decodeReport(row["report_json"]), supersededBy: row["superseded_by"])
    }

    /// The report a document last gave, if any.
    public func reportID(document url: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT report_id FROM document WHERE url = ?"), arguments: [url])
    }

    /// Writes the document row of a fetch that was read: its bytes,
    /// validators and the report it gives (`reportID`), clearing any error.
    public func saveDocument(_ doc: IngestDocument, reportID: Int64?, at: Date) throws {
        let now = Timestamp.string(at)
        try run(
            """
            INSERT INTO document (url, source, bytes, bytes_hash, content_type, etag, last_modified, fetched_at,
                                  last_attempt_at, last_status, last_error, report_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ingested', NULL, ?)
            ON CONFLICT (url) DO UPDATE SET
                source = excluded.source, bytes = excluded.bytes, bytes_hash = excluded.bytes_hash,
                content_type = excluded.content_type, etag = excluded.etag, last_modified = excluded.last_modified,
                fetched_at = excluded.fetched_at, last_attempt_at = excluded.last_attempt_at,
                last_status = 'ingested', last_error = NULL, report_id = excluded.report_id
            """,
            [
                doc.url, doc.source, Data(doc.bytes), doc.bytesHash, doc.contentType, doc.etag, doc.lastModified, now, now,
                reportID,
            ])
    }

    /// Points a document at the report it gives.
    public func linkDocument(url: String, reportID: Int64) throws {
        try run("UPDATE document SET report_id = ? WHERE url = ?", [reportID, url])
    }

    /// Inserts a report with its judgements, improvements, paragraphs and
    /// stated previous grades, and whether it is complete; returns its id.
    public func insertReport(_ report: Report, documentURL: String, at: Date) throws -> Int64 {
        try run(
            """
            INSERT INTO report (authority_slug, document_url, framework, kind, start, "end", lead_inspector, content_hash,
                                parser_version, report_json, created_at, incomplete, missing)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                report.authority.slug, documentURL, report.framework.rawValue, report.kind?.rawValue,
                report.inspection.start.description, report.inspection.end.description, report.leadInspector,
                report.contentHash, report.parserVersion, try StoreCoding.encode(report), Timestamp.string(at),
                report.incomplete || !report.missing.isEmpty, CompletenessModel.missingText(report),
            ])
        let id = db.lastInsertedRowID
        try insertContent(report, reportID: id)
        return id
    }

    /// Rewrites a report's rows from another reading of the same content.
    public func replaceContent(reportID: Int64, with report: Report) throws {
        try db.execute(
            sql: """
                UPDATE report SET framework = ?, kind = ?, start = ?, "end" = ?, lead_inspector = ?,
                    parser_version = ?, report_json = ?, incomplete = ?, missing = ?
                WHERE id = ?
                """,
            arguments: [
                report.framework.rawValue, report.kind?.rawValue, report.inspection.start.description,
                report.inspection.end.description, report.leadInspector, report.parserVersion,
                try StoreCoding.encode(report), report.incomplete || !report.missing.isEmpty, CompletenessModel.missingText(report),
                reportID,
            ])
        for table in ["judgement", "improvement", "paragraph", "stated_grade"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE report_id = ?", arguments: [reportID])
        }
        try insertContent(report, reportID: reportID)
    }

    /// Marks `old` as replaced by `new`; with `onlyIfCurrent`, only when
    /// nothing replaced it yet.
    public func supersede(_ old: Int64, by new: Int64, onlyIfCurrent: Bool = false) throws {
        try run("UPDATE report SET superseded_by = ? WHERE id = ?" + (onlyIfCurrent ? " AND superseded_by IS NULL" : ""), [new, old])
    }

    /// The current, not withdrawn, report a document gives: its id and authority.
    public func listedReport(document url: String) throws -> (id: Int64, authority: String)? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT r.id, r.authority_slug FROM document d JOIN report r ON r.id = d.report_id
                    WHERE d.url = ? AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                    """), arguments: [url]
        ).map { ($0["id"], $0["authority_slug"]) }
    }

    /// Marks a report withdrawn (`at`), or, with nil, listed again.
    public func setWithdrawn(reportID: Int64, at: Date?) throws {
        // Only when it changes: an unchanged document seen again writes nothing here.
        try run(
            "UPDATE report SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NOT ?",
            [at.map(Timestamp.string), reportID, at.map(Timestamp.string)])
    }

    /// Appends one change to the log, with a new stable id; returns its seq.
    public func appendChange(
        _ kind: ChangeKind, authority: String, reportID: Int64, previousReportID: Int64? = nil,
        grades: [GradeMove]? = nil, fields: [String]? = nil, at: Date
    ) throws -> Int64 {
        try run(
            """
            INSERT INTO "change" (id, kind, at, authority_slug, report_id, previous_report_id, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                UUID().uuidString.lowercased(), kind.rawValue, Timestamp.string(at), authority, reportID, previousReportID,
                try StoreCoding.encode(ChangePayload(grades: grades, fields: fields)),
            ])
        return db.lastInsertedRowID
    }

    /// Queues a change for a channel, due at once.
    public func enqueue(change seq: Int64, channel: String, at: Date) throws {
        try run(
            """
            INSERT INTO outbox (change_seq, channel, state, attempts, next_attempt_at) VALUES (?, ?, 'pending', 0, ?)
            """, [seq, channel, Timestamp.string(at)])
    }

    /// The changes with these seqs, as the log shows them, by seq.
    public func changes(seqs: [Int64]) throws -> [ChangeRecord] {
        try StoreCoding.changeRecords(db, seqs: seqs)
    }

    /// Runs `body` in a savepoint: when it throws, what it wrote is rolled
    /// back, and the rest of the transaction stands.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        var value: T?
        try db.inSavepoint {
            value = try body()
            return .commit
        }
        guard let value else { throw StoreError(.corrupt, "a savepoint ended without a value") }
        return value
    }

    /// A report's judgements, improvements and paragraphs: a hundred rows
    /// for a long report, so through cached statements rather than a
    /// Codable record each (which costs more than the insert itself).
    private func insertContent(_ report: Report, reportID: Int64) throws {
        let judgement = try db.cachedStatement(sql: "INSERT INTO judgement (report_id, area, grade, title) VALUES (?, ?, ?, ?)")
        for j in report.judgements {
            try judgement.execute(arguments: [reportID, j.area.rawValue, j.grade.rawValue, j.title])
        }
        let improvement = try db.cachedStatement(sql: "INSERT INTO improvement (report_id, position, text) VALUES (?, ?, ?)")
        for (i, text) in report.improvements.enumerated() {
            try improvement.execute(arguments: [reportID, i, text])
        }
        let stated = try db.cachedStatement(
            sql: """
                INSERT INTO stated_grade (report_id, position, authority_slug, year, area, grade, sentence)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for (i, s) in report.statedPrevious.enumerated() {
            try stated.execute(arguments: [reportID, i, report.authority.slug, s.year, s.area.rawValue, s.grade.rawValue, s.sentence])
        }
        let paragraph = try db.cachedStatement(
            sql: "INSERT INTO paragraph (report_id, position, section, number, text) VALUES (?, ?, ?, ?, ?)")
        var position = 0
        for section in report.sections {
            for p in section.paragraphs {
                try paragraph.execute(arguments: [reportID, position, section.title, p.number, p.text])
                position += 1
            }
        }
    }
}

/// A report as the store holds it: the row id, where it came from, the
/// report itself and, for a version a revision replaced, its successor.
public struct StoredReportRecord: Sendable, Hashable {
    public var id: Int64
    public var documentURL: String
    public var report: Report
    public var supersededBy: Int64?

    public init(id: Int64, documentURL: String, report: Report, supersededBy: Int64?) {
        self.id = id
        self.documentURL = documentURL
        self.report = report
        self.supersededBy = supersededBy
    }
}

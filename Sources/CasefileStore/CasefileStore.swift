import CasefileDiff
import CasefileDigest
import CasefileModel
import Foundation
import GRDB

/// The SQLite store: authorities, documents (raw bytes kept), reports with
/// their judgements, improvements and paragraphs, the append-only change log,
/// the notification outbox and per-source fetch state.
///
/// One `DatabasePool` in WAL mode: readers never wait for the writer, and
/// every write runs in a transaction on the pool's single writer connection,
/// so `ingest` reads and writes a consistent picture.
public final class CasefileStore: Sendable {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens the store at `path`, creating the file when it does not exist,
    /// and runs the migrations not yet applied. The folder must exist.
    public init(path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(.folderMissing,
                             "cannot open the store \(path): the folder \(folder) does not exist (create it, or check state_dir)")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // The control API reads while a sync writes; WAL makes that rare, the
        // timeout covers checkpoints and a second process (sqlite3 at a prompt).
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // A change is announced once committed: with FULL a committed
            // transaction survives a power cut too, so no announced change
            // can vanish and be recorded again under another id.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        self.pool = try DatabasePool(path: path, configuration: config)
        try Schema.migrator.migrate(pool)
    }

    /// Closes the database connections. Further calls throw.
    public func close() throws {
        try pool.close()
    }

    /// The names of the migrations applied to the file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedIdentifiers(db).sorted() }
    }

    // MARK: - Documents

    /// The validators and state of a document, or nil when never seen.
    public func documentState(url: String) throws -> DocumentState? {
        try documentStates(urls: [url])[url]
    }

    /// The states of those of `urls` on file, keyed by URL, in one read: a
    /// sync's listing asks for all its documents at once.
    public func documentStates(urls: [String]) throws -> [String: DocumentState] {
        try pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT etag, last_modified, bytes_hash, report_id, last_error FROM document WHERE url = ?
                """)
            var states: [String: DocumentState] = [:]
            for url in urls where states[url] == nil {
                guard let row = try Row.fetchOne(statement, arguments: [url]) else { continue }
                states[url] = DocumentState(url: url, etag: row["etag"], lastModified: row["last_modified"],
                                            bytesHash: row["bytes_hash"], reportID: row["report_id"], lastError: row["last_error"])
            }
            return states
        }
    }

    /// The raw bytes kept of a document, for a re-parse without a re-fetch.
    public func documentBytes(url: String) throws -> [UInt8]? {
        try pool.read { db in
            let data = try Data.fetchOne(db, sql: "SELECT bytes FROM document WHERE url = ?", arguments: [url])
            return data.map { [UInt8]($0) }
        }
    }

    /// A 304, or the same bytes as on file: updates the validators (those
    /// given) and the fetch time only.
    public func recordNotModified(url: String, source: String, etag: String?, lastModified: String?, at: Date) throws {
        let now = Timestamp.string(at)
        try pool.write { db in
            // A 304 says the bytes did not change. When those bytes never gave
            // a report, the reason they did not still stands: keep it visible.
            try db.execute(sql: """
                INSERT INTO document (url, source, etag, last_modified, fetched_at, last_attempt_at, last_status)
                VALUES (?, ?, ?, ?, ?, ?, 'not_modified')
                ON CONFLICT (url) DO UPDATE SET
                    source = excluded.source,
                    etag = COALESCE(excluded.etag, etag),
                    last_modified = COALESCE(excluded.last_modified, last_modified),
                    fetched_at = excluded.fetched_at,
                    last_attempt_at = excluded.last_attempt_at,
                    last_status = CASE WHEN report_id IS NULL AND last_error IS NOT NULL THEN 'failed' ELSE 'not_modified' END,
                    last_error = CASE WHEN report_id IS NULL THEN last_error ELSE NULL END
                """, arguments: [url, source, etag, lastModified, now, now])
        }
    }

    /// A fetch, extraction or parse that failed. Touches the document row
    /// only: never reports, changes or the outbox.
    public func recordDocumentFailure(url: String, source: String, reason: String, at: Date) throws {
        let now = Timestamp.string(at)
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO document (url, source, last_attempt_at, last_status, last_error)
                VALUES (?, ?, ?, 'failed', ?)
                ON CONFLICT (url) DO UPDATE SET
                    source = excluded.source,
                    last_attempt_at = excluded.last_attempt_at,
                    last_status = 'failed',
                    last_error = excluded.last_error
                """, arguments: [url, source, now, reason])
        }
    }

    // MARK: - Ingest

    /// Stores one parsed document in ONE transaction: the authority (with its
    /// canonical name), the document row with its bytes, the diff against the
    /// authority's reports on file (read inside the same transaction), the
    /// report with its judgements, improvements and paragraphs, the change
    /// rows, and one outbox row per change and channel. All or nothing.
    ///
    /// - Parameters:
    ///   - channels: the notification channels to announce the changes on;
    ///     empty records the changes without announcing them (a first sync).
    ///   - channelFilters: optional per-channel filter (a notifier's `on`,
    ///     `authorities`, `regions`, `direction`, `areas`): a channel named
    ///     here gets outbox rows only for the changes that pass it.
    ///
    /// `quiet` (a re-parse of kept bytes by a newer parser): the report is
    /// recorded and a revision logged, but no grade change and no outbox row:
    /// a better reading is not news.
    public func ingest(
        _ doc: IngestDocument, report: Report, authorityName: String, channels: [String],
        channelFilters: [String: ChannelFilter] = [:], quiet: Bool = false, at: Date
    ) throws -> IngestResult {
        let now = Timestamp.string(at)
        let slug = report.authority.slug
        let bytes = Data(doc.bytes)
        let bytesHash = SHA256.tagged(doc.bytes)
        let reportJSON = try Self.encode(report)
        var seen = Set<String>()
        let channels = quiet ? [] : channels.filter { seen.insert($0).inserted }

        return try pool.write { db in
            try db.execute(sql: """
                INSERT INTO authority (slug, name) VALUES (?, ?)
                ON CONFLICT (slug) DO UPDATE SET name = excluded.name
                """, arguments: [slug, authorityName])

            let existing = try Self.storedReports(db, slug: slug)
            let outcome = Differ.diff(new: report, documentURL: doc.url, existing: existing)
            let previousDocumentReport = try Int64.fetchOne(
                db, sql: "SELECT report_id FROM document WHERE url = ?", arguments: [doc.url])

            var document = DocumentRow(
                url: doc.url, source: doc.source, bytes: bytes, bytesHash: bytesHash, contentType: doc.contentType,
                etag: doc.etag, lastModified: doc.lastModified, fetchedAt: now, lastAttemptAt: now,
                lastStatus: .ingested, lastError: nil, reportId: previousDocumentReport)

            let changes: [PendingChange]
            switch outcome {
            case .unchanged(let reportID):
                // Same inspection, same content (perhaps republished under a
                // new URL): keep the bytes and validators, record nothing.
                document.reportId = reportID
                try document.save(db)
                try db.execute(sql: "UPDATE report SET withdrawn_at = NULL WHERE id = ?", arguments: [reportID])
                if let onFile = existing.first(where: { $0.id == reportID }),
                   report.parserVersion > onFile.report.parserVersion, report != onFile.report {
                    // The same text read by a newer parser (a re-parse of the
                    // kept bytes): the rows take the better reading, silently.
                    // Announcing it would be a false alarm: Ofsted published
                    // nothing new.
                    try Self.refresh(db, reportID: reportID, with: report, json: reportJSON)
                    // What the better reading changed is on record as a
                    // revision, without an announcement (no outbox row).
                    let fields = Differ.differingFields(old: onFile.report, new: report)
                    if !fields.isEmpty && fields != ["content"] {
                        let seq = try Self.recordChange(
                            db, PendingChange(kind: .reportRevised, previousReportID: reportID, fields: fields), slug: slug,
                            reportID: reportID, at: now, channels: [], channelFilters: [:])
                        return IngestResult(reportID: reportID, outcome: outcome, changes: try Self.changeRecords(db, seqs: [seq]))
                    }
                }
                return IngestResult(reportID: reportID, outcome: outcome, changes: [])
            case .added(let c), .revised(_, let c):
                changes = quiet ? c.filter { $0.kind != .gradeChanged } : c
            }
            try document.save(db)

            var row = ReportRow(
                id: nil, authoritySlug: slug, documentUrl: doc.url, framework: report.framework, kind: report.kind,
                start: report.inspection.start.description, end: report.inspection.end.description,
                leadInspector: report.leadInspector, contentHash: report.contentHash,
                parserVersion: report.parserVersion, reportJson: reportJSON, createdAt: now, supersededBy: nil,
                withdrawnAt: nil)
            try row.insert(db)
            guard let reportID = row.id else { throw StoreError(.corrupt, "report insert returned no id") }

            if case .revised(let oldID, _) = outcome {
                try db.execute(sql: "UPDATE report SET superseded_by = ? WHERE id = ?", arguments: [reportID, oldID])
            }
            // The same document once gave a report filed under another
            // authority (a parser that now maps the title differently): the
            // new report replaces it there too, or both would stay current.
            if let old = previousDocumentReport, existing.allSatisfy({ $0.id != old }) {
                try db.execute(sql: "UPDATE report SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL",
                               arguments: [reportID, old])
            }
            try Self.insertContent(db, report: report, reportID: reportID)
            try db.execute(sql: "UPDATE document SET report_id = ? WHERE url = ?", arguments: [reportID, doc.url])

            var seqs: [Int64] = []
            for change in changes {
                seqs.append(try Self.recordChange(
                    db, change, slug: slug, reportID: reportID, at: now, channels: channels, channelFilters: channelFilters))
            }
            let records = try Self.changeRecords(db, seqs: seqs)
            return IngestResult(reportID: reportID, outcome: outcome, changes: records)
        }
    }

    /// A source no longer lists a document it did: records `report_withdrawn`
    /// for the document's current report, queued like any change. The report
    /// stays on file (and in the grades: Ofsted delisting a page is not a
    /// new judgement); listing it again clears the mark.
    ///
    /// Returns nil, recording nothing, when the document gave no report or
    /// its report is already marked withdrawn.
    @discardableResult
    public func recordWithdrawn(
        url: String, channels: [String], channelFilters: [String: ChannelFilter] = [:], at: Date
    ) throws -> ChangeRecord? {
        let now = Timestamp.string(at)
        var seen = Set<String>()
        let channels = channels.filter { seen.insert($0).inserted }
        return try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT r.id, r.authority_slug FROM document d JOIN report r ON r.id = d.report_id
                WHERE d.url = ? AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                """, arguments: [url]) else { return nil }
            let reportID: Int64 = row["id"]
            try db.execute(sql: "UPDATE report SET withdrawn_at = ? WHERE id = ?", arguments: [now, reportID])
            let seq = try Self.recordChange(
                db, PendingChange(kind: .reportWithdrawn), slug: row["authority_slug"], reportID: reportID, at: now,
                channels: channels, channelFilters: channelFilters)
            return try Self.changeRecords(db, seqs: [seq]).first
        }
    }

    /// Notes what a source lists now (only after a complete listing) and
    /// returns the documents it has not listed on two syncs in a row: the
    /// ones to record as withdrawn.
    public func noteListing(source: String, listed: [String]) throws -> [String] {
        let listedSet = Set(listed)
        // Read first: in the usual sync every known document is listed again
        // and none was missing before, and then nothing is written.
        let (known, wasMissing) = try pool.read { db in
            (try String.fetchAll(db, sql: "SELECT url FROM document WHERE source = ?", arguments: [source]),
             Set(try String.fetchAll(db, sql: """
                 SELECT l.url FROM document_listing l JOIN document d ON d.url = l.url WHERE d.source = ?
                 """, arguments: [source])))
        }
        let missing = known.filter { !listedSet.contains($0) }
        let back = wasMissing.filter { listedSet.contains($0) }
        guard !missing.isEmpty || !back.isEmpty else { return [] }
        return try pool.write { db in
            for url in back {
                try db.execute(sql: "DELETE FROM document_listing WHERE url = ?", arguments: [url])
            }
            var gone: [String] = []
            for url in missing {
                let count = try Int.fetchOne(db, sql: """
                    INSERT INTO document_listing (url, missing_syncs) VALUES (?, 1)
                    ON CONFLICT (url) DO UPDATE SET missing_syncs = missing_syncs + 1
                    RETURNING missing_syncs
                    """, arguments: [url]) ?? 0
                if count >= 2 { gone.append(url) }
            }
            return gone
        }
    }

    /// The URLs of documents whose report was read by an older parser, for
    /// a re-parse of the kept bytes.
    public func documentsParsedBefore(version: Int) throws -> [(url: String, source: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.url, d.source FROM document d JOIN report r ON r.id = d.report_id
                WHERE r.parser_version < ? AND r.superseded_by IS NULL AND d.bytes IS NOT NULL ORDER BY d.url
                """, arguments: [version]).map { ($0["url"], $0["source"]) }
        }
    }

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
        let sql = Self.changeSelect + " WHERE " + clauses.joined(separator: " AND ") + " ORDER BY c.seq LIMIT ?"
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.changeRecord)
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
            let grades = try Self.grades(db, reportIDs: rows.map { $0["id"] })
            return try rows.map { row in
                let id: Int64 = row["id"]
                return AuthorityGrades(
                    authority: Authority(name: row["name"], slug: row["authority_slug"]),
                    framework: try Self.enumValue(row["framework"]),
                    inspection: try Self.span(row["start"], row["end"]),
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
            let grades = try Self.grades(db, reportIDs: rows.map { $0["id"] })
            let entries = try rows.map { row in
                let id: Int64 = row["id"]
                let kind: String? = row["kind"]
                return HistoryEntry(
                    id: id, framework: try Self.enumValue(row["framework"]),
                    kind: try kind.map { try Self.enumValue($0) },
                    inspection: try Self.span(row["start"], row["end"]),
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
            return try json.map(Self.decodeReport)
        }
    }

    /// A report by id, superseded versions included.
    public func report(id: Int64) throws -> Report? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT report_json FROM report WHERE id = ?", arguments: [id])
                .map(Self.decodeReport)
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

    // MARK: - Sources

    public func sourceState(name: String) throws -> SourceState? {
        try pool.read { db in try SourceStateRow.fetchOne(db, key: name).map(Self.sourceState) }
    }

    /// Every source with a record, by name.
    public func allSourceStates() throws -> [SourceState] {
        try pool.read { db in
            try SourceStateRow.order(Column("name")).fetchAll(db).map(Self.sourceState)
        }
    }

    /// A sync of the source succeeded: resets the failure count and marks the
    /// first sync done. The last error is kept, with its time.
    public func recordSourceSuccess(name: String, documents: Int, at: Date) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO source_state (name, last_success, consecutive_failures, documents, first_sync_done)
                VALUES (?, ?, 0, ?, 1)
                ON CONFLICT (name) DO UPDATE SET
                    last_success = excluded.last_success, consecutive_failures = 0,
                    documents = excluded.documents, first_sync_done = 1
                """, arguments: [name, Timestamp.string(at), documents])
        }
    }

    /// A sync of the source failed as a whole (its index could not be read).
    public func recordSourceFailure(name: String, error: String, at: Date) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO source_state (name, last_error, last_error_at, consecutive_failures)
                VALUES (?, ?, ?, 1)
                ON CONFLICT (name) DO UPDATE SET
                    last_error = excluded.last_error, last_error_at = excluded.last_error_at,
                    consecutive_failures = consecutive_failures + 1
                """, arguments: [name, error, Timestamp.string(at)])
        }
    }

    // MARK: - Outbox

    /// Pending deliveries whose time has come, by change seq.
    public func dueDeliveries(now: Date, limit: Int) throws -> [Delivery] {
        guard limit >= 0 else { throw StoreError(.invalidArgument, "limit must not be negative (got \(limit))") }
        return try pool.read { db in
            let due = try OutboxRow.fetchAll(db, sql: """
                SELECT * FROM outbox
                WHERE state = 'pending' AND next_attempt_at <= ?
                ORDER BY change_seq, id LIMIT ?
                """, arguments: [Timestamp.string(now), limit])
            let records = Dictionary(
                try Self.changeRecords(db, seqs: Array(Set(due.map(\.changeSeq)))).map { ($0.seq, $0) },
                uniquingKeysWith: { a, _ in a })
            return try due.map { row in
                guard let id = row.id, let change = records[row.changeSeq] else {
                    throw StoreError(.corrupt, "outbox row for change \(row.changeSeq) has no change")
                }
                return Delivery(id: id, channel: row.channel, change: change, attempts: row.attempts)
            }
        }
    }

    /// How many deliveries are waiting (pending, due or not), for `status`.
    public func pendingDeliveryCount() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
        }
    }

    /// The earliest time a pending delivery is due, nil when none is pending.
    public func nextDeliveryDue() throws -> Date? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
                .flatMap(Timestamp.date)
        }
    }

    /// The delivery succeeded. Marking a delivered row again does nothing.
    public func markDelivered(id: Int64, at: Date) throws {
        let now = Timestamp.string(at)
        try pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,
                    last_attempt_at = ?, next_attempt_at = NULL, last_error = NULL
                WHERE id = ? AND state <> 'delivered'
                """, arguments: [now, now, id])
            if db.changesCount == 0 { try Self.requireOutbox(db, id: id) }
        }
    }

    /// The delivery failed: retried at `nextAttemptAt` (rounded up to the
    /// second, never earlier), or, when nil, parked as failed until an
    /// operator retries it.
    public func markDeliveryFailed(id: Int64, error: String, nextAttemptAt: Date?, at: Date) throws {
        let next = nextAttemptAt.map { Timestamp.string($0, roundingUp: true) }
        try pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?,
                    state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = ?
                WHERE id = ? AND state = 'pending'
                """, arguments: [error, Timestamp.string(at), next, next, id])
            if db.changesCount == 0 { try Self.requireOutbox(db, id: id) }
        }
    }

    /// Puts parked (failed) deliveries back in the queue, due at `at`; all
    /// channels, or one. Returns how many.
    @discardableResult
    public func retryFailedDeliveries(channel: String? = nil, at: Date) throws -> Int {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', next_attempt_at = ?
                WHERE state = 'failed' AND (? IS NULL OR channel = ?)
                """, arguments: [Timestamp.string(at), channel, channel])
            return db.changesCount
        }
    }

    /// Outbox rows for `casefilectl notifications`: every pending and failed
    /// one, and the `recent` latest delivered, newest first within each.
    public func deliveries(recent: Int) throws -> [DeliveryInfo] {
        guard recent >= 0 else { throw StoreError(.invalidArgument, "recent must not be negative (got \(recent))") }
        return try pool.read { db in
            let select = """
                SELECT o.id, o.channel, o.state, o.attempts, o.change_seq, o.next_attempt_at, o.last_attempt_at,
                    o.last_error, o.delivered_at, c.id AS change_id, c.kind, c.authority_slug
                FROM outbox o JOIN "change" c ON c.seq = o.change_seq
                """
            let open = try Row.fetchAll(db, sql: select + " WHERE o.state <> 'delivered' ORDER BY o.state, o.id DESC")
            let done = try Row.fetchAll(db, sql: select + " WHERE o.state = 'delivered' ORDER BY o.id DESC LIMIT ?", arguments: [recent])
            return try (open + done).map { row in
                DeliveryInfo(
                    id: row["id"], channel: row["channel"], state: row["state"], attempts: row["attempts"],
                    changeSeq: row["change_seq"], changeID: row["change_id"], kind: try Self.enumValue(row["kind"]),
                    authority: row["authority_slug"],
                    nextAttemptAt: (row["next_attempt_at"] as String?).flatMap(Timestamp.date),
                    lastAttemptAt: (row["last_attempt_at"] as String?).flatMap(Timestamp.date),
                    lastError: row["last_error"],
                    deliveredAt: (row["delivered_at"] as String?).flatMap(Timestamp.date))
            }
        }
    }

    /// Puts one parked (failed) delivery back in the queue, due at `at`.
    /// Returns false when the row exists but is not failed; throws
    /// `.notFound` when there is no such row.
    @discardableResult
    public func retryFailedDelivery(id: Int64, at: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'failed' AND id = ?
                """, arguments: [Timestamp.string(at), id])
            if db.changesCount == 0 {
                try Self.requireOutbox(db, id: id)
                return false
            }
            return true
        }
    }

    /// Raw SQL for tests that check the schema's own constraints, behind the
    /// store's back.
    @_spi(Testing)
    public func executeForTesting(_ sql: String) throws {
        try pool.write { db in try db.execute(sql: sql) }
    }

    /// How many rows the store's writer connection has inserted, updated or
    /// deleted since it opened (SQLite's total_changes), for tests that check
    /// that something wrote nothing.
    @_spi(Testing)
    public func rowsWrittenForTesting() throws -> Int {
        try pool.writeWithoutTransaction { db in db.totalChangesCount }
    }

    // MARK: - Private

    private static func requireOutbox(_ db: Database, id: Int64) throws {
        guard try OutboxRow.exists(db, key: id) else {
            throw StoreError(.notFound, "no outbox row \(id)")
        }
    }

    /// The authority's reports, superseded versions included, as the differ
    /// wants them.
    private static func storedReports(_ db: Database, slug: String) throws -> [StoredReport] {
        try Row.fetchAll(db, sql: """
            SELECT id, document_url, report_json, superseded_by FROM report WHERE authority_slug = ?
            """, arguments: [slug]).map { row in
            StoredReport(id: row["id"], documentURL: row["document_url"], report: try decodeReport(row["report_json"]),
                         supersededBy: row["superseded_by"])
        }
    }

    /// One change row and its outbox rows; returns the seq.
    private static func recordChange(
        _ db: Database, _ change: PendingChange, slug: String, reportID: Int64, at now: String,
        channels: [String], channelFilters: [String: ChannelFilter]
    ) throws -> Int64 {
        let payload = try encode(ChangePayload(grades: change.grades, fields: change.fields))
        var row = ChangeRow(
            seq: nil, id: UUID().uuidString.lowercased(), kind: change.kind, at: now, authoritySlug: slug,
            reportId: reportID, previousReportId: change.previousReportID, payload: payload)
        try row.insert(db)
        guard let seq = row.seq else { throw StoreError(.corrupt, "change insert returned no seq") }
        for channel in channels
        where channelFilters[channel]?.passes(kind: change.kind, authority: slug, grades: change.grades) ?? true {
            var outbox = OutboxRow(
                id: nil, changeSeq: seq, channel: channel, state: .pending, attempts: 0,
                nextAttemptAt: now, lastAttemptAt: nil, lastError: nil, deliveredAt: nil)
            try outbox.insert(db)
        }
        return seq
    }

    /// Rewrites a report's rows from a newer parse of the same content.
    private static func refresh(_ db: Database, reportID: Int64, with report: Report, json: String) throws {
        try db.execute(sql: """
            UPDATE report SET framework = ?, kind = ?, start = ?, "end" = ?, lead_inspector = ?,
                parser_version = ?, report_json = ?
            WHERE id = ?
            """, arguments: [report.framework.rawValue, report.kind?.rawValue, report.inspection.start.description,
                              report.inspection.end.description, report.leadInspector, report.parserVersion, json,
                              reportID])
        for table in ["judgement", "improvement", "paragraph"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE report_id = ?", arguments: [reportID])
        }
        try insertContent(db, report: report, reportID: reportID)
    }

    private static func insertContent(_ db: Database, report: Report, reportID: Int64) throws {
        for j in report.judgements {
            try JudgementRow(reportId: reportID, area: j.area, grade: j.grade, title: j.title).insert(db)
        }
        for (i, text) in report.improvements.enumerated() {
            try ImprovementRow(reportId: reportID, position: i, text: text).insert(db)
        }
        var position = 0
        for section in report.sections {
            for p in section.paragraphs {
                try ParagraphRow(reportId: reportID, position: position, section: section.title,
                                 number: p.number, text: p.text).insert(db)
                position += 1
            }
        }
    }

    /// Grades by report id, keyed by area raw value.
    private static func grades(_ db: Database, reportIDs: [Int64]) throws -> [Int64: [String: Grade]] {
        guard !reportIDs.isEmpty else { return [:] }
        var out: [Int64: [String: Grade]] = [:]
        for j in try JudgementRow.filter(reportIDs.contains(Column("report_id"))).fetchAll(db) {
            out[j.reportId, default: [:]][j.area.rawValue] = j.grade
        }
        return out
    }

    private static let changeSelect = """
        SELECT c.seq, c.id, c.kind, c.at, c.payload, c.authority_slug, a.name AS authority_name,
               r.id AS r_id, r.framework AS r_framework, r.start AS r_start, r."end" AS r_end, r.document_url AS r_url,
               p.id AS p_id, p.framework AS p_framework, p.start AS p_start, p."end" AS p_end, p.document_url AS p_url
        FROM "change" c
        JOIN authority a ON a.slug = c.authority_slug
        JOIN report r ON r.id = c.report_id
        LEFT JOIN report p ON p.id = c.previous_report_id
        """

    private static func changeRecords(_ db: Database, seqs: [Int64]) throws -> [ChangeRecord] {
        guard !seqs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: seqs.count).joined(separator: ", ")
        return try Row.fetchAll(db, sql: changeSelect + " WHERE c.seq IN (\(marks)) ORDER BY c.seq",
                                arguments: StatementArguments(seqs)).map(changeRecord)
    }

    private static func changeRecord(_ row: Row) throws -> ChangeRecord {
        let payload = try JSONDecoder().decode(ChangePayload.self, from: Data((row["payload"] as String).utf8))
        let previous: ReportRef?
        if let pid: Int64 = row["p_id"] {
            previous = ReportRef(id: pid, framework: try enumValue(row["p_framework"]),
                                 inspection: try span(row["p_start"], row["p_end"]), url: row["p_url"])
        } else {
            previous = nil
        }
        return ChangeRecord(
            seq: row["seq"], id: row["id"], kind: try enumValue(row["kind"]), at: row["at"],
            authority: Authority(name: row["authority_name"], slug: row["authority_slug"]),
            report: ReportRef(id: row["r_id"], framework: try enumValue(row["r_framework"]),
                              inspection: try span(row["r_start"], row["r_end"]), url: row["r_url"]),
            grades: payload.grades, previous: previous, fields: payload.fields)
    }

    private static func sourceState(_ row: SourceStateRow) -> SourceState {
        SourceState(name: row.name, lastSuccess: row.lastSuccess.flatMap(Timestamp.date), lastError: row.lastError,
                    lastErrorAt: row.lastErrorAt.flatMap(Timestamp.date),
                    consecutiveFailures: row.consecutiveFailures, documents: row.documents,
                    firstSyncDone: row.firstSyncDone)
    }

    private static func enumValue<E: RawRepresentable>(_ raw: String) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else { throw StoreError(.corrupt, "unknown \(E.self) \(raw) in the store") }
        return value
    }

    private static func span(_ start: String, _ end: String) throws -> DateSpan {
        guard let s = LocalDate(iso: start), let e = LocalDate(iso: end) else {
            throw StoreError(.corrupt, "bad inspection dates \(start)…\(end) in the store")
        }
        return DateSpan(start: s, end: e)
    }

    private static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decodeReport(_ json: String) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(json.utf8))
    }
}

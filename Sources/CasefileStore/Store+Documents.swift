import CasefileModel
import Foundation
import GRDB

extension CasefileStore {
    // MARK: - Documents

    /// The validators and state of a document, or nil when never seen.
    public func documentState(url: String) throws -> DocumentState? {
        try documentStates(urls: [url])[url]
    }

    /// The states of those of `urls` on file, keyed by URL, in one read: a
    /// sync's listing asks for all its documents at once.
    public func documentStates(urls: [String]) throws -> [String: DocumentState] {
        try pool.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT etag, last_modified, bytes_hash, report_id, last_error, quarantine_hash, quarantine_parser
                    FROM document WHERE url = ?
                    """)
            var states: [String: DocumentState] = [:]
            for url in urls where states[url] == nil {
                guard let row = try Row.fetchOne(statement, arguments: [url]) else { continue }
                states[url] = DocumentState(
                    url: url, etag: row["etag"], lastModified: row["last_modified"],
                    bytesHash: row["bytes_hash"], reportID: row["report_id"], lastError: row["last_error"],
                    quarantineHash: row["quarantine_hash"], quarantineParser: row["quarantine_parser"])
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
            try db.execute(
                sql: """
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
            try db.execute(
                sql: """
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

    /// A document whose extraction or parse failed, quarantined: its bytes,
    /// their hash and the validators they came with are kept, with the
    /// reason and the parser version, so that the same bytes are not read
    /// again by the same parser. A report the document gave before stays.
    /// Validators not given are kept as they were.
    public func quarantineDocument(
        url: String, source: String, reason: String, bytes: [UInt8], bytesHash: String, etag: String?,
        lastModified: String?, parserVersion: Int, at: Date
    ) throws {
        let now = Timestamp.string(at)
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO document (url, source, etag, last_modified, fetched_at, last_attempt_at, last_status, last_error,
                                          quarantine_reason, quarantined_at, quarantine_hash, quarantine_parser, quarantine_bytes)
                    VALUES (?, ?, ?, ?, ?, ?, 'failed', ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (url) DO UPDATE SET
                        source = excluded.source,
                        etag = COALESCE(excluded.etag, etag),
                        last_modified = COALESCE(excluded.last_modified, last_modified),
                        fetched_at = excluded.fetched_at,
                        last_attempt_at = excluded.last_attempt_at,
                        last_status = 'failed',
                        last_error = excluded.last_error,
                        quarantine_reason = excluded.quarantine_reason,
                        quarantined_at = excluded.quarantined_at,
                        quarantine_hash = excluded.quarantine_hash,
                        quarantine_parser = excluded.quarantine_parser,
                        quarantine_bytes = excluded.quarantine_bytes
                    """,
                arguments: [
                    url, source, etag, lastModified, now, now, reason, reason, now, bytesHash, parserVersion,
                    Data(bytes),
                ])
        }
    }

    /// How many documents are quarantined.
    public func quarantinedCount() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM document WHERE quarantine_reason IS NOT NULL") ?? 0
        }
    }

    /// The quarantined documents, by source then URL.
    public func quarantinedDocuments() throws -> [QuarantinedDocument] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid, url, source, quarantine_reason, quarantined_at, quarantine_parser FROM document
                    WHERE quarantine_reason IS NOT NULL ORDER BY source, url
                    """
            ).map {
                QuarantinedDocument(
                    id: $0["rowid"], url: $0["url"], source: $0["source"], reason: $0["quarantine_reason"],
                    since: Timestamp.date($0["quarantined_at"]) ?? Date(timeIntervalSince1970: 0),
                    parserVersion: $0["quarantine_parser"] ?? 0)
            }
        }
    }

    /// A quarantined document's kept bytes, by its id; nil when there is no
    /// quarantined document of that id.
    public func quarantinedBytes(id: Int64) throws -> (document: QuarantinedDocument, bytes: [UInt8])? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT rowid, url, source, quarantine_reason, quarantined_at, quarantine_parser, quarantine_bytes FROM document
                        WHERE rowid = ? AND quarantine_reason IS NOT NULL AND quarantine_bytes IS NOT NULL
                        """, arguments: [id])
            else { return nil }
            let doc = QuarantinedDocument(
                id: row["rowid"], url: row["url"], source: row["source"], reason: row["quarantine_reason"],
                since: Timestamp.date(row["quarantined_at"]) ?? Date(timeIntervalSince1970: 0),
                parserVersion: row["quarantine_parser"] ?? 0)
            let data: Data = row["quarantine_bytes"]
            return (doc, [UInt8](data))
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
            (
                try String.fetchAll(db, sql: "SELECT url FROM document WHERE source = ?", arguments: [source]),
                Set(
                    try String.fetchAll(
                        db,
                        sql: """
                            SELECT l.url FROM document_listing l JOIN document d ON d.url = l.url WHERE d.source = ?
                            """, arguments: [source]))
            )
        }
        let missing = known.filter { !listedSet.contains($0) }
        let back = wasMissing.filter { listedSet.contains($0) }
        guard !missing.isEmpty || !back.isEmpty else { return [] }
        return try pool.write { db in
            for url in back {
                try db.execute(sql: "DELETE FROM document_listing WHERE url = ?", arguments: [url])
                // Listed again, whatever its fetch answered (a 304 too): no
                // longer withdrawn.
                try db.execute(
                    sql: """
                        UPDATE report SET withdrawn_at = NULL
                        WHERE withdrawn_at IS NOT NULL AND id = (SELECT report_id FROM document WHERE url = ?)
                        """, arguments: [url])
            }
            var gone: [String] = []
            for url in missing {
                let count =
                    try Int.fetchOne(
                        db,
                        sql: """
                            INSERT INTO document_listing (url, missing_syncs) VALUES (?, 1)
                            ON CONFLICT (url) DO UPDATE SET missing_syncs = missing_syncs + 1
                            RETURNING missing_syncs
                            """, arguments: [url]) ?? 0
                if count >= 2 { gone.append(url) }
            }
            return gone
        }
    }

    /// The ids of documents quarantined by an older parser, for a new try.
    public func quarantinedBefore(version: Int) throws -> [Int64] {
        try pool.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT rowid FROM document WHERE quarantine_reason IS NOT NULL AND quarantine_parser < ? ORDER BY rowid
                    """, arguments: [version])
        }
    }

    /// The URLs of documents whose report was read by an older parser, for
    /// a re-parse of the kept bytes.
    public func documentsParsedBefore(version: Int) throws -> [(url: String, source: String)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.url, d.source FROM document d JOIN report r ON r.id = d.report_id
                    WHERE r.parser_version < ? AND r.superseded_by IS NULL AND d.bytes IS NOT NULL ORDER BY d.url
                    """, arguments: [version]
            ).map { ($0["url"], $0["source"]) }
        }
    }
}

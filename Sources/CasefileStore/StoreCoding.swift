import CasefileModel
import Foundation
import GRDB

/// How rows become values and back: shared by every part of the store.
enum StoreCoding {
    /// Outbox rows with their changes, in the rows' order.
    static func deliveries(_ db: Database, _ rows: [OutboxRow]) throws -> [Delivery] {
        let records = Dictionary(
            try changeRecords(db, seqs: Array(Set(rows.map(\.changeSeq)))).map { ($0.seq, $0) },
            uniquingKeysWith: { a, _ in a })
        return try rows.map { row in
            guard let id = row.id, let change = records[row.changeSeq] else {
                throw StoreError(.corrupt, "outbox row for change \(row.changeSeq) has no change")
            }
            return Delivery(id: id, channel: row.channel, change: change, attempts: row.attempts)
        }
    }

    static func requireOutbox(_ db: Database, id: Int64) throws {
        guard try OutboxRow.exists(db, key: id) else {
            throw StoreError(.notFound, "no outbox row \(id)")
        }
    }

    /// Grades by report id, keyed by area raw value. Read column by column
    /// (no record decoding): a history page asks for a hundred reports'.
    static func grades(_ db: Database, reportIDs: [Int64]) throws -> [Int64: [String: Grade]] {
        guard !reportIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: reportIDs.count).joined(separator: ",")
        var out: [Int64: [String: Grade]] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT report_id, area, grade FROM judgement WHERE report_id IN (\(marks))",
            arguments: StatementArguments(reportIDs))
        while let row = try rows.next() {
            out[row[0], default: [:]][row[1]] = try enumValue(row[2]) as Grade
        }
        return out
    }

    static let changeSelect = """
        SELECT c.seq, c.id, c.kind, c.at, c.payload, c.authority_slug, a.name AS authority_name,
               r.id AS r_id, r.framework AS r_framework, r.start AS r_start, r."end" AS r_end, r.document_url AS r_url,
               p.id AS p_id, p.framework AS p_framework, p.start AS p_start, p."end" AS p_end, p.document_url AS p_url
        FROM "change" c
        JOIN authority a ON a.slug = c.authority_slug
        JOIN report r INDEXED BY report_ref ON r.id = c.report_id
        LEFT JOIN report p INDEXED BY report_ref ON p.id = c.previous_report_id
        """

    static func changeRecords(_ db: Database, seqs: [Int64]) throws -> [ChangeRecord] {
        guard !seqs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: seqs.count).joined(separator: ", ")
        return try changeRecords(db, sql: changeSelect + " WHERE c.seq IN (\(marks)) ORDER BY c.seq", arguments: StatementArguments(seqs))
    }

    /// The changes `sql` (`changeSelect` and its clauses) selects. Columns
    /// are read by position, in `changeSelect`'s order, and the payload is
    /// decoded only when it says something: a page of the log is read often.
    static func changeRecords(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ChangeRecord] {
        var out: [ChangeRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let payload = try ChangePayload.read(row[4])
            let previous: ReportRef?
            if let pid: Int64 = row[12] {
                previous = ReportRef(id: pid, framework: try enumValue(row[13]), inspection: try span(row[14], row[15]), url: row[16])
            } else {
                previous = nil
            }
            out.append(
                ChangeRecord(
                    seq: row[0], id: row[1], kind: try enumValue(row[2]), at: row[3],
                    authority: Authority(name: row[6], slug: row[5]),
                    report: ReportRef(id: row[7], framework: try enumValue(row[8]), inspection: try span(row[9], row[10]), url: row[11]),
                    grades: payload.grades, previous: previous, fields: payload.fields))
        }
        return out
    }

    static func sourceState(_ row: SourceStateRow) -> SourceState {
        SourceState(
            name: row.name, lastSuccess: row.lastSuccess.flatMap(Timestamp.date), lastError: row.lastError,
            lastErrorAt: row.lastErrorAt.flatMap(Timestamp.date),
            consecutiveFailures: row.consecutiveFailures, documents: row.documents,
            firstSyncDone: row.firstSyncDone, nextDue: row.nextDue.flatMap(Timestamp.date),
            scheduleKey: row.scheduleKey, lastWarning: row.lastWarning)
    }

    static func enumValue<E: RawRepresentable>(_ raw: String) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else { throw StoreError(.corrupt, "unknown \(E.self) \(raw) in the store") }
        return value
    }

    static func span(_ start: String, _ end: String) throws -> DateSpan {
        guard let s = date(start), let e = date(end) else {
            throw StoreError(.corrupt, "bad inspection dates \(start)…\(end) in the store")
        }
        return DateSpan(start: s, end: e)
    }

    /// A stored `YYYY-MM-DD` (the schema's GLOB keeps it so), read from its
    /// bytes: every row of every page has two.
    static func date(_ iso: String) -> LocalDate? {
        var iso = iso
        return iso.withUTF8 { b -> LocalDate? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var n = 0
                for i in range {
                    guard (48...57).contains(b[i]) else { return nil }
                    n = n * 10 + Int(b[i] - 48)
                }
                return n
            }
            guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
            return LocalDate(year: y, month: m, day: d)
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeReport(_ json: String) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(json.utf8))
    }
}

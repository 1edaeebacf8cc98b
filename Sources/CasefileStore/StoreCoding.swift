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

    /// Grades by report id, keyed by area raw value.
    static func grades(_ db: Database, reportIDs: [Int64]) throws -> [Int64: [String: Grade]] {
        guard !reportIDs.isEmpty else { return [:] }
        var out: [Int64: [String: Grade]] = [:]
        for j in try JudgementRow.filter(reportIDs.contains(Column("report_id"))).fetchAll(db) {
            out[j.reportId, default: [:]][j.area.rawValue] = j.grade
        }
        return out
    }

    static let changeSelect = """
        SELECT c.seq, c.id, c.kind, c.at, c.payload, c.authority_slug, a.name AS authority_name,
               r.id AS r_id, r.framework AS r_framework, r.start AS r_start, r."end" AS r_end, r.document_url AS r_url,
               p.id AS p_id, p.framework AS p_framework, p.start AS p_start, p."end" AS p_end, p.document_url AS p_url
        FROM "change" c
        JOIN authority a ON a.slug = c.authority_slug
        JOIN report r ON r.id = c.report_id
        LEFT JOIN report p ON p.id = c.previous_report_id
        """

    static func changeRecords(_ db: Database, seqs: [Int64]) throws -> [ChangeRecord] {
        guard !seqs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: seqs.count).joined(separator: ", ")
        return try Row.fetchAll(db, sql: changeSelect + " WHERE c.seq IN (\(marks)) ORDER BY c.seq",
                                arguments: StatementArguments(seqs)).map(changeRecord)
    }

    static func changeRecord(_ row: Row) throws -> ChangeRecord {
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

    static func sourceState(_ row: SourceStateRow) -> SourceState {
        SourceState(name: row.name, lastSuccess: row.lastSuccess.flatMap(Timestamp.date), lastError: row.lastError,
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
        guard let s = LocalDate(iso: start), let e = LocalDate(iso: end) else {
            throw StoreError(.corrupt, "bad inspection dates \(start)…\(end) in the store")
        }
        return DateSpan(start: s, end: e)
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

import CasefileModel
import Foundation
import GRDB

// One record type per table (STYLE.md): NOT NULL columns are non-optional
// properties. Column names are the properties in snake_case. Enumerations are
// the model's own String-backed enums, stored as their raw values (the schema
// checks them too). Timestamps are `Timestamp` strings.

/// Shared GRDB settings of every row type.
protocol StoreRecord: Codable, FetchableRecord, PersistableRecord {}

extension StoreRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// Shared GRDB settings of the row types whose id SQLite assigns.
protocol StoreMutableRecord: Codable, FetchableRecord, MutablePersistableRecord {}

extension StoreMutableRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

struct AuthorityRow: StoreRecord {
    static let databaseTableName = "authority"
    var slug: String
    var name: String
}

struct DocumentRow: StoreRecord {
    static let databaseTableName = "document"
    enum Status: String, Codable { case ingested, notModified = "not_modified", failed }
    var url: String
    var source: String
    var bytes: Data?
    var bytesHash: String?
    var contentType: String?
    var etag: String?
    var lastModified: String?
    var fetchedAt: String?
    var lastAttemptAt: String
    var lastStatus: Status
    var lastError: String?
    var reportId: Int64?
}

struct ReportRow: StoreMutableRecord {
    static let databaseTableName = "report"
    var id: Int64?
    var authoritySlug: String
    var documentUrl: String
    var framework: Framework
    var kind: InspectionKind?
    var start: String
    var end: String
    var leadInspector: String?
    var contentHash: String
    var parserVersion: Int
    var reportJson: String
    var createdAt: String
    var supersededBy: Int64?
    var withdrawnAt: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct JudgementRow: StoreRecord {
    static let databaseTableName = "judgement"
    var reportId: Int64
    var area: Area
    var grade: Grade
    var title: String
}

struct ImprovementRow: StoreRecord {
    static let databaseTableName = "improvement"
    var reportId: Int64
    var position: Int
    var text: String
}

struct ParagraphRow: StoreRecord {
    static let databaseTableName = "paragraph"
    var reportId: Int64
    var position: Int
    var section: String
    var number: Int
    var text: String
}

struct ChangeRow: StoreMutableRecord {
    static let databaseTableName = "change"
    var seq: Int64?
    var id: String
    var kind: ChangeKind
    var at: String
    var authoritySlug: String
    var reportId: Int64
    var previousReportId: Int64?
    var payload: String

    mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

struct OutboxRow: StoreMutableRecord {
    static let databaseTableName = "outbox"
    enum State: String, Codable { case pending, delivered, failed, orphaned }
    var id: Int64?
    var changeSeq: Int64
    var channel: String
    var state: State
    var attempts: Int
    var nextAttemptAt: String?
    var lastAttemptAt: String?
    var lastError: String?
    var deliveredAt: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct SourceStateRow: StoreRecord {
    static let databaseTableName = "source_state"
    var name: String
    var lastSuccess: String?
    var lastError: String?
    var lastErrorAt: String?
    var consecutiveFailures: Int
    var documents: Int
    var firstSyncDone: Bool
    var nextDue: String?
    var scheduleKey: String?
    var lastWarning: String?
}

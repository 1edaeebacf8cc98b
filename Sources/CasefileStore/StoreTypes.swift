import CasefileDigest
import CasefileModel
import Foundation

/// What the store knows of a document before fetching it again: the
/// validators for a conditional GET and the hash of the bytes on file.
public struct DocumentState: Sendable, Hashable {
    public var url: String
    public var etag: String?
    public var lastModified: String?
    public var bytesHash: String?
    /// The current report parsed from this document, if any.
    public var reportID: Int64?
    /// Why the last fetch, extraction or parse failed; nil once one succeeds.
    public var lastError: String?
    /// Set while the document is quarantined: the hash of the bytes that
    /// failed and the parser version they failed with.
    public var quarantineHash: String?
    public var quarantineParser: Int?

    public init(
        url: String, etag: String?, lastModified: String?, bytesHash: String?, reportID: Int64?, lastError: String?,
        quarantineHash: String? = nil, quarantineParser: Int? = nil
    ) {
        self.quarantineHash = quarantineHash
        self.quarantineParser = quarantineParser
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.bytesHash = bytesHash
        self.reportID = reportID
        self.lastError = lastError
    }
}

/// A fetched document, as the store keeps it.
public struct IngestDocument: Sendable {
    public var url: String
    /// The configured source's name.
    public var source: String
    public var bytes: [UInt8]
    /// `sha256:<hex>` of `bytes`: how a later fetch of the same bytes is
    /// recognised without a parse.
    public var bytesHash: String
    public var contentType: String?
    public var etag: String?
    public var lastModified: String?

    /// `bytesHash` is computed when not given (a caller that hashed the
    /// bytes already passes it, so a document is hashed once).
    public init(
        url: String, source: String, bytes: [UInt8], bytesHash: String? = nil, contentType: String? = nil,
        etag: String? = nil, lastModified: String? = nil
    ) {
        self.url = url
        self.source = source
        self.bytes = bytes
        self.bytesHash = bytesHash ?? SHA256.tagged(bytes)
        self.contentType = contentType
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// One row of `grades --json`: an authority's latest graded inspection.
public struct AuthorityGrades: Sendable, Hashable, Codable {
    public var authority: Authority
    public var framework: Framework
    public var inspection: DateSpan
    public var reportID: Int64
    /// Keyed by the area's raw value (`overall`, `help_and_protection`, …).
    public var grades: [String: Grade]
    /// The areas (raw values, in table order) the report should have judged
    /// and did not give: empty for a complete report.
    public var missing: [String]

    public init(
        authority: Authority, framework: Framework, inspection: DateSpan, reportID: Int64, grades: [String: Grade],
        missing: [String] = []
    ) {
        self.authority = authority
        self.framework = framework
        self.inspection = inspection
        self.reportID = reportID
        self.grades = grades
        self.missing = missing
    }
}

/// One report of `history SLUG --json`.
public struct HistoryEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var framework: Framework
    public var kind: InspectionKind?
    public var inspection: DateSpan
    /// Keyed by the area's raw value; empty for a report with no grades.
    public var grades: [String: Grade]
    /// The document the report was fetched from.
    public var url: String
    /// Grades of an earlier inspection this report states that no report on
    /// file gives (no current graded report of the authority in that year
    /// with that area): stated, not inspected here.
    public var statedPrevious: [StatedGrade]

    public init(
        id: Int64, framework: Framework, kind: InspectionKind?, inspection: DateSpan, grades: [String: Grade], url: String,
        statedPrevious: [StatedGrade] = []
    ) {
        self.statedPrevious = statedPrevious
        self.id = id
        self.framework = framework
        self.kind = kind
        self.inspection = inspection
        self.grades = grades
        self.url = url
    }
}

/// One page of an authority's history (`CasefileStore.historyPage`).
public struct HistoryPage: Sendable, Hashable {
    public var authority: Authority
    /// Oldest inspection first.
    public var reports: [HistoryEntry]
    /// The last report's id, to pass as `after` for the next page; nil when
    /// no report follows this page.
    public var next: Int64?

    public init(authority: Authority, reports: [HistoryEntry], next: Int64?) {
        self.authority = authority
        self.reports = reports
        self.next = next
    }
}

/// Row counts for `status`. `reports` counts current versions only.
public struct StoreCounts: Sendable, Codable, Hashable {
    public var reports: Int
    public var documents: Int
    public var authorities: Int
    public var changes: Int
    /// Current reports that give fewer judgements than their framework
    /// requires (`Report.incomplete`).
    public var incomplete: Int

    public init(reports: Int, documents: Int, authorities: Int, changes: Int, incomplete: Int = 0) {
        self.reports = reports
        self.documents = documents
        self.authorities = authorities
        self.changes = changes
        self.incomplete = incomplete
    }
}

/// A configured source's fetch record, for `sources` and the first-sync rule.
public struct SourceState: Sendable, Hashable {
    public var name: String
    public var lastSuccess: Date?
    /// The last failure's reason. Kept after a later success, so that the
    /// last error stays visible; compare `lastErrorAt` with `lastSuccess`.
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Failures since the last success.
    public var consecutiveFailures: Int
    /// Documents the last successful sync listed.
    public var documents: Int
    /// A sync has succeeded once: from then on its changes are announced.
    public var firstSyncDone: Bool
    /// When it is due next, as last scheduled, and for which settings.
    public var nextDue: Date?
    public var scheduleKey: String?
    /// What the last successful sync found odd (a crawl that stopped short).
    public var lastWarning: String?

    public init(
        name: String, lastSuccess: Date?, lastError: String?, lastErrorAt: Date?, consecutiveFailures: Int, documents: Int,
        firstSyncDone: Bool, nextDue: Date? = nil, scheduleKey: String? = nil, lastWarning: String? = nil
    ) {
        self.name = name
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.consecutiveFailures = consecutiveFailures
        self.documents = documents
        self.firstSyncDone = firstSyncDone
        self.nextDue = nextDue
        self.scheduleKey = scheduleKey
        self.lastWarning = lastWarning
    }
}

/// One pending outbox row: a change to deliver to one channel.
public struct Delivery: Sendable, Hashable {
    /// The outbox row id, for `markDelivered` / `markDeliveryFailed`.
    public var id: Int64
    public var channel: String
    public var change: ChangeRecord
    /// Attempts made before this one.
    public var attempts: Int

    public init(id: Int64, channel: String, change: ChangeRecord, attempts: Int) {
        self.id = id
        self.channel = channel
        self.change = change
        self.attempts = attempts
    }
}

/// An error of the store itself (GRDB's `DatabaseError` passes through as is).
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The folder that should hold the database file does not exist.
        case folderMissing
        /// No row with the id given.
        case notFound
        /// A stored value the code cannot read back.
        case corrupt
        /// An argument the store refuses (a negative limit, an empty name).
        case invalidArgument
        /// The file fails SQLite's integrity check.
        case damaged
    }

    /// How to recover from a damaged store: what the README says too.
    public static func damagedAdvice(path: String) -> String { recovery(path: path) }

    static func recovery(path: String) -> String {
        "stop casefiled; move \(path) (and its -wal and -shm files) aside; copy a backup made with "
            + "`casefilectl backup` in its place, or start with no store and let the next sync fetch every report "
            + "again (the first sync then announces nothing); see README, What happens when things go wrong"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// One outbox row as `casefilectl notifications` lists it.
public struct DeliveryInfo: Sendable, Hashable {
    public var id: Int64
    public var channel: String
    /// `pending`, `delivered` or `failed`.
    public var state: String
    public var attempts: Int
    public var changeSeq: Int64
    public var changeID: String
    public var kind: ChangeKind
    public var authority: String
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var lastError: String?
    public var deliveredAt: Date?
}

/// A quarantined document: its extraction or parse failed, and it is not
/// read again until its bytes or the parser change (docs/SANDBOX.md).
public struct QuarantinedDocument: Sendable, Equatable {
    /// The document's row id: what `casefilectl reparse --document` takes.
    public var id: Int64
    public var url: String
    public var source: String
    public var reason: String
    public var since: Date
    public var parserVersion: Int

    public init(id: Int64, url: String, source: String, reason: String, since: Date, parserVersion: Int) {
        self.id = id
        self.url = url
        self.source = source
        self.reason = reason
        self.since = since
        self.parserVersion = parserVersion
    }
}

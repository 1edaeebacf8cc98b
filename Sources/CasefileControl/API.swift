import CasefileModel

/// The control API's wire types: what the daemon sends over its Unix socket
/// and what `casefilectl --json` prints. Fields are added, never renamed
/// (docs/API.md).
public enum ControlAPI {
    /// Every path starts here; a breaking change would get `/v2`.
    public static let prefix = "/v1"
    public static let version = "0.1.0"
}

/// `GET /v1/status`
public struct StatusResponse: Codable, Sendable, Equatable {
    public var version: String
    /// Seconds since the daemon started.
    public var uptime: Int
    /// Path of the SQLite store.
    public var store: String
    public var reports: Int
    public var documents: Int
    public var authorities: Int
    public var changes: Int
    /// Current reports that give fewer judgements than their framework
    /// requires (`incomplete` in `show`): what the parser could not read.
    /// Always sent; optional so that a newer client still reads an older daemon.
    public var incomplete: Int?
    /// When the last sync of any source finished (ISO 8601 UTC), if any.
    public var lastSync: String?
    /// When the next scheduled sync is due.
    public var nextSync: String?
    public var paused: Bool
    public var pendingNotifications: Int
    /// The config file in use.
    public var config: String?
    /// Why the last reload was refused (the previous config still runs); nil after a good one.
    public var reloadError: String?
    /// Set while the store cannot be written or read (syncing stops until
    /// it can): what is wrong and what to do. The counts are then the last
    /// ones read.
    public var storeProblem: StoreProblemInfo?
    /// The `[publish]` folder and how its last writing went; nil when the
    /// config publishes nothing.
    public var publish: PublishInfo?
    /// Documents quarantined (see `sources` for which and why).
    public var quarantined: Int?

    public init(
        version: String, uptime: Int, store: String, reports: Int, documents: Int, authorities: Int, changes: Int,
        lastSync: String?, nextSync: String?, paused: Bool, pendingNotifications: Int, config: String? = nil,
        reloadError: String? = nil, storeProblem: StoreProblemInfo? = nil, publish: PublishInfo? = nil, incomplete: Int? = 0,
        quarantined: Int? = nil
    ) {
        self.incomplete = incomplete
        self.publish = publish
        self.quarantined = quarantined
        self.config = config
        self.reloadError = reloadError
        self.storeProblem = storeProblem
        self.version = version
        self.uptime = uptime
        self.store = store
        self.reports = reports
        self.documents = documents
        self.authorities = authorities
        self.changes = changes
        self.lastSync = lastSync
        self.nextSync = nextSync
        self.paused = paused
        self.pendingNotifications = pendingNotifications
    }
}

/// What is wrong with the store, and what an operator can do about it.
public struct StoreProblemInfo: Codable, Sendable, Equatable {
    public var message: String
    public var advice: String
    /// Since when (ISO 8601 UTC).
    public var since: String

    public init(message: String, advice: String, since: String) {
        self.message = message
        self.advice = advice
        self.since = since
    }
}

/// The published folder (`[publish]`): the page, the grades export and the
/// feed, rewritten after each sync that changed something.
public struct PublishInfo: Codable, Sendable, Equatable {
    /// The folder written to.
    public var folder: String
    /// When the files were last written whole (ISO 8601 UTC); nil before the first time.
    public var lastPublished: String?
    /// Why the last attempt failed; nil once an attempt succeeds.
    public var lastError: String?
    /// When it failed (ISO 8601 UTC).
    public var lastErrorAt: String?

    public init(folder: String, lastPublished: String?, lastError: String?, lastErrorAt: String?) {
        self.folder = folder
        self.lastPublished = lastPublished
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}

/// One configured source and how it is doing.
public struct SourceInfo: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var url: String
    public var lastSuccess: String?
    public var lastError: String?
    public var lastErrorAt: String?
    public var consecutiveFailures: Int
    public var documents: Int
    public var nextDue: String?
    /// What the last successful sync found odd but not wrong: a crawl that
    /// stopped at `max_depth` with links unread (how many, an example).
    public var warning: String?
    /// The source's quarantined documents (absent when none): their
    /// extraction or parse failed, and they are not fetched or read again
    /// until their bytes or the parser change (docs/SANDBOX.md).
    public var quarantined: [QuarantineInfo]?

    public init(
        name: String, kind: String, url: String, lastSuccess: String?, lastError: String?, lastErrorAt: String?,
        consecutiveFailures: Int, documents: Int, nextDue: String?, warning: String? = nil, quarantined: [QuarantineInfo]? = nil
    ) {
        self.warning = warning
        self.quarantined = quarantined
        self.name = name
        self.kind = kind
        self.url = url
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.consecutiveFailures = consecutiveFailures
        self.documents = documents
        self.nextDue = nextDue
    }
}

/// A quarantined document, in `sources`.
public struct QuarantineInfo: Codable, Sendable, Equatable {
    /// What `casefilectl reparse --document` takes.
    public var id: Int64
    public var url: String
    /// Why: `extraction timed out after 60s`, `extractor crashed (signal 31)`, …
    public var reason: String
    /// Since when (ISO 8601 UTC).
    public var since: String
    /// The parser version it failed with: a newer parser tries it again.
    public var parserVersion: Int

    public init(id: Int64, url: String, reason: String, since: String, parserVersion: Int) {
        self.id = id
        self.url = url
        self.reason = reason
        self.since = since
        self.parserVersion = parserVersion
    }
}

/// `GET /v1/sources`
public struct SourcesResponse: Codable, Sendable, Equatable {
    public var sources: [SourceInfo]
    /// Set while the store cannot take writes: no source is synced until it
    /// can (the same as `status`'s).
    public var storeProblem: StoreProblemInfo?
    public init(sources: [SourceInfo], storeProblem: StoreProblemInfo? = nil) {
        self.sources = sources
        self.storeProblem = storeProblem
    }
}

/// `GET /v1/changes?since=SEQ&limit=N&authority=SLUG&kind=KIND`
public struct ChangesResponse: Codable, Sendable, Equatable {
    public var changes: [ChangeRecord]
    /// Pass as `since` to get what comes after these.
    public var next: Int64
    /// Whether more changes followed this page when it was read (absent
    /// from a daemon older than the field).
    public var more: Bool?
    public init(changes: [ChangeRecord], next: Int64, more: Bool? = nil) {
        self.changes = changes
        self.next = next
        self.more = more
    }
}

/// One authority's latest graded inspection.
public struct AuthorityGradesInfo: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var framework: Framework
    public var inspection: DateSpan
    /// Area key → grade.
    public var grades: [String: Grade]
    public var report: Int64
    /// The areas (keys as in `grades`) this report should have judged and
    /// did not give: the report is incomplete. Empty for a complete report.
    /// Always sent; optional so that a newer client still reads an older daemon.
    public var missing: [String]?

    public init(
        slug: String, name: String, framework: Framework, inspection: DateSpan, grades: [String: Grade], report: Int64,
        missing: [String]? = []
    ) {
        self.missing = missing
        self.slug = slug
        self.name = name
        self.framework = framework
        self.inspection = inspection
        self.grades = grades
        self.report = report
    }
}

/// `GET /v1/grades`
public struct GradesResponse: Codable, Sendable, Equatable {
    public var authorities: [AuthorityGradesInfo]
    public init(authorities: [AuthorityGradesInfo]) { self.authorities = authorities }
}

/// One report in an authority's history.
public struct HistoryReport: Codable, Sendable, Equatable {
    public var id: Int64
    public var framework: Framework
    public var kind: InspectionKind?
    public var inspection: DateSpan
    public var grades: [String: Grade]
    public var url: String?
    /// Grades of an earlier inspection that this report's text states and
    /// that no report on file gives (no graded report of that year with that
    /// area): stated, not inspected here. Absent when there are none (a
    /// history page of a large authority is mostly such reports).
    public var statedPrevious: [StatedGrade]?

    public init(
        id: Int64, framework: Framework, kind: InspectionKind?, inspection: DateSpan, grades: [String: Grade], url: String?,
        statedPrevious: [StatedGrade]? = nil
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

/// `GET /v1/authorities/SLUG/history?limit=N&cursor=C`: oldest first, a
/// page at a time.
public struct HistoryResponse: Codable, Sendable, Equatable {
    public var authority: Authority
    public var reports: [HistoryReport]
    /// Pass as `cursor` to get the reports after these; absent on the last
    /// page. Opaque: a client passes it back as it came.
    public var next: String?
    public init(authority: Authority, reports: [HistoryReport], next: String? = nil) {
        self.authority = authority
        self.reports = reports
        self.next = next
    }
}

/// `GET /v1/authorities/SLUG`: the authority's newest report in full.
public struct ShowResponse: Codable, Sendable, Equatable {
    public var authority: Authority
    public var reportID: Int64?
    public var report: Report?
    public init(authority: Authority, reportID: Int64?, report: Report?) {
        self.authority = authority
        self.reportID = reportID
        self.report = report
    }
}

/// `POST /v1/sync?source=NAME&wait=true`
public struct SyncResponse: Codable, Sendable, Equatable {
    public var fetched: Int
    public var notModified: Int
    public var parsed: Int
    public var failed: Int
    public var changes: Int
    /// Per-source failures: "source: url: reason".
    public var errors: [String]

    public init(fetched: Int = 0, notModified: Int = 0, parsed: Int = 0, failed: Int = 0, changes: Int = 0, errors: [String] = []) {
        self.fetched = fetched
        self.notModified = notModified
        self.parsed = parsed
        self.failed = failed
        self.changes = changes
        self.errors = errors
    }

    public static func + (a: SyncResponse, b: SyncResponse) -> SyncResponse {
        SyncResponse(
            fetched: a.fetched + b.fetched, notModified: a.notModified + b.notModified, parsed: a.parsed + b.parsed,
            failed: a.failed + b.failed, changes: a.changes + b.changes, errors: a.errors + b.errors)
    }
}

/// One line of `POST /v1/sync?wait=true&progress=true` (newline-delimited
/// JSON): progress while the sync runs, then the summary as `result`.
public struct SyncProgress: Codable, Sendable, Equatable {
    /// The source being synced.
    public var source: String
    /// Documents it lists.
    public var found: Int
    /// Counters so far, over every source of this sync.
    public var done: SyncResponse

    public init(source: String, found: Int, done: SyncResponse) {
        self.source = source
        self.found = found
        self.done = done
    }
}

/// A line of the progress stream: progress, or the final result.
public struct SyncStreamLine: Codable, Sendable, Equatable {
    public var progress: SyncProgress?
    public var result: SyncResponse?
    public var error: APIErrorBody.Detail?

    public init(progress: SyncProgress? = nil, result: SyncResponse? = nil, error: APIErrorBody.Detail? = nil) {
        self.progress = progress
        self.result = result
        self.error = error
    }
}

/// `POST /v1/sync` without `wait`: the sync was queued.
public struct AcceptedResponse: Codable, Sendable, Equatable {
    public var accepted: Bool
    public var message: String
    public init(accepted: Bool, message: String) {
        self.accepted = accepted
        self.message = message
    }
}

/// `POST /v1/reload`: the config was re-read (or refused, and the old one kept).
public struct ReloadResponse: Codable, Sendable, Equatable {
    public var reloaded: Bool
    public var file: String
    public var sources: Int
    public var notifiers: Int
    public var message: String

    public init(reloaded: Bool, file: String, sources: Int, notifiers: Int, message: String) {
        self.reloaded = reloaded
        self.file = file
        self.sources = sources
        self.notifiers = notifiers
        self.message = message
    }
}

/// `POST /v1/reparse`: stored documents read by an older parser, read again
/// from their kept bytes.
public struct ReparseResponse: Codable, Sendable, Equatable {
    public var documents: Int
    public var reparsed: Int
    public var revised: Int
    public var failed: Int
    public var errors: [String]

    public init(documents: Int = 0, reparsed: Int = 0, revised: Int = 0, failed: Int = 0, errors: [String] = []) {
        self.documents = documents
        self.reparsed = reparsed
        self.revised = revised
        self.failed = failed
        self.errors = errors
    }
}

/// `POST /v1/pause` and `/v1/resume`.
public struct PauseResponse: Codable, Sendable, Equatable {
    public var paused: Bool
    public init(paused: Bool) { self.paused = paused }
}

/// Every error the API answers: `{"error": {"code": "...", "message": "..."}}`.
public struct APIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
        /// Stable, machine-readable: `not_found`, `bad_request`, `forbidden`, `internal`, `unavailable`,
        /// `invalid_config`.
        public var code: String
        public var message: String

        /// The HTTP status the API answers this code with. An error that comes
        /// as a line of a streamed answer (the stream's 200 was already sent)
        /// is reported with it.
        public var status: Int {
            switch code {
            case "bad_request": return 400
            case "forbidden": return 403
            case "not_found": return 404
            case "invalid_config": return 422
            case "unavailable": return 503
            default: return 500
            }
        }
    }
    public var error: Detail

    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }
}

/// `GET /v1/notifications`: every pending and failed delivery, and the
/// latest delivered ones.
public struct NotificationsResponse: Codable, Sendable, Equatable {
    public var deliveries: [DeliveryEntry]
    public init(deliveries: [DeliveryEntry]) { self.deliveries = deliveries }
}

/// One outbox row: a change for one channel.
public struct DeliveryEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var channel: String
    /// `pending`, `delivered` or `failed` (parked after max_attempts).
    public var state: String
    public var attempts: Int
    public var change: String
    public var seq: Int64
    public var kind: ChangeKind
    public var authority: String
    public var nextAttempt: String?
    public var lastAttempt: String?
    public var lastError: String?
    public var delivered: String?

    public init(
        id: Int64, channel: String, state: String, attempts: Int, change: String, seq: Int64, kind: ChangeKind,
        authority: String, nextAttempt: String?, lastAttempt: String?, lastError: String?, delivered: String?
    ) {
        self.id = id
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.change = change
        self.seq = seq
        self.kind = kind
        self.authority = authority
        self.nextAttempt = nextAttempt
        self.lastAttempt = lastAttempt
        self.lastError = lastError
        self.delivered = delivered
    }
}

/// `POST /v1/notifications/retry[?id=N]`: how many failed deliveries were queued again.
public struct RetryResponse: Codable, Sendable, Equatable {
    public var retried: Int
    public init(retried: Int) { self.retried = retried }
}

import CasefileFetch
import CasefileModel
import Foundation

/// Lists a source and fetches its documents. `Fetcher` is the real one;
/// tests use a fake.
public protocol SourceReading: Sendable {
    func listing(_ source: SourceSpec) async throws(FetchError) -> SourceListing
    /// Fetches every request, calling `body` with each outcome as it comes.
    func fetchEach(_ requests: [FetchRequest], _ body: @Sendable (FetchOutcome) async -> Void) async
}

extension Fetcher: SourceReading {}

/// Turns a document's bytes into a report. The daemon's reader extracts
/// (PDF, HTML, text) and parses; tests use a fake.
public protocol DocumentReading: Sendable {
    /// The parser's version: a report read by an older one is read again
    /// from its kept bytes.
    var parserVersion: Int { get }
    func read(_ bytes: [UInt8]) async throws(DocumentReadError) -> Report
    /// The name an authority is filed under (the authority list's), when known.
    func authorityName(slug: String) -> String?
}

/// Why a document's bytes gave no report: said in `sources` and the log.
public struct DocumentReadError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    /// Whether the document is quarantined for it (not read again until its
    /// bytes or the parser change): true for what the bytes caused (a
    /// refusal, a timeout, a crash, a limit), false for what they did not
    /// (no extraction helper could be started).
    public var quarantine: Bool
    public init(_ reason: String, quarantine: Bool = true) {
        self.reason = reason
        self.quarantine = quarantine
    }
    public var description: String { reason }
}

/// What the scheduler runs, as the config file says it (the daemon's
/// ConfigBindings.swift makes it).
public struct SyncSettings: Sendable, Equatable {
    public var sources: [ScheduledSource]
    public var fetch: FetchSettings
    /// Whether a source's first sync announces what it records.
    public var notifyInitialSync: Bool
    /// Which channels hear of which changes.
    public var announcer: Announcer
    /// Documents read (extracted and parsed) at once.
    public var readers: Int

    public init(
        sources: [ScheduledSource], fetch: FetchSettings, notifyInitialSync: Bool, announcer: Announcer,
        readers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.sources = sources
        self.fetch = fetch
        self.notifyInitialSync = notifyInitialSync
        self.announcer = announcer
        self.readers = readers
    }
}

/// One source and how often it is synced.
public struct ScheduledSource: Sendable, Equatable {
    public var spec: SourceSpec
    public var interval: Duration
    public var name: String { spec.name }

    public init(spec: SourceSpec, interval: Duration) {
        self.spec = spec
        self.interval = interval
    }
}

import CasefileControl
import CasefileDigest
import CasefileFetch
import CasefileModel
import CasefileNotify
import CasefileParse
import CasefileStore
import Foundation
import Logging
import ServiceLifecycle

/// The sync scheduler: each source on its own interval, one sync at a time,
/// and manual syncs from the control API in between.
///
/// A document goes fetch → extract → parse → store; whatever fails on the way
/// is recorded against the document and the source, and nothing else is
/// written: no report row, no change, no notification.
public actor SyncService: Service {
    private var settings: SyncSettings
    private let store: CasefileStore
    private let parser: ReportParser
    private let authorities: AuthorityDirectory
    private let outbox: OutboxWorker
    private let logger: Logger
    private var fetcher: Fetcher

    private var nextDue: [String: Date] = [:]
    private var lastSync: Date?
    private var paused = false
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var stopping = false
    private let alarm = LoopAlarm()
    /// Called after each sync with a one-line summary (for sd_notify STATUS=).
    private let onStatus: @Sendable (String) -> Void

    public init(
        settings: SyncSettings, store: CasefileStore, outbox: OutboxWorker, logger: Logger,
        parser: ReportParser = ReportParser(), authorities: AuthorityDirectory = .bundled,
        onStatus: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.settings = settings
        self.store = store
        self.outbox = outbox
        self.logger = logger
        self.parser = parser
        self.authorities = authorities
        self.fetcher = Fetcher(settings: settings.fetch)
        self.onStatus = onStatus
        let now = Date()
        for source in settings.sources { nextDue[source.name] = now }
    }

    // MARK: Service

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            Task { await self.stop() }
        }
    }

    private func stop() {
        stopping = true
        alarm.stop()
    }

    private func loop() async {
        // Reports read by an older parser are read again from their kept
        // bytes first, quietly; a manual sync meanwhile waits its turn.
        _ = await reparse()
        var waiter = alarm.makeWaiter()
        while !stopping && !Task.isCancelled {
            let now = Date()
            if !paused {
                let due = settings.sources.filter { (nextDue[$0.name] ?? now) <= now }
                if !due.isEmpty {
                    _ = await syncSources(due)
                    continue
                }
            }
            let next = paused ? nil : nextDue.values.min()
            let wait = max(0.05, min(3600, next.map { $0.timeIntervalSinceNow } ?? 3600))
            _ = await waiter.wait(seconds: wait)
        }
    }

    // MARK: What the control API asks

    /// A manual sync: every source, or the one named. Returns when done.
    public func syncNow(
        source name: String?, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws(SyncRequestError) -> SyncResponse {
        let sources: [ScheduledSource]
        if let name {
            guard let s = settings.sources.first(where: { $0.name == name }) else {
                throw SyncRequestError(message: "no source named '\(name)' (configured: \(settings.sources.map(\.name).joined(separator: ", ")))")
            }
            sources = [s]
        } else {
            sources = settings.sources
        }
        return await syncSources(sources, progress: progress)
    }

    public func sourceInfos() -> [SourceInfo] {
        let states = Dictionary(((try? store.allSourceStates()) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return settings.sources.map { s in
            let st = states[s.name]
            return SourceInfo(
                name: s.name, kind: s.spec.kind.rawValue, url: s.spec.url,
                lastSuccess: st?.lastSuccess.map(Timestamp.string), lastError: st?.lastError,
                lastErrorAt: st?.lastErrorAt.map(Timestamp.string), consecutiveFailures: st?.consecutiveFailures ?? 0,
                documents: st?.documents ?? 0, nextDue: paused ? nil : nextDue[s.name].map(Timestamp.string))
        }
    }

    public func schedule() -> (lastSync: Date?, nextSync: Date?, paused: Bool) {
        (lastSync, paused ? nil : nextDue.values.min(), paused)
    }

    public func setPaused(_ value: Bool) {
        paused = value
        alarm.wake()
    }

    /// Applies a reloaded config: sources added, removed or changed,
    /// intervals, notifiers and fetch settings. A sync in progress finishes
    /// with the old settings; the next one uses the new.
    public func apply(_ new: SyncSettings) {
        let old = settings
        settings = new
        fetcher = Fetcher(settings: new.fetch)
        let now = Date()
        var due: [String: Date] = [:]
        for source in new.sources {
            if let before = old.sources.first(where: { $0.name == source.name }), before == source, let when = nextDue[source.name] {
                due[source.name] = when
            } else {
                due[source.name] = now  // new or changed: sync it soon
            }
        }
        nextDue = due
        alarm.wake()
    }

    /// The scheduler's health for the watchdog: false when a sync has made no
    /// progress for `stall` seconds (a wedged transfer or store).
    public func isHealthy(stall: Double) -> Bool {
        !busy || Date().timeIntervalSince(lastProgress) < stall
    }

    private var lastProgress = Date()

    // MARK: Syncing

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    private func syncSources(_ sources: [ScheduledSource], progress: (@Sendable (SyncProgress) -> Void)? = nil) async -> SyncResponse {
        await acquire()
        defer { release() }
        lastProgress = Date()
        var total = SyncResponse()
        for source in sources {
            total = total + (await syncSource(source, progress: progress, before: total))
            // A source that keeps failing waits longer (and says so in
            // `sources`); the jitter keeps a fleet of daemons apart.
            let failures = (try? store.sourceState(name: source.name))?.consecutiveFailures ?? 0
            nextDue[source.name] = Schedule.nextDue(after: failures, interval: source.interval, now: Date())
        }
        lastSync = Date()
        if total.changes > 0 { outbox.wake() }
        let counts = try? store.counts()
        var line = "synced \(sources.count) source\(sources.count == 1 ? "" : "s"), \(counts?.reports ?? 0) reports, \(total.changes) new changes"
        if !paused, let next = nextDue.values.min() { line += ", next sync \(Self.clock(next))" }
        onStatus(line)
        return total
    }

    /// "14:05", local time, for STATUS= lines.
    static func clock(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var tm = tm()
        localtime_r(&t, &tm)
        return String(format: "%02d:%02d", tm.tm_hour, tm.tm_min)
    }

    /// One document through extract → parse → store. Used by the sync and
    /// by a re-parse of kept bytes (`quiet`: recorded, never announced).
    func process(
        url: String, source: String, bytes: [UInt8], contentType: String?, etag: String?, lastModified: String?,
        channels: [String], channelFilters: [String: ChannelFilter], quiet: Bool = false
    ) -> Result<[ChangeRecord], ParseOrStoreError> {
        let report: Report
        do {
            // Extraction warnings (a PDF MuPDF had to repair, …) go into the report's warnings.
            report = try parser.parse(document: bytes)
        } catch {
            return .failure(.parse(error.reason))
        }
        if let why = report.unreadable {
            logger.warning("source \(source): \(url): stored as unreadable, its grades are not used: \(why)")
        }
        let name = authorities.entry(slug: report.authority.slug)?.name ?? report.authority.name
        let ingest = IngestDocument(
            url: url, source: source, bytes: bytes, contentType: contentType, etag: etag, lastModified: lastModified)
        do {
            let result = try store.ingest(
                ingest, report: report, authorityName: name, channels: channels, channelFilters: channelFilters, quiet: quiet,
                at: Date())
            return .success(result.changes)
        } catch {
            return .failure(.store("\(error)"))
        }
    }

    private func syncSource(
        _ scheduled: ScheduledSource, progress: (@Sendable (SyncProgress) -> Void)? = nil, before: SyncResponse = SyncResponse()
    ) async -> SyncResponse {
        let source = scheduled.spec
        var summary = SyncResponse()
        let listing: SourceListing
        do {
            listing = try await fetcher.listing(source)
        } catch {
            logger.error("source \(source.name): cannot list \(source.url): \(error.reason)", metadata: ["source": "\(source.name)"])
            try? store.recordSourceFailure(name: source.name, error: error.reason, at: Date())
            summary.failed += 1
            summary.errors.append("\(source.name): \(source.url): \(error.reason)")
            return summary
        }
        for failure in listing.pageFailures {
            logger.warning("source \(source.name): page \(failure.url): \(failure.reason)", metadata: ["source": "\(source.name)"])
        }
        let firstSync = !((try? store.sourceState(name: source.name))?.firstSyncDone ?? false)
        let announce = !firstSync || settings.notifyInitialSync
        if firstSync && !announce {
            logger.info("source \(source.name): first sync: changes are recorded, not announced (notify_initial_sync = false)")
        }
        let channels = announce ? settings.channels : []
        let channelFilters = settings.channelFilters

        let states = (try? store.documentStates(urls: listing.documents.map(\.url))) ?? [:]
        let requests = listing.documents.map { doc in
            doc.request(validators: states[doc.url].map { Validators(etag: $0.etag, lastModified: $0.lastModified) })
        }
        let tally = Tally()
        let found = listing.documents.count
        progress?(SyncProgress(source: source.name, found: found, done: before))
        let known = states
        await fetcher.fetchEach(requests) { outcome in
            await self.handle(outcome, source: source.name, state: known[outcome.url], channels: channels, channelFilters: channelFilters, tally: tally)
            if let progress, tally.countHandled(of: found) {
                progress(SyncProgress(source: source.name, found: found, done: before + tally.summary))
            }
        }
        summary = summary + tally.summary

        // Withdrawn: only from a complete listing, and only after two syncs in a row without the document.
        if listing.isComplete, !stopping {
            let gone = (try? store.noteListing(source: source.name, listed: listing.documents.map(\.url))) ?? []
            for url in gone {
                if let change = try? store.recordWithdrawn(url: url, channels: channels, channelFilters: channelFilters, at: Date()) {
                    summary.changes += 1
                    logger.info("report_withdrawn: \(change.authority.name): \(url) is no longer listed by \(source.name)")
                }
            }
        }
        try? store.recordSourceSuccess(name: source.name, documents: listing.documents.count, at: Date())
        logger.info(
            "source \(source.name): \(listing.documents.count) documents, \(summary.fetched) fetched, \(summary.notModified) not modified, \(summary.parsed) parsed, \(summary.failed) failed, \(summary.changes) changes")
        return summary
    }

    /// One fetch outcome; runs on the actor, one at a time.
    private func handle(
        _ outcome: FetchOutcome, source: String, state: DocumentState?, channels: [String],
        channelFilters: [String: ChannelFilter], tally: Tally
    ) {
        lastProgress = Date()
        switch outcome {
        case .notModified(let url, let etag, let lastModified):
            tally.summary.notModified += 1
            recordNotModified(url: url, source: source, state: state, etag: etag, lastModified: lastModified)
        case .failed(let failure):
            tally.summary.failed += 1
            tally.summary.errors.append("\(source): \(failure.url): \(failure.reason)")
            logger.error("source \(source): \(failure.url): \(failure.reason)", metadata: ["source": "\(source)"])
            try? store.recordDocumentFailure(url: failure.url, source: source, reason: failure.reason, at: Date())
        case .fetched(let doc):
            tally.summary.fetched += 1
            if let state, state.bytesHash == SHA256.tagged(doc.bytes), state.lastError == nil {
                // Same bytes as on file: no parse, no write beyond the validators.
                tally.summary.notModified += 1
                recordNotModified(url: doc.url, source: source, state: state, etag: doc.etag, lastModified: doc.lastModified)
                return
            }
            switch process(
                url: doc.url, source: source, bytes: doc.bytes, contentType: doc.contentType, etag: doc.etag,
                lastModified: doc.lastModified, channels: channels, channelFilters: channelFilters)
            {
            case .success(let changes):
                tally.summary.parsed += 1
                tally.summary.changes += changes.count
                for change in changes {
                    logger.info(
                        "\(change.kind.rawValue): \(change.authority.name) \(change.report.framework.rawValue) \(change.report.inspection.start)–\(change.report.inspection.end)",
                        metadata: ["seq": "\(change.seq)", "change": "\(change.id)", "source": "\(source)"])
                }
            case .failure(let error):
                tally.summary.failed += 1
                tally.summary.errors.append("\(source): \(doc.url): \(error)")
                logger.error("source \(source): \(doc.url): not stored: \(error)", metadata: ["source": "\(source)"])
                try? store.recordDocumentFailure(url: doc.url, source: source, reason: "\(error)", at: Date())
            }
        }
    }

    /// A document that did not change. Nothing is written when the store
    /// already says all there is to say: same validators, no error to
    /// clear. So a sync where nothing changed writes one row per source (its
    /// last success), not one per document, and the document rows keep the
    /// time of their last fetch with a body.
    private func recordNotModified(url: String, source: String, state: DocumentState?, etag: String?, lastModified: String?) {
        if let state, state.lastError == nil,
           etag == nil || etag == state.etag, lastModified == nil || lastModified == state.lastModified {
            return
        }
        try? store.recordNotModified(url: url, source: source, etag: etag, lastModified: lastModified, at: Date())
    }

    // MARK: Re-parse

    /// Re-parses every stored document read by an older parser, from the
    /// kept bytes: nothing is fetched, and what changes is recorded as
    /// `report_revised`, quietly (a better reading is not news).
    public func reparse() async -> ReparseResponse {
        await acquire()
        defer { release() }
        var response = ReparseResponse()
        let stale = (try? store.documentsParsedBefore(version: ReportParser.version)) ?? []
        for doc in stale {
            if stopping { break }
            lastProgress = Date()
            guard let bytes = try? store.documentBytes(url: doc.url) else { continue }
            response.documents += 1
            switch process(
                url: doc.url, source: doc.source, bytes: bytes, contentType: nil, etag: nil, lastModified: nil,
                channels: [], channelFilters: [:], quiet: true)
            {
            case .success(let changes):
                response.reparsed += 1
                response.revised += changes.filter { $0.kind == .reportRevised }.count
            case .failure(let error):
                response.failed += 1
                response.errors.append("\(doc.url): \(error)")
            }
        }
        if response.documents > 0 {
            logger.notice("re-parse with parser version \(ReportParser.version): \(response.documents) documents, \(response.revised) revised, \(response.failed) failed")
        }
        return response
    }
}

/// What the scheduler runs, as the config file says it (see ConfigBindings).
public struct SyncSettings: Sendable, Equatable {
    public var sources: [ScheduledSource]
    public var fetch: FetchSettings
    /// Whether a source's first sync announces what it records.
    public var notifyInitialSync: Bool
    /// The notification channels, by name, in config order.
    public var channels: [String]
    /// Each channel's filter; a channel not here hears every change.
    public var channelFilters: [String: ChannelFilter]
}

/// One source and how often it is synced.
public struct ScheduledSource: Sendable, Equatable {
    public var spec: SourceSpec
    public var interval: Duration
    public var name: String { spec.name }
}

/// Why a fetched document was not stored.
enum ParseOrStoreError: Error, CustomStringConvertible {
    case parse(String)
    case store(String)

    var description: String {
        switch self {
        case .parse(let why): return why
        case .store(let why): return "cannot store: \(why)"
        }
    }
}

/// A sync's counters, filled by the outcome handler, one outcome at a time.
final class Tally: @unchecked Sendable {
    var summary = SyncResponse()
    private var handled = 0
    private var lastReport: ContinuousClock.Instant?

    /// Counts one more outcome handled; true when progress is worth a line:
    /// a line per document would be thousands for a big source, so at most
    /// two a second, and the last one.
    func countHandled(of total: Int) -> Bool {
        handled += 1
        let now = ContinuousClock.now
        if handled < total, let last = lastReport, now - last < .milliseconds(500) { return false }
        lastReport = now
        return true
    }
}

/// A manual sync the daemon cannot do (an unknown source).
public struct SyncRequestError: Error, Sendable {
    public var message: String
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

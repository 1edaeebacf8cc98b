import CasefileControl
import CasefileFetch
import CasefileModel
import CasefileStore
import Foundation

extension SyncService {
    func syncSources(_ chosen: [ScheduledSource], progress: (@Sendable (SyncProgress) -> Void)? = nil) async -> SyncResponse {
        await acquire()
        defer { release() }
        heartbeat.beat()
        let settings = board.settings
        var total = SyncResponse()
        for source in chosen {
            if board.storeProblem != nil { break }
            let began = ContinuousClock.now
            let one = await syncSource(source, settings: settings, progress: progress, before: total)
            total = total + one
            onSourceSynced(source.name, one, ContinuousClock.now - began)
            // A source that keeps failing waits longer (and says so in
            // `sources`); the jitter keeps a fleet of daemons apart.
            let failures: Int
            do {
                failures = try store.sourceState(name: source.name)?.consecutiveFailures ?? 0
            } catch {
                // Without its record the source is scheduled as a healthy one.
                logger.error("source \(source.name): cannot read its record: \(error)")
                failures = 0
            }
            let next = SourceSchedule.nextDue(after: failures, interval: source.interval, now: clock.now(), jitter: random())
            board.setNextDue(source.name, next)
            recordStore("when \(source.name) is due next") {
                try store.recordNextDue(name: source.name, at: next, scheduleKey: source.scheduleKey)
            }
        }
        board.lastSync = clock.now()
        if total.changes > 0 { onChanges() }
        var line = "synced \(chosen.count) source\(chosen.count == 1 ? "" : "s")"
        do {
            line += ", \(try store.counts().reports) reports"
        } catch {
            // The status line is a courtesy; the error shows in the log.
            logger.error("cannot count the reports: \(error)")
        }
        line += ", \(total.changes) new changes"
        if let next = board.view.nextSync { line += ", next sync \(Self.clockTime(next))" }
        if let problem = board.storeProblem {
            line = "syncing stopped: \(problem.message)"
            total.errors.append("not syncing: \(problem.message); \(problem.advice)")
        }
        onStatus(line)
        return total
    }

    private func syncSource(
        _ scheduled: ScheduledSource, settings: SyncSettings, progress: (@Sendable (SyncProgress) -> Void)?,
        before: SyncResponse
    ) async -> SyncResponse {
        let source = scheduled.spec
        var summary = SyncResponse()
        let listing: SourceListing
        do {
            listing = try await sources.listing(source)
        } catch {
            heartbeat.beat()
            logger.error("source \(source.name): cannot list \(source.url): \(error.reason)", metadata: ["source": "\(source.name)"])
            recordStore("the failure of source \(source.name)") {
                try store.recordSourceFailure(name: source.name, error: error.reason, at: clock.now())
            }
            summary.failed += 1
            summary.errors.append("\(source.name): \(source.url): \(error.reason)")
            return summary
        }
        heartbeat.beat()
        for failure in listing.pageFailures {
            logger.warning("source \(source.name): page \(failure.url): \(failure.reason)", metadata: ["source": "\(source.name)"])
        }
        let firstSync: Bool
        let states: [String: DocumentState]
        do {
            firstSync = !(try store.sourceState(name: source.name)?.firstSyncDone ?? false)
            states = try store.documentStates(urls: listing.documents.map(\.url))
        } catch {
            // Without what is on file, every document would look new and be
            // announced again: sync nothing rather than announce wrongly.
            if let fault = StoreFault.of(error) { storeFailed(fault) }
            let reason = "cannot read the store: \(error)"
            logger.error("source \(source.name): \(reason)", metadata: ["source": "\(source.name)"])
            summary.failed += 1
            summary.errors.append("\(source.name): \(reason)")
            return summary
        }
        let announce = !firstSync || settings.notifyInitialSync
        if firstSync && !announce {
            logger.info("source \(source.name): first sync: changes are recorded, not announced (notify_initial_sync = false)")
        }
        let announcer = announce ? settings.announcer : .silent

        let requests = listing.documents.map { doc in
            doc.request(validators: states[doc.url].map { Validators(etag: $0.etag, lastModified: $0.lastModified) })
        }
        let tally = Tally()
        let found = listing.documents.count
        progress?(SyncProgress(source: source.name, found: found, done: before))
        await runPipeline(
            requests, source: source.name, states: states, announcer: announcer, readers: settings.readers, tally: tally
        ) {
            if let progress, tally.countHandled(of: found) {
                progress(SyncProgress(source: source.name, found: found, done: before + tally.summary))
            }
        }
        summary = summary + tally.summary

        // Withdrawn: only from a complete listing, and only after two syncs in a row without the document.
        guard board.storeProblem == nil else { return summary }
        if listing.isComplete, !stopping {
            let gone =
                recordStore("the listing of \(source.name)") {
                    try store.noteListing(source: source.name, listed: listing.documents.map(\.url))
                } ?? []
            for url in gone {
                let change = recordStore("the withdrawal of \(url)") {
                    try ingestor.recordWithdrawn(url: url, announcer: announcer, at: clock.now())
                }
                if let change = change ?? nil {
                    summary.changes += 1
                    logger.info("report_withdrawn: \(change.authority.name): \(url) is no longer listed by \(source.name)")
                }
            }
        }
        var warning: String?
        if let first = listing.notFollowed.first {
            let n = listing.notFollowed.count
            warning =
                "the crawl stopped at max_depth \(source.maxDepth): \(n) link\(n == 1 ? "" : "s") not followed (e.g. \(first)); raise max_depth to read them"
            logger.warning("source \(source.name): \(warning!)", metadata: ["source": "\(source.name)"])
        }
        recordStore("the success of source \(source.name)") {
            try store.recordSourceSuccess(name: source.name, documents: listing.documents.count, warning: warning, at: clock.now())
        }
        logger.info(
            "source \(source.name): \(listing.documents.count) documents, \(summary.fetched) fetched, \(summary.notModified) not modified, \(summary.parsed) parsed, \(summary.failed) failed, \(summary.changes) changes"
        )
        return summary
    }

    /// A document that did not change. Nothing is written when the store
    /// already says all there is to say: same validators, no error to
    /// clear. So a sync where nothing changed writes one row per source (its
    /// last success), not one per document, and the document rows keep the
    /// time of their last fetch with a body.
    func recordNotModified(url: String, source: String, state: DocumentState?, etag: String?, lastModified: String?) {
        if let state, state.lastError == nil,
            etag == nil || etag == state.etag, lastModified == nil || lastModified == state.lastModified
        {
            return
        }
        recordStore("the validators of \(url)") {
            try store.recordNotModified(url: url, source: source, etag: etag, lastModified: lastModified, at: clock.now())
        }
    }

    /// One document through read → ingest. Used by the sync and by a
    /// re-parse of kept bytes (`quiet`: recorded, never announced).
    func process(_ doc: IngestDocument, announcer: Announcer, quiet: Bool = false) async -> Result<[ChangeRecord], ReadOrStoreError> {
        let report: Report
        do {
            // Extraction warnings (a PDF MuPDF had to repair, …) are in the report's warnings.
            report = try await reader.read(doc.bytes)
        } catch {
            heartbeat.beat()
            return .failure(.read(error.reason, quarantine: error.quarantine))
        }
        heartbeat.beat()
        if let why = report.unreadable {
            logger.warning("source \(doc.source): \(doc.url): stored as unreadable, its grades are not used: \(why)")
        } else if let why = report.incompleteNote {
            logger.warning("source \(doc.source): \(doc.url): \(why)")
        }
        let name = reader.authorityName(slug: report.authority.slug) ?? report.authority.name
        do {
            let result = try ingestor.ingest(
                doc, report: report, authorityName: name, announcer: announcer, quiet: quiet, at: clock.now())
            heartbeat.beat()
            for warning in result.warnings { logger.warning("source \(doc.source): \(doc.url): \(warning)") }
            if !result.changes.isEmpty, !quiet { onChanges() }
            return .success(result.changes)
        } catch {
            if let fault = StoreFault.of(error) { storeFailed(fault) }
            return .failure(.store("\(error)"))
        }
    }

    /// Runs a store write whose failure must not stop the sync: the failure
    /// is logged, naming what was not recorded, and nil returned. (A write
    /// that matters for what is announced — an ingest — is not one of these:
    /// its failure fails the document.)
    @discardableResult
    func recordStore<T>(_ what: String, _ body: () throws -> T) -> T? {
        // While the store fails, only the probe writes; what is not
        // recorded now is synced again once it recovers.
        guard board.storeProblem == nil else { return nil }
        do {
            let value = try body()
            heartbeat.beat()
            return value
        } catch {
            if let fault = StoreFault.of(error) { storeFailed(fault) }
            logger.error("cannot record \(what): \(error)")
            return nil
        }
    }

    // MARK: Re-parse

    /// Re-parses every stored document read by an older parser, from the
    /// kept bytes: nothing is fetched, and what changes is recorded as
    /// `report_revised`, quietly (a better reading is not news).
    public func reparse() async -> ReparseResponse {
        await acquire()
        defer { release() }
        var response = ReparseResponse()
        let stale =
            recordStore("the documents to re-parse (cannot list them)") {
                try store.documentsParsedBefore(version: reader.parserVersion)
            } ?? []
        for doc in stale {
            if stopping || board.storeProblem != nil { break }
            heartbeat.beat()
            let bytes: [UInt8]
            do {
                guard let kept = try store.documentBytes(url: doc.url) else { continue }
                bytes = kept
            } catch {
                response.failed += 1
                response.errors.append("\(doc.url): cannot read its kept bytes: \(error)")
                continue
            }
            response.documents += 1
            let ingest = IngestDocument(url: doc.url, source: doc.source, bytes: bytes)
            switch await process(ingest, announcer: .silent, quiet: true) {
            case .success(let changes):
                response.reparsed += 1
                response.revised += changes.filter { $0.kind == .reportRevised }.count
            case .failure(let error):
                response.failed += 1
                response.errors.append("\(doc.url): \(error)")
            }
        }
        // Quarantined by an older parser: the new one tries the kept bytes.
        let quarantined =
            recordStore("the quarantined documents to retry (cannot list them)") {
                try store.quarantinedBefore(version: reader.parserVersion)
            } ?? []
        for id in quarantined {
            if stopping || board.storeProblem != nil { break }
            heartbeat.beat()
            guard let one = await retryQuarantined(id: id) else { continue }
            response.documents += one.documents
            response.reparsed += one.reparsed
            response.revised += one.revised
            response.failed += one.failed
            response.errors += one.errors
        }
        if response.documents > 0 {
            logger.notice(
                "re-parse with parser version \(reader.parserVersion): \(response.documents) documents, \(response.revised) revised, \(response.failed) failed"
            )
        }
        return response
    }
}

extension SyncService {
    /// Reads one quarantined document again from its kept bytes (`casefilectl
    /// reparse --document ID`): stored if it now reads, quarantined again
    /// (with the new reason) if not. Nil when no document of that id is
    /// quarantined.
    public func reparse(document id: Int64) async -> ReparseResponse? {
        await acquire()
        defer { release() }
        return await retryQuarantined(id: id)
    }

    func retryQuarantined(id: Int64) async -> ReparseResponse? {
        var response = ReparseResponse()
        let found: (document: QuarantinedDocument, bytes: [UInt8])?
        do {
            found = try store.quarantinedBytes(id: id)
        } catch {
            if let fault = StoreFault.of(error) { storeFailed(fault) }
            response.failed += 1
            response.errors.append("document \(id): cannot read its kept bytes: \(error)")
            return response
        }
        guard let (quarantined, bytes) = found else { return nil }
        response.documents = 1
        let doc = IngestDocument(url: quarantined.url, source: quarantined.source, bytes: bytes)
        switch await process(doc, announcer: .silent, quiet: true) {
        case .success(let changes):
            response.reparsed = 1
            response.revised = changes.filter { $0.kind == .reportRevised }.count
            logger.notice("\(doc.url): out of quarantine: read by parser version \(reader.parserVersion)")
        case .failure(let error):
            response.failed = 1
            response.errors.append("\(doc.url): \(error)")
            if case .read(let reason, quarantine: true) = error {
                recordStore("the quarantine of \(doc.url)") {
                    try store.quarantineDocument(
                        url: doc.url, source: doc.source, reason: reason, bytes: bytes, bytesHash: doc.bytesHash, etag: nil,
                        lastModified: nil, parserVersion: reader.parserVersion, at: clock.now())
                }
            }
        }
        return response
    }
}

/// Why a fetched document was not stored.
enum ReadOrStoreError: Error, CustomStringConvertible {
    /// Not read; `quarantine`: for a cause in its bytes.
    case read(String, quarantine: Bool)
    case store(String)

    var description: String {
        switch self {
        case .read(let why, _): return why
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

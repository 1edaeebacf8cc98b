import CasefileConfig
import CasefileControl
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
    private var config: CasefileConfig
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
    private let wakeStream: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// Called after each sync with a one-line summary (for sd_notify STATUS=).
    private let onStatus: @Sendable (String) -> Void

    public init(
        config: CasefileConfig, store: CasefileStore, outbox: OutboxWorker, logger: Logger,
        parser: ReportParser = ReportParser(), authorities: AuthorityDirectory = .bundled,
        onStatus: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.config = config
        self.store = store
        self.outbox = outbox
        self.logger = logger
        self.parser = parser
        self.authorities = authorities
        self.fetcher = Fetcher(settings: Self.fetchSettings(config.fetch))
        self.onStatus = onStatus
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let now = Date()
        for source in config.sources { nextDue[source.name] = now }
    }

    static func fetchSettings(_ f: FetchConfig) -> FetchSettings {
        var s = FetchSettings()
        s.timeout = f.timeout.seconds
        s.connectTimeout = f.connectTimeout.seconds
        s.maxBytes = f.maxBytes
        s.maxRedirects = f.maxRedirects
        s.userAgent = f.userAgent
        return s
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
        wakeContinuation.finish()
    }

    private func loop() async {
        var wake = wakeStream.makeAsyncIterator()
        while !stopping && !Task.isCancelled {
            let now = Date()
            if !paused {
                let due = config.sources.filter { (nextDue[$0.name] ?? now) <= now }
                if !due.isEmpty {
                    _ = await syncSources(due)
                    continue
                }
            }
            let next = paused ? nil : nextDue.values.min()
            let wait = max(0.05, min(3600, next.map { $0.timeIntervalSinceNow } ?? 3600))
            let sleeper = Task { [wakeContinuation] in
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                wakeContinuation.yield()
            }
            _ = await wake.next()
            sleeper.cancel()
        }
    }

    // MARK: What the control API asks

    /// A manual sync: every source, or the one named. Returns when done.
    public func syncNow(source name: String?) async throws(SyncRequestError) -> SyncResponse {
        let sources: [SourceConfig]
        if let name {
            guard let s = config.sources.first(where: { $0.name == name }) else {
                throw SyncRequestError(message: "no source named '\(name)' (configured: \(config.sources.map(\.name).joined(separator: ", ")))")
            }
            sources = [s]
        } else {
            sources = config.sources
        }
        return await syncSources(sources)
    }

    public func sourceInfos() -> [SourceInfo] {
        let states = Dictionary(((try? store.allSourceStates()) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return config.sources.map { s in
            let st = states[s.name]
            return SourceInfo(
                name: s.name, kind: s.kind.rawValue, url: s.url,
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
        wakeContinuation.yield()
    }

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

    private func syncSources(_ sources: [SourceConfig]) async -> SyncResponse {
        await acquire()
        defer { release() }
        var total = SyncResponse()
        for source in sources {
            total = total + (await syncSource(source))
            let interval = (source.interval ?? config.daemon.interval).seconds
            nextDue[source.name] = Date().addingTimeInterval(interval)
        }
        lastSync = Date()
        if total.changes > 0 { outbox.wake() }
        let counts = try? store.counts()
        onStatus("synced \(sources.count) source\(sources.count == 1 ? "" : "s"), \(counts?.reports ?? 0) reports, \(total.changes) new changes")
        return total
    }

    private func syncSource(_ source: SourceConfig) async -> SyncResponse {
        var summary = SyncResponse()
        let spec = SourceSpec(name: source.name, kind: source.kind == .directory ? .directory : .document, url: source.url)
        let urls: [String]
        do {
            urls = try await fetcher.list(spec)
        } catch {
            logger.error("source \(source.name): cannot list \(source.url): \(error.reason)", metadata: ["source": "\(source.name)"])
            try? store.recordSourceFailure(name: source.name, error: error.reason, at: Date())
            summary.failed += 1
            summary.errors.append("\(source.name): \(source.url): \(error.reason)")
            return summary
        }
        let firstSync = !((try? store.sourceState(name: source.name))?.firstSyncDone ?? false)
        let announce = !firstSync || config.daemon.notifyInitialSync
        if firstSync && !announce {
            logger.info("source \(source.name): first sync: changes are recorded, not announced (notify_initial_sync = false)")
        }
        let channels = announce ? config.notifiers.map(\.name) : []
        let channelKinds = Dictionary(config.notifiers.map { ($0.name, Set($0.on)) }, uniquingKeysWith: { a, _ in a })

        for url in urls {
            if stopping { break }
            let state = try? store.documentState(url: url)
            let validators = state.map { Validators(etag: $0.etag, lastModified: $0.lastModified) }
            switch await fetcher.fetch(url, validators: validators) {
            case .notModified(_, let etag, let lastModified):
                summary.notModified += 1
                try? store.recordNotModified(url: url, source: source.name, etag: etag, lastModified: lastModified, at: Date())
            case .failed(_, let reason):
                summary.failed += 1
                summary.errors.append("\(source.name): \(url): \(reason)")
                logger.error("source \(source.name): \(url): \(reason)", metadata: ["source": "\(source.name)"])
                try? store.recordDocumentFailure(url: url, source: source.name, reason: reason, at: Date())
            case .fetched(let doc):
                summary.fetched += 1
                let bytesHash = SHA256.tagged(doc.bytes)
                if let state, state.bytesHash == bytesHash, state.lastError == nil {
                    // Same bytes as on file: no parse, no write beyond the validators.
                    summary.notModified += 1
                    try? store.recordNotModified(url: url, source: source.name, etag: doc.etag, lastModified: doc.lastModified, at: Date())
                    continue
                }
                let report: Report
                do {
                    let text = try DocumentText.text(from: doc.bytes)
                    report = try parser.parse(text: text)
                } catch {
                    summary.failed += 1
                    summary.errors.append("\(source.name): \(url): \(error.reason)")
                    logger.error("source \(source.name): \(url): not stored: \(error.reason)", metadata: ["source": "\(source.name)"])
                    try? store.recordDocumentFailure(url: url, source: source.name, reason: error.reason, at: Date())
                    continue
                }
                let name = authorities.entry(slug: report.authority.slug)?.name ?? report.authority.name
                let ingest = IngestDocument(
                    url: url, source: source.name, bytes: doc.bytes, contentType: doc.contentType, etag: doc.etag,
                    lastModified: doc.lastModified)
                do {
                    let result = try store.ingest(
                        ingest, report: report, authorityName: name,
                        channels: channels, channelKinds: channelKinds, at: Date())
                    summary.parsed += 1
                    summary.changes += result.changes.count
                    for change in result.changes {
                        logger.info(
                            "\(change.kind.rawValue): \(change.authority.name) \(change.report.framework.rawValue) \(change.report.inspection.start)–\(change.report.inspection.end)",
                            metadata: ["seq": "\(change.seq)", "change": "\(change.id)", "source": "\(source.name)"])
                    }
                } catch {
                    summary.failed += 1
                    summary.errors.append("\(source.name): \(url): cannot store: \(error)")
                    logger.error("source \(source.name): \(url): cannot store: \(error)")
                    try? store.recordDocumentFailure(url: url, source: source.name, reason: "cannot store: \(error)", at: Date())
                }
            }
        }
        try? store.recordSourceSuccess(name: source.name, documents: urls.count, at: Date())
        logger.info(
            "source \(source.name): \(urls.count) documents, \(summary.fetched) fetched, \(summary.notModified) not modified, \(summary.parsed) parsed, \(summary.failed) failed, \(summary.changes) changes")
        return summary
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

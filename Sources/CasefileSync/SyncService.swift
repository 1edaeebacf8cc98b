import CasefileControl
import CasefileFetch
import CasefileModel
import CasefileStore
import Foundation
import Logging
import ServiceLifecycle

/// The sync scheduler: each source on its own interval, one sync at a time,
/// and manual syncs from the control API in between.
///
/// A document goes fetch → read (extract, parse) → ingest; whatever fails
/// on the way is recorded against the document and the source, and nothing
/// else is written: no report row, no change, no notification.
public actor SyncService: Service {
    var settings: SyncSettings
    let store: CasefileStore
    let ingestor: Ingestor
    let reader: any DocumentReading
    let makeSourceReader: @Sendable (FetchSettings) -> any SourceReading
    var sources: any SourceReading
    let clock: any SyncClock
    let logger: Logger
    /// Called when changes were committed with outbox rows (wakes the outbox).
    let onChanges: @Sendable () -> Void
    /// Called after each sync with a one-line summary (for sd_notify STATUS=).
    let onStatus: @Sendable (String) -> Void
    let random: @Sendable () -> Double

    var nextDue: [String: Date] = [:]
    var lastSync: Date?
    var paused = false
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    let alarm = LoopAlarm()
    /// When a sync last made progress: a transfer, a parse, a store write.
    var lastProgress: Date

    public init(
        settings: SyncSettings, store: CasefileStore, reader: any DocumentReading,
        sources makeSourceReader: @escaping @Sendable (FetchSettings) -> any SourceReading = { Fetcher(settings: $0) },
        clock: any SyncClock = WallClock(), logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        onChanges: @escaping @Sendable () -> Void = {}, onStatus: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.settings = settings
        self.store = store
        self.ingestor = Ingestor(store: store)
        self.reader = reader
        self.makeSourceReader = makeSourceReader
        self.sources = makeSourceReader(settings.fetch)
        self.clock = clock
        self.logger = logger
        self.random = random
        self.onChanges = onChanges
        self.onStatus = onStatus
        let now = clock.now()
        self.lastProgress = now
        for source in settings.sources { nextDue[source.name] = now }
    }

    // MARK: Service

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: { [alarm] in
            alarm.stop()
        }
    }

    private func loop() async {
        // Reports read by an older parser are read again from their kept
        // bytes first, quietly; a manual sync meanwhile waits its turn.
        _ = await reparse()
        var waiter = alarm.makeWaiter()
        repeat {
            let now = clock.now()
            if !paused {
                let due = settings.sources.filter { (nextDue[$0.name] ?? now) <= now }
                if !due.isEmpty {
                    _ = await syncSources(due)
                    continue
                }
            }
        } while await waiter.wait(for: nextWait(), on: clock)
    }

    /// Until the next source is due; an hour at most (a reload or a resume
    /// wakes the loop sooner).
    private func nextWait() -> Duration {
        let next = paused ? nil : nextDue.values.min()
        let wait = min(3600, next.map { $0.timeIntervalSince(clock.now()) } ?? 3600)
        return .seconds(clamping: max(0.05, wait))
    }

    /// True once a graceful stop has begun.
    var stopping: Bool { alarm.isStopped }

    // MARK: What the control API asks

    /// A manual sync: every source, or the one named. Returns when done.
    public func syncNow(
        source name: String?, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws(SyncRequestError) -> SyncResponse {
        let chosen: [ScheduledSource]
        if let name {
            guard let s = settings.sources.first(where: { $0.name == name }) else {
                throw SyncRequestError(
                    message: "no source named '\(name)' (configured: \(settings.sources.map(\.name).joined(separator: ", ")))")
            }
            chosen = [s]
        } else {
            chosen = settings.sources
        }
        return await syncSources(chosen, progress: progress)
    }

    /// Asks the scheduler to sync every source, or the one named, as soon
    /// as it can (after the sync under way, if any), without waiting for it.
    public func requestSync(source name: String?) {
        let now = clock.now()
        for source in settings.sources where name == nil || source.name == name {
            nextDue[source.name] = now
        }
        alarm.wake()
    }

    /// Whether `name` is a configured source.
    public func hasSource(_ name: String) -> Bool {
        settings.sources.contains { $0.name == name }
    }

    public func sourceInfos() -> [SourceInfo] {
        let states: [String: SourceState]
        do {
            states = Dictionary(try store.allSourceStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        } catch {
            // The configured sources are still worth listing; their records say unknown.
            logger.error("cannot read the sources' records: \(error)")
            states = [:]
        }
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
        sources = makeSourceReader(new.fetch)
        let now = clock.now()
        var due: [String: Date] = [:]
        for source in new.sources {
            if let before = old.sources.first(where: { $0.name == source.name }), before == source,
               let when = nextDue[source.name] {
                due[source.name] = when
            } else {
                due[source.name] = now  // new or changed: sync it soon
            }
        }
        nextDue = due
        alarm.wake()
    }

    /// The scheduler's health for the watchdog: false when a sync has made
    /// no progress for `stall` seconds (a wedged transfer or store).
    public func isHealthy(stall: Double) -> Bool {
        !busy || clock.now().timeIntervalSince(lastProgress) < stall
    }

    /// Something moved: a transfer ended, a document was read or stored.
    func progressed() {
        lastProgress = clock.now()
    }

    // MARK: One sync at a time

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// "14:05", local time, for STATUS= lines.
    static func clockTime(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var tm = tm()
        localtime_r(&t, &tm)
        return String(format: "%02d:%02d", tm.tm_hour, tm.tm_min)
    }
}

/// A manual sync the daemon cannot do (an unknown source).
public struct SyncRequestError: Error, Sendable {
    public var message: String
}

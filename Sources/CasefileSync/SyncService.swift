import CasefileControl
import CasefileDigest
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
/// else is written: no report row, no change, no notification. When the
/// store itself fails (a full disk, a read-only file), syncing stops, the
/// problem shows in `status`, and it resumes by itself once a probe write
/// succeeds.
///
/// What the control API reads and the orders it gives (pause, resume, a
/// reload) go through the `SchedulerBoard`, never through the actor: they
/// are answered at once while a sync runs.
public actor SyncService: Service {
    let board: SchedulerBoard
    let store: CasefileStore
    let ingestor: Ingestor
    let reader: any DocumentReading
    let makeSourceReader: @Sendable (FetchSettings, Heartbeat) -> any SourceReading
    /// The reader for the fetch settings it was made with.
    private var sourceReader: (settings: FetchSettings, reader: any SourceReading)?
    let clock: any SyncClock
    let logger: Logger
    /// Beaten by anything that moves in a sync; the watchdog reads it.
    public nonisolated let heartbeat: Heartbeat
    /// Called when changes were committed with outbox rows (wakes the outbox).
    let onChanges: @Sendable () -> Void
    /// Called with a one-line summary after each sync and on a store problem
    /// (for sd_notify STATUS=).
    let onStatus: @Sendable (String) -> Void
    /// Called after each source's sync with its own summary and how long it
    /// took (the daemon's metrics); the sync itself knows nothing of metrics.
    let onSourceSynced: @Sendable (_ source: String, SyncResponse, Duration) -> Void
    let random: @Sendable () -> Double

    /// Awaited before the first step (the daemon's start-up store check).
    let startGate: @Sendable () async -> Void
    private var running = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    let alarm = LoopAlarm()
    /// Probes of a failing store in a row (the wait between them grows).
    private var probes = 0

    public init(
        settings: SyncSettings, store: CasefileStore, reader: any DocumentReading,
        sources makeSourceReader: @escaping @Sendable (FetchSettings, Heartbeat) -> any SourceReading = {
            Fetcher(settings: $0, heartbeat: $1)
        },
        clock: any SyncClock = WallClock(), logger: Logger, heartbeat: Heartbeat = Heartbeat(), health: StoreHealth = StoreHealth(),
        startGate: @escaping @Sendable () async -> Void = {},
        random: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        onChanges: @escaping @Sendable () -> Void = {}, onStatus: @escaping @Sendable (String) -> Void = { _ in },
        onSourceSynced: @escaping @Sendable (String, SyncResponse, Duration) -> Void = { _, _, _ in }
    ) {
        self.board = SchedulerBoard(settings: settings, health: health)
        self.startGate = startGate
        self.store = store
        self.ingestor = Ingestor(store: store)
        self.reader = reader
        self.makeSourceReader = makeSourceReader
        self.clock = clock
        self.logger = logger
        self.heartbeat = heartbeat
        self.random = random
        self.onChanges = onChanges
        self.onStatus = onStatus
        self.onSourceSynced = onSourceSynced
        board.replace(settings: settings, nextDue: Self.restoredSchedule(settings, store: store, now: clock.now(), logger: logger))
        // A fault met elsewhere (the outbox recording a delivery) starts the probing at once.
        health.onChange { [alarm] in alarm.wake() }
    }

    /// Each source's due time as the store kept it across a restart, when
    /// it was computed for the same settings; otherwise now.
    static func restoredSchedule(_ settings: SyncSettings, store: CasefileStore, now: Date, logger: Logger) -> [String: Date] {
        let states: [String: SourceState]
        do {
            states = Dictionary(try store.allSourceStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        } catch {
            // Without the records every source is due now: a sync too many, never one too few.
            logger.error("cannot read the sources' schedule, syncing each now: \(error)")
            states = [:]
        }
        var due: [String: Date] = [:]
        for source in settings.sources {
            let st = states[source.name]
            due[source.name] = st?.scheduleKey == source.scheduleKey ? (st?.nextDue ?? now) : now
        }
        return due
    }

    /// The source reader for the current fetch settings (a reload's new
    /// settings take effect at the next sync).
    var sources: any SourceReading {
        let fetch = board.settings.fetch
        if let current = sourceReader, current.settings == fetch { return current.reader }
        let reader = makeSourceReader(fetch, heartbeat)
        sourceReader = (fetch, reader)
        return reader
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
        await startGate()
        // Reports read by an older parser are read again from their kept
        // bytes first, quietly; a manual sync meanwhile waits its turn.
        if board.storeProblem == nil { _ = await reparse() }
        var waiter = alarm.makeWaiter()
        repeat {
            if board.storeProblem != nil {
                await probeStore()
                continue
            }
            let view = board.view
            let now = clock.now()
            if !view.paused {
                let due = view.settings.sources.filter { (view.nextDue[$0.name] ?? now) <= now }
                if !due.isEmpty {
                    _ = await syncSources(due)
                }
            }
        } while await waiter.wait(until: clock.now().addingTimeInterval(nextWait().timeInterval), on: clock)
    }

    /// Until the next source is due, an hour at most (a reload or a resume
    /// wakes the loop sooner); while the store fails, until the next probe.
    private func nextWait() -> Duration {
        if board.storeProblem != nil {
            // 2, 4, 8 … s, a minute at most: back within a minute of the cause going.
            return .seconds(min(60, 2 << min(probes, 5)))
        }
        let next = board.view.nextSync
        let wait = min(3600, next.map { $0.timeIntervalSince(clock.now()) } ?? 3600)
        return .seconds(clamping: max(0.05, wait))
    }

    /// True once a graceful stop has begun.
    var stopping: Bool { alarm.isStopped }

    // MARK: The store's health

    /// The store failed as a store (not over one document's data): stop
    /// syncing, say so, and probe until it takes writes again.
    func storeFailed(_ fault: StoreFault) {
        if health.report(fault, folder: store.folder, at: clock.now()), let problem = board.storeProblem {
            logger.critical("syncing stops: \(problem.message); what to do: \(problem.advice)")
            onStatus("NOT SYNCING: \(problem.message); \(problem.advice)")
        }
    }

    var health: StoreHealth { board.health }

    /// One probe of a failing store, on the probe's own thread: the only
    /// write tried while the store fails. A store that was read-only (or
    /// whose disk failed) is opened again first: SQLite keeps a connection
    /// that could not write read-only for good.
    private func probeStore() async {
        // A damaged store must pass SQLite's quick check too: a write that
        // goes through proves nothing about the pages it did not touch.
        let damaged = health.faultKind == .damaged
        do {
            try await StoreThread.run { [store] in
                if damaged { try store.checkQuickly() }
                do {
                    try store.probeWrite()
                } catch {
                    guard let kind = StoreFault.of(error)?.kind, kind == .readOnly || kind == .io else { throw error }
                    try store.reopen()
                    try store.probeWrite()
                }
            }
        } catch {
            probes += 1
            if let fault = StoreFault.of(error) { storeFailed(fault) }
            logger.warning("the store still cannot take writes (probe \(probes)): \(error)")
            return
        }
        logger.notice("the store takes writes again: syncing resumes")
        onStatus("the store takes writes again: syncing resumes")
        probes = 0
        // What could not be stored is fetched and stored again now.
        let view = board.view
        let now = clock.now()
        board.replace(settings: view.settings, nextDue: view.nextDue.mapValues { min($0, now) })
        board.storeProblem = nil
    }

    // MARK: One sync at a time

    func acquire() async {
        if !running {
            running = true
            board.busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            running = false
            board.busy = false
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

extension ScheduledSource {
    /// Identifies the settings a due time was computed for: a source whose
    /// settings changed between two runs is synced at once.
    var scheduleKey: String {
        SHA256.tagged(Array("\(spec)|\(interval)".utf8))
    }
}

/// A manual sync the daemon cannot do (an unknown source).
public struct SyncRequestError: Error, Sendable {
    public var message: String
}

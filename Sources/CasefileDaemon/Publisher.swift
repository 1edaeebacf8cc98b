import CasefileConfig
import CasefileControl
import CasefileDashboard
import CasefileModel
import CasefileStore
import CasefileSync
import Foundation
import Logging
import ServiceLifecycle

/// Where and how `[publish]` writes.
struct PublishSettings: Sendable, Equatable {
    var folder: String
    var mode: mode_t
    var group: String?

    init(folder: String, mode: mode_t = 0o644, group: String? = nil) {
        self.folder = folder
        self.mode = mode
        self.group = group
    }

    init?(_ config: PublishConfig?) {
        guard let config else { return nil }
        self.init(folder: config.folder, mode: mode_t(config.mode), group: config.group)
    }
}

/// Writes the dashboard (`index.html`), the grades export (`grades.csv`,
/// `grades.json`) and the change feed (`changes.atom`) into the `[publish]`
/// folder, each file by an atomic rename, so a web server or a shared drive
/// serves them to a team without access to the socket.
///
/// It runs as its own service, off the sync's path: a sync that changed
/// something only wakes it (`wake()` never blocks, never fails), and a
/// burst of wake-ups, one per document of a big sync, becomes one writing
/// once they stop for `settle` (at the latest `maxDelay` after the first).
/// A failure never touches the sync: it is logged and shown in `status`
/// until a later writing succeeds. The files are also written once at start
/// (when the store has reports), after a reload that changes `[publish]`,
/// and when the data's day moves on (a sync that changed nothing on a new
/// day), so the page's date and "days since" stay true.
final class Publisher: Service, Sendable {
    struct State: Sendable {
        var settings: PublishSettings?
        var lastPublished: Date?
        var lastError: String?
        var lastErrorAt: Date?
        /// The data's day of the last writing, to notice a new day.
        var publishedAsOf: LocalDate?
        /// Woken since the last writing began.
        var dirty = false
        /// Writings attempted since start (how bursts coalesce shows in tests).
        var attempts = 0
    }

    private let store: CasefileStore
    private let logger: Logger
    private let settle: Duration
    private let maxDelay: Duration
    private let alarm = LoopAlarm()
    private let state: Locked<State>

    init(
        settings: PublishSettings?, store: CasefileStore, logger: Logger, settle: Duration = .seconds(1),
        maxDelay: Duration = .seconds(30)
    ) {
        self.state = Locked(State(settings: settings))
        self.store = store
        self.logger = logger
        self.settle = settle
        self.maxDelay = maxDelay
    }

    /// Something changed: write the files soon. Never blocks.
    func wake() {
        state.update { $0.dirty = true }
        alarm.wake()
    }

    /// A reload: new settings apply from the next writing, which comes at
    /// once when they differ (a new folder gets its files now).
    func update(_ settings: PublishSettings?) {
        let changed = state.update { s -> Bool in
            defer { s.settings = settings }
            return s.settings != settings
        }
        if changed && settings != nil { wake() }
    }

    /// What `status` shows; nil when nothing is to be published.
    func info() -> PublishInfo? {
        let s = state.value
        guard let settings = s.settings else { return nil }
        return PublishInfo(
            folder: settings.folder, lastPublished: s.lastPublished.map(Timestamp.string), lastError: s.lastError,
            lastErrorAt: s.lastErrorAt.map(Timestamp.string))
    }

    /// Writings attempted since start.
    var attempts: Int { state.value.attempts }

    /// The last successful writing, and whether the last attempt failed.
    var health: (lastPublished: Date?, failing: Bool, configured: Bool) {
        let s = state.value
        return (s.lastPublished, s.lastError != nil, s.settings != nil)
    }

    // MARK: Service

    func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: { [alarm] in
            alarm.stop()
        }
    }

    private func loop() async {
        if state.value.settings != nil {
            // A store that cannot be counted now is published at the next
            // change: nothing is lost by not publishing at start.
            let reports = (try? store.counts().reports) ?? 0
            if reports > 0 { await publishOffPool() }
        }
        var waiter = alarm.makeWaiter()
        // An hour at most between looks at the data's day.
        while await waiter.wait(for: .seconds(3600), on: WallClock()) {
            if state.value.dirty {
                await coalesce()
                await publishOffPool()
            } else if state.value.settings != nil, dayMoved() {
                await publishOffPool()
            }
        }
        // Stopping: what changed since the last writing is not left unpublished.
        if state.value.dirty { await publishOffPool() }
    }

    /// Waits until no wake-up came for `settle`, or `maxDelay` passed.
    private func coalesce() async {
        let start = ContinuousClock.now
        repeat {
            state.update { $0.dirty = false }
            try? await Task.sleep(for: settle)
        } while state.value.dirty && ContinuousClock.now - start < maxDelay && !alarm.isStopped
    }

    private func dayMoved() -> Bool {
        // Unreadable now: asked again within the hour.
        guard let last = try? store.allSourceStates().compactMap(\.lastSuccess).max() else { return false }
        return DashboardSnapshot.utcDay(of: last) != state.value.publishedAsOf
    }

    /// Rendering and writing block for a moment: a thread of their own,
    /// rather than one of the few the cooperative pool has.
    private func publishOffPool() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                self.publish()
                done.resume()
            }
        }
    }

    /// Writes every file now. Returns whether it succeeded; the outcome is
    /// kept for `status` and logged.
    @discardableResult
    func publish() -> Bool {
        guard
            let settings = state.update({ s -> PublishSettings? in
                s.dirty = false
                if s.settings != nil { s.attempts += 1 }
                return s.settings
            })
        else { return true }
        let started = ContinuousClock.now
        do {
            let (asOf, bytes) = try write(settings)
            let now = Date()
            state.update {
                $0.lastPublished = now
                $0.lastError = nil
                $0.lastErrorAt = nil
                $0.publishedAsOf = asOf
            }
            let ms = (ContinuousClock.now - started) / .milliseconds(1)
            logger.info("published the dashboard, grades and feed to \(settings.folder) (\(bytes) bytes, \(Int(ms)) ms)")
            return true
        } catch {
            let message = "\(error)"
            let repeated = state.update { s -> Bool in
                defer {
                    s.lastError = message
                    s.lastErrorAt = Date()
                }
                return s.lastError == message
            }
            if repeated {
                logger.error("publishing to \(settings.folder) failed again: \(message)")
            } else {
                logger.error("publishing to \(settings.folder) failed (syncing goes on; see casefilectl status): \(message)")
            }
            return false
        }
    }

    /// The files, the page last (a reader who sees the new page finds the
    /// new exports beside it). Returns the data's day and the bytes written.
    private func write(_ settings: PublishSettings) throws -> (LocalDate, Int) {
        var gid: gid_t?
        if let name = settings.group {
            guard let id = AtomicFile.groupID(name) else { throw FileWriteError("no group named '\(name)' ([publish] group)") }
            gid = id
        }
        try Self.prepareFolder(settings.folder, mode: settings.mode, group: gid)
        let data = try DashboardSnapshot.make(store: store)
        let grades = try ControlRoutes.gradesResponse(store)
        let last = try store.lastSeq()
        let changes = try store.changes(since: max(0, last - 100), limit: 100, authority: nil, kind: nil)
        let files: [(String, [UInt8])] = [
            ("grades.csv", Array(GradesExport.csv(grades).utf8)),
            ("grades.json", [UInt8](try CasefileJSON.encode(grades)) + [0x0A]),
            ("changes.atom", Array(AtomFeed.render(changes, webLinksOnly: true).utf8)),
            ("index.html", DashboardPage.renderBytes(data)),
        ]
        for (name, bytes) in files {
            try AtomicFile.write(bytes, to: (settings.folder as NSString).appendingPathComponent(name), mode: settings.mode, group: gid)
        }
        AtomicFile.syncFolder(settings.folder)
        return (data.asOf, files.reduce(0) { $0 + $1.1.count })
    }

    /// The folder, made when missing (with search permission wherever the
    /// files' mode gives read: 0644 → 0755, 0640 → 0750).
    static func prepareFolder(_ folder: String, mode: mode_t, group: gid_t?) throws(FileWriteError) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw FileWriteError("\(folder) is not a folder ([publish] folder)") }
            return
        }
        guard errno == ENOENT else { throw .errno("reach the folder", folder) }
        let search = ((mode & 0o444) >> 2)
        let folderMode = mode | search | 0o700
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError("cannot create the folder \(folder): \(error.localizedDescription)")
        }
        guard chmod(folder, folderMode) == 0 else { throw .errno("set the mode of", folder) }
        if let group, chown(folder, uid_t.max, group) != 0 { throw .errno("give its group to", folder) }
    }
}

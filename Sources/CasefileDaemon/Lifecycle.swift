import CasefileConfig
import CasefileControl
import CasefileNotify
import CasefileSync
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Holds the running config and applies reloads (SIGHUP or the API): the new
/// file is read and validated first; a file that is refused leaves the old
/// config running and the reason visible in `status`.
public actor Reloader {
    public private(set) var config: CasefileConfig
    private let path: String
    private let sync: SyncService
    private let outbox: OutboxWorker
    private let permissions: PermissionCheck
    private let logger: Logger
    /// Hands the applied config to the parts that are not the scheduler's or the outbox's (publishing, metrics).
    private let onReload: @Sendable (CasefileConfig) -> Void
    public private(set) var lastError: String?

    init(
        config: CasefileConfig, path: String, sync: SyncService, outbox: OutboxWorker, permissions: PermissionCheck,
        logger: Logger, onReload: @escaping @Sendable (CasefileConfig) -> Void = { _ in }
    ) {
        self.onReload = onReload
        self.config = config
        self.path = path
        self.sync = sync
        self.outbox = outbox
        self.permissions = permissions
        self.logger = logger
    }

    public func reload(trigger: String) async -> ReloadResponse {
        let new: CasefileConfig
        do {
            new = try CasefileConfig.load(path: path)
        } catch {
            lastError = "\(error)"
            logger.error("reload (\(trigger)) refused, still running the previous config: \(error)")
            return ReloadResponse(
                reloaded: false, file: path, sources: config.sources.count, notifiers: config.notifiers.count, message: "\(error)")
        }
        SDNotify.send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
        var notes: [String] = []
        var applied = new
        // The socket and the store stay where they are until a restart.
        if new.daemon.socket != config.daemon.socket {
            notes.append("socket changes need a restart (still \(config.daemon.socket))")
            applied.daemon.socket = config.daemon.socket
        }
        if new.daemon.stateDir != config.daemon.stateDir {
            notes.append("state_dir changes need a restart (still \(config.daemon.stateDir))")
            applied.daemon.stateDir = config.daemon.stateDir
        }
        sync.apply(applied.syncSettings(authorities: .bundled))
        await outbox.replaceChannels(applied.channels())
        if new.daemon.adminGroup != config.daemon.adminGroup {
            permissions.update(adminGroup: new.daemon.adminGroup)
            notes.append("admin_group is now \(new.daemon.adminGroup.map { "'\($0)'" } ?? "none")")
        }
        if new.daemon.logLevel != config.daemon.logLevel {
            JournalLogHandler.setLevel(new.daemon.logLevel.loggerLevel)
            notes.append("log_level is now \(new.daemon.logLevel.rawValue)")
        }
        onReload(applied)
        config = applied
        lastError = nil
        let message =
            "reloaded \(path): \(applied.sources.count) sources, \(applied.notifiers.count) notifiers"
            + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
        logger.notice("\(message) (\(trigger))")
        SDNotify.send("READY=1\nSTATUS=\(message)")
        return ReloadResponse(
            reloaded: true, file: path, sources: applied.sources.count, notifiers: applied.notifiers.count, message: message)
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}

/// SIGHUP re-reads the config, as `systemctl reload` (ExecReload=kill -HUP).
struct HangupService: Service {
    let reloader: Reloader

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = await reloader.reload(trigger: "SIGHUP")
        }
    }
}

/// Pings systemd's watchdog (WATCHDOG=1) at half of WATCHDOG_USEC, but only
/// while the sync scheduler is idle or its work moves (a transfer ends, a
/// page is read, a document is read or stored, a deliberate wait goes on):
/// a sync with nothing moving for `stall` stops the pings and systemd
/// restarts the daemon. Busy is not stuck. The check reads the scheduler's
/// board and heartbeat, never waits for the scheduler itself.
struct WatchdogService: Service {
    let sync: SyncService
    let interval: Duration
    let stall: Duration
    let logger: Logger

    /// From `WATCHDOG_USEC` (and `WATCHDOG_PID`, when set, must be us).
    static func fromEnvironment(sync: SyncService, stall: Duration, logger: Logger) -> WatchdogService? {
        let env = ProcessInfo.processInfo.environment
        guard let text = env["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = env["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return WatchdogService(sync: sync, interval: .microseconds(Int64(usec / 2)), stall: stall, logger: logger)
    }

    /// The pings come from a thread of their own, not from the Swift
    /// cooperative pool: parsing and store writes can keep every one of the
    /// pool's threads (one per core) busy for seconds, which must not look
    /// like a hang to systemd.
    func run() async throws {
        let pinger = WatchdogThread(sync: sync, interval: interval, stall: stall, logger: logger)
        pinger.start()
        try? await gracefulShutdown()
        pinger.stop()
    }
}

/// The watchdog's own thread: checks and pings every `interval`.
final class WatchdogThread: @unchecked Sendable {
    private let sync: SyncService
    private let interval: Duration
    private let stall: Duration
    private let logger: Logger
    private let condition = NSCondition()
    private var stopped = false

    init(sync: SyncService, interval: Duration, stall: Duration, logger: Logger) {
        self.sync = sync
        self.interval = interval
        self.stall = stall
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "casefiled-watchdog"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        var warned = false
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(seconds)
            while !stopped, condition.wait(until: deadline) {}
            let done = stopped
            condition.unlock()
            if done { return }
            if sync.isHealthy(stall: stall) {
                SDNotify.send("WATCHDOG=1")
                warned = false
            } else if !warned {
                logger.error("watchdog: the sync scheduler has made no progress for \(stall); no WATCHDOG=1 until it does")
                warned = true
            }
        }
    }
}

/// Tells systemd `STOPPING=1` as soon as a graceful stop begins.
struct StopNotifier: Service {
    func run() async throws {
        try? await gracefulShutdown()
        SDNotify.send("STOPPING=1")
    }
}

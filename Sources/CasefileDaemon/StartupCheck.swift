import CasefileStore
import CasefileSync
import Foundation
import Logging
import ServiceLifecycle

/// The store's start-up check, run beside the services rather than before
/// them: SQLite's `PRAGMA quick_check` reads the whole file (seconds at
/// 100,000 reports), then a probe write. The control socket answers
/// meanwhile; nothing is written until the check passes (the store counts
/// as failing, "being checked"); the scheduler waits for it. A damaged
/// store stops the daemon with how to recover.
final class StartupCheck: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Set when the store failed its check: the daemon's exit status is 1.
    private(set) var refused = false

    /// Returns once the check is over (at once if it is).
    func wait() async {
        await withCheckedContinuation { continuation in
            let now = lock.withLock { () -> Bool in
                if done { return true }
                waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func finish() {
        let all = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            done = true
            defer { waiting = [] }
            return waiting
        }
        for c in all { c.resume() }
    }

    /// Marks the store as being checked; call before the services start.
    func begin(health: StoreHealth) {
        if health.problem == nil {
            health.set(
                StoreProblem(
                    message: "checking the store (PRAGMA quick_check) before anything is written",
                    advice: "wait: a large store takes a few seconds", since: Date()))
        }
    }

    /// Runs the check on the store's own thread; `stop` ends the daemon.
    func run(store: CasefileStore, health: StoreHealth, logger: Logger, stop: @escaping @Sendable () async -> Void) async {
        defer { finish() }
        do {
            try await StoreThread.run { try store.checkQuickly() }
        } catch {
            if StoreFault.of(error)?.kind == .damaged {
                lock.withLock { refused = true }
                logger.critical(
                    "refusing to go on: the store \(store.path) is damaged (\(error)); what to do: \(StoreError.damagedAdvice(path: store.path))"
                )
                await stop()
                return
            }
            logger.error("cannot check the store: \(error)")
        }
        do {
            try await StoreThread.run { try store.probeWrite() }
            if !store.openedReadOnly { health.set(nil) }
        } catch {
            guard let fault = StoreFault.of(error) else {
                logger.error("the store's start-up probe failed: \(error)")
                health.set(nil)
                return
            }
            health.report(fault, folder: store.folder, at: Date())
            logger.critical(
                "the store cannot take writes: syncing and deliveries wait until it can: \(fault.description); what to do: \(fault.advice(folder: store.folder))"
            )
        }
    }
}

import Foundation

/// What the scheduler shows and takes orders on, readable and writable
/// without waiting for the scheduler: the control API's `status`,
/// `sources`, `pause`, `resume` and `reload`, and the watchdog, answer at
/// once even while a sync holds the scheduler (a long parse, a store write
/// waiting on a lock). The scheduler reads it between steps.
final class SchedulerBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var _settings: SyncSettings
    private var _nextDue: [String: Date] = [:]
    private var _paused = false
    private var _lastSync: Date?
    private var _busy = false
    /// Whether the store takes writes (shared with the outbox).
    let health: StoreHealth

    init(settings: SyncSettings, health: StoreHealth = StoreHealth()) {
        _settings = settings
        self.health = health
    }

    func read<T>(_ body: (SchedulerBoard.View) -> T) -> T {
        let problem = health.problem
        return lock.withLock {
            body(
                View(
                    settings: _settings, nextDue: _nextDue, paused: _paused, lastSync: _lastSync, busy: _busy,
                    storeProblem: problem))
        }
    }

    /// A consistent copy of the board.
    struct View {
        var settings: SyncSettings
        var nextDue: [String: Date]
        var paused: Bool
        var lastSync: Date?
        var busy: Bool
        var storeProblem: StoreProblem?

        /// When the next sync is due; nil while paused or with no source.
        var nextSync: Date? { paused ? nil : nextDue.values.min() }
    }

    var view: View { read { $0 } }

    var settings: SyncSettings {
        get { lock.withLock { _settings } }
        set { lock.withLock { _settings = newValue } }
    }

    var paused: Bool {
        get { lock.withLock { _paused } }
        set { lock.withLock { _paused = newValue } }
    }

    var busy: Bool {
        get { lock.withLock { _busy } }
        set { lock.withLock { _busy = newValue } }
    }

    var lastSync: Date? {
        get { lock.withLock { _lastSync } }
        set { lock.withLock { _lastSync = newValue } }
    }

    var storeProblem: StoreProblem? {
        get { health.problem }
        set { health.set(newValue) }
    }

    func nextDue(_ source: String) -> Date? { lock.withLock { _nextDue[source] } }

    func setNextDue(_ source: String, _ date: Date) { lock.withLock { _nextDue[source] = date } }

    /// Replaces the settings and the due times in one step.
    func replace(settings: SyncSettings, nextDue: [String: Date]) {
        lock.withLock {
            _settings = settings
            _nextDue = nextDue
        }
    }
}

/// The store cannot take writes (a full disk, a read-only file, a lock held
/// elsewhere, damage): syncing stops until a probe write succeeds again.
public struct StoreProblem: Sendable, Equatable {
    /// What is wrong, in SQLite's words and ours.
    public var message: String
    /// What an operator can do about it.
    public var advice: String
    /// When it was first seen.
    public var since: Date

    public init(message: String, advice: String, since: Date) {
        self.message = message
        self.advice = advice
        self.since = since
    }
}

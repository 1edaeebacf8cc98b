import CasefileStore
import Foundation

/// Whether the store takes writes, shared by everything that writes to it
/// (the sync scheduler, the outbox): the first to meet a `StoreFault`
/// reports it, everyone stops writing, and only the scheduler's probe
/// writes until the store takes writes again. Safe from any thread.
public final class StoreHealth: @unchecked Sendable {
    private let lock = NSLock()
    private var _problem: StoreProblem?
    private var _kind: StoreFault.Kind?
    private var listeners: [@Sendable () -> Void] = []

    public init() {}

    /// What is wrong, or nil while the store takes writes.
    public var problem: StoreProblem? { lock.withLock { _problem } }

    public var isFailing: Bool { problem != nil }

    /// The kind of the last fault reported while failing.
    public var faultKind: StoreFault.Kind? { lock.withLock { _kind } }

    /// Called (on the caller's thread) when the store starts or stops
    /// failing (not when only the message changes): the scheduler starts
    /// probing, the outbox stops or resumes.
    public func onChange(_ listener: @escaping @Sendable () -> Void) {
        lock.withLock { listeners.append(listener) }
    }

    /// Sets or clears the problem; true when the store was healthy before.
    @discardableResult
    public func set(_ problem: StoreProblem?) -> Bool {
        let (wasHealthy, toCall) = lock.withLock { () -> (Bool, [@Sendable () -> Void]) in
            let before = _problem == nil
            _problem = problem
            if problem == nil { _kind = nil }
            return (before, before != (problem == nil) ? listeners : [])
        }
        for listener in toCall { listener() }
        return wasHealthy
    }

    /// A write failed with `fault`: the store is failing from now on.
    @discardableResult
    public func report(_ fault: StoreFault, folder: String, at now: Date) -> Bool {
        let since = problem?.since ?? now
        lock.withLock { _kind = fault.kind }
        return set(StoreProblem(message: fault.description, advice: fault.advice(folder: folder), since: since))
    }
}

/// Runs blocking store work on a thread of its own, never on the Swift
/// cooperative pool: a write that waits on SQLite's lock (up to the busy
/// timeout) must not take one of the pool's few threads from the control
/// socket, the outbox or the scheduler.
public enum StoreThread {
    private static let queue = DispatchQueue(label: "casefile.store-probe", qos: .utility)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

import Foundation

/// When a long piece of work last moved: a transfer ended, a listing page
/// was read, a document was parsed or stored, a deliberate wait went on.
/// The watchdog reads it to tell "busy" from "stuck". Safe from any thread.
public final class Heartbeat: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ContinuousClock.now

    public init() {}

    /// Something moved.
    public func beat() {
        let now = ContinuousClock.now
        lock.withLock { last = now }
    }

    /// Time since the last beat.
    public var sinceLastBeat: Duration {
        let then = lock.withLock { last }
        return ContinuousClock.now - then
    }

    /// Waits `duration` on purpose (a politeness or retry wait), beating
    /// every few seconds meanwhile: a deliberate wait is not a stall.
    public func wait(_ duration: Duration) async throws {
        var left = duration
        while left > .zero {
            let step = min(left, .seconds(5))
            try await Task.sleep(for: step)
            left -= step
            beat()
        }
    }
}

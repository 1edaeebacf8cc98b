import Foundation

/// How a service loop waits: until its timer runs out or someone wakes it,
/// whichever comes first. The scheduler and the outbox worker both wait so.
///
/// Wake-ups that come while the loop is busy are kept (one of them), so the
/// next wait returns at once and nothing is missed. The timer wakes the
/// loop only when it runs out: a cancelled timer that woke it too would
/// leave a wake-up for the next wait, whose timer is cancelled in turn, and
/// so on: a loop that never sleeps again after the first outside wake-up.
/// (Both loops once did that, spinning an idle daemon at 1.6 cores.)
public final class LoopAlarm: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Ends the loop's current or next wait now. Safe from any thread.
    public func wake() {
        continuation.yield()
    }

    /// Ends every wait for good: `Waiter.wait` returns false from now on.
    public func stop() {
        stopped.set()
        continuation.finish()
    }

    /// True once `stop` was called: a loop checks it between steps of a
    /// long piece of work.
    public var isStopped: Bool { stopped.isSet }

    private let stopped = Flag()

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    /// The loop's side. Make one per loop and keep it across waits.
    public func makeWaiter() -> Waiter {
        Waiter(iterator: stream.makeAsyncIterator(), continuation: continuation)
    }

    public struct Waiter {
        var iterator: AsyncStream<Void>.AsyncIterator
        let continuation: AsyncStream<Void>.Continuation

        /// Waits up to `duration` on `clock`, less if woken. False once the
        /// alarm is stopped.
        public mutating func wait(for duration: Duration, on clock: any SyncClock) async -> Bool {
            await wait(until: clock.now().addingTimeInterval(duration.timeInterval), on: clock)
        }

        /// Waits until `deadline` on `clock`, less if woken. The caller
        /// computes the deadline where it computes its due times, so a clock
        /// that moves before the timer starts cannot make it wait too long.
        public mutating func wait(until deadline: Date, on clock: any SyncClock) async -> Bool {
            let timer = Task { [continuation] in
                do {
                    try await clock.sleep(until: deadline)
                    continuation.yield()
                } catch {}
            }
            defer { timer.cancel() }
            return await iterator.next() != nil
        }
    }
}

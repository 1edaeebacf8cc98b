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
        continuation.finish()
    }

    /// The loop's side. Make one per loop and keep it across waits.
    public func makeWaiter() -> Waiter {
        Waiter(iterator: stream.makeAsyncIterator(), continuation: continuation)
    }

    public struct Waiter {
        var iterator: AsyncStream<Void>.AsyncIterator
        let continuation: AsyncStream<Void>.Continuation

        /// Waits up to `seconds`, less if woken. False once the alarm is stopped.
        public mutating func wait(seconds: Double) async -> Bool {
            let timer = Task { [continuation] in
                do {
                    try await Task.sleep(for: .milliseconds(Int(max(0, seconds) * 1000)))
                    continuation.yield()
                } catch {}
            }
            defer { timer.cancel() }
            return await iterator.next() != nil
        }
    }
}

import CasefileNotify
import Foundation

/// A limit on how long the outbox waits for one delivery attempt.
enum Deadline {
    /// Runs `body`, but stops waiting after `limit` on `clock`: a channel
    /// stuck past its own timeout fails the attempt instead of holding its
    /// queue.
    ///
    /// Every channel ends its own work at its timeout (a command is killed
    /// with its process group, a transfer is aborted by libcurl), so this is
    /// the backstop for one that does not. That is why `body` runs in a task
    /// of its own rather than a child: a task group would wait for a body
    /// that ignores cancellation, which is the very case this guards
    /// against. The stuck call's result, when it comes, is dropped.
    static func run(
        _ limit: Duration, clock: any SyncClock, _ body: @escaping @Sendable () async throws(DeliveryError) -> Void
    ) async throws(DeliveryError) {
        let once = Once()
        let result: Result<Void, DeliveryError> = await withCheckedContinuation { continuation in
            once.set(continuation)
            let timer = Task {
                do {
                    try await clock.sleep(for: limit)
                } catch {
                    return  // the attempt ended first
                }
                once.resume(.failure(DeliveryError("no answer within \(limit.components.seconds) s")))
            }
            Task {
                do throws(DeliveryError) {
                    try await body()
                    once.resume(.success(()))
                } catch {
                    once.resume(.failure(error))
                }
                timer.cancel()
            }
        }
        try result.get()
    }

    /// Resumes the continuation once, whichever of the two comes first.
    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Result<Void, DeliveryError>, Never>?

        func set(_ c: CheckedContinuation<Result<Void, DeliveryError>, Never>) { lock.withLock { continuation = c } }

        func resume(_ r: Result<Void, DeliveryError>) {
            let c = lock.withLock { () -> CheckedContinuation<Result<Void, DeliveryError>, Never>? in
                defer { continuation = nil }
                return continuation
            }
            c?.resume(returning: r)
        }
    }
}

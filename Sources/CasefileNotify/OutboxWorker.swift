import CasefileControl
import CasefileModel
import CasefileStore
import Foundation
import Logging
import ServiceLifecycle

/// Delivers the outbox: each change to each channel it was queued for, at
/// least once, across restarts (the rows are in SQLite, committed with the
/// change), with exponential backoff. Receivers drop repeats by the change id.
public actor OutboxWorker: Service {
    private let store: CasefileStore
    private var channels: [String: any NotificationChannel]
    private let logger: Logger
    private let alarm = LoopAlarm()
    /// First retry delay; doubles each attempt up to `maxBackoff`.
    private let baseBackoff: Double
    private let maxBackoff: Double

    public init(
        store: CasefileStore, channels: [any NotificationChannel], logger: Logger,
        baseBackoff: Double = 2, maxBackoff: Double = 3600
    ) {
        self.store = store
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.logger = logger
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
    }

    /// Something was committed to the outbox: look now rather than at the next tick.
    public nonisolated func wake() {
        alarm.wake()
    }

    /// Swaps the channels (a reload). Pending rows for a channel that no longer
    /// exists stay pending until it comes back.
    public func replaceChannels(_ new: [any NotificationChannel]) {
        channels = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func run() async throws {
        logger.debug("outbox worker started", metadata: ["channels": "\(channels.keys.sorted())"])
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            Task { await self.finish() }
        }
    }

    private var stopping = false

    private func finish() {
        stopping = true
        alarm.stop()
    }

    private func loop() async {
        var waiter = alarm.makeWaiter()
        while !stopping && !Task.isCancelled {
            await deliverDue()
            if stopping { break }
            // Sleep until the next retry is due, or something is woken, or a minute.
            var wait: Double = 60
            if let next = try? store.nextDeliveryDue() {
                // Rows of a channel still busy with an attempt are due but
                // not ours to take yet: its task wakes us when it is done.
                wait = max(busyChannels.isEmpty ? 0.05 : 1, min(wait, next.timeIntervalSinceNow))
            }
            _ = await waiter.wait(seconds: wait)
        }
        logger.debug("outbox worker stopped")
    }

    /// Channels with an attempt under way.
    private var busyChannels: Set<String> = []

    /// Starts delivering what is due: one task per channel, one delivery at
    /// a time within it, and never waits for them. A channel that is slow or
    /// down holds up only itself; the loop goes on serving the others.
    func deliverDue() async {
        let due: [Delivery]
        do {
            due = try store.dueDeliveries(now: Date(), limit: 200)
        } catch {
            logger.error("outbox: cannot read due deliveries: \(error)")
            return
        }
        guard !due.isEmpty else { return }
        let byChannel = Dictionary(grouping: due, by: \.channel)
        for (name, deliveries) in byChannel where !busyChannels.contains(name) {
            guard let channel = channels[name] else {
                logger.warning("outbox: \(deliveries.count) deliveries wait for channel '\(name)', which is not configured")
                continue
            }
            busyChannels.insert(name)
            Task { [store, logger, baseBackoff, maxBackoff] in
                for delivery in deliveries {
                    await Self.attempt(delivery, on: channel, store: store, logger: logger, base: baseBackoff, cap: maxBackoff)
                }
                self.channelDone(name)
            }
        }
    }

    private func channelDone(_ name: String) {
        busyChannels.remove(name)
        alarm.wake()
    }

    private static func attempt(
        _ delivery: Delivery, on channel: any NotificationChannel, store: CasefileStore, logger: Logger, base: Double, cap: Double
    ) async {
        let change = delivery.change
        let json: Data
        do {
            json = try CasefileJSON.encode(change)
        } catch {
            logger.error("outbox: cannot encode change \(change.id): \(error)")
            return
        }
        do throws(DeliveryError) {
            try await Self.withDeadline(channel.timeout + .seconds(5)) { () async throws(DeliveryError) in
                try await channel.deliver(change, json: json)
            }
            try? store.markDelivered(id: delivery.id, at: Date())
            logger.info(
                "delivered \(change.kind.rawValue) for \(change.authority.slug) to \(channel.name)",
                metadata: ["change": "\(change.id)", "seq": "\(change.seq)", "attempt": "\(delivery.attempts + 1)"])
        } catch {
            let attempts = delivery.attempts + 1
            let next: Date?
            if attempts >= channel.maxAttempts {
                next = nil
                logger.error(
                    "delivery of change \(change.id) to \(channel.name) failed \(attempts) times and is parked: \(error.reason)")
            } else {
                // Exponential backoff with jitter, so a channel that comes back is not hit by every retry at once.
                let delay = min(cap, base * pow(2, Double(attempts - 1))) * Double.random(in: 0.8...1.2)
                next = Date().addingTimeInterval(delay)
                logger.warning(
                    "delivery of change \(change.id) to \(channel.name) failed (attempt \(attempts) of \(channel.maxAttempts)), retrying in \(Int(delay.rounded())) s: \(error.reason)")
            }
            try? store.markDeliveryFailed(id: delivery.id, error: error.reason, nextAttemptAt: next, at: Date())
        }
    }

    /// Runs `body`, but gives up waiting after `limit`: a channel stuck past
    /// its own timeout fails the attempt instead of holding its queue. (The
    /// stuck call is left to end by itself; its result is dropped.)
    static func withDeadline(
        _ limit: Duration, _ body: @escaping @Sendable () async throws(DeliveryError) -> Void
    ) async throws(DeliveryError) {
        let once = Once()
        let result: Result<Void, DeliveryError> = await withCheckedContinuation { continuation in
            once.set(continuation)
            Task {
                do throws(DeliveryError) {
                    try await body()
                    once.resume(.success(()))
                } catch {
                    once.resume(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                once.resume(.failure(DeliveryError("no answer within \(limit.components.seconds) s")))
            }
        }
        try result.get()
    }

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

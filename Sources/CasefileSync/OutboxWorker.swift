import CasefileModel
import CasefileNotify
import CasefileStore
import Foundation
import Logging
import ServiceLifecycle

/// Delivers the outbox: each change to each channel it was queued for, at
/// least once, across restarts (the rows are in SQLite, committed with the
/// change), with `OutboxPolicy`'s backoff. Receivers drop repeats by the
/// change id.
///
/// - Fair: each channel is read with its own limit and served by its own
///   task, one delivery at a time; a slow or backlogged channel holds up
///   only itself.
/// - No storms: when an attempt's outcome cannot be recorded (a busy, full
///   or read-only store), the outcome is held here and recorded later, and
///   that channel sends nothing more until it is: at most one extra
///   delivery per change and channel can result (a restart before the
///   outcome is recorded), never a loop.
/// - Orphans: deliveries for a channel no longer configured are parked as
///   `orphaned`, and go back to the queue if the channel comes back.
public actor OutboxWorker: Service {
    private let queue: any OutboxQueue
    private var channels: [String: any NotificationChannel]
    private let policy: OutboxPolicy
    private let clock: any SyncClock
    private let logger: Logger
    private let alarm = LoopAlarm()
    private let random: @Sendable () -> Double
    /// Whether the store takes writes: while it does not, nothing is sent
    /// (its outcome could not be recorded) and nothing is written.
    private let health: StoreHealth
    private let folder: String

    /// Channels with a batch under way.
    private var busy: Set<String> = []
    /// Outcomes not yet recorded, by outbox row id.
    private var unrecorded: [Int64: Unrecorded] = [:]
    /// Reads of the queue that failed in a row (the loop waits longer).
    private var readFailures = 0

    public init(
        queue: any OutboxQueue, channels: [any NotificationChannel], policy: OutboxPolicy = OutboxPolicy(),
        clock: any SyncClock = WallClock(), logger: Logger, health: StoreHealth = StoreHealth(), storeFolder: String = "",
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.health = health
        self.folder = storeFolder
        health.onChange { [alarm] in alarm.wake() }
        self.queue = queue
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.random = random
    }

    /// Something was committed to the outbox: look now rather than at the next tick.
    public nonisolated func wake() {
        alarm.wake()
    }

    /// Swaps the channels (a reload). Deliveries parked as orphaned for a
    /// channel that is configured again go back to the queue.
    public func replaceChannels(_ new: [any NotificationChannel]) {
        channels = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        do {
            let restored = try queue.restoreOrphaned(channels: Set(channels.keys), at: clock.now())
            if restored > 0 { logger.notice("outbox: \(restored) orphaned deliveries are queued again for their channel") }
        } catch {
            // The next round parks and restores again; nothing is lost.
            logger.error("outbox: cannot requeue orphaned deliveries: \(error)")
        }
        alarm.wake()
    }

    public func run() async throws {
        logger.debug("outbox worker started", metadata: ["channels": "\(channels.keys.sorted())"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var waiter = alarm.makeWaiter()
                repeat {
                    self.deliverDue(in: &group)
                } while await waiter.wait(until: self.clock.now().addingTimeInterval(self.nextWait().timeInterval), on: self.clock)
            }
        } onGracefulShutdown: { [alarm] in
            alarm.stop()
        }
        logger.debug("outbox worker stopped")
    }

    /// One round: records held-back outcomes, parks orphans, and starts a
    /// batch for each channel that has deliveries due and none under way.
    func deliverDue(in group: inout DiscardingTaskGroup) {
        // The scheduler's probe finds out when the store takes writes again, and wakes us.
        guard !health.isFailing else { return }
        let now = clock.now()
        recordHeldBack(now: now)
        let serving = servable()
        do {
            let orphans = try queue.pendingChannels().subtracting(channels.keys)
            if !orphans.isEmpty {
                let parked = try queue.parkOrphaned(channels: orphans)
                logger.warning(
                    "outbox: \(parked) deliveries wait for \(orphans.sorted().map { "'\($0)'" }.joined(separator: ", ")), not configured: parked as orphaned (casefilectl notifications lists them; they are sent if the channel comes back)"
                )
            }
            for name in serving.sorted() {
                guard let channel = channels[name] else { continue }
                let due = try queue.dueDeliveries(channel: name, now: now, limit: policy.batchPerChannel)
                guard !due.isEmpty else { continue }
                busy.insert(name)
                group.addTask { [policy, clock, random, health] in
                    for delivery in due {
                        if health.isFailing { break }
                        let outcome = await Self.attempt(delivery, on: channel, policy: policy, clock: clock, random: random)
                        guard await self.record(outcome, of: delivery, on: channel) else { break }
                    }
                    await self.channelDone(name)
                }
            }
            readFailures = 0
        } catch {
            readFailures += 1
            if let fault = StoreFault.of(error) { health.report(fault, folder: folder, at: now) }
            logger.error("outbox: cannot read the queue (\(readFailures) times in a row): \(error)")
        }
    }

    /// Configured channels with nothing under way and nothing held back.
    private func servable() -> Set<String> {
        Set(channels.keys).subtracting(busy).subtracting(unrecorded.values.map(\.channel))
    }

    /// How long the loop sleeps: until the next delivery or held-back
    /// outcome is due, a minute at most; longer while the queue cannot be read.
    private func nextWait() -> Duration {
        if health.isFailing { return .seconds(60) }
        if readFailures > 0 { return .seconds(min(60, 1 << min(readFailures, 6))) }
        var wait = 60.0
        let now = clock.now()
        if let next = try? queue.nextDeliveryDue(channels: servable()) {
            // A failed read is retried on the next round, which comes within the minute.
            wait = min(wait, next.timeIntervalSince(now))
        }
        if let held = unrecorded.values.map(\.retryAt).min() {
            wait = min(wait, held.timeIntervalSince(now))
        }
        return .seconds(clamping: max(0.05, wait))
    }

    private func channelDone(_ name: String) {
        busy.remove(name)
        alarm.wake()
    }

    // MARK: Attempts and their outcomes

    /// What one attempt came to, to be recorded in the queue.
    struct Outcome: Sendable {
        var delivered: Bool
        var error: String?
        var nextAttemptAt: Date?
        var at: Date
    }

    struct Unrecorded: Sendable {
        var deliveryID: Int64
        var channel: String
        var outcome: Outcome
        var retryAt: Date
        var tries: Int
    }

    private static func attempt(
        _ delivery: Delivery, on channel: any NotificationChannel, policy: OutboxPolicy, clock: any SyncClock,
        random: @Sendable () -> Double
    ) async -> Outcome {
        let change = delivery.change
        let attempts = delivery.attempts + 1
        do throws(DeliveryError) {
            let json: Data
            do {
                json = try CasefileJSON.encode(change)
            } catch {
                throw DeliveryError("cannot encode change \(change.id): \(error)")
            }
            try await Deadline.run(channel.timeout + .seconds(5), clock: clock) { () async throws(DeliveryError) in
                try await channel.deliver(change, json: json)
            }
            return Outcome(delivered: true, at: clock.now())
        } catch {
            let now = clock.now()
            let next = policy.nextAttempt(
                afterAttempt: attempts, maxAttempts: channel.maxAttempts, base: channel.retryDelay, now: now, random: random())
            return Outcome(delivered: false, error: error.reason, nextAttemptAt: next, at: now)
        }
    }

    /// Records an attempt's outcome; false when it could not be, and is
    /// held back: the channel's batch then stops.
    private func record(_ outcome: Outcome, of delivery: Delivery, on channel: any NotificationChannel) -> Bool {
        let change = delivery.change
        let attempt = delivery.attempts + 1
        if outcome.delivered {
            logger.info(
                "delivered \(change.kind.rawValue) for \(change.authority.slug) to \(channel.name)",
                metadata: ["change": "\(change.id)", "seq": "\(change.seq)", "attempt": "\(attempt)"])
        } else if let next = outcome.nextAttemptAt {
            logger.warning(
                "delivery of change \(change.id) to \(channel.name) failed (attempt \(attempt) of \(channel.maxAttempts)), retrying in \(Int(next.timeIntervalSince(outcome.at).rounded())) s: \(outcome.error ?? "")"
            )
        } else {
            logger.error(
                "delivery of change \(change.id) to \(channel.name) failed \(attempt) times and is parked: \(outcome.error ?? "")")
        }
        do {
            try store(outcome, id: delivery.id)
            return true
        } catch {
            if let fault = StoreFault.of(error), health.report(fault, folder: folder, at: clock.now()) {
                logger.critical(
                    "the store cannot take writes: deliveries and syncing stop until it does: \(fault.description); what to do: \(fault.advice(folder: folder))"
                )
            }
            logger.error(
                "outbox: cannot record the outcome of change \(change.id) to \(channel.name) (\(outcome.delivered ? "delivered" : "failed")): \(error); holding it, and this channel's deliveries, until the store takes it"
            )
            unrecorded[delivery.id] = Unrecorded(
                deliveryID: delivery.id, channel: channel.name, outcome: outcome,
                retryAt: clock.now().addingTimeInterval(1), tries: 1)
            return false
        }
    }

    private func store(_ outcome: Outcome, id: Int64) throws {
        if outcome.delivered {
            try queue.markDelivered(id: id, at: outcome.at)
        } else {
            try queue.markDeliveryFailed(id: id, error: outcome.error ?? "failed", nextAttemptAt: outcome.nextAttemptAt, at: outcome.at)
        }
    }

    /// Tries again to record the outcomes held back, each on its own backoff
    /// (1 s doubling to 5 min).
    private func recordHeldBack(now: Date) {
        for (id, held) in unrecorded where held.retryAt <= now {
            if health.isFailing { break }
            do {
                try store(held.outcome, id: id)
                unrecorded[id] = nil
                logger.notice("outbox: recorded the held-back outcome of delivery \(id) to \(held.channel)")
            } catch {
                if let fault = StoreFault.of(error) { health.report(fault, folder: folder, at: now) }
                var next = held
                next.tries += 1
                next.retryAt = now.addingTimeInterval(min(300, pow(2, Double(min(next.tries, 10)))))
                unrecorded[id] = next
            }
        }
    }
}

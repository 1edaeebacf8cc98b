import CasefileModel
import CasefileStore
import Foundation

/// When a failed delivery is tried again, and when it is given up on.
/// Pure: the randomness comes in as an argument.
public struct OutboxPolicy: Sendable, Hashable {
    /// The wait after a first failed attempt, for a channel that does not
    /// set its own (`retry_delay`); it doubles with each further failure,
    /// up to `maxDelay`.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Deliveries taken from the queue per channel at a time: a channel with
    /// a backlog of thousands cannot crowd out the others, which are read
    /// with their own limit.
    public var batchPerChannel: Int

    public init(baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(3600), batchPerChannel: Int = 50) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.batchPerChannel = batchPerChannel
    }

    /// The wait after the `attempts`-th failed attempt (1 for the first):
    /// `baseDelay`·2^(attempts−1), at most `maxDelay`, times a jitter of
    /// 0.8…1.2 (`random` in 0…1), so that a channel that comes back is not
    /// hit by every retry at once.
    public func retryDelay(afterAttempt attempts: Int, base: Duration? = nil, random: Double) -> Duration {
        let exponent = Double(min(max(attempts, 1), 62) - 1)
        let step = min(maxDelay.timeInterval, (base ?? baseDelay).timeInterval * pow(2, exponent))
        let r = min(1, max(0, random.isNaN ? 0.5 : random))
        return .seconds(clamping: step * (0.8 + 0.4 * r))
    }

    /// When to try again after the `attempts`-th failed attempt, or nil to
    /// park the delivery as failed (`maxAttempts` reached) until an
    /// operator retries it.
    public func nextAttempt(
        afterAttempt attempts: Int, maxAttempts: Int, base: Duration? = nil, now: Date, random: Double
    ) -> Date? {
        guard attempts < maxAttempts else { return nil }
        return now.addingTimeInterval(retryDelay(afterAttempt: attempts, base: base, random: random).timeInterval)
    }
}

/// The outbox as the worker sees it: what is due, and the outcome of each
/// attempt. `CasefileStore` is the real one; tests use a fake.
public protocol OutboxQueue: Sendable {
    /// Pending deliveries of `channel` due at `now`, by change seq.
    func dueDeliveries(channel: String, now: Date, limit: Int) throws -> [Delivery]
    /// The channels that have pending deliveries (due or not).
    func pendingChannels() throws -> Set<String>
    /// The earliest time a pending delivery of one of `channels` is due.
    func nextDeliveryDue(channels: Set<String>) throws -> Date?
    func markDelivered(id: Int64, at: Date) throws
    func markDeliveryFailed(id: Int64, error: String, nextAttemptAt: Date?, at: Date) throws
    /// Parks the pending deliveries of `channels` as orphaned; returns how many.
    func parkOrphaned(channels: Set<String>) throws -> Int
    /// Puts the orphaned deliveries of `channels` back in the queue, due at
    /// `at`; returns how many.
    func restoreOrphaned(channels: Set<String>, at: Date) throws -> Int
}

extension CasefileStore: OutboxQueue {}

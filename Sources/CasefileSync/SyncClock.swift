import CasefileModel
import Foundation

/// Time, as the rules see it: the wall time stamped on what they record,
/// and the waits of the service loops. Production runs on `WallClock`;
/// tests drive a fake one, so a backoff of an hour takes no time at all.
public protocol SyncClock: Sendable {
    /// The time to record and to compare due times with.
    func now() -> Date
    /// Waits `duration`; throws when the task is cancelled.
    func sleep(for duration: Duration) async throws
    /// Waits until `date` (at once when it has passed); throws when the
    /// task is cancelled. The loops wait this way: a deadline computed with
    /// the due times cannot drift if the clock moves before the wait begins.
    func sleep(until date: Date) async throws
}

/// The system's wall time, and Swift's continuous clock for waits.
public struct WallClock: SyncClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
    public func sleep(until date: Date) async throws {
        try await Task.sleep(for: .seconds(clamping: date.timeIntervalSinceNow))
    }
}

/// Any `Clock` counting in `Duration` (a test clock among them), with the
/// wall time it stands for: `epoch` at the moment it is wrapped, moving as
/// the clock moves.
public struct ClockTime<C: Clock>: SyncClock where C.Duration == Duration {
    private let clock: C
    private let start: C.Instant
    private let epoch: Date

    public init(_ clock: C, epoch: Date) {
        self.clock = clock
        self.start = clock.now
        self.epoch = epoch
    }

    public func now() -> Date {
        epoch.addingTimeInterval(start.duration(to: clock.now).timeInterval)
    }

    public func sleep(for duration: Duration) async throws {
        try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
    }

    /// To the millisecond, so that a due time of whole seconds is reached
    /// exactly when the clock is moved onto it.
    public func sleep(until date: Date) async throws {
        let offset = Duration.milliseconds(Int64((date.timeIntervalSince(epoch) * 1000).rounded()))
        try await clock.sleep(until: start.advanced(by: offset), tolerance: nil)
    }
}

extension Duration {
    /// A duration of `seconds`, no less than zero and no more than about
    /// 950 years (a NaN or a past time is zero).
    static func seconds(clamping seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64(min(seconds, 3e10) * 1000))
    }
}

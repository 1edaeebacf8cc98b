import CasefileModel
import Foundation

/// When to sync a source next. Pure functions: the randomness comes in as
/// an argument, so tests can pin it.
public enum SourceSchedule {
    /// A source's interval varies by this fraction either way (±10 %), so a
    /// fleet of daemons started together does not hit a site at the same second.
    public static let jitterFraction = 0.1

    /// A source failing repeatedly waits at most this long (or its own
    /// interval, when that is longer) before its next sync.
    public static let maxBackoff: Duration = .seconds(24 * 3600)

    /// `interval` ± `jitterFraction`; `jitter` is in -1...1 (clamped): -1 is
    /// 10 % sooner, 1 is 10 % later. Pass `Double.random(in: -1...1)`.
    public static func jittered(_ interval: Duration, jitter: Double) -> Duration {
        let j = min(1, max(-1, jitter.isNaN ? 0 : jitter))
        return interval * (1 + j * jitterFraction)
    }

    /// The wait before the next sync of a source whose last `failures` syncs
    /// in a row failed, before jitter: its interval when it is healthy or
    /// failed once; then twice, four times … its interval, up to
    /// `max(interval, maxBackoff)`. A success (failures back to 0) restores
    /// the interval: the source recovers by itself.
    public static func backoff(failures: Int, interval: Duration) -> Duration {
        guard failures > 1 else { return interval }
        let cap = max(interval, maxBackoff)
        var wait = interval
        for _ in 1..<min(failures, 32) {
            wait = wait * 2
            if wait >= cap { return cap }
        }
        return min(wait, cap)
    }

    /// When a source is due next: `now` + `backoff(failures:interval:)` with
    /// the ±10 % jitter of `jittered`.
    public static func nextDue(
        after failures: Int, interval: Duration, now: Date,
        jitter: Double = Double.random(in: -1...1)
    ) -> Date {
        let wait = jittered(backoff(failures: max(0, failures), interval: interval), jitter: jitter)
        return now.addingTimeInterval(wait.timeInterval)
    }
}

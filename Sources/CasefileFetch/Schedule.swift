import Foundation

/// When to sync a source next, and how long to wait between retries. Pure
/// functions: the randomness comes in as an argument, so tests can pin it.
public enum Schedule {
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
    public static func nextDue(after failures: Int, interval: Duration, now: Date,
                               jitter: Double = Double.random(in: -1...1)) -> Date {
        let wait = jittered(backoff(failures: max(0, failures), interval: interval), jitter: jitter)
        return now.addingTimeInterval(wait.seconds)
    }

    /// The wait before retry number `attempt` (1 for the first retry) of one
    /// transfer: `base`·2^(attempt−1), at most `maximum`, then scaled by a
    /// jitter factor in 0.5...1 (`random` in 0...1), so retries from many
    /// transfers spread out but never come sooner than half the step.
    public static func retryDelay(attempt: Int, base: Double, maximum: Double, random: Double) -> Double {
        let exponent = Double(min(max(attempt, 1), 62) - 1)
        let step = min(maximum, base * pow(2, exponent))
        let r = min(1, max(0, random.isNaN ? 0 : random))
        return step * (0.5 + 0.5 * r)
    }

    /// A `Retry-After` header in seconds from `now`: a number of seconds, or
    /// an HTTP date (IMF-fixdate, RFC 850 or asctime). nil when unreadable;
    /// 0 for a date in the past.
    public static func retryAfter(_ header: String, now: Date) -> Double? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return Double(text)
        }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }
}

extension Duration {
    /// Seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

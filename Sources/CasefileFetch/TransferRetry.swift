import Foundation

/// How long one transfer waits before it is tried again. Pure functions:
/// the randomness comes in as an argument, so tests can pin it. (When a
/// whole source is synced next is the scheduler's rule: `SourceSchedule` in
/// CasefileSync.)
public enum TransferRetry {
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

import CasefileFetch
import Foundation
import Testing

@Suite struct ScheduleTests {
    let sixHours: Duration = .seconds(6 * 3600)

    @Test func jitterIsTenPercentEitherWay() {
        func seconds(_ jitter: Double) -> Double {
            let (s, atto) = Schedule.jittered(sixHours, jitter: jitter).components
            return Double(s) + Double(atto) / 1e18
        }
        #expect(seconds(0) == 21600)
        #expect(abs(seconds(-1) - 19440) < 0.001)
        #expect(abs(seconds(1) - 23760) < 0.001)
        #expect(abs(seconds(0.5) - 22680) < 0.001)
        // Out of range is clamped, not amplified.
        #expect(abs(seconds(7) - 23760) < 0.001)
        #expect(seconds(.nan) == 21600)
    }

    @Test func randomJitterSpreadsAFleet() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let dues = (0..<200).map { _ in Schedule.nextDue(after: 0, interval: sixHours, now: now).timeIntervalSince(now) }
        #expect(dues.allSatisfy { $0 >= 6 * 3600 * 0.9 && $0 <= 6 * 3600 * 1.1 })
        #expect(Set(dues.map { Int($0) }).count > 150, "200 daemons should not share a second")
    }

    @Test func failingSourcesBackOffAndRecover() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        func hours(_ failures: Int) -> Double {
            Schedule.nextDue(after: failures, interval: sixHours, now: now, jitter: 0).timeIntervalSince(now) / 3600
        }
        #expect(hours(0) == 6)
        #expect(hours(1) == 6)
        #expect(hours(2) == 12)
        #expect(hours(3) == 24)
        #expect(hours(4) == 24, "capped at a day")
        #expect(hours(1000) == 24)
        // Recovery: a success resets the count, and the interval is back.
        #expect(hours(0) == 6)
        // A source whose interval is longer than the cap keeps its interval.
        #expect(Schedule.backoff(failures: 5, interval: .seconds(3 * 86400)) == .seconds(3 * 86400))
        // A short interval (the demo's minute) doubles up to the cap too.
        #expect(Schedule.backoff(failures: 3, interval: .seconds(60)) == .seconds(240))
        // Jitter applies to the backed-off wait.
        let late = Schedule.nextDue(after: 2, interval: sixHours, now: now, jitter: 1).timeIntervalSince(now)
        #expect(abs(late - 12 * 3600 * 1.1) < 0.001)
    }

    @Test func retryDelaysGrowExponentiallyWithBoundedJitter() {
        #expect(Schedule.retryDelay(attempt: 1, base: 1, maximum: 60, random: 1) == 1)
        #expect(Schedule.retryDelay(attempt: 1, base: 1, maximum: 60, random: 0) == 0.5)
        #expect(Schedule.retryDelay(attempt: 2, base: 1, maximum: 60, random: 1) == 2)
        #expect(Schedule.retryDelay(attempt: 4, base: 1, maximum: 60, random: 1) == 8)
        #expect(Schedule.retryDelay(attempt: 10, base: 1, maximum: 60, random: 1) == 60)
        #expect(Schedule.retryDelay(attempt: 100, base: 1, maximum: 60, random: 0.5) == 45)
    }

    @Test func retryAfterInSecondsOrAsADate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)   // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(Schedule.retryAfter("120", now: now) == 120)
        #expect(Schedule.retryAfter(" 0 ", now: now) == 0)
        #expect(Schedule.retryAfter("Tue, 14 Nov 2023 22:14:20 GMT", now: now) == 60)
        #expect(Schedule.retryAfter("Tuesday, 14-Nov-23 22:15:20 GMT", now: now) == 120)
        #expect(Schedule.retryAfter("Tue Nov 14 22:13:50 2023", now: now) == 30)
        #expect(Schedule.retryAfter("Mon, 13 Nov 2023 00:00:00 GMT", now: now) == 0, "a date in the past: now")
        #expect(Schedule.retryAfter("soon", now: now) == nil)
        #expect(Schedule.retryAfter("-5", now: now) == nil)
    }
}

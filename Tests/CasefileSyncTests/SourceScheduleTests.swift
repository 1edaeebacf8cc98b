import CasefileSync
import Foundation
import Testing

@Suite struct SourceScheduleTests {
    let sixHours: Duration = .seconds(6 * 3600)

    @Test func jitterIsTenPercentEitherWay() {
        func seconds(_ jitter: Double) -> Double {
            let (s, atto) = SourceSchedule.jittered(sixHours, jitter: jitter).components
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
        let dues = (0..<200).map { _ in SourceSchedule.nextDue(after: 0, interval: sixHours, now: now).timeIntervalSince(now) }
        #expect(dues.allSatisfy { $0 >= 6 * 3600 * 0.9 && $0 <= 6 * 3600 * 1.1 })
        #expect(Set(dues.map { Int($0) }).count > 150, "200 daemons should not share a second")
    }

    @Test func failingSourcesBackOffAndRecover() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        func hours(_ failures: Int) -> Double {
            SourceSchedule.nextDue(after: failures, interval: sixHours, now: now, jitter: 0).timeIntervalSince(now) / 3600
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
        #expect(SourceSchedule.backoff(failures: 5, interval: .seconds(3 * 86400)) == .seconds(3 * 86400))
        // A short interval (the demo's minute) doubles up to the cap too.
        #expect(SourceSchedule.backoff(failures: 3, interval: .seconds(60)) == .seconds(240))
        // Jitter applies to the backed-off wait.
        let late = SourceSchedule.nextDue(after: 2, interval: sixHours, now: now, jitter: 1).timeIntervalSince(now)
        #expect(abs(late - 12 * 3600 * 1.1) < 0.001)
    }
}

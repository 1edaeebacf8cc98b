import CasefileModel
import Testing

struct LocalDateTests {
    @Test func parsesAndPrintsISO() {
        let d = LocalDate(iso: "2019-04-29")
        #expect(d?.description == "2019-04-29")
        #expect(LocalDate(iso: "2019-02-30") == nil)
        #expect(LocalDate(iso: "2020-02-29") != nil)
        #expect(LocalDate(iso: "19-04-29") == nil)
    }

    @Test func spansCountCalendarDaysInclusive() {
        let span = DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-03")!)
        #expect(span.days == 5)
        #expect(LocalDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(LocalDate(iso: "2018-12-31")! < LocalDate(iso: "2019-01-01")!)
    }

    @Test func gradeDirections() {
        #expect(Direction(from: .good, to: .outstanding) == .improved)
        #expect(Direction(from: .good, to: .inadequate) == .declined)
        #expect(Direction(from: .notJudged, to: .good) == .changed)
    }
}

@Suite("LoopAlarm")
struct LoopAlarmTests {
    @Test func aWakeEndsOneWaitOnlyAndTheTimerTheOthers() async {
        let alarm = LoopAlarm()
        var waiter = alarm.makeWaiter()
        // A wake-up that came while the loop was busy ends the next wait at once.
        alarm.wake()
        let clock = ContinuousClock()
        var start = clock.now
        #expect(await waiter.wait(seconds: 30))
        #expect(clock.now - start < .seconds(20))
        // That wait's timer was cancelled, and must not end the next one:
        // this wait runs until its own timer (the bug: it returned at once).
        start = clock.now
        #expect(await waiter.wait(seconds: 0.3))
        #expect(clock.now - start >= .milliseconds(290))
        // Stopped: no more waiting.
        alarm.stop()
        #expect(await waiter.wait(seconds: 30) == false)
    }
}

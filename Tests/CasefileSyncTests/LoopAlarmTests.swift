import CasefileSync
import Testing

@Suite("LoopAlarm")
struct LoopAlarmTests {
    @Test func aWakeEndsOneWaitOnlyAndTheTimerTheOthers() async {
        let alarm = LoopAlarm()
        var waiter = alarm.makeWaiter()
        // A wake-up that came while the loop was busy ends the next wait at once.
        alarm.wake()
        let clock = ContinuousClock()
        var start = clock.now
        #expect(await waiter.wait(for: .seconds(30), on: WallClock()))
        #expect(clock.now - start < .seconds(20))
        // That wait's timer was cancelled, and must not end the next one:
        // this wait runs until its own timer (the bug: it returned at once).
        start = clock.now
        #expect(await waiter.wait(for: .milliseconds(300), on: WallClock()))
        #expect(clock.now - start >= .milliseconds(290))
        // Stopped: no more waiting.
        alarm.stop()
        #expect(await waiter.wait(for: .seconds(30), on: WallClock()) == false)
    }
}

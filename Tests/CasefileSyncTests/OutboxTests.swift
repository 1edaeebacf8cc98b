import CasefileModel
import CasefileNotify
import CasefileStore
import Clocks
import Foundation
import Logging
import Testing

@testable import CasefileSync

@Suite("Outbox policy")
struct OutboxPolicyTests {
    @Test func retriesBackOffExponentiallyWithJitterAndPark() {
        let policy = OutboxPolicy(baseDelay: .seconds(2), maxDelay: .seconds(3600))
        #expect(policy.retryDelay(afterAttempt: 1, random: 0.5) == .seconds(2))
        #expect(policy.retryDelay(afterAttempt: 2, random: 0.5) == .seconds(4))
        #expect(policy.retryDelay(afterAttempt: 5, random: 0.5) == .seconds(32))
        #expect(policy.retryDelay(afterAttempt: 40, random: 0.5) == .seconds(3600))
        #expect(policy.retryDelay(afterAttempt: 1, random: 0) == .milliseconds(1600))
        #expect(policy.retryDelay(afterAttempt: 1, random: 1) == .milliseconds(2400))
        let now = instant()
        #expect(policy.nextAttempt(afterAttempt: 1, maxAttempts: 3, now: now, random: 0.5) == now.addingTimeInterval(2))
        #expect(policy.nextAttempt(afterAttempt: 3, maxAttempts: 3, now: now, random: 0.5) == nil, "parked")
    }
}

/// The outbox worker on a test clock: hours of backoff pass in a moment.
@Suite("Outbox worker")
struct OutboxWorkerTests {
    let clock = TestClock()
    var time: ClockTime<TestClock<Duration>> { ClockTime(clock, epoch: instant()) }

    func worker(_ queue: FakeQueue, _ channels: [any NotificationChannel]) -> OutboxWorker {
        OutboxWorker(
            queue: queue, channels: channels, policy: OutboxPolicy(), clock: ClockTime(clock, epoch: instant()),
            logger: Logger(label: "test"), random: { 0.5 })
    }

    /// Runs the worker while `body` runs.
    func running(_ worker: OutboxWorker, _ body: () async throws -> Void) async throws {
        let task = Task { try await worker.run() }
        defer { task.cancel() }
        try await body()
    }

    @Test func deliversWhatIsDueAndRetriesAFailureOnItsBackoff() async throws {
        let queue = FakeQueue()
        queue.add(seq: 1, channel: "team", due: instant())
        let team = FakeChannel("team")
        team.failing = true
        let w = worker(queue, [team])
        try await running(w) {
            #expect(await eventually(ticking: clock) { team.attempts == 1 })
            #expect(await eventually(ticking: clock) { queue.snapshot()[0].delivery.attempts == 1 })
            team.failing = false
            await clock.advance(by: .seconds(1))
            try await Task.sleep(for: .milliseconds(50))
            #expect(team.attempts == 1, "not before its 2 s backoff")
            await clock.advance(by: .seconds(1))
            #expect(await eventually(ticking: clock) { team.delivered == ["change-1"] })
            #expect(await eventually(ticking: clock) { queue.snapshot()[0].state == "delivered" })
        }
    }

    @Test func aDeliveryIsParkedAfterItsLastAttempt() async throws {
        let queue = FakeQueue()
        queue.add(seq: 1, channel: "team", due: instant())
        let team = FakeChannel("team", maxAttempts: 2)
        team.failing = true
        try await running(worker(queue, [team])) {
            #expect(await eventually(ticking: clock) { team.attempts == 1 })
            #expect(await eventually(ticking: clock) { queue.snapshot()[0].delivery.attempts == 1 })
            await clock.advance(by: .seconds(2))
            #expect(await eventually(ticking: clock) { queue.snapshot()[0].state == "failed" })
            await clock.advance(by: .seconds(7200))
            try await Task.sleep(for: .milliseconds(50))
            #expect(team.attempts == 2)
        }
    }

    @Test func aChannelThatIsNotConfiguredIsParkedAsOrphanedAndComesBack() async throws {
        let queue = FakeQueue()
        for seq in 1...30 { queue.add(seq: Int64(seq), channel: "renamed", due: instant()) }
        queue.add(seq: 31, channel: "team", due: instant())
        let team = FakeChannel("team")
        let w = worker(queue, [team])
        try await running(w) {
            #expect(await eventually(ticking: clock) { team.delivered == ["change-31"] }, "the orphans do not block the others")
            #expect(await eventually(ticking: clock) { queue.snapshot().filter { $0.state == "orphaned" }.count == 30 })
            let renamed = FakeChannel("renamed")
            await w.replaceChannels([team, renamed])
            #expect(await eventually(ticking: clock) { renamed.delivered.count == 30 })
        }
    }

    @Test func aBackloggedChannelDoesNotHoldUpAnother() async throws {
        let queue = FakeQueue()
        for seq in 1...500 { queue.add(seq: Int64(seq), channel: "busy", due: instant()) }
        queue.add(seq: 501, channel: "quiet", due: instant())
        let busy = FakeChannel("busy")
        let quiet = FakeChannel("quiet")
        try await running(worker(queue, [busy, quiet])) {
            #expect(await eventually(ticking: clock) { quiet.delivered == ["change-501"] })
            #expect(await eventually(ticking: clock) { busy.delivered.count == 500 })
        }
    }

    @Test func anOutcomeTheStoreCannotTakeIsHeldAndNeverSentAgain() async throws {
        let queue = FakeQueue()
        queue.add(seq: 1, channel: "team", due: instant())
        queue.add(seq: 2, channel: "team", due: instant())
        let team = FakeChannel("team")
        queue.failRecords = true
        try await running(worker(queue, [team])) {
            #expect(await eventually(ticking: clock) { team.delivered == ["change-1"] })
            // The store is failing: change 1's row still looks due, but it is
            // not sent again, and the channel waits rather than going on.
            for _ in 0..<20 {
                await clock.advance(by: .seconds(30))
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(team.delivered == ["change-1"])
            queue.failRecords = false
            // Time moves a second at a time: one jump of minutes would also
            // pass the deadline (timeout + 5 s) of the delivery that the
            // recovery starts, and a timed-out attempt is sent again.
            for _ in 0..<400 where !queue.snapshot().allSatisfy({ $0.state == "delivered" }) {
                await clock.advance(by: .seconds(1))
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(await eventually(ticking: clock) { queue.snapshot().allSatisfy { $0.state == "delivered" } })
            #expect(team.delivered == ["change-1", "change-2"], "each change once")
        }
    }

    @Test func whileTheStoreFailsNothingIsSentUntilItRecovers() async throws {
        let queue = FakeQueue()
        queue.add(seq: 1, channel: "team", due: instant())
        queue.add(seq: 2, channel: "team", due: instant())
        let team = FakeChannel("team")
        let health = StoreHealth()
        health.set(StoreProblem(message: "the store's disk is full", advice: "free space", since: instant()))
        let w = OutboxWorker(
            queue: queue, channels: [team], policy: OutboxPolicy(), clock: ClockTime(clock, epoch: instant()),
            logger: Logger(label: "test"), health: health, random: { 0.5 })
        try await running(w) {
            for _ in 0..<10 {
                await clock.advance(by: .seconds(60))
                try await Task.sleep(for: .milliseconds(5))
            }
            // Its outcome could not be recorded: nothing is sent, nothing written.
            #expect(team.attempts == 0)
            #expect(queue.snapshot().allSatisfy { $0.state == "pending" && $0.delivery.attempts == 0 })
            // Recovery wakes the worker at once, without waiting for the clock.
            health.set(nil)
            #expect(await eventually(ticking: clock) { queue.snapshot().allSatisfy { $0.state == "delivered" } })
            #expect(team.delivered == ["change-1", "change-2"])
        }
    }
}

import CasefileSpawn
import Foundation
import Testing

struct ChildProcessTests {
    /// Generous: in the whole suite, blocking tests can hold Swift's
    /// cooperative threads for tens of seconds, and the `async let` writer
    /// below needs one to start (once, a 20 s deadline ran out that way).
    func soon(_ d: Duration = .seconds(150)) -> ContinuousClock.Instant { .now + d }

    @Test func requestsAndRepliesOverPipes() async throws {
        let child = try await ChildProcess.start(Command(["/bin/cat"]))
        for request in ["one", "two", String(repeating: "z", count: 200_000)] {
            // A length-prefixed message, echoed back by cat.
            let body = Array(request.utf8)
            let length = UInt32(body.count)
            let frame = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + body
            async let sent: Void = child.write(frame, deadline: soon())
            let header = try await child.read(exactly: 4, deadline: soon())
            let count = header.reduce(0) { $0 << 8 | Int($1) }
            let reply = try await child.read(exactly: count, deadline: soon())
            try await sent
            #expect(reply == body)
        }
        child.closeInput()
        #expect(try await child.read(upTo: 10, deadline: soon()) == [], "end of output after end of input")
        #expect(await child.wait() == .exited(0))
    }

    @Test func aReadPastItsDeadlineTimesOut() async throws {
        let child = try await ChildProcess.start(Command(["/bin/sleep", "1000"]))
        await #expect(throws: SpawnError(.timedOut, "reading from the child timed out")) {
            _ = try await child.read(upTo: 1, deadline: .now + .milliseconds(200))
        }
        #expect(await child.terminate(grace: .seconds(5)) == .signalled(SIGTERM))
    }

    @Test func terminateStopsTheWholeGroup() async throws {
        let child = try await ChildProcess.start(
            Command(["/bin/sh", "-c", "trap '' TERM; sleep 1000 & echo $!; while :; do sleep 0.05; done"]))
        var line: [UInt8] = []
        while line.last != UInt8(ascii: "\n") { line += try await child.read(upTo: 1, deadline: soon()) }
        let grandchild = try #require(Int32(String(decoding: line.dropLast(), as: UTF8.self)))
        let start = ContinuousClock.now
        #expect(await child.terminate(grace: .milliseconds(300)) == .signalled(SIGKILL))
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(await goneOrZombie(grandchild))
        child.signalGroup(SIGKILL)  // after reaping: does nothing, harms nothing
    }

    @Test func writingToAChildThatIsGoneFailsCleanly() async throws {
        let child = try await ChildProcess.start(Command(["/bin/true"]))
        #expect(await child.wait() == .exited(0))
        await #expect(throws: SpawnError(.closed, "the child closed its input")) {
            try await child.write([UInt8](repeating: 1, count: 1_000_000), deadline: soon())
        }
        #expect(try await child.read(upTo: 10, deadline: soon()) == [])
    }

    @Test func aCrashIsReportedWithItsSignal() async throws {
        let child = try await ChildProcess.start(Command(["/bin/sh", "-c", "kill -SEGV $$"]))
        #expect(await child.wait() == .signalled(SIGSEGV))
        #expect(await child.wait() == .signalled(SIGSEGV), "waiting again gives the same answer")
    }

    @Test func aMissingHelperCannotStart() async {
        await #expect(throws: SpawnError(.cannotStart, "No such file or directory")) {
            _ = try await ChildProcess.start(Command(["/nonexistent/helper"]))
        }
    }

    @Test func droppingAChildKillsAndReapsIt() async throws {
        var child: ChildProcess? = try await ChildProcess.start(Command(["/bin/sleep", "1000"]))
        let pid = try #require(child?.pid)
        child = nil
        #expect(await goneOrZombie(pid))
        // Reaped by us, not left a zombie of ours.
        var reaped = false
        for _ in 0..<1000 where !reaped {
            reaped = !FileManager.default.fileExists(atPath: "/proc/\(pid)")
            if !reaped { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(reaped)
    }
}

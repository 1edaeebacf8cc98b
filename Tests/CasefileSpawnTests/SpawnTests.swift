import CasefileSpawn
import CasefileTestKit
import Foundation
import Testing

/// The environment most tests give: enough PATH for `sh`, nothing else.
let plainEnvironment = ["PATH": "/usr/bin:/bin"]

func sh(_ script: String, environment: [String: String] = plainEnvironment) -> Command {
    Command(["/bin/sh", "-c", script], environment: environment)
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// True once the process is gone, or a zombie that is no longer ours to
/// reap (a killed grandchild waits for init); waits up to ten seconds.
func goneOrZombie(_ pid: Int32) async -> Bool {
    for _ in 0..<1000 {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.first == "Z" && fields.dropFirst().first != "\(getpid())" { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

// Time bounds here are loose on purpose: the whole suite shares two cores,
// and an async test may wait long for a thread. What they catch is a child
// that was not stopped, which would run its full `sleep 1000`.
struct RunToCompletionTests {
    @Test func exitStatusAndSignal() async {
        #expect(await sh("exit 3").run(timeout: .seconds(20)).outcome == .exited(3))
        #expect(await Command(["/bin/true"]).run(timeout: .seconds(20)).outcome == .exited(0))
        #expect(await sh("kill -9 $$").run(timeout: .seconds(20)).outcome == .signalled(9))
    }

    @Test func stdinGoesInAndStdoutComesOut() async {
        let r = await Command(["/bin/cat"]).run(stdin: Array("hello\n".utf8), timeout: .seconds(20))
        #expect(r.outcome == .exited(0) && text(r.stdout) == "hello\n" && !r.stdoutTruncated)
        // More than a pipe holds, both ways at once; only the head is kept.
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 3_000_000)
        let capped = await Command(["/bin/cat"]).run(stdin: big, timeout: .seconds(20), stdoutLimit: 1000)
        #expect(capped.outcome == .exited(0) && capped.stdout == Array(big.prefix(1000)) && capped.stdoutTruncated)
    }

    @Test func aCommandThatIgnoresItsInputIsFine() async {
        // Writing into a pipe nobody reads: EPIPE, and no SIGPIPE kills us.
        let r = await Command(["/bin/true"]).run(stdin: [UInt8](repeating: 7, count: 8_000_000), timeout: .seconds(20))
        #expect(r.outcome == .exited(0))
        let slow = await sh("sleep 0.2; exit 4").run(stdin: [UInt8](repeating: 7, count: 8_000_000), timeout: .seconds(20))
        #expect(slow.outcome == .exited(4))
    }

    @Test func aTimeoutStopsTheWholeGroup() async {
        let start = ContinuousClock.now
        let r = await sh("sleep 1000 & echo $!; sleep 1000").run(timeout: .milliseconds(500), grace: .seconds(120))
        #expect(r.outcome == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(60), "SIGTERM was enough; no need to wait out the grace")
        let grandchild = Int32(text(r.stdout).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(grandchild != nil, "\(text(r.stdout))")
        if let grandchild { #expect(await goneOrZombie(grandchild), "grandchild \(grandchild) outlived the timeout") }
    }

    @Test func aGroupThatIgnoresSIGTERMIsKilledAfterTheGrace() async {
        let start = ContinuousClock.now
        let r = await sh("trap '' TERM; sleep 1000 & echo $!; while :; do sleep 0.05; done")
            .run(timeout: .milliseconds(300), grace: .milliseconds(700))
        let took = ContinuousClock.now - start
        #expect(r.outcome == .timedOut)
        #expect(took >= .milliseconds(950) && took < .seconds(60), "\(took)")
        let grandchild = Int32(text(r.stdout).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(grandchild != nil)
        if let grandchild { #expect(await goneOrZombie(grandchild)) }
    }

    @Test func aGrandchildThatIgnoresSIGTERMIsKilledAfterItsParentDies() async {
        // The shell dies of SIGTERM at once; what it started does not.
        let r = await sh("(trap '' TERM; exec sleep 1000) & echo $!; sleep 1000")
            .run(timeout: .milliseconds(300), grace: .milliseconds(700))
        #expect(r.outcome == .timedOut)
        let grandchild = Int32(text(r.stdout).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(grandchild != nil)
        if let grandchild { #expect(await goneOrZombie(grandchild)) }
    }

    @Test func aChildThatLeavesItsGroupIsStillStopped() async {
        // It starts a grandchild in a group of its own, then joins that group.
        let script =
            "$g = fork; if ($g == 0) { setpgrp(0, 0); sleep 1000; exit } "
            + "select(undef, undef, undef, 0.2); setpgrp(0, $g) or die; $| = 1; print \"$g\\n\"; sleep 1000"
        let start = ContinuousClock.now
        let r = await Command(["/usr/bin/perl", "-e", script]).run(timeout: .seconds(1), grace: .seconds(1))
        #expect(r.outcome == .timedOut && ContinuousClock.now - start < .seconds(60), "\(r.outcome) \(r.stderrText)")
        // The grandchild left on purpose; it is the test's to clean up.
        if let escaped = Int32(text(r.stdout).trimmingCharacters(in: .whitespacesAndNewlines)) { kill(escaped, SIGKILL) }
    }

    @Test func theEnvironmentIsExactlyWhatWasGiven() async {
        let given = await Command(["/usr/bin/env"], environment: ["A": "1", "B": "two words", "EMPTY": ""]).run(timeout: .seconds(20))
        #expect(given.outcome == .exited(0))
        #expect(text(given.stdout).split(separator: "\n").sorted() == ["A=1", "B=two words", "EMPTY="])
        let none = await Command(["/usr/bin/env"]).run(timeout: .seconds(20))
        #expect(none.outcome == .exited(0) && none.stdout.isEmpty, "\(text(none.stdout))")
    }

    @Test func theChildStartsWithNoBlockedOrIgnoredSignals() async {
        // A daemon ignores SIGPIPE; a child must not inherit that. SIGWINCH is
        // ignored by default anyway, so ignoring it here harms no other test.
        signal(SIGWINCH, SIG_IGN)
        let r = await Command(["/bin/cat", "/proc/self/status"]).run(timeout: .seconds(20))
        func mask(_ name: String) -> UInt64? {
            text(r.stdout).split(separator: "\n").first { $0.hasPrefix(name + ":\t") }
                .flatMap { UInt64($0.dropFirst(name.count + 2), radix: 16) }
        }
        #expect(mask("SigBlk") == 0)
        // Signals 1 to 31. glibc's posix_spawn leaves its two internal
        // signals (32 and 33, below SIGRTMIN) ignored, as every glibc
        // program's children have them; the program's own glibc takes them over.
        #expect(mask("SigIgn").map { $0 & 0x7fff_ffff } == 0, "\(String(mask("SigIgn") ?? 0, radix: 16))")
    }

    @Test func theChildLeadsItsOwnProcessGroup() async throws {
        let r = await Command(["/bin/cat", "/proc/self/stat"]).run(timeout: .seconds(20))
        let stat = text(r.stdout)
        let fields = try #require(stat.lastIndex(of: ")").map { stat[stat.index(after: $0)...].split(separator: " ") })
        // state, ppid, pgrp: the group is the child's own pid.
        #expect(fields.count > 3 && Int32(fields[2]) == r.pid && Int32(fields[1]) == getpid(), "\(stat)")
    }

    @Test func theTailOfStderrIsKept() async {
        let r = await sh("i=0; while [ $i -lt 3000 ]; do echo line$i >&2; i=$((i+1)); done; exit 2")
            .run(timeout: .seconds(20), stderrTail: 1000)
        #expect(r.outcome == .exited(2) && r.stderrTruncated)
        #expect(r.stderrTail.count == 1000 && r.stderrText.hasSuffix("line2998\nline2999"), "\(r.stderrText.suffix(40))")
        let short = await sh("echo '  oops  ' >&2; exit 1").run(timeout: .seconds(20))
        #expect(short.stderrText == "oops" && !short.stderrTruncated)
    }

    @Test func aMissingProgramCannotStart() async throws {
        guard case .cannotStart(let why) = await Command(["/nonexistent/prog"]).run(timeout: .seconds(20)).outcome else {
            Issue.record("a missing program started")
            return
        }
        #expect(why == "No such file or directory")
        let bare = await Command(["no-such-casefile-program"], environment: plainEnvironment).run(timeout: .seconds(20))
        #expect(bare.outcome == .cannotStart("not found on PATH (/usr/bin:/bin)"))
        #expect(await Command([]).run(timeout: .seconds(20)).outcome == .cannotStart("empty command"))
        let dir = try TempDir("spawn")
        let plain = try dir.write("not-a-program", "echo no\n")
        let notExecutable = await Command([plain.path]).run(timeout: .seconds(20))
        #expect(notExecutable.outcome == .cannotStart("Permission denied"))
    }

    @Test func aBareNameIsLookedUpOnTheGivenPATH() async throws {
        let dir = try TempDir("spawn")
        let script = try dir.write("casefile-hello", "#!/bin/sh\necho hello from \"$0\"\n")
        chmod(script.path, 0o755)
        let r = await Command(["casefile-hello"], environment: ["PATH": "/nonexistent:" + dir.path]).run(timeout: .seconds(20))
        #expect(r.outcome == .exited(0) && text(r.stdout) == "hello from \(script.path)\n", "\(r)")
        // No PATH given: the shell's default, /usr/bin:/bin; env finds
        // itself there and prints the (empty) environment.
        let noPath = await Command(["env"]).run(timeout: .seconds(20))
        #expect(noPath.outcome == .exited(0) && noPath.stdout.isEmpty)
    }

    /// A program file open for writing cannot be run ("Text file busy"):
    /// held for good, that is the answer; held for a moment (a file just
    /// written, whose descriptor a child spawned by another thread holds
    /// until its exec: seen in a full test run), it is started once free.
    @Test func aProgramBusyForAMomentIsStartedOnceItIsFree() async throws {
        let dir = try TempDir("spawn")
        let script = try dir.write("casefile-busy", "#!/bin/sh\necho free\n")
        chmod(script.path, 0o755)
        let fd = open(script.path, O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        let held = await Command([script.path]).run(timeout: .seconds(20))
        #expect(held.outcome == .cannotStart("Text file busy"), "\(held)")
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(30)) { close(fd) }
        let freed = await Command([script.path]).run(timeout: .seconds(20))
        #expect(freed.outcome == .exited(0) && text(freed.stdout) == "free\n", "\(freed)")
    }

    @Test func noDescriptorLeaksIntoTheChild() async {
        // One the test opens without O_CLOEXEC, as careless library code might.
        let stray = open("/dev/null", O_RDONLY)
        defer { close(stray) }
        let r = await Command(["/bin/ls", "/proc/self/fd"]).run(stdin: Array("x".utf8), timeout: .seconds(20))
        // 0, 1, 2, and the one ls opened to read the folder.
        #expect(text(r.stdout).split(separator: "\n") == ["0", "1", "2", "3"], "\(text(r.stdout))")
    }

    @Test func noZombiesAfterManyRuns() async {
        var pids: [Int32] = []
        for _ in 0..<100 {
            let r = await Command(["/bin/true"]).run(timeout: .seconds(20))
            #expect(r.outcome == .exited(0))
            if let pid = r.pid { pids.append(pid) }
        }
        let timedOut = await sh("sleep 1000").run(timeout: .milliseconds(50))
        pids += timedOut.pid.map { [$0] } ?? []
        for pid in pids {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            #expect(!(fields.first == "Z" && fields.dropFirst().first == "\(getpid())"), "zombie \(pid)")
        }
    }

    @Test func twoHundredAtOnce() async {
        let results = await withTaskGroup(of: (Int, RunResult).self) { group in
            for i in 0..<200 {
                group.addTask { (i, await Command(["/bin/echo", "run \(i)"]).run(timeout: .seconds(60))) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 200)
        for (i, r) in results {
            #expect(r.outcome == .exited(0) && text(r.stdout) == "run \(i)\n", "\(i): \(r.outcome)")
        }
    }

    @Test func cancellingTheTaskStopsTheChild() async {
        let start = ContinuousClock.now
        let task = Task { await sh("sleep 1000").run(timeout: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let r = await task.value
        #expect(r.outcome == .cancelled && ContinuousClock.now - start < .seconds(60))
    }
}

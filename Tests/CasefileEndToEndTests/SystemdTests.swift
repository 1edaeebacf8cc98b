import CasefileControl
import CasefileTestKit
import Foundation
import Testing

/// casefiled as systemd runs it: the units, sd_notify, reload, socket
/// activation, who may do what, and clients that misbehave.
@Suite(.serialized)
struct SystemdTests {
    func config(_ dir: TempDir, sources: [String] = ["one"], extra: String = "") throws -> URL {
        try FileManager.default.createDirectory(at: dir.file("www"), withIntermediateDirectories: true)
        let blocks = sources.map { "[[source]]\nname = \"\($0)\"\nkind = \"directory\"\nurl = \"www\"\n" }.joined(separator: "\n")
        return try dir.write(
            "c.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            \(extra)

            \(blocks)
            """)
    }

    @Test func unitsVerifyAndScoreWellOnSecurity() throws {
        let dir = try TempDir("cfunit")
        let units = TestPaths.packageRoot.appendingPathComponent("systemd")
        for name in ["casefiled.service", "casefiled.socket"] {
            // Point ExecStart at the built binary, so verify can check it exists.
            let text = try String(contentsOf: units.appendingPathComponent(name), encoding: .utf8)
                .replacingOccurrences(of: "/usr/bin/casefiled", with: TestPaths.binary("casefiled").path)
            try dir.write(name, text)
        }
        let verify = try runCommand(
            URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
            ["verify", "--man=no", dir.file("casefiled.service").path, dir.file("casefiled.socket").path])
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(verify)")
        let security = try runCommand(
            URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["security", "--offline=yes", dir.file("casefiled.service").path])
        let line = try #require(security.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") }, "\(security)")
        let score = Double(line.split(separator: " ").first { Double($0) != nil } ?? "99") ?? 99
        print("systemd-analyze security: \(line)")
        #expect(score <= 2.5, "\(line)")
        for name in ["casefiled.sysusers", "casefiled.tmpfiles"] {
            #expect(FileManager.default.fileExists(atPath: units.appendingPathComponent(name).path))
        }
    }

    @Test func notifiesReadyStatusWatchdogReloadingAndStopping() throws {
        let dir = try TempDir("cfnfy")
        let receiver = try NotifyReceiver(path: dir.file("notify.sock").path)
        let cfg = try config(dir)
        let daemon = try DaemonProcess(
            config: cfg, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"),
            environment: ["NOTIFY_SOCKET": receiver.path, "WATCHDOG_USEC": "400000"])
        var got = receiver.collect(timeout: 10) { m in m.contains { $0.contains("READY=1") } && m.filter { $0 == "WATCHDOG=1" }.count >= 3 }
        #expect(got.contains { $0.hasPrefix("READY=1") && $0.contains("STATUS=") }, "\(got)\n\(daemon.log)")
        #expect(got.filter { $0 == "WATCHDOG=1" }.count >= 3, "\(got)")
        #expect(got.contains { $0.hasPrefix("STATUS=synced") }, "\(got)")
        try daemon.waitUntilReady()

        kill(daemon.pid, SIGHUP)
        got = receiver.collect(timeout: 10) { m in m.contains { $0.hasPrefix("RELOADING=1") } && m.contains { $0.hasPrefix("READY=1") } }
        let reloading = try #require(got.firstIndex { $0.hasPrefix("RELOADING=1") }, "\(got)\n\(daemon.log)")
        #expect(got[reloading].contains("MONOTONIC_USEC="))
        #expect(got[(reloading + 1)...].contains { $0.hasPrefix("READY=1") })

        let stop = daemon.signalAndWait(SIGTERM)
        got = receiver.collect(timeout: 1)
        #expect(stop?.status == 0, "\(daemon.log)")
        #expect(got.contains("STOPPING=1") || daemon.log.isEmpty == false, "\(got)")
    }

    @Test func reloadAppliesAGoodConfigAndKeepsTheOldOneOnABadOne() throws {
        let dir = try TempDir("cfrel")
        let cfg = try config(dir, sources: ["one"])
        let daemon = try DaemonProcess(config: cfg, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()

        _ = try config(dir, sources: ["one", "two"])
        let good = try daemon.ctl(["reload"])
        #expect(good.status == 0, "\(good)")
        let sources = try JSONDecoder().decode(SourcesResponse.self, from: try daemon.ctl(["sources", "--json"]).stdoutData)
        #expect(sources.sources.map(\.name) == ["one", "two"])

        try dir.write("c.toml", "[daemon]\nstate_dir = \"state\"\nsocket = \"ctl.sock\"\ninterval = \"soon\"\n")
        let bad = try daemon.ctl(["reload"])
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("c.toml:4"), "\(bad)")
        let status = try JSONDecoder().decode(StatusResponse.self, from: try daemon.ctl(["status", "--json"]).stdoutData)
        #expect(status.reloadError?.contains("interval") == true, "\(status)")
        // SIGHUP with the same broken file: still running, still the old sources.
        kill(daemon.pid, SIGHUP)
        usleep(300_000)
        let after = try JSONDecoder().decode(SourcesResponse.self, from: try daemon.ctl(["sources", "--json"]).stdoutData)
        #expect(after.sources.map(\.name) == ["one", "two"])
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
    }

    @Test func pauseStopsScheduledSyncingAndResumeRestartsIt() throws {
        let dir = try TempDir("cfpause")
        let daemon = try DaemonProcess(config: try config(dir), socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()
        #expect(try daemon.ctl(["pause"]).status == 0)
        var status = try JSONDecoder().decode(StatusResponse.self, from: try daemon.ctl(["status", "--json"]).stdoutData)
        #expect(status.paused && status.nextSync == nil)
        // A manual sync still works while paused.
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)
        #expect(try daemon.ctl(["resume"]).status == 0)
        status = try JSONDecoder().decode(StatusResponse.self, from: try daemon.ctl(["status", "--json"]).stdoutData)
        #expect(!status.paused && status.nextSync != nil)
    }

    /// CPU seconds (user + system) the process has used, from /proc.
    static func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name in parentheses: utime and stime are the 12th and 13th.
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (Double(fields[11])! + Double(fields[12])!) / ticks
    }

    /// Both loops (the scheduler's and the outbox's) sleep on a timer that
    /// an outside wake-up cancels. A cancelled timer must not wake the loop
    /// again: once it did, and from the first pause, resume, reload or sync
    /// with news on, the daemon spun at 1.6 CPU cores doing nothing.
    @Test func anIdleDaemonSleepsAfterWakeUps() throws {
        let dir = try TempDir("cfidle")
        let script = try dir.write("notify.sh", "#!/bin/sh\ncat > \"\(dir.path)/delivered.json\"\n")
        chmod(script.path, 0o755)
        let cfg = try config(
            dir,
            extra: """
                notify_initial_sync = true

                [[notify]]
                name = "hook"
                kind = "command"
                command = ["\(script.path)"]
                """)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: dir.file("www").appendingPathComponent("redbridge.txt"))
        let daemon = try DaemonProcess(config: cfg, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()
        // The start-up sync's change wakes the outbox, which delivers it.
        #expect(waitFor(30) { FileManager.default.fileExists(atPath: dir.file("delivered.json").path) }, "\(daemon.log)")
        #expect(try daemon.ctl(["pause"]).status == 0)
        #expect(try daemon.ctl(["resume"]).status == 0)
        #expect(try daemon.ctl(["reload"]).status == 0)
        usleep(300_000)
        let before = try Self.cpuSeconds(daemon.pid)
        usleep(2_000_000)
        let used = try Self.cpuSeconds(daemon.pid) - before
        print("idle casefiled used \(used) CPU-s in 2 s")
        // Nothing is due for an hour: a sleeping daemon uses about nothing.
        #expect(used < 0.2, "\(used) CPU-s in 2 s of idling\n\(daemon.log)")
    }

    @Test func socketActivationAdoptsTheInheritedSocket() throws {
        let dir = try TempDir("cfsa")
        let cfg = try config(dir)
        let socket = dir.file("ctl.sock").path
        // systemd-socket-activate execs casefiled in its own process and closes
        // every descriptor but 0–3 on the way, including the one Foundation's
        // Process watches to see a child exit: started directly, Foundation
        // would take the exec for an exit and wait on a live pid forever. A
        // shell in between keeps Foundation's child alive and reports the pid.
        let pidFile = dir.file("daemon.pid").path
        let activator = Process()
        activator.executableURL = URL(fileURLWithPath: "/bin/sh")
        activator.arguments = [
            "-c", "systemd-socket-activate -l \"$1\" --fdname=control \"$2\" --config \"$3\" >\"$4\" 2>&1 & echo $! > \"$5\"; wait $!",
            "sh", socket, TestPaths.binary("casefiled").path, cfg.path, dir.file("d.log").path, pidFile,
        ]
        activator.standardInput = FileHandle.nullDevice
        try launch(activator)
        defer { if activator.isRunning { kill(activator.processIdentifier, SIGKILL); activator.waitUntilExit() } }
        #expect(waitFor(10) { FileManager.default.fileExists(atPath: pidFile) })
        let daemonPID =
            Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(daemonPID > 0)
        #expect(waitFor(10) { FileManager.default.fileExists(atPath: socket) })
        // The first connection starts casefiled, which answers it on the inherited socket.
        let status = try runCommand(TestPaths.binary("casefilectl"), ["status", "--socket", socket], timeout: 30)
        let text = (try? String(contentsOf: dir.file("d.log"), encoding: .utf8)) ?? ""
        #expect(status.status == 0, "\(status)\n\(text)")
        #expect(text.contains("passed by systemd"), "\(text)")
        kill(daemonPID, SIGTERM)
        let stopped = waitFor(10) { !activator.isRunning }
        #expect(stopped, "\((try? String(contentsOf: dir.file("d.log"), encoding: .utf8)) ?? "")")
        if stopped { #expect(activator.terminationStatus == 0) }
        // The daemon neither unlinked nor re-bound the socket that systemd owns.
        #expect(FileManager.default.fileExists(atPath: socket))
    }

    @Test func anotherUserMayReadButNotAct() throws {
        let dir = try TempDir("cfperm")
        chmod(dir.path, 0o755)
        let daemon = try DaemonProcess(config: try config(dir), socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()
        // Make the socket reachable for nobody (in production: the socket's group).
        chmod(daemon.socket, 0o666)
        func asNobody(_ args: [String]) throws -> CommandResult {
            try runCommand(
                URL(fileURLWithPath: "/usr/bin/setpriv"),
                ["--reuid=65534", "--regid=65534", "--clear-groups", TestPaths.binary("casefilectl").path] + args + [
                    "--socket", daemon.socket,
                ])
        }
        let read = try asNobody(["status"])
        #expect(read.status == 0, "\(read)")
        let act = try asNobody(["sync", "--wait"])
        #expect(act.status == 1, "\(act)")
        #expect(act.stderr.contains("403") && act.stderr.contains("'act' permission"), "\(act)")
        #expect(act.stderr.contains("uid 65534"), "\(act)")
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)
        #expect(daemon.log.contains("refused sync for uid 65534"), "\(daemon.log)")
        #expect(daemon.log.contains("sync requested by uid 0"), "\(daemon.log)")
    }

    @Test func garbageOnTheSocketIsDroppedWhileOthersAreServed() throws {
        let dir = try TempDir("cfgarb")
        let daemon = try DaemonProcess(config: try config(dir), socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()

        let idle = try RawUnixSocket(path: daemon.socket)  // sends nothing
        let random = try RawUnixSocket(path: daemon.socket)
        random.send((0..<4096).map { _ in UInt8.random(in: 0...255) })
        let huge = try RawUnixSocket(path: daemon.socket)
        let header = Array("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ".utf8)
        let sending = Date()
        huge.send(header + [UInt8](repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024))
        // Closed soon after the 400, not at the 30 s idle timeout (the sender
        // blocks until then when the daemon stops reading but keeps it open).
        let blocked = Date().timeIntervalSince(sending)
        #expect(blocked < 20, "the 10 MB header's sender was blocked \(blocked) s")

        // A normal client is served meanwhile.
        #expect(try daemon.ctl(["status"]).status == 0)
        let r = random.readUntilClosed(timeout: 5)
        #expect(r.closed, "random bytes: connection still open")
        let h = huge.readUntilClosed(timeout: 5)
        #expect(h.closed, "10 MB header: connection still open")
        #expect(String(decoding: h.data.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 4") || h.data.isEmpty)
        _ = idle
        #expect(try daemon.ctl(["status"]).status == 0)
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
    }
}

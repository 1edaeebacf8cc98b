import CasefileControl
import CasefileTestKit
import Foundation
import Testing

extension FaultTests {
    /// Syncs reports 0..<first, delivers them, and returns the running daemon.
    func settled(_ rig: FaultRig, reports: Range<Int>) throws -> DaemonProcess {
        for k in reports { try rig.addReport(k) }
        let d = try rig.start()
        let r = try d.ctl(["sync", "--wait"], timeout: 120)
        #expect(r.status == 0, "\(r)")
        #expect(try rig.waitForDeliveries(d), "\(d.log)")
        return d
    }

    /// While the store fails: the daemon stays up, `status` (within a
    /// second) and `sources` say what is wrong and what to do. Returns the
    /// problem's message.
    func waitForProblem(_ rig: FaultRig, _ d: DaemonProcess, containing words: String, timeout: Double = 60) throws -> String {
        var message = ""
        let seen = waitFor(timeout, interval: 0.25) {
            let took = timedStatus(d.socket)
            #expect(took < 1.0, "status took \(took) s while the store fails")
            guard let p = try? rig.status(d).storeProblem else { return false }
            message = p.message + " / " + p.advice
            return p.message.contains(words)
        }
        #expect(seen, "status never said '\(words)' (last: \(message)):\n\(d.log)")
        let sources = try decode(SourcesResponse.self, try d.ctl(["sources", "--json"], timeout: 10))
        #expect(sources.storeProblem?.message.contains(words) == true, "sources: \(sources)")
        let text = try d.ctl(["status"], timeout: 10)
        #expect(text.stdout.contains("NOT SYNCING") && text.stdout.contains("what to do:"), "\(text)")
        #expect(d.process.isRunning)
        return message
    }

    /// After the condition cleared: the problem goes by itself, the reports
    /// that could not be stored are, and each change is announced once.
    func waitForRecovery(_ rig: FaultRig, _ d: DaemonProcess, timeout: Double = 90) throws {
        let cleared = waitFor(timeout, interval: 0.5) {
            guard let s = try? rig.status(d) else { return false }
            return s.storeProblem == nil && s.reports == rig.reportFiles && s.pendingNotifications == 0
        }
        #expect(cleared, "no recovery: \((try? rig.status(d)).map { "\($0)" } ?? "no status")\n\(d.log)")
        usleep(500_000)
        try rig.checkStore(exactlyOnce: true)
    }

    /// Another process holds the store's write lock for 25 s while
    /// deliveries are under way (their outcomes cannot be recorded) and a
    /// sync has reports to store: no delivery repeats, systemd's STATUS=
    /// says what is wrong and then that it is over.
    @Test(.timeLimit(.minutes(3)))
    func aStoreHeldLockedStopsSyncingAndResumes() throws {
        let rig = try FaultRig("cflock")
        try rig.writeConfig(
            notifiers: """
                [[notify]]
                name = "log"
                kind = "command"
                command = ["/bin/sh", "-c", "sleep 0.3; echo \\"$CASEFILE_CHANGE_ID\\" >> \(rig.delivered.path)"]
                """)
        for k in 0..<3 { try rig.addReport(k) }
        let notify = try NotifySocket(path: rig.dir.file("notify.sock").path)
        defer { notify.stop() }
        let d = try rig.start(environment: ["NOTIFY_SOCKET": notify.path])
        #expect(try d.ctl(["sync", "--wait"], timeout: 120).status == 0)
        #expect(try rig.waitForDeliveries(d), "\(d.log)")
        // Reports stored, their deliveries (0.3 s each) starting: then the lock.
        for k in 3..<8 { try rig.addReport(k) }
        #expect(try d.ctl(["sync", "--wait"], timeout: 120).status == 0)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            db.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(25)
            db.execute("COMMIT")
            """, rig.storePath,
        ]
        let out = Pipe()
        holder.standardOutput = out
        try launch(holder)
        defer { if holder.isRunning { holder.terminate() } }
        #expect(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).contains("locked"))
        let pendingWhenLocked = try rig.status(d).pendingNotifications
        for k in 8..<11 { try rig.addReport(k) }
        #expect(try d.ctl(["sync"], timeout: 10).status == 0)
        let message = try waitForProblem(rig, d, containing: "locked")
        holder.waitUntilExit()
        try waitForRecovery(rig, d)
        let statuses = notify.messages.map(\.text).filter { $0.contains("STATUS=") }
        #expect(statuses.contains { $0.contains("NOT SYNCING") && $0.contains("what to do") }, "\(statuses)")
        #expect(statuses.contains { $0.contains("takes writes again") }, "\(statuses)")
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        summary(
            "store locked 25 s with \(pendingWhenLocked) deliveries pending: status and STATUS= said \"\(message)\"; recovered, \(rig.reportFiles) reports, each change announced once"
        )
    }

    /// The store's file system fills up (a 12 MiB tmpfs and a file that
    /// takes what is left) while a sync has reports to store.
    @Test(.timeLimit(.minutes(3)))
    func aFullDiskStopsSyncingAndResumes() throws {
        let rig = try FaultRig("cffull")
        let mounted = shell("mount -t tmpfs -o size=12m cftest \(rig.stateDir.path)")
        guard mounted.status == 0 else {
            skip("full disk: cannot mount a tmpfs here (\(mounted.stderr.trimmingCharacters(in: .whitespacesAndNewlines)); needs root)")
            return
        }
        defer { shell("umount \(rig.stateDir.path) || umount -l \(rig.stateDir.path)") }
        try rig.writeConfig()
        let d = try settled(rig, reports: 0..<3)
        defer { _ = d.signalAndWait(SIGKILL) }
        let filler = rig.stateDir.appendingPathComponent("filler").path
        shell("dd if=/dev/zero of=\(filler) bs=64k 2>/dev/null; sync")
        for k in 3..<8 { try rig.addReport(k) }
        #expect(try d.ctl(["sync"], timeout: 10).status == 0)
        let message = try waitForProblem(rig, d, containing: "full")
        // A manual sync is refused with the reason, not half done.
        let refused = try d.ctl(["sync", "--wait"], timeout: 30)
        #expect(refused.stdout.contains("not syncing") || refused.stderr.contains("not syncing"), "\(refused)")
        unlink(filler)
        try waitForRecovery(rig, d)
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        summary("full disk (tmpfs): status said \"\(message)\"; recovered after space was freed, each change announced once")
    }

    /// The store file cannot be written (immutable: even root cannot),
    /// found at start: the daemon starts all the same (reading only),
    /// says so, refuses to sync, and resumes by itself, on new
    /// connections, once the file can be written again.
    @Test(.timeLimit(.minutes(3)))
    func aReadOnlyStoreIsSaidAndResumesWhenWritable() throws {
        let rig = try FaultRig("cfro")
        try rig.writeConfig()
        let first = try settled(rig, reports: 0..<3)
        #expect(first.signalAndWait(SIGTERM)?.status == 0)
        let locked = shell("chattr +i \(rig.storePath)")
        guard locked.status == 0 else {
            skip(
                "read-only store: cannot make the store immutable here (\(locked.stderr.trimmingCharacters(in: .whitespacesAndNewlines)); needs root and chattr)"
            )
            return
        }
        defer { shell("chattr -i \(rig.storePath)") }
        for k in 3..<8 { try rig.addReport(k) }
        let d = try rig.start()
        let message = try waitForProblem(rig, d, containing: "cannot be written")
        // Reads still work; a sync is refused with the reason.
        let changes = try d.ctl(["changes", "--json"], timeout: 10)
        #expect(changes.status == 0, "\(changes)")
        let refused = try d.ctl(["sync", "--wait"], timeout: 30)
        #expect((refused.stdout + refused.stderr).contains("not syncing"), "\(refused)")
        shell("chattr -i \(rig.storePath)")
        try waitForRecovery(rig, d)
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        summary(
            "read-only store: status said \"\(message)\"; reads answered, sync refused; resumed by itself once writable, each change announced once"
        )
    }
}

import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

extension FaultTests {
    /// A notifier renamed by a reload with deliveries pending: parked as
    /// orphaned (listed, not spinning), sent when the name comes back. A
    /// second daemon on the same state folder is refused with the first's
    /// pid. A slow `changes/stream` reader gets every change, no gap.
    @Test(.timeLimit(.minutes(3)))
    func aRenamedNotifierIsOrphanedWithoutSpinningAndNothingIsLost() throws {
        let rig = try FaultRig("cforph")
        // "log" fails for now (and retries only in an hour): its deliveries stay pending.
        let failing = """
            [[notify]]
            name = "log"
            kind = "command"
            command = ["/bin/false"]
            retry_delay = "1h"
            """
        try rig.writeConfig(notifiers: failing)
        for k in 0..<30 { try rig.addReport(k) }
        let d = try rig.start()
        #expect(try d.ctl(["sync", "--wait"], timeout: 120).status == 0)
        let changes = try Int(rig.sql("SELECT count(*) FROM \"change\"").first ?? "") ?? 0
        #expect(changes >= 30)
        #expect(waitFor(30) { ((try? rig.status(d))?.pendingNotifications ?? 0) == changes }, "\(d.log)")

        // The second daemon on the same state folder.
        let twin = try runCommand(TestPaths.binary("casefiled"), ["--config", rig.configURL.path], timeout: 30)
        #expect(twin.status == 1)
        #expect(twin.stderr.contains("pid \(d.pid)"), "\(twin)")

        // Renamed: "log" becomes "mail-room", which works.
        try rig.writeConfig(
            notifiers: """
                [[notify]]
                name = "mail-room"
                kind = "command"
                command = ["/bin/sh", "-c", "echo \\"$CASEFILE_CHANGE_ID\\" >> \(rig.dir.file("other.txt").path)"]
                """)
        let logBefore = d.log
        #expect(try d.ctl(["reload"], timeout: 10).status == 0)
        let parked = waitFor(20) {
            (try? rig.sql("SELECT count(*) FROM outbox WHERE state = 'orphaned'"))?.first == String(changes)
        }
        #expect(parked, "\(d.log)")
        sleep(6)
        let logLines = d.log.dropFirst(logBefore.count).split(separator: "\n")
        let warnings = logLines.filter { $0.contains("not configured") }.count
        #expect(warnings <= 2, "the outbox spins: \(warnings) 'not configured' lines in 6 s")
        #expect(logLines.count < 40, "\(logLines.count) log lines in 6 s after the reload")
        let listed = try d.ctl(["notifications"], timeout: 10)
        #expect(listed.stdout.contains("orphaned"), "\(listed)")
        #expect(rig.deliveredIDs().isEmpty)

        // The name comes back, working now: everything parked is sent, once.
        try rig.writeConfig()
        #expect(try d.ctl(["reload"], timeout: 10).status == 0)
        #expect(try rig.waitForDeliveries(d), "\(d.log)")
        try rig.checkStore(exactlyOnce: true)

        // A reader that pauses: every change, in order, no gap.
        let s = try RawUnixSocket(path: d.socket)
        s.send(Array("GET /v1/changes/stream?since=0 HTTP/1.1\r\nHost: casefiled\r\n\r\n".utf8))
        sleep(3)
        let (data, _) = s.readUntilClosed(timeout: 3)
        let seqs = String(decoding: data, as: UTF8.self).split(separator: "\n")
            .compactMap { line -> Int64? in
                guard let start = line.firstIndex(of: "{") else { return nil }
                return (try? JSONDecoder().decode(ChangeRecord.self, from: Data(line[start...].utf8)))?.seq
            }
        let all = try rig.sql("SELECT seq FROM \"change\" ORDER BY seq").compactMap { Int64($0) }
        #expect(seqs == all, "the stream gave \(seqs.count) of \(all.count) changes")
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        summary(
            "renamed notifier: \(changes) deliveries parked as orphaned, \(warnings) warning line(s) in 6 s, all delivered once when the name came back; second daemon refused with the first's pid; slow stream reader got \(seqs.count)/\(all.count) changes, no gap"
        )
    }

    /// A webhook URL with a token, and a receiver that echoes it: the token
    /// is in no answer of the socket and not in the journal; a config error
    /// about such a URL shows its scheme and host only.
    @Test(.timeLimit(.minutes(2)))
    func aWebhookSecretNeverShows() throws {
        let rig = try FaultRig("cfsecret")
        let www = rig.dir.file("site")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        let server = try TestHTTPServer(root: www)
        defer { server.stop() }
        let token = "T0KEN5ECRETxq81"
        let headerToken = "HeaderS3cret77"
        try rig.dir.write("headers", "Authorization: Bearer \(headerToken)\n")
        chmod(rig.dir.file("headers").path, 0o600)
        try rig.writeConfig(
            notifiers: """
                [[notify]]
                name = "hook"
                kind = "webhook"
                url = "\(server.url("/__echo?hook=services/\(token)&key=\(token)"))"
                headers_file = "headers"
                max_attempts = 2
                retry_delay = "200ms"
                """)
        for k in 0..<2 { try rig.addReport(k) }
        let d = try rig.start()
        #expect(try d.ctl(["sync", "--wait"], timeout: 60).status == 0)
        // Both attempts fail with the receiver's echo.
        #expect(waitFor(30) { ((try? server.stats().requests.filter { $0.path.hasPrefix("/__echo") }.count) ?? 0) >= 2 })
        #expect(waitFor(20) { ((try? rig.sql("SELECT count(*) FROM outbox WHERE last_error IS NOT NULL"))?.first ?? "0") != "0" })
        var seen: [String] = []
        for args in [
            ["notifications"], ["notifications", "--json"], ["status", "--json"], ["sources", "--json"], ["changes", "--json"],
        ] {
            let r = try d.ctl(args, timeout: 10)
            seen.append(r.stdout + r.stderr)
        }
        let errors = try rig.sql("SELECT last_error FROM outbox")
        #expect(errors.contains { $0.contains("HTTP 500") }, "\(errors)")
        seen += errors
        // A reload to a refused URL: the error names scheme and host only.
        try rig.writeConfig(
            notifiers: """
                [[notify]]
                name = "hook"
                kind = "webhook"
                url = "ftp://hooks.example.org/services/\(token)"
                """)
        let reload = try d.ctl(["reload"], timeout: 10)
        seen.append(reload.stdout + reload.stderr)
        #expect((reload.stdout + reload.stderr).contains("ftp://hooks.example.org"), "\(reload)")
        let check = try runCommand(TestPaths.binary("casefiled"), ["--check-config", "--config", rig.configURL.path], timeout: 30)
        #expect(check.status == 1)
        seen.append(check.stdout + check.stderr)
        seen.append(try d.ctl(["status"], timeout: 10).stdout)
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        seen.append(d.log)
        for text in seen {
            #expect(!text.contains(token) && !text.contains(headerToken), "a secret shows in: \(text)")
        }
        summary(
            "webhook secret: absent from notifications, status, sources, changes, outbox errors, a refused reload, --check-config and the journal (\(seen.count) outputs checked)"
        )
    }
}

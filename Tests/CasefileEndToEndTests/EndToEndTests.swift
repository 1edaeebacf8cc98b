import CasefileControl
import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// The whole path with the real parts: the built `casefiled` and
/// `casefilectl`, a real HTTP server on 127.0.0.1, a real SQLite file, the
/// real Unix socket, a real command notifier.
@Suite(.serialized)
struct EndToEndTests {
    static let newerGrades = SyntheticReports.Grades(
        leadership: "Good", helpAndProtection: "Good", childrenInCare: "Requires improvement to be good", overall: "Good")

    /// Writes the config: one document source on the test server, a command
    /// notifier that fails until `allow` exists, then writes each change to
    /// `delivered/<seq>-<pid>.json` (so repeats are visible).
    func writeConfig(_ dir: TempDir, serverURL: String) throws -> URL {
        try FileManager.default.createDirectory(at: dir.file("delivered"), withIntermediateDirectories: true)
        let script = try dir.write(
            "notify.sh",
            """
            #!/bin/sh
            [ -f "\(dir.path)/allow" ] || { echo "receiver not ready" >&2; exit 1; }
            cat > "\(dir.path)/delivered/$CASEFILE_CHANGE_SEQ-$$.json"
            echo "$CASEFILE_CHANGE_ID $CASEFILE_CHANGE_KIND $CASEFILE_AUTHORITY" >> "\(dir.path)/delivered/env.log"
            """)
        chmod(script.path, 0o755)
        return try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            notify_initial_sync = false

            [fetch]
            timeout = "10s"

            [[source]]
            name = "ofsted-test"
            kind = "document"
            url = "\(serverURL)/redbridge.txt"

            [[notify]]
            name = "hook"
            kind = "command"
            command = ["\(script.path)"]
            on = ["grade_changed"]
            """)
    }

    func json(_ r: CommandResult) throws -> [String: Any] {
        guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw HarnessError("expected JSON, got \(r)")
        }
        return obj
    }

    @Test func reportInGradesStoredChangeAnnouncedAnswerOverTheSocket() throws {
        let started = Date()
        let dir = try TempDir("cfe2e")
        let www = dir.file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: www.appendingPathComponent("redbridge.txt"))
        let server = try TestHTTPServer(root: www)
        defer { server.stop() }
        let config = try writeConfig(dir, serverURL: server.baseURL)
        let socket = dir.file("ctl.sock").path

        var daemon = try DaemonProcess(config: config, socket: socket, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()

        // The start-up sync is the source's first: recorded, not announced.
        let first = try daemon.ctl(["sync", "--wait", "--json"])
        #expect(first.status == 0, "\(first)")
        var changes = try daemon.ctl(["changes", "--json"])
        let added = try decode(ChangesResponse.self, changes)
        #expect(added.changes.map(\.kind) == [.reportAdded], "\(changes)")
        #expect(added.changes.first?.authority.slug == "redbridge")
        // Nothing changed on the server: the second sync is a 304.
        let second = try decode(SyncResponse.self, try daemon.ctl(["sync", "--wait", "--json"]))
        #expect(second.notModified == 1 && second.parsed == 0 && second.changes == 0, "\(second)")

        // Ofsted publishes a newer inspection at the same address.
        try Data(try SyntheticReports.redbridgeVariant(dates: "7 March 2022 to 18 March 2022", grades: Self.newerGrades).utf8)
            .write(to: www.appendingPathComponent("redbridge.txt"))
        let third = try decode(SyncResponse.self, try daemon.ctl(["sync", "--wait", "--json"]))
        #expect(third.fetched == 1 && third.parsed == 1 && third.changes == 2, "\(third)")

        changes = try daemon.ctl(["changes", "--since", String(added.next), "--json"])
        let after = try decode(ChangesResponse.self, changes)
        #expect(after.changes.map(\.kind) == [.reportAdded, .gradeChanged], "\(changes)")
        let gradeChange = try #require(after.changes.first { $0.kind == .gradeChanged })
        #expect(gradeChange.report.inspection == DateSpan(start: LocalDate(iso: "2022-03-07")!, end: LocalDate(iso: "2022-03-18")!))
        let moves = Dictionary(uniqueKeysWithValues: (gradeChange.grades ?? []).map { ($0.area, ($0.from, $0.to)) })
        #expect(moves.count == 4)
        #expect(moves[.leadership]! == (.outstanding, .good))
        #expect(moves[.helpAndProtection]! == (.outstanding, .good))
        #expect(moves[.childrenInCare]! == (.good, .requiresImprovement))
        #expect(moves[.overall]! == (.outstanding, .good))
        // The filtered query agrees.
        let onlyGrades = try decode(
            ChangesResponse.self, try daemon.ctl(["changes", "--kind", "grade_changed", "--authority", "redbridge", "--json"]))
        #expect(onlyGrades.changes.map(\.id) == [gradeChange.id])

        // grades and history agree with the change.
        let grades = try decode(GradesResponse.self, try daemon.ctl(["grades", "--json"]))
        let redbridge = try #require(grades.authorities.first { $0.slug == "redbridge" })
        #expect(
            redbridge.grades == [
                "leadership": .good, "help_and_protection": .good, "children_in_care": .requiresImprovement, "overall": .good,
            ])
        #expect(redbridge.inspection.start == LocalDate(iso: "2022-03-07"))
        let history = try decode(HistoryResponse.self, try daemon.ctl(["history", "redbridge", "--json"]))
        #expect(history.reports.map(\.inspection.start.description) == ["2019-04-29", "2022-03-07"])
        #expect(history.reports.last?.grades == redbridge.grades)
        #expect(history.reports.first?.grades["overall"] == .outstanding)

        // The receiver is down: the delivery fails and stays pending. Kill -9
        // between commit and delivery, bring the receiver up, restart.
        #expect(waitFor(10) { daemon.log.contains("failed (attempt 1") }, "\(daemon.log)")
        #expect(daemon.signalAndWait(SIGKILL) != nil)
        _ = FileManager.default.createFile(atPath: dir.file("allow").path, contents: Data())
        daemon = try DaemonProcess(config: config, socket: socket, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        let deliveredDir = dir.file("delivered")
        let delivered = { () -> [URL] in
            ((try? FileManager.default.contentsOfDirectory(at: deliveredDir, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "json" }
        }
        // Whole, not only there: the notifier's command may still be writing it.
        #expect(
            waitFor(20) {
                delivered().contains { (try? JSONDecoder().decode(ChangeRecord.self, from: Data(contentsOf: $0))) != nil }
            }, "\(daemon.log)")
        let files = delivered()
        #expect(files.count == 1, "\(files)")
        // What the notifier got is exactly the object `changes --json` shows.
        let receivedData = try Data(contentsOf: try #require(files.first))
        let received = try JSONDecoder().decode(ChangeRecord.self, from: receivedData)
        #expect(received == gradeChange)
        let shown = try json(try daemon.ctl(["changes", "--kind", "grade_changed", "--json"]))
        let shownObject = try #require((shown["changes"] as? [[String: Any]])?.first)
        let receivedObject = try #require(try JSONSerialization.jsonObject(with: receivedData) as? [String: Any])
        #expect(NSDictionary(dictionary: shownObject).isEqual(to: receivedObject))
        let env = try String(contentsOf: dir.file("delivered/env.log"), encoding: .utf8)
        #expect(env.trimmingCharacters(in: .whitespacesAndNewlines) == "\(gradeChange.id) grade_changed redbridge")

        // Nothing is recorded twice across the crash.
        let all = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--json"]))
        #expect(all.changes.map(\.kind) == [.reportAdded, .reportAdded, .gradeChanged])
        #expect(Set(all.changes.map(\.seq)).count == 3)

        // SIGTERM: a graceful stop, exit 0, within 5 s.
        let stop = daemon.signalAndWait(SIGTERM, timeout: 10)
        #expect(stop != nil)
        #expect(stop?.status == 0, "\(daemon.log)")
        #expect((stop?.seconds ?? 99) < 5)
        #expect(!FileManager.default.fileExists(atPath: socket))
        print("end-to-end wall time: \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }

    @Test func cliExitCodes() throws {
        let dir = try TempDir("cfcli")
        let missing = dir.file("nobody.sock").path
        let unreachable = try runCommand(TestPaths.binary("casefilectl"), ["status", "--socket", missing])
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains("cannot reach casefiled at \(missing) — is it running?"), "\(unreachable)")
        let usage = try runCommand(TestPaths.binary("casefilectl"), ["changes", "--limit", "0", "--socket", missing])
        #expect(usage.status == 2, "\(usage)")
        let unknown = try runCommand(TestPaths.binary("casefilectl"), ["frobnicate"])
        #expect(unknown.status == 2, "\(unknown)")
        let notReport = try dir.write("letter.txt", "Dear colleague,\nThis is not an inspection report.\n")
        let parse = try runCommand(TestPaths.binary("casefilectl"), ["parse", notReport.path])
        #expect(parse.status == 1, "\(parse)")
        #expect(parse.stderr.contains(notReport.path))
    }

    @Test func parseFixtureAsJSON() throws {
        let r = try runCommand(TestPaths.binary("casefilectl"), ["parse", TestPaths.fixture("redbridge-2019-ilacs.txt").path, "--json"])
        #expect(r.status == 0, "\(r)")
        let obj = try json(r)
        #expect((obj["authority"] as? [String: Any])?["slug"] as? String == "redbridge")
        #expect(obj["framework"] as? String == "ilacs")
        #expect(obj["kind"] as? String == "short")
        #expect(obj["leadInspector"] as? String == "Louise Hocking")
        let judgements = try #require(obj["judgements"] as? [[String: Any]])
        #expect(judgements.map { $0["area"] as? String } == ["leadership", "help_and_protection", "children_in_care", "overall"])
        #expect((obj["contentHash"] as? String)?.hasPrefix("sha256:") == true)
        #expect(obj["parserVersion"] as? Int == ReportParser.version)
    }

    @Test func badConfigIsRefusedWithFileLineAndKey() throws {
        let dir = try TempDir("cfbad")
        let config = try dir.write(
            "bad.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            intervall = "6h"
            """)
        let r = try runCommand(TestPaths.binary("casefiled"), ["--config", config.path], timeout: 30)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("\(config.path):4"), "\(r)")
        #expect(r.stderr.contains("intervall"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("state").path))
        let check = try runCommand(TestPaths.binary("casefiled"), ["--check-config", "--config", config.path], timeout: 30)
        #expect(check.status == 1)
        let good = try runCommand(
            TestPaths.binary("casefiled"),
            ["--check-config", "--config", TestPaths.packageRoot.appendingPathComponent("Config/demo.toml").path],
            timeout: 30)
        #expect(good.status == 0, "\(good)")
    }

    @Test func aSecondDaemonDoesNotStealALiveSocket() throws {
        let dir = try TempDir("cfsock")
        let www = dir.file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        let config = try dir.write(
            "c.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            [[source]]
            name = "folder"
            kind = "directory"
            url = "www"
            """)
        let socket = dir.file("ctl.sock").path
        let daemon = try DaemonProcess(config: config, socket: socket, logFile: dir.file("d1.log"))
        try daemon.waitUntilReady()
        // Another daemon (its own state folder) on the same socket path.
        let other = try dir.write("other.toml", "[daemon]\nstate_dir = \"state2\"\nsocket = \"ctl.sock\"\n")
        let second = try runCommand(TestPaths.binary("casefiled"), ["--config", other.path], timeout: 30)
        #expect(second.status == 1)
        #expect(second.stderr.contains("already listening"), "\(second)")
        // A second daemon on the same state folder is refused before it
        // touches the store, naming the first.
        let twin = try runCommand(TestPaths.binary("casefiled"), ["--config", config.path], timeout: 30)
        #expect(twin.status == 1)
        #expect(twin.stderr.contains("another casefiled (pid \(daemon.pid)) is running on the state folder"), "\(twin)")
        // The first still answers.
        #expect(try daemon.ctl(["status"]).status == 0)
        // A stale socket file (nobody listening) is replaced.
        #expect(daemon.signalAndWait(SIGKILL) != nil)
        #expect(FileManager.default.fileExists(atPath: socket))
        let third = try DaemonProcess(config: config, socket: socket, logFile: dir.file("d3.log"))
        try third.waitUntilReady()
        #expect(third.signalAndWait(SIGTERM)?.status == 0)
    }
}

/// A newer parser re-reads what is stored from the kept bytes: nothing is
/// fetched, nothing is announced.
@Suite(.serialized)
struct ReparseTests {
    @Test func aReportReadByAnOlderParserIsReadAgainFromItsKeptBytes() throws {
        let dir = try TempDir("cfrep")
        let www = dir.file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: www.appendingPathComponent("redbridge.txt"))
        let server = try TestHTTPServer(root: www)
        let cfg = try dir.write(
            "c.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            [fetch]
            retries = 0
            [[source]]
            name = "one"
            kind = "document"
            url = "\(server.url("/redbridge.txt"))"
            """)
        var daemon = try DaemonProcess(config: cfg, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
        server.stop()  // from here on, nothing can be fetched

        // Pretend an older parser wrote the rows.
        let db = dir.file("state/casefile.sqlite").path
        let sql = try runCommand(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                """
                import sqlite3, sys, json
                c = sqlite3.connect(sys.argv[1])
                for rid, js in c.execute("SELECT id, report_json FROM report").fetchall():
                    r = json.loads(js); r["parserVersion"] = 1; r["leadInspectors"] = ["Someone Else"]; r["leadInspector"] = "Someone Else"
                    c.execute("UPDATE report SET parser_version = 1, lead_inspector = 'Someone Else', content_hash = 'sha256:old', report_json = ? WHERE id = ?", (json.dumps(r), rid))
                c.commit()
                """, db,
            ])
        #expect(sql.status == 0, "\(sql)")

        daemon = try DaemonProcess(config: cfg, socket: dir.file("ctl.sock").path, logFile: dir.file("d2.log"))
        try daemon.waitUntilReady()
        // The daemon re-parses on start; `reparse` finds nothing left to do.
        #expect(waitFor(20) { daemon.log.contains("re-parse with parser version") }, "\(daemon.log)")
        let again = try decode(ReparseResponse.self, try daemon.ctl(["reparse", "--json"]))
        #expect(again.documents == 0, "\(again)")
        let shown = try decode(ShowResponse.self, try daemon.ctl(["show", "redbridge", "--json"]))
        #expect(shown.report?.parserVersion == ReportParser.version)
        #expect(shown.report?.leadInspector == "Louise Hocking")
        let changes = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--json"])).changes
        #expect(changes.map(\.kind) == [.reportAdded, .reportRevised], "\(changes)")
        #expect(changes.last?.fields?.contains("leadInspector") == true)
        let status = try decode(StatusResponse.self, try daemon.ctl(["status", "--json"]))
        #expect(status.pendingNotifications == 0)
    }
}

/// A first sync of many reports: recorded always, announced only when asked;
/// the change log as Atom; the grades as CSV and JSON.
@Suite(.serialized)
struct FirstSyncAndFeedsTests {
    func run(notifyInitialSync: Bool) throws -> (daemon: DaemonProcess, dir: TempDir, delivered: Int, changes: Int) {
        let dir = try TempDir("cffirst")
        let www = dir.file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: www.appendingPathComponent("a-redbridge-2019.txt"))
        try Data(
            try SyntheticReports.redbridgeVariant(dates: "7 March 2022 to 18 March 2022", grades: EndToEndTests.newerGrades).utf8
        ).write(to: www.appendingPathComponent("b-redbridge-2022.txt"))
        try FileManager.default.createDirectory(at: dir.file("out"), withIntermediateDirectories: true)
        let cfg = try dir.write(
            "c.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            notify_initial_sync = \(notifyInitialSync)
            [[source]]
            name = "folder"
            kind = "directory"
            url = "www"
            [[notify]]
            name = "log"
            kind = "command"
            command = ["/bin/sh", "-c", "cat > \(dir.path)/out/$CASEFILE_CHANGE_SEQ.json"]
            """)
        let daemon = try DaemonProcess(config: cfg, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)
        // Both reports are added; whether the 2022 one also raises grade_changed
        // depends on which one the concurrent fetches delivered first (a report
        // older than one on file is history), so only the additions are fixed.
        let changes = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--json"])).changes
        #expect(changes.filter { $0.kind == .reportAdded }.count == 2, "\(changes)")
        #expect(changes.allSatisfy { $0.kind == .reportAdded || $0.kind == .gradeChanged })
        let count = { ((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out").path)) ?? []).count }
        if notifyInitialSync { _ = waitFor(15) { count() == changes.count } } else { usleep(1_500_000) }
        return (daemon, dir, count(), changes.count)
    }

    @Test func aFirstSyncAnnouncesNothingByDefault() throws {
        let r = try run(notifyInitialSync: false)
        #expect(r.delivered == 0)
        let status = try decode(StatusResponse.self, try r.daemon.ctl(["status", "--json"]))
        #expect(status.pendingNotifications == 0)
    }

    @Test func aFirstSyncAnnouncesEverythingWhenAsked() throws {
        let r = try run(notifyInitialSync: true)
        #expect(r.delivered == r.changes, "\(r.daemon.log)")

        // The change log as an Atom feed, read with curl over the socket.
        let atom = try runCommand(
            URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "--unix-socket", r.daemon.socket, "http://casefiled/v1/changes.atom"])
        #expect(atom.status == 0)
        #expect(atom.stdout.hasPrefix("<?xml") && atom.stdout.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), "\(atom)")
        #expect(atom.stdout.components(separatedBy: "<entry>").count == r.changes + 1)
        #expect(atom.stdout.contains("<category term=\"report_added\"/>"), "\(atom.stdout)")
        let parsed = try runCommand(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print('ok')",
                try r.dir.write("feed.xml", atom.stdout).path,
            ])
        #expect(parsed.stdout.contains("ok"), "not well-formed XML: \(parsed)")

        // Current grades for a spreadsheet.
        let csv = try r.daemon.ctl(["export", "--format", "csv"])
        #expect(csv.status == 0, "\(csv)")
        let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(
            rows.first
                == "slug,name,framework,inspection_start,inspection_end,overall,leadership,help_and_protection,children_in_care,care_leavers,adoption,lscb,report"
        )
        #expect(rows.count == 2)
        #expect(
            rows.last?.hasPrefix("redbridge,Redbridge,ilacs,2022-03-07,2022-03-18,good,good,good,requires_improvement,,,,") == true,
            "\(rows)")
        let json = try decode(GradesResponse.self, try r.daemon.ctl(["export", "--format", "json"]))
        #expect(json.authorities.first?.grades["overall"] == .good)
    }
}

import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// Every command that asks the daemon, run in this process against a stub
/// daemon on a real Unix socket that answers fixed values: its table is
/// checked against `Golden/NAME.txt`, its `--json` against `Golden/NAME.json`
/// and against the bytes the daemon sent (passed on as they came).
struct CommandGoldenTests {
    typealias Answer = StubDaemon.Answer

    struct Case: Sendable, CustomTestStringConvertible {
        /// The golden files' base name.
        var name: String
        var arguments: [String]
        /// What the table run asks, and the stub's answer.
        var request: String
        var answer: Answer
        /// The `--json` run, when the command has one.
        var jsonRequest: String?
        var jsonAnswer: Answer?
        /// Whether the table run also writes to stderr (checked against `NAME.stderr.txt`).
        var stderr = false

        var testDescription: String { "\(name): casefilectl " + arguments.joined(separator: " ") }

        init(
            _ name: String, _ arguments: [String], _ request: String, _ answer: Answer, json: (String, Answer)? = nil, stderr: Bool = false
        ) {
            self.name = name
            self.arguments = arguments
            self.request = request
            self.answer = answer
            self.jsonRequest = json?.0 ?? request
            self.jsonAnswer = json?.1 ?? answer
            self.stderr = stderr
        }

        func noJSON() -> Case {
            var c = self
            c.jsonRequest = nil
            c.jsonAnswer = nil
            return c
        }
    }

    static let cases: [Case] = [
        Case("status", ["status"], "GET /v1/status", .json(Fixtures.status)),
        Case(
            "status-fresh", ["status"], "GET /v1/status",
            .json(
                StatusResponse(
                    version: "0.1.0", uptime: 2, store: "/var/lib/casefiled/casefile.sqlite", reports: 0, documents: 0, authorities: 0,
                    changes: 0,
                    lastSync: nil, nextSync: nil, paused: false, pendingNotifications: 0))),
        Case("sources", ["sources"], "GET /v1/sources", .json(Fixtures.sources)),
        Case("sync", ["sync"], "POST /v1/sync", .json(AcceptedResponse(accepted: true, message: "sync started"), status: 202)),
        Case(
            "sync-source", ["sync", "--source", "team-share"], "POST /v1/sync?source=team-share",
            .json(AcceptedResponse(accepted: true, message: "sync started"), status: 202)),
        Case(
            "sync-wait", ["sync", "--wait"], "POST /v1/sync?wait=true&progress=true", .lines(Fixtures.syncStream),
            json: ("POST /v1/sync?wait=true", .json(Fixtures.syncResult)), stderr: true),
        Case("changes", ["changes"], "GET /v1/changes?limit=100", .json(Fixtures.changes)),
        Case(
            "changes-filtered", ["changes", "--since", "41", "--limit", "5", "--authority", "redbridge", "--kind", "grade_changed"],
            "GET /v1/changes?since=41&limit=5&authority=redbridge&kind=grade_changed",
            .json(ChangesResponse(changes: [Fixtures.gradeChanged], next: 42))),
        Case(
            "changes-more", ["changes", "--limit", "2"], "GET /v1/changes?limit=2",
            .json(ChangesResponse(changes: [Fixtures.reportAdded, Fixtures.gradeChanged], next: 42, more: true)), stderr: true),
        Case(
            "changes-none", ["changes", "--since", "44"], "GET /v1/changes?since=44&limit=100",
            .json(ChangesResponse(changes: [], next: 44))),
        Case(
            "changes-follow", ["changes", "--follow", "--since", "40"], "GET /v1/changes/stream?since=40",
            .lines([Fixtures.reportAdded, Fixtures.gradeChanged, Fixtures.reportRevised, Fixtures.reportWithdrawn])),
        Case("grades", ["grades"], "GET /v1/grades", .json(Fixtures.grades)),
        Case("export", ["export"], "GET /v1/grades", .json(Fixtures.grades)).noJSON(),
        Case("export-json", ["export", "--format", "json"], "GET /v1/grades", .json(Fixtures.grades)).noJSON(),
        Case("export-json", ["export", "--json"], "GET /v1/grades", .json(Fixtures.grades)).noJSON(),
        Case("export-html", ["export", "--format", "html"], "GET /v1/dashboard", Answer(status: 200, body: Fixtures.page)).noJSON(),
        Case("due", ["due"], "GET /v1/due?within=6", .json(Fixtures.due)),
        Case(
            "due-region", ["due", "--within", "1y", "--region", "London"], "GET /v1/due?within=12&region=London",
            .json(Fixtures.dueLondon)),
        Case(
            "due-none", ["due", "--within", "0m", "--region", "north east"], "GET /v1/due?within=0&region=north%20east",
            .json(Fixtures.dueNone)),
        Case("status-publish-failed", ["status"], "GET /v1/status", .json(Fixtures.statusPublishFailed)),
        Case("status-published", ["status"], "GET /v1/status", .json(Fixtures.statusPublished)),
        Case("show", ["show", "redbridge"], "GET /v1/authorities/redbridge", .json(Fixtures.show)),
        Case("show-no-report", ["show", "kent"], "GET /v1/authorities/kent", .json(Fixtures.showNothing)),
        Case("show-incomplete", ["show", "kent"], "GET /v1/authorities/kent", .json(Fixtures.showIncomplete)),
        Case("history", ["history", "redbridge"], "GET /v1/authorities/redbridge/history", .json(Fixtures.history)),
        Case(
            "history-page", ["history", "redbridge", "--limit", "2", "--cursor", "6"],
            "GET /v1/authorities/redbridge/history?limit=2&cursor=6", .json(Fixtures.historyPage), stderr: true),
        Case("reload", ["reload"], "POST /v1/reload", .json(Fixtures.reload)),
        Case("reparse", ["reparse"], "POST /v1/reparse", .json(Fixtures.reparse), stderr: true),
        Case(
            "reparse-document", ["reparse", "--document", "17"], "POST /v1/reparse?document=17",
            .json(
                ReparseResponse(
                    documents: 1, failed: 1, errors: ["https://files.ofsted.gov.uk/v1/file/50012345: extraction timed out after 60s"])),
            stderr: true),
        Case("pause", ["pause"], "POST /v1/pause", .json(PauseResponse(paused: true))),
        Case("resume", ["resume"], "POST /v1/resume", .json(PauseResponse(paused: false))),
        Case("notifications", ["notifications"], "GET /v1/notifications?recent=20", .json(Fixtures.notifications)),
        Case(
            "notifications-none", ["notifications", "list", "--recent", "0"], "GET /v1/notifications?recent=0",
            .json(NotificationsResponse(deliveries: []))),
        Case(
            "notifications-retry", ["notifications", "retry", "3"], "POST /v1/notifications/retry?id=3", .json(RetryResponse(retried: 1))),
        Case("notifications-retry-all", ["notifications", "retry"], "POST /v1/notifications/retry", .json(RetryResponse(retried: 2))),
        Case("notifications-retry-nothing", ["notifications", "retry"], "POST /v1/notifications/retry", .json(RetryResponse(retried: 0)))
            .noJSON(),
    ]

    @Test(arguments: cases)
    func table(_ c: Case) throws {
        let stub = try StubDaemon([c.request: c.answer])
        defer { stub.stop() }
        let run = casefilectl(c.arguments + ["--socket", stub.socket])
        #expect(run.status == 0, "\(run)")
        #expect(stub.requests == [c.request])
        Golden.check(run.out, c.name + (c.name.hasPrefix("export-json") ? ".json" : c.name == "export-html" ? ".html" : ".txt"))
        if c.stderr {
            Golden.check(run.err, c.name + ".stderr.txt")
        } else {
            #expect(run.stderr.isEmpty, "\(run)")
        }
        if c.name == "export-json" { #expect(run.out == c.answer.body, "--format json passes the daemon's JSON on as it came") }
        if c.name == "export-html" { #expect(run.out == c.answer.body, "--format html passes the daemon's page on as it came") }
    }

    @Test(arguments: cases.filter { $0.jsonRequest != nil })
    func json(_ c: Case) throws {
        let request = try #require(c.jsonRequest)
        let answer = try #require(c.jsonAnswer)
        let stub = try StubDaemon([request: answer])
        defer { stub.stop() }
        let run = casefilectl(c.arguments + ["--json", "--socket", stub.socket])
        #expect(run.status == 0, "\(run)")
        #expect(stub.requests == [request])
        #expect(run.stderr.isEmpty, "\(run)")
        #expect(run.out == answer.body, "--json passes the daemon's JSON on as it came")
        Golden.check(run.out, c.name + ".json")
    }
}

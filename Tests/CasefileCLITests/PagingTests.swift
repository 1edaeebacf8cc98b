import CasefileControl
import CasefileModel
import Foundation
import Testing

/// `--all`: every page fetched in turn, by the cursor each page gave, and
/// printed as one (the table, or one JSON answer in the daemon's shape).
struct PagingTests {
    typealias Answer = StubDaemon.Answer

    static let older = HistoryReport(
        id: 5, framework: .sif, kind: nil, inspection: Fixtures.span("2014-01-06", "2014-01-29"),
        grades: ["overall": .requiresImprovement], url: "https://files.ofsted.gov.uk/redbridge-2014.pdf")
    static let oldest = HistoryReport(
        id: 6, framework: .monitoringVisit, kind: nil, inspection: Fixtures.span("2016-05-10", "2016-05-11"), grades: [:], url: nil)

    /// Three pages of two, one and two reports.
    static let historyPages: [String: Answer] = [
        "GET /v1/authorities/redbridge/history?limit=2":
            .json(HistoryResponse(authority: Fixtures.redbridge, reports: [older], next: "5")),
        "GET /v1/authorities/redbridge/history?limit=2&cursor=5":
            .json(HistoryResponse(authority: Fixtures.redbridge, reports: [oldest], next: "6")),
        "GET /v1/authorities/redbridge/history?limit=2&cursor=6": .json(Fixtures.history),
    ]

    @Test(arguments: [false, true])
    func historyAll(json: Bool) throws {
        let stub = try StubDaemon(Self.historyPages)
        defer { stub.stop() }
        let run = casefilectl(["history", "redbridge", "--limit", "2", "--all", "--socket", stub.socket] + (json ? ["--json"] : []))
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        #expect(
            stub.requests == [
                "GET /v1/authorities/redbridge/history?limit=2", "GET /v1/authorities/redbridge/history?limit=2&cursor=5",
                "GET /v1/authorities/redbridge/history?limit=2&cursor=6",
            ])
        Golden.check(run.out, json ? "history-all.json" : "history-all.txt")
        if json {
            let whole = try JSONDecoder().decode(HistoryResponse.self, from: Data(run.out))
            #expect(whole.reports.map(\.id) == [5, 6, 7, 8])
            #expect(whole.next == nil)
        }
    }

    static func changes(_ records: [ChangeRecord], next: Int64, more: Bool?) -> Answer {
        .json(ChangesResponse(changes: records, next: next, more: more))
    }

    @Test(arguments: [false, true])
    func changesAll(json: Bool) throws {
        let stub = try StubDaemon([
            "GET /v1/changes?since=40&limit=2": Self.changes([Fixtures.reportAdded, Fixtures.gradeChanged], next: 42, more: true),
            "GET /v1/changes?since=42&limit=2": Self.changes([Fixtures.reportRevised, Fixtures.reportWithdrawn], next: 44, more: false),
        ])
        defer { stub.stop() }
        let run = casefilectl(["changes", "--since", "40", "--limit", "2", "--all", "--socket", stub.socket] + (json ? ["--json"] : []))
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        #expect(stub.requests == ["GET /v1/changes?since=40&limit=2", "GET /v1/changes?since=42&limit=2"])
        Golden.check(run.out, json ? "changes-all.json" : "changes-all.txt")
        if json {
            let whole = try JSONDecoder().decode(ChangesResponse.self, from: Data(run.out))
            #expect(whole.changes.map(\.seq) == [41, 42, 43, 44])
            #expect(whole.next == 44)
        }
    }

    @Test("--all on a daemon that does not say `more`: a short page is the end")
    func changesAllFromAnOlderDaemon() throws {
        let stub = try StubDaemon([
            "GET /v1/changes?limit=2": Self.changes([Fixtures.reportAdded, Fixtures.gradeChanged], next: 42, more: nil),
            "GET /v1/changes?since=42&limit=2": Self.changes([Fixtures.reportRevised], next: 43, more: nil),
        ])
        defer { stub.stop() }
        let run = casefilectl(["changes", "--limit", "2", "--all", "--json", "--socket", stub.socket])
        #expect(run.status == 0, "\(run)")
        #expect(stub.requests == ["GET /v1/changes?limit=2", "GET /v1/changes?since=42&limit=2"])
        let whole = try JSONDecoder().decode(ChangesResponse.self, from: Data(run.out))
        #expect(whole.changes.map(\.seq) == [41, 42, 43])
        #expect(whole.next == 43)
    }

    @Test("--all with --follow is refused as usage")
    func allAndFollow() {
        let run = casefilectl(["changes", "--follow", "--all", "--socket", "/tmp/nothing-here.sock"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("--all"), "\(run)")
    }
}

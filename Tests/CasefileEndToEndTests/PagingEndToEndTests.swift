import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// History and changes a page at a time, through the built daemon and
/// casefilectl: cursors continue where a page ended, `--all` gives what one
/// unpaged answer gives, a bad cursor is refused by name.
@Suite(.serialized)
struct PagingEndToEndTests {
    static let grades = SyntheticReports.Grades(
        leadership: "Good", helpAndProtection: "Good", childrenInCare: "Good", overall: "Good")

    @Test func historyAndChangesPage() throws {
        let dir = try TempDir("cfpage")
        let reports = dir.file("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: reports.appendingPathComponent("r2019.txt"))
        for (name, dates) in [("r2016", "4 April 2016 to 15 April 2016"), ("r2022", "7 March 2022 to 18 March 2022")] {
            try Data(try SyntheticReports.redbridgeVariant(dates: dates, grades: Self.grades).utf8)
                .write(to: reports.appendingPathComponent("\(name).txt"))
        }
        let config = try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"

            [[source]]
            name = "folder"
            kind = "directory"
            url = "reports"
            """)
        let daemon = try DaemonProcess(config: config, socket: dir.file("ctl.sock").path, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        defer { _ = daemon.signalAndWait(SIGTERM) }
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0, "\(daemon.log)")

        let whole = try decode(HistoryResponse.self, try daemon.ctl(["history", "redbridge", "--json"]))
        #expect(whole.reports.map(\.inspection.start.description) == ["2016-04-04", "2019-04-29", "2022-03-07"])
        #expect(whole.next == nil)

        let first = try decode(HistoryResponse.self, try daemon.ctl(["history", "redbridge", "--limit", "2", "--json"]))
        #expect(first.reports == Array(whole.reports.prefix(2)))
        let cursor = try #require(first.next)
        let rest = try decode(HistoryResponse.self, try daemon.ctl(["history", "redbridge", "--limit", "2", "--cursor", cursor, "--json"]))
        #expect(rest.reports == [whole.reports[2]])
        #expect(rest.next == nil)
        let all = try decode(HistoryResponse.self, try daemon.ctl(["history", "redbridge", "--limit", "1", "--all", "--json"]))
        #expect(all == whole)

        let table = try daemon.ctl(["history", "redbridge", "--limit", "2"])
        #expect(table.status == 0 && table.stderr.contains("--cursor \(cursor)"), "\(table)")
        let bad = try daemon.ctl(["history", "redbridge", "--cursor", "yesterday"])
        #expect(bad.status == 1 && bad.stderr.contains("bad_request"), "\(bad)")
        let foreign = try daemon.ctl(["history", "redbridge", "--cursor", "99999"])
        #expect(foreign.status == 1 && foreign.stderr.contains("not a report of redbridge"), "\(foreign)")

        // The detail is the newest report.
        let show = try decode(ShowResponse.self, try daemon.ctl(["show", "redbridge", "--json"]))
        #expect(show.reportID == whole.reports.last?.id)
        #expect(show.report?.inspection.start.description == "2022-03-07")

        // Changes: `more` says a page is not the last; --all reads to the end.
        let changes = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--json"]))
        #expect(changes.changes.count >= 3 && changes.more == false)
        let page = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--limit", "1", "--json"]))
        #expect(page.changes == [changes.changes[0]] && page.more == true)
        let every = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--limit", "1", "--all", "--json"]))
        #expect(every.changes == changes.changes && every.next == changes.next)

        let status = try decode(StatusResponse.self, try daemon.ctl(["status", "--json"]))
        #expect(status.reports == 3 && status.documents == 3 && status.authorities == 1 && status.changes == changes.changes.count)

        // The grades answer is kept between requests, and renewed by a sync
        // that changes them.
        let before = try decode(GradesResponse.self, try daemon.ctl(["grades", "--json"]))
        #expect(before.authorities.first?.inspection.start.description == "2022-03-07")
        #expect(try decode(GradesResponse.self, try daemon.ctl(["grades", "--json"])) == before)
        let worse = SyntheticReports.Grades(
            leadership: "Inadequate", helpAndProtection: "Good", childrenInCare: "Good", overall: "Inadequate")
        try Data(try SyntheticReports.redbridgeVariant(dates: "5 May 2025 to 16 May 2025", grades: worse).utf8)
            .write(to: reports.appendingPathComponent("r2025.txt"))
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0, "\(daemon.log)")
        let after = try decode(GradesResponse.self, try daemon.ctl(["grades", "--json"]))
        #expect(after.authorities.first?.inspection.start.description == "2025-05-05")
        #expect(after.authorities.first?.grades["overall"] == .inadequate)
    }
}

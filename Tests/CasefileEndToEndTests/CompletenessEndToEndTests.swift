import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// Issue 13 through the built daemon and CLI: a report whose care leavers
/// row is missing is stored as incomplete and seen as such (`grades` `?`
/// and `missing`, `show`, `status`, the journal); a later care leavers
/// change is still announced, from the report that gave it; a stated
/// previous outcome that disagrees with the report on file is a warning.
@Suite(.serialized)
struct CompletenessEndToEndTests {
    /// The synthetic 2023 ILACS fixture at other dates, without its care
    /// leavers row, or with another care leavers grade and a sentence stating
    /// the previous outcome.
    static func variant(dates: String, cutCareLeavers: Bool = false, careLeavers: String? = nil, stated: String? = nil) throws -> String {
        var s = try String(contentsOf: TestPaths.fixture("synthetic-ilacs-2023-five-judgements.txt"), encoding: .utf8)
            .replacingOccurrences(of: "9 May to 20 May 2023", with: dates)
        if cutCareLeavers {
            s = s.replacingOccurrences(of: "The experiences and progress of care\nleavers\n\nOutstanding\n\n", with: "")
                .replacingOccurrences(of: "The experiences and progress of care leavers: outstanding\n", with: "")
        }
        if let careLeavers {
            s = s.replacingOccurrences(of: "leavers\n\nOutstanding", with: "leavers\n\n\(careLeavers)")
                .replacingOccurrences(of: "care leavers: outstanding", with: "care leavers: \(careLeavers.lowercased())")
        }
        if let stated { s = s.replacingOccurrences(of: "that wraps over two lines.\n", with: "that wraps over two lines. \(stated)\n") }
        return s
    }

    @Test func anIncompleteReportIsSeenEverywhereAndHidesNoLaterChange() throws {
        let dir = try TempDir("cfe2e")
        let www = dir.file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        let doc = www.appendingPathComponent("leeds.txt")
        try Data(try Self.variant(dates: "9 May to 20 May 2023").utf8).write(to: doc)
        let server = try TestHTTPServer(root: www)
        defer { server.stop() }
        let config = try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"

            [[source]]
            name = "ofsted-test"
            kind = "document"
            url = "\(server.baseURL)/leeds.txt"
            """)
        let daemon = try DaemonProcess(config: config, socket: dir.file("ctl.sock").path, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        #expect(try daemon.ctl(["sync", "--wait", "--json"]).status == 0)
        #expect(try decode(StatusResponse.self, try daemon.ctl(["status", "--json"])).incomplete == 0)

        // 2024: the care leavers row is not read.
        try Data(try Self.variant(dates: "7 October to 18 October 2024", cutCareLeavers: true).utf8).write(to: doc)
        #expect(try daemon.ctl(["sync", "--wait", "--json"]).status == 0)
        let grades = try decode(GradesResponse.self, try daemon.ctl(["grades", "--json"]))
        let leeds = try #require(grades.authorities.first { $0.slug == "leeds" })
        #expect(leeds.missing == ["care_leavers"])
        #expect(leeds.grades["care_leavers"] == nil)
        let table = try daemon.ctl(["grades"])
        #expect(table.stdout.contains("?"), "\(table)")
        let status = try daemon.ctl(["status", "--json"])
        #expect(try decode(StatusResponse.self, status).incomplete == 1, "\(status)")
        #expect(try daemon.ctl(["status"]).stdout.contains("incomplete:     1"))
        let show = try decode(ShowResponse.self, try daemon.ctl(["show", "leeds", "--json"]))
        #expect(show.report?.incomplete == true)
        #expect(show.report?.missing.map(\.area) == [.careLeavers])
        #expect(try daemon.ctl(["show", "leeds"]).stdout.contains("INCOMPLETE: 1 judgement"))
        #expect(waitFor(10) { daemon.log.contains("stored as incomplete, 1 judgement missing: care_leavers") }, "\(daemon.log)")
        var changes = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--kind", "grade_changed", "--json"]))
        #expect(changes.changes.isEmpty, "a missing judgement is no move to nothing: \(changes)")

        // 2025: care leavers inadequate, and the report says 2024's overall
        // was inadequate (the 2024 report on file says good).
        try Data(
            try Self.variant(
                dates: "3 November to 14 November 2025", careLeavers: "Inadequate",
                stated:
                    "Since the last inspection in 2024, when overall\neffectiveness was judged to be inadequate, leaders have improved services."
            ).utf8
        ).write(to: doc)
        #expect(try daemon.ctl(["sync", "--wait", "--json"]).status == 0)
        changes = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--kind", "grade_changed", "--json"]))
        let moved = try #require(changes.changes.first)
        #expect(moved.grades?.map(\.area) == [.careLeavers], "\(changes)")
        #expect(moved.grades?.first?.from == .outstanding && moved.grades?.first?.to == .inadequate)
        #expect(moved.grades?.first?.fromReport != nil && moved.grades?.first?.fromReport != moved.previous?.id)
        #expect(
            try decode(StatusResponse.self, try daemon.ctl(["status", "--json"])).incomplete == 1,
            "the 2024 report stays incomplete; the 2025 one is whole")
        #expect(try decode(GradesResponse.self, try daemon.ctl(["grades", "--json"])).authorities.first?.missing == [])
        let newest = try decode(ShowResponse.self, try daemon.ctl(["show", "leeds", "--json"]))
        #expect(
            newest.report?.warnings.contains { $0.hasPrefix("stated previous disagrees") } == true,
            "\(String(describing: newest.report?.warnings))")
        #expect(waitFor(10) { daemon.log.contains("stated previous disagrees") }, "\(daemon.log)")
        // The 2024 report is on file: the history shows it, not the statement.
        let history = try decode(HistoryResponse.self, try daemon.ctl(["history", "leeds", "--json"]))
        #expect(history.reports.count == 3 && history.reports.allSatisfy { ($0.statedPrevious ?? []).isEmpty })
        #expect(daemon.signalAndWait(SIGTERM, timeout: 10)?.status == 0)
    }
}

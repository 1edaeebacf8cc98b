import CasefileExtract
import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// The parser accuracy report over a folder: per framework, what was read,
/// what is missing and why, what was refused and why.
@Suite struct AccuracyReportTests {
    /// A folder of the fixtures, one report made incomplete, one letter
    /// naming no authority of the list, an error page and bytes that are no text.
    func folder() throws -> TempDir {
        let dir = try TempDir("acc")
        for name in [
            "redbridge-2019-ilacs.txt", "synthetic-sif-with-lscb.txt", "synthetic-focused-visit.txt", "synthetic-jtai.txt",
            "synthetic-looked-after-2013.txt",
        ] {
            try dir.write(name, try TestPaths.fixtureText(name))
        }
        let five = try TestPaths.fixtureText("synthetic-ilacs-2023-five-judgements.txt")
        let row = "The experiences and progress of care\nleavers\n\nOutstanding\n"
        try #require(five.contains(row))
        try dir.write("sub/incomplete.txt", five.replacingOccurrences(of: row, with: ""))
        let focused = try TestPaths.fixtureText("synthetic-focused-visit.txt")
        try dir.write("nowhere.txt", focused.replacingOccurrences(of: "Focused visit to Liverpool", with: "Focused visit to Borsetshire"))
        try dir.write(
            "gone.html",
            "<!DOCTYPE html><html><head><title>Report not found - Ofsted</title></head><body><h1>Report not found</h1></body></html>")
        try Data([0x41, 0xFF, 0x42]).write(to: dir.file("junk.bin"))
        try dir.write(".hidden", "not read")
        return dir
    }

    @Test func countsPerFramework() throws {
        let dir = try folder()
        let report = try AccuracyReport.run(folder: dir.url)
        #expect(report.documents == 9)
        #expect(report.parserVersion == ReportParser.version)
        let ilacs = try #require(report.frameworks["ilacs"])
        #expect(ilacs.reports == 2)
        #expect(ilacs.judgementsRead == 4 + 4)
        #expect(ilacs.missing == ["care_leavers: no row in the judgement table": 1])
        #expect(ilacs.incomplete == 1)
        #expect(ilacs.unreadable == 0)
        #expect(ilacs.statingPrevious == 1)
        let sif = try #require(report.frameworks["sif"])
        #expect(sif.reports == 1 && sif.judgementsRead == 7 && sif.missingCount == 0)
        let visits = try #require(report.frameworks["focused_visit"])
        #expect(visits.reports == 1)
        #expect(visits.refused == ["authority not in the authority list: '…'": 1])
        #expect(report.frameworks["jtai"]?.reports == 1)
        #expect(report.frameworks["other"]?.reports == 1)
        let none = try #require(report.frameworks[AccuracyReport.notRecognised])
        #expect(none.refusedCount == 2)
        #expect(none.refused.keys.contains { $0.hasPrefix("invalid UTF-8") })
        #expect(none.refused.keys.contains { $0.hasPrefix("an HTML page") && $0.contains("'…'") })
    }

    @Test func rendersATableAndTheReasons() throws {
        let dir = try folder()
        let text = try AccuracyReport.run(folder: dir.url).render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("parser accuracy: 9 documents in \(dir.path)") == true)
        #expect(lines.contains { $0.hasPrefix("framework") && $0.contains("judgements read") && $0.contains("refused") })
        let ilacs = try #require(lines.first { $0.hasPrefix("ilacs ") })
        #expect(ilacs.split(separator: " ").map(String.init) == ["ilacs", "2", "8", "1", "1", "0", "0", "1"])
        #expect(lines.contains { $0.hasPrefix("total ") })
        #expect(lines.contains("judgements missing: 1 of 16 (6.2%)"))
        #expect(lines.contains("  ilacs: care_leavers: no row in the judgement table: 1"))
        #expect(lines.contains("  focused_visit: authority not in the authority list: '…': 1"))
        #expect(text.contains("refused documents, by reason:"))
    }

    @Test func aMissingFolderIsAnError() {
        #expect(throws: (any Error).self) { try AccuracyReport.run(folder: URL(fileURLWithPath: "/nonexistent/casefile")) }
    }

    @Test func reasonsLoseTheirQuotedParts() {
        #expect(AccuracyReport.group("authority not in the authority list: 'Borsetshire'") == "authority not in the authority list: '…'")
        #expect(
            AccuracyReport.group("no ILACS title ('Inspection of … local authority children's services') before: 'X'")
                == "no ILACS title ('…') before: '…'")
        #expect(
            AccuracyReport.group("a focused visit letter: the visit's dates were not found")
                == "a focused visit letter: the visit's dates were not found")
    }
}

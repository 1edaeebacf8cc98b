import CasefileModel
import CasefileNotify
import Testing

/// A grade that moved from a report older than the previous one (that
/// report's reading lacked the judgement: issue 13) says so in the facts.
@Suite struct MessageFromReportTests {
    @Test func aMoveFromAnOlderReportNamesIt() {
        let span = DateSpan(start: LocalDate(iso: "2025-11-03")!, end: LocalDate(iso: "2025-11-14")!)
        let c = ChangeRecord(
            seq: 9, id: "x", kind: .gradeChanged, at: "2026-11-27T09:00:00Z", authority: Authority(name: "Leeds", slug: "leeds"),
            report: ReportRef(id: 3, framework: .ilacs, inspection: span, url: nil),
            grades: [
                GradeMove(area: .careLeavers, from: .good, to: .inadequate, fromReport: 1),
                GradeMove(area: .overall, from: .good, to: .requiresImprovement),
            ],
            previous: ReportRef(id: 2, framework: .ilacs, inspection: span, url: nil))
        let facts = ChangeMessage(c).facts
        #expect(
            facts.contains(
                "  care leavers: good → inadequate (declined; compared with report 1, as the previous report lacks this judgement)"),
            "\(facts)")
        #expect(facts.contains("  overall effectiveness: good → requires improvement (declined)"), "\(facts)")
    }
}

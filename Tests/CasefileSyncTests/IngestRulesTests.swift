import CasefileDiff
import CasefileModel
import CasefileStore
import Foundation
import Testing

@testable import CasefileSync

/// The ingest rules on an in-memory unit of work: what is recorded and
/// announced for each kind of arrival.
@Suite("Ingest rules")
struct IngestRulesTests {
    let older = report("2017-03-06", "2017-03-17", [.overall: .requiresImprovement, .leadership: .good])
    let newer = report("2019-04-29", "2019-05-03", [.overall: .outstanding, .leadership: .good])
    let everyone = Announcer(channels: ["team", "log"])

    @Test func aNewReportIsAddedAndAnnouncedToEachChannel() throws {
        let store = FakeIngestStore()
        let result = try Ingestor(store: store).ingest(
            doc("u1"), report: older, authorityName: "Redbridge", announcer: everyone, at: instant())
        #expect(result.changes.map(\.kind) == [.reportAdded])
        #expect(store.state.outbox.map(\.channel) == ["team", "log"])
        #expect(store.state.authorities["redbridge"] == "Redbridge")
    }

    @Test func aNewerGradedReportMovesTheGradesAndAnOlderOneDoesNot() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        _ = try ingestor.ingest(doc("u1"), report: older, authorityName: "R", announcer: everyone, at: instant())
        let moved = try ingestor.ingest(doc("u2"), report: newer, authorityName: "R", announcer: everyone, at: instant(60))
        #expect(moved.changes.map(\.kind) == [.reportAdded, .gradeChanged])
        #expect(moved.changes.last?.grades == [GradeMove(area: .overall, from: .requiresImprovement, to: .outstanding)])

        let late = FakeIngestStore()
        _ = try Ingestor(store: late).ingest(doc("u2"), report: newer, authorityName: "R", announcer: everyone, at: instant())
        let history = try Ingestor(store: late).ingest(doc("u1"), report: older, authorityName: "R", announcer: everyone, at: instant(60))
        #expect(history.changes.map(\.kind) == [.reportAdded], "an older report arriving late is history, not news")
    }

    @Test func theSameContentTwiceRecordsNothingTheSecondTime() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        let first = try ingestor.ingest(doc("u1"), report: newer, authorityName: "R", announcer: everyone, at: instant())
        let again = try ingestor.ingest(doc("u1"), report: newer, authorityName: "R", announcer: everyone, at: instant(60))
        #expect(again.outcome == .unchanged(reportID: first.reportID))
        #expect(again.changes.isEmpty)
        #expect(store.state.outbox.count == 2)
    }

    @Test func aQuietIngestRecordsButNeverAnnouncesNorMovesGrades() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        _ = try ingestor.ingest(doc("u1"), report: older, authorityName: "R", announcer: .silent, at: instant())
        let quiet = try ingestor.ingest(doc("u2"), report: newer, authorityName: "R", announcer: everyone, quiet: true, at: instant(60))
        #expect(quiet.changes.map(\.kind) == [.reportAdded])
        #expect(store.state.outbox.isEmpty)
    }

    @Test func aNewerParserReadingTheSameBytesIsARevisionOnRecordOnly() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        _ = try ingestor.ingest(doc("u1"), report: newer, authorityName: "R", announcer: everyone, at: instant())
        var better = newer
        better.parserVersion = 2
        better.leadInspectors = ["B. Inspector"]
        let result = try ingestor.ingest(doc("u1"), report: better, authorityName: "R", announcer: everyone, quiet: true, at: instant(60))
        #expect(result.changes.map(\.kind) == [.reportRevised])
        #expect(store.state.outbox.count == 2, "the revision is not announced")
        #expect(store.state.reports[result.reportID]?.record.report.leadInspectors == ["B. Inspector"])
    }

    @Test func aFailedUnitOfWorkLeavesNothingBehind() throws {
        let store = FakeIngestStore()
        store.failWrites = true
        #expect(throws: FakeIngestStore.Failure.self) {
            try Ingestor(store: store).ingest(doc("u1"), report: older, authorityName: "R", announcer: everyone, at: instant())
        }
        #expect(store.state.reports.isEmpty && store.state.changes.isEmpty && store.state.outbox.isEmpty)
    }

    @Test func aWithdrawnDocumentIsRecordedOnceAndListedAgainClearsIt() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        _ = try ingestor.ingest(doc("u1"), report: older, authorityName: "R", announcer: everyone, at: instant())
        #expect(try ingestor.recordWithdrawn(url: "u1", announcer: everyone, at: instant(60))?.kind == .reportWithdrawn)
        #expect(try ingestor.recordWithdrawn(url: "u1", announcer: everyone, at: instant(120)) == nil)
        #expect(try ingestor.recordWithdrawn(url: "never-seen", announcer: everyone, at: instant(120)) == nil)
        _ = try ingestor.ingest(doc("u1"), report: older, authorityName: "R", announcer: everyone, at: instant(180))
        #expect(try ingestor.recordWithdrawn(url: "u1", announcer: everyone, at: instant(240)) != nil)
    }
}

@Suite("Announcer")
struct AnnouncerTests {
    let up = [GradeMove(area: .overall, from: .requiresImprovement, to: .good)]
    let down = [GradeMove(area: .leadership, from: .good, to: .inadequate)]

    @Test func eachChannelHearsWhatItsFilterLetsThrough() {
        let announcer = Announcer(
            channels: ["all", "grades", "kent", "declines", "overall", "all"],
            filters: [
                "grades": ChannelFilter(kinds: [.gradeChanged]),
                "kent": ChannelFilter(authorities: ["kent"]),
                "declines": ChannelFilter(kinds: [.gradeChanged], direction: .declined),
                "overall": ChannelFilter(kinds: [.gradeChanged], areas: [.overall]),
            ])
        #expect(announcer.channels == ["all", "grades", "kent", "declines", "overall"], "no channel twice")
        #expect(announcer.channels(for: .reportAdded, authority: "redbridge", grades: nil) == ["all"])
        #expect(announcer.channels(for: .gradeChanged, authority: "redbridge", grades: up) == ["all", "grades", "overall"])
        #expect(announcer.channels(for: .gradeChanged, authority: "kent", grades: down) == ["all", "grades", "kent", "declines"])
        #expect(Announcer.silent.channels(for: .gradeChanged, authority: "kent", grades: down).isEmpty)
    }
}

/// Issue 13 on the in-memory unit of work (the protocol's default reads):
/// a stated previous grade checks the parser against the reports on file;
/// a missing judgement neither makes nor hides a grade change.
@Suite("Ingest rules: completeness")
struct IngestCompletenessTests {
    let everyone = Announcer(channels: ["team"])

    @Test func aStatedPreviousGradeThatTheReportOnFileContradictsIsAWarningAndNoChange() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        _ = try ingestor.ingest(
            doc("u1"), report: report("2017-03-06", "2017-03-17", [.overall: .good]), authorityName: "R",
            announcer: everyone, at: instant())
        var later = report("2019-04-29", "2019-05-03", [.overall: .good])
        later.statedPrevious = [StatedGrade(year: 2017, area: .overall, grade: .inadequate, sentence: "In 2017 it was judged inadequate.")]
        let result = try ingestor.ingest(doc("u2"), report: later, authorityName: "R", announcer: everyone, at: instant(60))
        #expect(result.changes.map(\.kind) == [.reportAdded])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("report 1 (ILACS 2017-03-06…2017-03-17) gives good") == true)
        let stored = try #require(store.state.reports[result.reportID]?.record.report)
        #expect(stored.warnings == result.warnings)

        // No report of that year on file: nothing to check, no warning.
        var elsewhere = report("2019-04-29", "2019-05-03", [.overall: .good], slug: "york")
        elsewhere.statedPrevious = later.statedPrevious
        #expect(try ingestor.ingest(doc("u3"), report: elsewhere, authorityName: "Y", announcer: everyone, at: instant(90)).warnings == [])
    }

    @Test func aJudgementMissingFromTheLatestReportComparesWithTheOneBefore() throws {
        let store = FakeIngestStore()
        let ingestor = Ingestor(store: store)
        _ = try ingestor.ingest(
            doc("u1"), report: report("2023-02-06", "2023-02-17", [.overall: .good, .careLeavers: .good]),
            authorityName: "R", announcer: everyone, at: instant())
        var partial = report("2024-10-07", "2024-10-18", [.overall: .good])
        partial.missing = [MissingJudgement(area: .careLeavers, reason: "no row in the judgement table")]
        partial.incomplete = true
        let quiet = try ingestor.ingest(doc("u2"), report: partial, authorityName: "R", announcer: everyone, at: instant(60))
        #expect(quiet.changes.map(\.kind) == [.reportAdded])
        let moved = try ingestor.ingest(
            doc("u3"), report: report("2025-11-03", "2025-11-14", [.overall: .good, .careLeavers: .inadequate]),
            authorityName: "R", announcer: everyone, at: instant(120))
        #expect(moved.changes.map(\.kind) == [.reportAdded, .gradeChanged])
        #expect(moved.changes.last?.grades == [GradeMove(area: .careLeavers, from: .good, to: .inadequate, fromReport: 1)])
        #expect(store.state.outbox.count == 4)
    }
}

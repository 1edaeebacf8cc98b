import CasefileDiff
import CasefileModel
import Testing

@Suite("Differ")
struct DifferTests {
    let url = "https://files.ofsted.gov.uk/v1/file/900"

    @Test("a report not on file is report_added, alone when nothing else is graded")
    func added() {
        let new = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good))
        #expect(Differ.diff(new: new, documentURL: url, existing: []) == .added(changes: [PendingChange(kind: .reportAdded)]))

        // A focused visit on file has no grades: still nothing to move from.
        let visit = stored(1, makeReport(framework: .focusedVisit, start: "2018-01-10", end: "2018-01-11"))
        #expect(Differ.diff(new: new, documentURL: url, existing: [visit]) == .added(changes: [PendingChange(kind: .reportAdded)]))
    }

    @Test("a newer graded report moves the grades that differ, from the latest previous graded one")
    func newerGraded() throws {
        let old = stored(1, makeReport(start: "2015-01-05", end: "2015-01-16", grades: ilacs(.inadequate, .good, .good, .inadequate)))
        let previous = stored(
            2, makeReport(start: "2017-03-06", end: "2017-03-17", grades: ilacs(.requiresImprovement, .good, .good, .requiresImprovement)))
        let letter = stored(3, makeReport(framework: .monitoringVisit, start: "2018-06-01", end: "2018-06-02"))
        let new = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .good, .inadequate, .good))

        let outcome = Differ.diff(new: new, documentURL: url, existing: [old, letter, previous])
        guard case .added(let changes) = outcome else {
            Issue.record("expected added, got \(outcome)")
            return
        }
        try #require(changes.count == 2)
        #expect(changes[0] == PendingChange(kind: .reportAdded))
        #expect(changes[1].kind == .gradeChanged)
        #expect(changes[1].previousReportID == 2)
        #expect(
            changes[1].grades == [
                GradeMove(area: .leadership, from: .requiresImprovement, to: .outstanding),
                GradeMove(area: .childrenInCare, from: .good, to: .inadequate),
                GradeMove(area: .overall, from: .requiresImprovement, to: .good),
            ])
        #expect(changes[1].grades?.map(\.direction) == [.improved, .declined, .improved])
    }

    @Test("a newer report with identical grades is report_added only")
    func identicalGrades() {
        let previous = stored(1, makeReport(start: "2017-03-06", end: "2017-03-17", grades: ilacs(.good, .good, .good, .good)))
        let new = makeReport(
            start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good),
            paragraphs: ["Different words, same grades."])
        #expect(Differ.diff(new: new, documentURL: url, existing: [previous]) == .added(changes: [PendingChange(kind: .reportAdded)]))
    }

    @Test("an older report arriving after a newer one is history: report_added only")
    func olderAfterNewer() {
        let newer = stored(
            1, makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .good, .outstanding)))
        let older = makeReport(start: "2017-03-06", end: "2017-03-17", grades: ilacs(.inadequate, .inadequate, .inadequate, .inadequate))
        #expect(Differ.diff(new: older, documentURL: url, existing: [newer]) == .added(changes: [PendingChange(kind: .reportAdded)]))

        // Same end date, earlier start: still not newer.
        let sameEnd = makeReport(start: "2019-04-22", end: "2019-05-03", grades: ilacs(.inadequate, .good, .good, .good))
        #expect(Differ.diff(new: sameEnd, documentURL: url, existing: [newer]) == .added(changes: [PendingChange(kind: .reportAdded)]))
    }

    @Test("the same inspection with the same content hash is unchanged, by dates or by URL")
    func unchanged() {
        let report = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good))
        let onFile = stored(7, report, url: "https://files.ofsted.gov.uk/v1/file/1")
        // Republished under a new URL, same content.
        #expect(Differ.diff(new: report, documentURL: url, existing: [onFile]) == .unchanged(reportID: 7))
        // Fetched again from the same URL.
        #expect(Differ.diff(new: report, documentURL: onFile.documentURL, existing: [onFile]) == .unchanged(reportID: 7))
    }

    @Test("the same inspection with other content is report_revised naming the fields")
    func revised() throws {
        let v1 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good))
        let v2 = makeReport(
            start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good),
            lead: ["Another Inspector"], improvements: ["Something else."],
            paragraphs: ["Children are well supported.", "A new paragraph."])
        let newer = stored(2, makeReport(start: "2022-01-10", end: "2022-01-21", grades: ilacs(.good, .good, .good, .good)))
        let outcome = Differ.diff(new: v2, documentURL: url, existing: [stored(1, v1), newer])
        #expect(
            outcome
                == .revised(
                    reportID: 1,
                    changes: [
                        PendingChange(kind: .reportRevised, previousReportID: 1, fields: ["leadInspector", "improvements", "paragraphs"])
                    ]))

        // Same document URL, corrected dates: a revision, not a second report.
        let v3 = makeReport(start: "2019-04-29", end: "2019-05-10", grades: ilacs(.good, .good, .good, .good))
        let byURL = Differ.diff(new: v3, documentURL: "https://files.ofsted.gov.uk/v1/file/1", existing: [stored(1, v1)])
        guard case .revised(1, let changes) = byURL else {
            Issue.record("expected a revision of 1, got \(byURL)")
            return
        }
        #expect(changes.map(\.kind) == [.reportRevised])
        #expect(changes.first?.fields?.first == "dates")

        // Same document URL, another inspection (dates that do not overlap):
        // a source that serves the newest report at one address. A new report.
        let v4 = makeReport(start: "2022-03-07", end: "2022-03-18", grades: ilacs(.good, .good, .good, .good))
        let moved = Differ.diff(new: v4, documentURL: "https://files.ofsted.gov.uk/v1/file/1", existing: [stored(1, v1)])
        guard case .added(let added) = moved else {
            Issue.record("expected a new report, got \(moved)")
            return
        }
        #expect(added.map(\.kind) == [.reportAdded])
    }

    @Test("revised grades on the latest graded report: report_revised then grade_changed, old version to new")
    func revisedGradesOnLatest() throws {
        let earlier = stored(
            1, makeReport(start: "2017-03-06", end: "2017-03-17", grades: ilacs(.inadequate, .inadequate, .inadequate, .inadequate)))
        let v1 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .good, .outstanding))
        let v2 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .outstanding, .outstanding))
        let outcome = Differ.diff(new: v2, documentURL: url, existing: [earlier, stored(2, v1)])
        guard case .revised(2, let changes) = outcome else {
            Issue.record("expected a revision of 2, got \(outcome)")
            return
        }
        try #require(changes.count == 2)
        #expect(changes[0].kind == .reportRevised)
        #expect(changes[0].fields?.contains("grades") == true)
        #expect(changes[0].fields?.contains("judgements") == false)
        #expect(
            changes[1]
                == PendingChange(
                    kind: .gradeChanged,
                    grades: [GradeMove(area: .childrenInCare, from: .good, to: .outstanding)],
                    previousReportID: 2))

        // The same correction on a report that is no longer the latest: no grade_changed.
        let latest = stored(3, makeReport(start: "2023-02-06", end: "2023-02-17", grades: ilacs(.good, .good, .good, .good)))
        let history = Differ.diff(new: v2, documentURL: url, existing: [earlier, stored(2, v1), latest])
        #expect(history.changes.map(\.kind) == [.reportRevised])
    }

    @Test("areas compare by key across frameworks; areas in one framework only are left out")
    func acrossFrameworks() throws {
        let sif: [Area: Grade] = [
            .helpAndProtection: .requiresImprovement, .childrenInCare: .requiresImprovement,
            .adoption: .good, .careLeavers: .inadequate, .leadership: .requiresImprovement,
            .lscb: .requiresImprovement, .overall: .requiresImprovement,
        ]
        let old = stored(1, makeReport(framework: .sif, start: "2016-05-09", end: "2016-06-02", grades: sif))
        // ILACS from 2023: care leavers judged on their own; no adoption, no LSCB.
        let new = makeReport(
            start: "2023-02-06", end: "2023-02-17",
            grades: [
                .leadership: .good, .helpAndProtection: .requiresImprovement,
                .childrenInCare: .good, .careLeavers: .good, .overall: .good,
            ])
        let changes = Differ.diff(new: new, documentURL: url, existing: [old]).changes
        try #require(changes.count == 2)
        #expect(
            changes[1].grades == [
                GradeMove(area: .leadership, from: .requiresImprovement, to: .good),
                GradeMove(area: .childrenInCare, from: .requiresImprovement, to: .good),
                GradeMove(area: .careLeavers, from: .inadequate, to: .good),
                GradeMove(area: .overall, from: .requiresImprovement, to: .good),
            ])
        #expect(!(changes[1].grades ?? []).contains { $0.area == .adoption || $0.area == .lscb })
    }

    @Test("an ungraded report never gives grade_changed")
    func ungraded() {
        let previous = stored(
            1, makeReport(start: "2017-03-06", end: "2017-03-17", grades: ilacs(.inadequate, .inadequate, .inadequate, .inadequate)))
        let visit = makeReport(framework: .focusedVisit, start: "2020-02-03", end: "2020-02-04")
        #expect(Differ.diff(new: visit, documentURL: url, existing: [previous]) == .added(changes: [PendingChange(kind: .reportAdded)]))
    }

    @Test("a move to or from not_judged has no direction on the scale")
    func notJudged() throws {
        let previous = stored(
            1,
            makeReport(
                framework: .sif, start: "2016-05-09", end: "2016-06-02",
                grades: [.lscb: .notJudged, .overall: .good]))
        let new = makeReport(framework: .sif, start: "2017-05-08", end: "2017-06-01", grades: [.lscb: .good, .overall: .good])
        let moves = Differ.diff(new: new, documentURL: url, existing: [previous]).changes.last?.grades
        #expect(moves == [GradeMove(area: .lscb, from: .notJudged, to: .good)])
        #expect(moves?.first?.direction == .changed)
    }

    @Test("an old copy of a superseded version seen again is unchanged, not a revision back")
    func staleCopy() {
        let oldURL = "https://files.ofsted.gov.uk/v1/file/1"
        let v1 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good))
        let v2 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .outstanding, .good))
        let onFile = [StoredReport(id: 1, documentURL: oldURL, report: v1, supersededBy: 2), stored(2, v2, url: url)]
        #expect(Differ.diff(new: v1, documentURL: oldURL, existing: onFile) == .unchanged(reportID: 1))
        #expect(Differ.diff(new: v2, documentURL: url, existing: onFile) == .unchanged(reportID: 2))
        // A third version is a revision of the current one, never of the old.
        let v3 = makeReport(
            start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .outstanding, .good),
            improvements: ["Third wording."])
        #expect(Differ.diff(new: v3, documentURL: oldURL, existing: onFile).changes.first?.previousReportID == 2)
    }
}

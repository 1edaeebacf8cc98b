import CasefileDiff
import CasefileModel
import Testing

/// A judgement missing from an incomplete report never makes nor hides a
/// `grade_changed`: each area compares with the newest report on file that
/// gives it, passing over reports that should have given it and did not.
@Suite("Differ: incomplete reports")
struct DifferCompletenessTests {
    let url = "https://files.ofsted.gov.uk/v1/file/900"
    let four: [Area: Grade] = [.leadership: .good, .helpAndProtection: .good, .childrenInCare: .good, .careLeavers: .good, .overall: .good]

    func with(_ grades: [Area: Grade], _ changes: [Area: Grade?]) -> [Area: Grade] {
        var g = grades
        for (area, grade) in changes { g[area] = grade }
        return g
    }

    func gradeChange(_ outcome: DiffOutcome) -> PendingChange? {
        outcome.changes.first { $0.kind == .gradeChanged }
    }

    @Test("a report missing care leavers does not hide a later care leavers change: it moves from the report that gave it")
    func laterChangeVisible() throws {
        let y2023 = stored(1, makeReport(start: "2023-02-06", end: "2023-02-17", grades: four))
        let y2024 = stored(
            2,
            makeReport(
                start: "2024-10-07", end: "2024-10-18", grades: with(four, [.careLeavers: nil]),
                missing: [.careLeavers]))
        let new = makeReport(
            start: "2025-11-03", end: "2025-11-14", grades: with(four, [.careLeavers: .inadequate, .overall: .requiresImprovement]))
        let change = try #require(gradeChange(Differ.diff(new: new, documentURL: url, existing: [y2023, y2024])))
        #expect(change.previousReportID == 2)
        #expect(
            change.grades == [
                GradeMove(area: .careLeavers, from: .good, to: .inadequate, fromReport: 1),
                GradeMove(area: .overall, from: .good, to: .requiresImprovement),
            ])
        // Before this rule the care leavers move was lost: without the
        // fallback only overall moved.
        #expect(change.grades?.count == 2)
    }

    @Test("a missing judgement in the new report is never a move to nothing, and the others still move")
    func missingNeverMovesToNothing() throws {
        let y2023 = stored(1, makeReport(start: "2023-02-06", end: "2023-02-17", grades: four))
        let new = makeReport(
            start: "2025-11-03", end: "2025-11-14", grades: with(four, [.overall: nil, .leadership: .outstanding]),
            missing: [.overall])
        let change = try #require(gradeChange(Differ.diff(new: new, documentURL: url, existing: [y2023])))
        #expect(change.grades == [GradeMove(area: .leadership, from: .good, to: .outstanding)])

        // Nothing else moved: report_added alone, no grade_changed at all.
        let quiet = makeReport(start: "2025-11-03", end: "2025-11-14", grades: with(four, [.overall: nil]), missing: [.overall])
        #expect(Differ.diff(new: quiet, documentURL: url, existing: [y2023]) == .added(changes: [PendingChange(kind: .reportAdded)]))
    }

    @Test("the walk stops at a report that did not need the area: no comparison across a framework that did not judge it")
    func stopsWhereNotRequired() {
        let sif = stored(
            1,
            makeReport(
                framework: .sif, start: "2014-01-06", end: "2014-01-29",
                grades: [.overall: .good, .careLeavers: .good, .leadership: .good]))
        // ILACS 2019: care leavers within children in care; not missing.
        let ilacs2019 = stored(2, makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good)))
        let new = makeReport(start: "2024-10-07", end: "2024-10-18", grades: with(four, [.careLeavers: .requiresImprovement]))
        #expect(
            Differ.diff(new: new, documentURL: url, existing: [sif, ilacs2019])
                == .added(changes: [PendingChange(kind: .reportAdded)]))
    }

    @Test("several incomplete reports in a row are passed over; an older report that misses it too is no stop")
    func passesOverSeveral() throws {
        let y2019 = stored(1, makeReport(start: "2023-01-09", end: "2023-01-20", grades: four))
        let y2023 = stored(
            2, makeReport(start: "2023-11-06", end: "2023-11-17", grades: with(four, [.careLeavers: nil]), missing: [.careLeavers]))
        let y2024 = stored(
            3, makeReport(start: "2024-10-07", end: "2024-10-18", grades: with(four, [.careLeavers: nil]), missing: [.careLeavers]))
        let new = makeReport(start: "2025-11-03", end: "2025-11-14", grades: with(four, [.careLeavers: .outstanding]))
        let change = try #require(gradeChange(Differ.diff(new: new, documentURL: url, existing: [y2019, y2023, y2024])))
        #expect(change.previousReportID == 3)
        #expect(change.grades == [GradeMove(area: .careLeavers, from: .good, to: .outstanding, fromReport: 1)])
    }

    @Test("a revision that reads a judgement its version on file missed moves it from the report before that gave it")
    func revisionFillsMissing() throws {
        let y2023 = stored(1, makeReport(start: "2023-02-06", end: "2023-02-17", grades: four))
        let v1 = stored(
            2,
            makeReport(
                start: "2025-11-03", end: "2025-11-14", grades: with(four, [.careLeavers: nil]),
                paragraphs: ["First version."], missing: [.careLeavers]))
        let v2 = makeReport(
            start: "2025-11-03", end: "2025-11-14", grades: with(four, [.careLeavers: .inadequate]),
            paragraphs: ["Republished."])
        let outcome = Differ.diff(new: v2, documentURL: url, existing: [y2023, v1])
        guard case .revised(let id, _) = outcome else {
            Issue.record("expected revised, got \(outcome)")
            return
        }
        #expect(id == 2)
        let change = try #require(gradeChange(outcome))
        #expect(change.previousReportID == 2)
        #expect(change.grades == [GradeMove(area: .careLeavers, from: .good, to: .inadequate, fromReport: 1)])

        // The other way: the revision misses what the version on file gave: no move to nothing.
        let v3 = makeReport(
            start: "2025-11-03", end: "2025-11-14", grades: with(four, [.careLeavers: nil]),
            paragraphs: ["Third."], missing: [.careLeavers])
        let back = Differ.diff(new: v3, documentURL: url, existing: [y2023, stored(4, v2)])
        #expect(gradeChange(back) == nil)
    }
}

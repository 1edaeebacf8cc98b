import CasefileDiff
import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

/// Migration `v7-completeness` on a real SQLite file: whether each report is
/// incomplete and what it misses, kept with the current grades and counted
/// for `status`; what a report states of an earlier inspection, shown in the
/// history when no report on file gives it, and checked against the reports
/// on file at ingest.
@Suite("Completeness in the store")
struct CompletenessStoreTests {
    let stated2016 = StatedGrade(
        year: 2016, area: .overall, grade: .inadequate,
        sentence: "Since the inspection in 2016, when overall effectiveness was judged to be inadequate, leaders have acted.")

    @Test("an incomplete report is counted, its missing areas are kept with the current grades, a re-parse that completes it clears both")
    func incompleteKeptAndCleared() throws {
        let t = try TestStore()
        #expect(try t.store.counts().incomplete == 0)
        let partial = makeReport(
            start: "2024-03-04", end: "2024-03-15",
            grades: [.leadership: .good, .helpAndProtection: .good, .childrenInCare: .good],
            missing: [.careLeavers, .overall], hash: "sha256:kent-2024")
        try t.ingest(partial, url: "https://t.example/kent-2024")
        #expect(try t.store.counts().incomplete == 1)
        #expect(try t.store.counts() == t.store.countsByScanForTesting())
        let (v1, grades) = try t.store.latestGrades(unless: nil)
        #expect(grades?.first?.missing == ["care_leavers", "overall"])
        #expect(try t.store.latestGrades() == t.store.latestGradesByScanForTesting())
        let shown = try #require(try t.store.newestReport(slug: "redbridge"))
        #expect(shown.report.incomplete && shown.report.missing.map(\.area) == [.careLeavers, .overall])

        // A newer parser reads the same bytes whole: the same content hash,
        // every judgement, nothing missing.
        var whole = makeReport(
            start: "2024-03-04", end: "2024-03-15",
            grades: [
                .leadership: .good, .helpAndProtection: .good, .childrenInCare: .good,
                .careLeavers: .requiresImprovement, .overall: .good,
            ], hash: "sha256:kent-2024")
        whole.parserVersion = 2
        let reparsed = try t.ingest(whole, url: "https://t.example/kent-2024", at: clock(60))
        #expect(reparsed.changes.map(\.kind) == [.reportRevised], "a better reading is on record, not news")
        #expect(try t.store.counts().incomplete == 0)
        let (v2, after) = try t.store.latestGrades(unless: v1)
        #expect(v2 != v1)
        #expect(after?.first?.missing == [])
        #expect(after?.first?.grades["care_leavers"] == .requiresImprovement)
        #expect(try t.store.latestGrades() == t.store.latestGradesByScanForTesting())
    }

    @Test("a revision supersedes an incomplete version: only current versions count")
    func supersededNotCounted() throws {
        let t = try TestStore()
        let v1 = makeReport(
            start: "2024-03-04", end: "2024-03-15", grades: [.leadership: .good],
            paragraphs: ["First version."], missing: [.overall])
        try t.ingest(v1, url: "https://t.example/a")
        let other = makeReport(
            slug: "york", name: "City of York Council", start: "2024-05-01", end: "2024-05-10",
            grades: [.leadership: .good], missing: [.overall, .careLeavers])
        try t.ingest(other, url: "https://t.example/york")
        #expect(try t.store.counts().incomplete == 2)
        let v2 = makeReport(
            start: "2024-03-04", end: "2024-03-15", grades: [.leadership: .good, .overall: .good],
            paragraphs: ["Corrected version."])
        let result = try t.ingest(v2, url: "https://t.example/b", at: clock(60))
        guard case .revised = result.outcome else {
            Issue.record("expected a revision, got \(result.outcome)")
            return
        }
        #expect(try t.store.counts().incomplete == 1)
        #expect(try t.store.counts() == t.store.countsByScanForTesting())
        #expect(try t.store.latestGrades().map(\.missing) == [[], ["care_leavers", "overall"]])
    }

    @Test("history shows a stated previous grade only while no report on file of that year gives it")
    func historyStated() throws {
        let t = try TestStore()
        let later = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good), stated: [stated2016])
        try t.ingest(later, url: "https://t.example/2019")
        let before = try #require(try t.store.history(slug: "redbridge")).reports
        #expect(before.count == 1)
        #expect(before[0].statedPrevious == [stated2016])

        // The 2016 report arrives (a SIF, graded overall): the history now
        // holds the inspection, not the statement.
        let sif = makeReport(
            framework: .sif, start: "2016-01-11", end: "2016-02-03",
            grades: [.overall: .inadequate, .leadership: .inadequate])
        try t.ingest(sif, url: "https://t.example/2016", at: clock(60))
        let after = try #require(try t.store.history(slug: "redbridge")).reports
        #expect(after.map(\.statedPrevious) == [[], []])
        // A focused visit in 2016 gives no overall: it would not have hidden it.
        let t2 = try TestStore()
        try t2.ingest(makeReport(framework: .focusedVisit, start: "2016-06-01", end: "2016-06-02"), url: "https://t.example/fv")
        try t2.ingest(later, url: "https://t.example/2019")
        #expect(try t2.store.history(slug: "redbridge")?.reports.last?.statedPrevious == [stated2016])
    }

    @Test("a stated previous grade that a report on file contradicts is a warning on the parse, either way round, and never a change")
    func statedDisagreementWarns() throws {
        let t = try TestStore()
        let sif = makeReport(framework: .sif, start: "2016-01-11", end: "2016-02-03", grades: [.overall: .requiresImprovement])
        try t.ingest(sif, url: "https://t.example/2016")
        let later = makeReport(
            start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .requiresImprovement),
            stated: [stated2016])
        let result = try t.ingest(later, url: "https://t.example/2019", at: clock(60))
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("states overall effectiveness was inadequate in 2016") == true)
        #expect(result.warnings.first?.contains("gives requires improvement") == true)
        #expect(result.changes.map(\.kind) == [.reportAdded], "overall did not move on file; the statement makes no change")
        let stored = try #require(try t.store.report(id: result.reportID))
        #expect(stored.warnings.contains { $0.hasPrefix("stated previous disagrees") }, "visible where parse warnings are: show")

        // The other way round: the statement on file first, the 2016 report after.
        let t2 = try TestStore()
        try t2.ingest(later, url: "https://t.example/2019")
        let late = try t2.ingest(sif, url: "https://t.example/2016", at: clock(60))
        #expect(late.warnings.count == 1)
        #expect(
            late.warnings.first?.contains("states overall effectiveness was inadequate in 2016, but this report gives requires improvement")
                == true)
        #expect(late.changes.map(\.kind) == [.reportAdded])

        // Agreeing: no warning.
        let t3 = try TestStore()
        try t3.ingest(
            makeReport(framework: .sif, start: "2016-01-11", end: "2016-02-03", grades: [.overall: .inadequate]),
            url: "https://t.example/2016")
        #expect(try t3.ingest(later, url: "https://t.example/2019").warnings == [])
    }

    @Test("the ingest reads past incomplete reports: a later care leavers change is compared with the report that gave it")
    func ingestFallsBackPerArea() throws {
        let t = try TestStore()
        let y2023 = makeReport(
            start: "2023-02-06", end: "2023-02-17",
            grades: [
                .leadership: .good, .helpAndProtection: .good, .childrenInCare: .good, .careLeavers: .good,
                .overall: .good,
            ])
        let y2024 = makeReport(
            start: "2024-10-07", end: "2024-10-18",
            grades: [.leadership: .good, .helpAndProtection: .good, .childrenInCare: .good, .overall: .good],
            missing: [.careLeavers])
        try t.ingest(y2023, url: "https://t.example/2023")
        let missed = try t.ingest(y2024, url: "https://t.example/2024", at: clock(60))
        #expect(missed.changes.map(\.kind) == [.reportAdded], "a missing care leavers judgement is no move to nothing")
        let y2025 = makeReport(
            start: "2025-11-03", end: "2025-11-14",
            grades: [
                .leadership: .good, .helpAndProtection: .good, .childrenInCare: .good,
                .careLeavers: .inadequate, .overall: .good,
            ])
        let moved = try t.ingest(y2025, url: "https://t.example/2025", at: clock(120))
        let change = try #require(moved.changes.first { $0.kind == .gradeChanged })
        #expect(change.grades == [GradeMove(area: .careLeavers, from: .good, to: .inadequate, fromReport: 1)])
        #expect(change.previous?.id == 2)
        // What the changes log gives back says the same.
        let logged = try t.store.changes(since: nil, limit: 10, authority: nil, kind: .gradeChanged)
        #expect(logged.first?.grades?.first?.fromReport == 1)
    }

    @Test("migration v7 fills the columns, the counts and the stated grades of a store written before it")
    func migrationBackfills() throws {
        let dir = try TempDir("cfstore")
        let path = dir.file("casefile.sqlite").path
        let old = try CasefileStore(path: path, migratingUpTo: "v5-read-model", trace: nil)
        // Written as a build before v7 wrote them: the report table's own
        // columns, the JSON as it was (with or without the later fields).
        let incomplete = makeReport(
            start: "2024-03-04", end: "2024-03-15", grades: [.leadership: .good], missing: [.careLeavers, .overall],
            stated: [stated2016])
        let supersededIncomplete = makeReport(
            start: "2024-03-04", end: "2024-03-15", grades: [.leadership: .good],
            paragraphs: ["An older version."], missing: [.overall])
        let olderParser = makeReport(
            slug: "york", name: "City of York Council", start: "2019-01-07", end: "2019-01-18",
            grades: ilacs(.good, .good, .good, .good))
        try OldRows.insert(old, id: 2, incomplete)
        try OldRows.insert(old, id: 1, supersededIncomplete, supersededBy: 2)
        try OldRows.insert(old, id: 3, olderParser, dropping: ["missing", "incomplete", "statedPrevious"])
        try old.close()

        let store = try CasefileStore(path: path)
        #expect(try store.appliedMigrations().contains("v7-completeness"))
        #expect(try store.counts().incomplete == 1)
        #expect(try store.counts() == store.countsByScanForTesting())
        #expect(try store.latestGrades().map(\.missing) == [["care_leavers", "overall"], []])
        #expect(try store.latestGrades() == store.latestGradesByScanForTesting())
        #expect(try store.history(slug: "redbridge")?.reports.map(\.statedPrevious) == [[stated2016]])
        #expect(try store.report(id: 3)?.incomplete == false, "a report read before completeness was checked is not flagged")
    }
}

/// Rows as a build before a migration wrote them, behind the store's back.
enum OldRows {
    static func q(_ s: String?) -> String {
        guard let s else { return "NULL" }
        return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The report's authority, report row (v1 columns), judgements and
    /// document; `dropping` leaves fields out of its JSON.
    static func insert(_ store: CasefileStore, id: Int64, _ r: Report, supersededBy: Int64? = nil, dropping: [String] = []) throws {
        var object = try JSONSerialization.jsonObject(with: CasefileJSON.encode(r)) as! [String: Any]
        for key in dropping { object.removeValue(forKey: key) }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let url = "https://t.example/old-\(id)"
        var sql = """
            INSERT INTO authority (slug, name) VALUES (\(q(r.authority.slug)), \(q(r.authority.name))) ON CONFLICT DO NOTHING;
            INSERT INTO report (id, authority_slug, document_url, framework, kind, start, "end", lead_inspector, content_hash,
                                parser_version, report_json, created_at, superseded_by)
            VALUES (\(id), \(q(r.authority.slug)), \(q(url)), \(q(r.framework.rawValue)), \(q(r.kind?.rawValue)),
                    \(q(r.inspection.start.description)), \(q(r.inspection.end.description)), \(q(r.leadInspector)),
                    \(q(r.contentHash)), \(r.parserVersion), \(q(json)), '2026-11-27T09:00:00Z', \(supersededBy.map(String.init) ?? "NULL"));
            INSERT INTO document (url, source, last_attempt_at, last_status, report_id)
            VALUES (\(q(url)), 'ofsted', '2026-11-27T09:00:00Z', 'ingested', \(id));
            """
        for j in r.judgements {
            sql +=
                "INSERT INTO judgement (report_id, area, grade, title) VALUES (\(id), \(q(j.area.rawValue)), \(q(j.grade.rawValue)), \(q(j.title)));\n"
        }
        try store.executeForTesting(sql)
    }
}

import CasefileDiff
import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

/// The kept read model (migration `v5-read-model`): current grades and
/// counts maintained by triggers must always equal what scanning the tables
/// gives, whatever the order and kind of writes; the ingest's narrow read
/// must give the differ the answer the whole history gives.
@Suite("Read model")
struct ReadModelTests {
    /// SplitMix64: a seeded generator, so a failure repeats.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let slugs = ["redbridge", "york", "kent"]
    static let grades: [Grade] = [.outstanding, .good, .requiresImprovement, .inadequate]

    /// A random report: few dates and frameworks, so that the same
    /// inspection, revisions and ties come up often.
    static func randomReport(_ rng: inout Seeded) -> Report {
        let slug = slugs.randomElement(using: &rng)!
        let framework: Framework = [.ilacs, .ilacs, .sif, .focusedVisit, .monitoringVisit].randomElement(using: &rng)!
        let year = Int.random(in: 2014...2019, using: &rng)
        let start = "\(year)-03-0\(Int.random(in: 1...2, using: &rng))"
        let end = "\(year)-03-1\(Int.random(in: 0...1, using: &rng))"
        var grades: [Area: Grade] = [:]
        if framework == .ilacs || framework == .sif, Int.random(in: 0..<5, using: &rng) > 0 {
            for area in [Area.overall, .leadership, .childrenInCare] where Bool.random(using: &rng) || area == .overall {
                grades[area] = Self.grades.randomElement(using: &rng)!
            }
        }
        // Now and then incomplete: a judgement it should give is missing
        // (the differ then reads past it, and the narrow read must too).
        var missing: [Area] = []
        if !grades.isEmpty, Int.random(in: 0..<4, using: &rng) == 0 {
            let area = [Area.overall, .leadership, .childrenInCare, .careLeavers].randomElement(using: &rng)!
            grades[area] = nil
            missing = [area]
        }
        return makeReport(
            slug: slug, name: "Council of \(slug)", framework: framework, start: start, end: end, grades: grades,
            improvements: ["Improve \(Int.random(in: 0..<3, using: &rng))."], missing: missing)
    }

    /// The ingest's narrow read against the whole history, before an ingest:
    /// the same rows as the rule says, and the differ's same answer.
    static func checkNarrowRead(_ store: CasefileStore, _ report: Report, url: String) throws {
        try store.write { tx in
            let slug = report.authority.slug
            let all = try tx.reports(authority: slug)
            let some = try tx.reportsToCompare(authority: slug, with: report, documentURL: url)
            let documentReport = try tx.reportID(document: url)
            let rule = Ingestor.reportsToCompare(all, with: report, documentURL: url, documentReport: documentReport)
            #expect(some.map(\.id) == rule.map(\.id), "the store's narrow read is the rule's")
            func stored(_ records: [StoredReportRecord]) -> [StoredReport] {
                records.map { StoredReport(id: $0.id, documentURL: $0.documentURL, report: $0.report, supersededBy: $0.supersededBy) }
            }
            #expect(
                Differ.diff(new: report, documentURL: url, existing: stored(some))
                    == Differ.diff(new: report, documentURL: url, existing: stored(all)))
            if let documentReport {
                #expect(all.contains { $0.id == documentReport } == some.contains { $0.id == documentReport })
            }
        }
    }

    @Test("kept grades and counts equal the scanned ones after every kind of write, in any order")
    func keptEqualsScanned() throws {
        let t = try TestStore()
        var rng = Seeded(state: 2026)
        var ingested: [(report: Report, url: String)] = []
        var outcomes: [String: Int] = [:]
        for step in 0..<400 {
            let at = clock(Double(step))
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 8, let url = ingested.randomElement(using: &rng)?.url {
                if try t.store.recordWithdrawn(url: url, channels: ["team"], at: at) != nil { outcomes["withdrawn", default: 0] += 1 }
            } else if roll < 14 {
                let url = "https://t.example/u\(Int.random(in: 0..<60, using: &rng))"
                if Bool.random(using: &rng) {
                    try t.store.recordNotModified(url: url, source: "ofsted", etag: "\"e\"", lastModified: nil, at: at)
                } else {
                    try t.store.recordDocumentFailure(url: url, source: "ofsted", reason: "timeout", at: at)
                }
            } else if roll < 24, let (old, url) = ingested.randomElement(using: &rng) {
                // The same text read by a newer parser: other judgements,
                // perhaps a corrected date, the same content hash.
                var better = Self.randomReport(&rng)
                better.authority = old.authority
                better.framework = old.framework
                better.kind = old.kind
                better.inspection = DateSpan(
                    start: old.inspection.start, end: Bool.random(using: &rng) ? old.inspection.end : better.inspection.end)
                if better.inspection.end < better.inspection.start { better.inspection.end = old.inspection.end }
                better.contentHash = old.contentHash
                better.parserVersion = old.parserVersion + 1
                try Self.checkNarrowRead(t.store, better, url: url)
                let result = try t.ingest(better, url: url, channels: [], at: at)
                if case .unchanged = result.outcome, !result.changes.isEmpty { outcomes["reparsed", default: 0] += 1 }
                ingested.append((better, url))
            } else {
                let report = Self.randomReport(&rng)
                // Often a document seen before: revisions, republications,
                // a document that now reads as another authority's.
                let url = "https://t.example/u\(Int.random(in: 0..<60, using: &rng))"
                try Self.checkNarrowRead(t.store, report, url: url)
                let result = try t.ingest(report, url: url, channels: ["team"], at: at, name: report.authority.name)
                switch result.outcome {
                case .added: outcomes["added", default: 0] += 1
                case .revised: outcomes["revised", default: 0] += 1
                case .unchanged: outcomes["unchanged", default: 0] += 1
                }
                if result.changes.contains(where: { $0.kind == .gradeChanged }) { outcomes["grade_changed", default: 0] += 1 }
                ingested.append((report, url))
            }
            #expect(try t.store.latestGrades() == t.store.latestGradesByScanForTesting(), "step \(step)")
            #expect(try t.store.counts() == t.store.countsByScanForTesting(), "step \(step)")
        }
        // The walk met every kind of write it is meant to.
        for kind in ["added", "revised", "unchanged", "grade_changed", "withdrawn", "reparsed"] {
            #expect(outcomes[kind, default: 0] > 0, "no \(kind) in \(outcomes)")
        }
        #expect(try t.store.latestGrades().count == Self.slugs.count)
        // Pages, walked by their cursors, are the history.
        for slug in Self.slugs {
            let whole = try #require(try t.store.history(slug: slug)).reports
            var paged: [HistoryEntry] = []
            var after: Int64?
            repeat {
                let page = try #require(try t.store.historyPage(slug: slug, after: after, limit: 3))
                #expect(page.reports.count <= 3)
                paged += page.reports
                after = page.next
            } while after != nil
            #expect(paged == whole, "\(slug)")
            #expect(try t.store.newestReport(slug: slug)?.reportID == whole.last?.id)
        }
    }

    @Test("history pages: a cursor continues after its report; a foreign or unknown cursor is refused")
    func historyPages() throws {
        let t = try TestStore()
        for year in 2014...2020 {
            let r = makeReport(start: "\(year)-05-01", end: "\(year)-05-10", grades: ilacs(.good, .good, .good, .good))
            try t.ingest(r, url: "https://t.example/\(year)", at: clock(Double(year)))
        }
        try t.ingest(
            makeReport(slug: "york", name: "City of York Council", start: "2019-01-01", end: "2019-01-02"), url: "https://t.example/y")
        let first = try #require(try t.store.historyPage(slug: "redbridge", after: nil, limit: 3))
        #expect(first.reports.map(\.inspection.start.description) == ["2014-05-01", "2015-05-01", "2016-05-01"])
        #expect(first.next == first.reports.last?.id)
        let second = try #require(try t.store.historyPage(slug: "redbridge", after: first.next, limit: 3))
        #expect(second.reports.map(\.inspection.start.description) == ["2017-05-01", "2018-05-01", "2019-05-01"])
        let last = try #require(try t.store.historyPage(slug: "redbridge", after: second.next, limit: 3))
        #expect(last.reports.map(\.inspection.start.description) == ["2020-05-01"])
        #expect(last.next == nil)
        // Exactly a page left: no next, no empty page after it.
        #expect(try t.store.historyPage(slug: "redbridge", after: first.next, limit: 4)?.next == nil)

        let yorkReport = try #require(try t.store.history(slug: "york")?.reports.first?.id)
        let foreign = #expect(throws: StoreError.self) { try t.store.historyPage(slug: "redbridge", after: yorkReport, limit: 3) }
        #expect(foreign?.code == .invalidArgument)
        #expect(throws: StoreError.self) { try t.store.historyPage(slug: "redbridge", after: 9_999, limit: 3) }
        #expect(throws: StoreError.self) { try t.store.historyPage(slug: "redbridge", after: nil, limit: 0) }
        #expect(try t.store.historyPage(slug: "nobody", after: nil, limit: 3) == nil)
    }

    @Test("the grades version moves with every write that changes the grades, and only then is the answer read again")
    func gradesVersion() throws {
        let t = try TestStore()
        let (v0, empty) = try t.store.latestGrades(unless: nil)
        #expect(empty == [])
        #expect(try t.store.latestGrades(unless: v0).grades == nil)

        let r2019 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.good, .good, .good, .good))
        try t.ingest(r2019, url: "https://t.example/2019")
        let (v1, first) = try t.store.latestGrades(unless: v0)
        let scanned = try t.store.latestGrades()
        #expect(v1 != v0 && first == scanned)
        // A document that changes nothing graded leaves the version alone.
        try t.store.recordDocumentFailure(url: "https://t.example/bad", source: "ofsted", reason: "HTTP 500", at: clock())
        try t.ingest(r2019, url: "https://t.example/2019", at: clock(60))
        #expect(try t.store.latestGrades(unless: v1).grades == nil)

        // A newer inspection, an authority's new name: the answer changes.
        try t.ingest(
            makeReport(start: "2022-03-07", end: "2022-03-18", grades: ilacs(.good, .good, .inadequate, .good)),
            url: "https://t.example/2022", at: clock(120))
        let (v2, newer) = try t.store.latestGrades(unless: v1)
        #expect(newer?.first?.grades["children_in_care"] == .inadequate)
        try t.ingest(
            makeReport(framework: .focusedVisit, start: "2023-01-10", end: "2023-01-11"), url: "https://t.example/fv",
            at: clock(180), name: "Redbridge Council")
        let (_, renamed) = try t.store.latestGrades(unless: v2)
        #expect(renamed?.first?.authority.name == "Redbridge Council")
    }

    @Test("the migration fills the read model of a store written before it")
    func migrationFillsExistingStore() throws {
        let dir = try TempDir("cfstore")
        let path = dir.file("casefile.sqlite").path
        let old = try CasefileStore(path: path, migratingUpTo: "v4-schedule", trace: nil)
        #expect(try old.appliedMigrations() == ["v1-initial", "v2-listing", "v3-outbox-orphaned", "v4-schedule"])
        var rng = Seeded(state: 15)
        // Rows as the build of then wrote them (today's ingest writes the
        // columns of later migrations too).
        for n in 0..<80 {
            try OldRows.insert(old, id: Int64(n + 1), Self.randomReport(&rng))
        }
        try old.recordDocumentFailure(url: "https://t.example/broken", source: "ofsted", reason: "HTTP 500", at: clock())
        try old.close()

        let store = try CasefileStore(path: path)
        #expect(try store.appliedMigrations().contains("v5-read-model"))
        let grades = try store.latestGrades()
        #expect(grades.count == Self.slugs.count)
        #expect(grades == (try store.latestGradesByScanForTesting()))
        #expect(try store.counts() == store.countsByScanForTesting())
        #expect(try store.counts().documents == 81)
    }

    @Test("v8-read-paths: a store written before it reads as one written after")
    func readPathsMigrationKeepsAnswers() throws {
        let dir = try TempDir("cfstore")
        // The same documents into two stores; one is then put back as v7
        // left it (its reads need v8's indexes, so it is written first),
        // and migrated again when it is opened.
        let old = try CasefileStore(path: dir.file("old.sqlite").path)
        let new = try CasefileStore(path: dir.file("new.sqlite").path)
        var rng = Seeded(state: 8)
        for n in 0..<60 {
            let report = Self.randomReport(&rng)
            for store in [old, new] {
                _ = try store.ingest(
                    document("https://t.example/\(n)", bytes: report.contentHash), report: report,
                    authorityName: report.authority.name, channels: [], at: clock(Double(n)))
            }
        }
        try old.executeForTesting(
            """
            DROP INDEX report_ref;
            DROP INDEX report_by_authority;
            CREATE INDEX report_by_authority ON report(authority_slug, "end", start) WHERE superseded_by IS NULL;
            DELETE FROM grdb_migrations WHERE identifier = 'v8-read-paths';
            """)
        #expect(try old.appliedMigrations().last == "v7-completeness")
        try old.close()
        let migrated = try CasefileStore(path: dir.file("old.sqlite").path)
        #expect(try migrated.appliedMigrations().last == "v8-read-paths")
        func pages(_ store: CasefileStore) throws -> ([ChangeRecord], [[HistoryEntry]]) {
            var history: [[HistoryEntry]] = []
            for slug in Self.slugs {
                var cursor: Int64?
                repeat {
                    let page = try store.historyPage(slug: slug, after: cursor, limit: 7)
                    history.append(page?.reports ?? [])
                    cursor = page?.next
                } while cursor != nil
            }
            // A change's id is drawn at random when it is written.
            let changes = try store.changes(since: nil, limit: 1000, authority: nil, kind: nil).map {
                var change = $0
                change.id = ""
                return change
            }
            return (changes, history)
        }
        let expected = try pages(new)
        #expect(expected.0.count >= 60 && expected.0.contains { $0.previous != nil } && expected.1.count > 3)
        let got = try pages(migrated)
        #expect(got.0 == expected.0)
        #expect(got.1 == expected.1)
    }
}

import CasefileDiff
import CasefileDigest
import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

@Suite("Store")
struct StoreTests {
    let u2017 = "https://files.ofsted.gov.uk/v1/file/2017"
    let u2019 = "https://files.ofsted.gov.uk/v1/file/2019"
    let r2017 = makeReport(
        start: "2017-03-06", end: "2017-03-17", grades: ilacs(.requiresImprovement, .good, .requiresImprovement, .requiresImprovement))
    let r2019 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .good, .outstanding))

    @Test("migrations run on a fresh file and are idempotent on reopen")
    func migrations() throws {
        let t = try TestStore()
        #expect(
            try t.store.appliedMigrations() == [
                "v1-initial", "v2-listing", "v3-outbox-orphaned", "v4-schedule", "v5-read-model", "v6-quarantine", "v7-completeness",
                "v8-read-paths",
            ])
        #expect(try t.store.counts() == StoreCounts(reports: 0, documents: 0, authorities: 0, changes: 0))
        #expect(try t.store.lastSeq() == 0)
        try t.ingest(r2019, url: u2019)
        try t.store.close()
        let again = try t.reopen()
        #expect(
            try again.appliedMigrations() == [
                "v1-initial", "v2-listing", "v3-outbox-orphaned", "v4-schedule", "v5-read-model", "v6-quarantine", "v7-completeness",
                "v8-read-paths",
            ])
        #expect(try again.counts().reports == 1)
    }

    @Test("a missing folder is said clearly")
    func missingFolder() throws {
        let dir = try TempDir("cfstore")
        let path = dir.file("no-such-folder/casefile.sqlite").path
        let error = #expect(throws: StoreError.self) { try CasefileStore(path: path) }
        #expect(error?.code == .folderMissing)
        #expect(error?.message.contains("no-such-folder") == true)
    }

    @Test("the schema refuses what the code would never write")
    func constraints() throws {
        let t = try TestStore()
        // An enum value SQLite does not know, written behind the store's back.
        let db = t.store
        #expect(throws: (any Error).self) {
            try db.executeForTesting("INSERT INTO authority (slug, name) VALUES ('x', 'X')")
            try db.executeForTesting(
                """
                INSERT INTO report (authority_slug, document_url, framework, start, "end", content_hash, parser_version, report_json, created_at)
                VALUES ('x', 'u', 'ofsted_special', '2019-01-01', '2019-01-02', 'h', 1, '{}', '2026-11-27T09:00:00Z')
                """)
        }
        #expect(throws: (any Error).self) {
            try db.executeForTesting(
                """
                INSERT INTO report (authority_slug, document_url, framework, start, "end", content_hash, parser_version, report_json, created_at)
                VALUES ('nobody', 'u', 'ilacs', '2019-01-01', '2019-01-02', 'h', 1, '{}', '2026-11-27T09:00:00Z')
                """)
        }
    }

    @Test("ingesting the same content twice: the second is unchanged, no change row, no outbox row")
    func sameContentTwice() throws {
        let t = try TestStore()
        let first = try t.ingest(r2019, url: u2019)
        #expect(first.changes.map(\.kind) == [.reportAdded])
        let seq = try t.store.lastSeq()
        let due = try t.store.dueDeliveries(now: clock(3600), limit: 100)

        let second = try t.ingest(r2019, url: u2019, at: clock(60))
        #expect(second.outcome == .unchanged(reportID: first.reportID))
        #expect(second.reportID == first.reportID)
        #expect(second.changes.isEmpty)
        #expect(try t.store.lastSeq() == seq)
        #expect(try t.store.dueDeliveries(now: clock(3600), limit: 100) == due)
        #expect(try t.store.counts() == StoreCounts(reports: 1, documents: 1, authorities: 1, changes: 1))
    }

    @Test("out of order: newer first, then older → no grade_changed, latestGrades keeps the newer")
    func outOfOrder() throws {
        let t = try TestStore()
        try t.ingest(r2019, url: u2019)
        let older = try t.ingest(r2017, url: u2017, at: clock(60))
        #expect(older.changes.map(\.kind) == [.reportAdded])
        #expect(try t.store.changes(since: nil, limit: 100, authority: nil, kind: .gradeChanged).isEmpty)

        let grades = try t.store.latestGrades()
        try #require(grades.count == 1)
        #expect(grades[0].inspection == span("2019-04-29", "2019-05-03"))
        #expect(grades[0].grades["overall"] == .outstanding)
        #expect(grades[0].grades["children_in_care"] == .good)
        #expect(try t.store.latestReport(slug: "redbridge")?.inspection.start == day("2019-04-29"))
    }

    @Test("newer after older → grade_changed with monotonic seq and one outbox row per channel")
    func newerAfterOlder() throws {
        let t = try TestStore()
        let a = try t.ingest(r2017, url: u2017, name: "Redbridge")
        let b = try t.ingest(r2019, url: u2019, at: clock(60))
        #expect(a.changes.map(\.kind) == [.reportAdded])
        #expect(b.changes.map(\.kind) == [.reportAdded, .gradeChanged])

        let all = try t.store.changes(since: nil, limit: 100, authority: nil, kind: nil)
        #expect(all.map(\.seq) == [1, 2, 3])
        #expect(Set(all.map(\.id)).count == 3)
        #expect(try t.store.lastSeq() == 3)

        let moved = try #require(all.last)
        #expect(moved.kind == .gradeChanged)
        #expect(moved.at == "2026-11-27T09:01:00Z")
        // The canonical name given at the last ingest, not the report's wording.
        #expect(moved.authority == Authority(name: "London Borough of Redbridge", slug: "redbridge"))
        #expect(moved.report == ReportRef(id: b.reportID, framework: .ilacs, inspection: r2019.inspection, url: u2019))
        #expect(moved.previous == ReportRef(id: a.reportID, framework: .ilacs, inspection: r2017.inspection, url: u2017))
        #expect(
            moved.grades == [
                GradeMove(area: .leadership, from: .requiresImprovement, to: .outstanding),
                GradeMove(area: .helpAndProtection, from: .good, to: .outstanding),
                GradeMove(area: .childrenInCare, from: .requiresImprovement, to: .good),
                GradeMove(area: .overall, from: .requiresImprovement, to: .outstanding),
            ])
        #expect(moved.fields == nil)
        #expect(b.changes == Array(all.suffix(2)))

        let due = try t.store.dueDeliveries(now: clock(60), limit: 100)
        #expect(due.count == 6)
        #expect(due.map(\.change.seq) == [1, 1, 2, 2, 3, 3])
        #expect(Set(due.filter { $0.change.seq == 3 }.map(\.channel)) == ["team", "log"])
        #expect(due.allSatisfy { $0.attempts == 0 })
    }

    @Test("channels [] records the changes but queues no delivery")
    func noChannels() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017, channels: [])
        let b = try t.ingest(r2019, url: u2019, channels: [])
        #expect(b.changes.count == 2)
        #expect(try t.store.dueDeliveries(now: clock(86_400), limit: 100).isEmpty)
        #expect(try t.store.nextDeliveryDue() == nil)
    }

    @Test("a channel's kinds filter which changes it gets")
    func channelKinds() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017, channels: [])
        _ = try t.store.ingest(
            document(u2019), report: r2019, authorityName: "London Borough of Redbridge",
            channels: ["team", "log"], channelFilters: ["team": ChannelFilter(kinds: [.gradeChanged])], at: clock())
        let due = try t.store.dueDeliveries(now: clock(), limit: 100)
        #expect(due.filter { $0.channel == "team" }.map(\.change.kind) == [.gradeChanged])
        #expect(due.filter { $0.channel == "log" }.map(\.change.kind) == [.reportAdded, .gradeChanged])
    }

    @Test("an ingest that fails midway leaves no report, no change, no outbox row, no document")
    func atomicity() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017)
        let before = try t.store.counts()
        let seq = try t.store.lastSeq()
        let due = try t.store.dueDeliveries(now: clock(3600), limit: 100)

        // The empty channel name fails the outbox CHECK after the report, its
        // judgements and both change rows were written.
        #expect(throws: (any Error).self) {
            try t.ingest(r2019, url: u2019, channels: ["team", ""], at: clock(60))
        }
        // Two judgements of one area fail the judgement key after the report row.
        var twice = r2019
        twice.judgements.append(Judgement(area: .overall, grade: .good, title: "again"))
        #expect(throws: (any Error).self) {
            try t.ingest(twice, url: u2019, at: clock(60))
        }

        #expect(try t.store.counts() == before)
        #expect(try t.store.lastSeq() == seq)
        #expect(try t.store.dueDeliveries(now: clock(3600), limit: 100) == due)
        #expect(try t.store.documentState(url: u2019) == nil)
        #expect(try t.store.history(slug: "redbridge")?.reports.count == 1)

        // And the store still works: the same report goes in cleanly.
        let ok = try t.ingest(r2019, url: u2019, at: clock(120))
        #expect(ok.changes.map(\.kind) == [.reportAdded, .gradeChanged])
        #expect(ok.changes.map(\.seq) == [seq + 1, seq + 2])
    }

    @Test("changes(since:limit:authority:kind:) filters and pages")
    func changeFilters() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017)
        try t.ingest(r2019, url: u2019)
        let bark = makeReport(
            slug: "barking-and-dagenham", name: "London Borough of Barking and Dagenham",
            start: "2019-02-04", end: "2019-02-15", grades: ilacs(.good, .good, .good, .good))
        try t.ingest(bark, url: "https://files.ofsted.gov.uk/v1/file/77")

        let all = try t.store.changes(since: nil, limit: 100, authority: nil, kind: nil)
        #expect(all.map(\.seq) == [1, 2, 3, 4])
        #expect(try t.store.changes(since: 2, limit: 100, authority: nil, kind: nil).map(\.seq) == [3, 4])
        #expect(try t.store.changes(since: 0, limit: 2, authority: nil, kind: nil).map(\.seq) == [1, 2])
        #expect(try t.store.changes(since: nil, limit: 100, authority: "barking-and-dagenham", kind: nil).map(\.seq) == [4])
        #expect(try t.store.changes(since: nil, limit: 100, authority: nil, kind: .gradeChanged).map(\.seq) == [3])
        #expect(try t.store.changes(since: nil, limit: 100, authority: "redbridge", kind: .reportAdded).map(\.seq) == [1, 2])
        #expect(try t.store.changes(since: 4, limit: 100, authority: nil, kind: nil).isEmpty)
        #expect(try t.store.changes(since: nil, limit: 100, authority: "nobody", kind: nil).isEmpty)
    }

    @Test("history is oldest first, current versions only, with grades by key")
    func history() throws {
        let t = try TestStore()
        let visit = makeReport(framework: .focusedVisit, start: "2018-06-12", end: "2018-06-13")
        try t.ingest(r2019, url: u2019)
        try t.ingest(visit, url: "https://files.ofsted.gov.uk/v1/file/fv")
        try t.ingest(r2017, url: u2017)
        // A revision of 2017 under a new URL replaces the version on file.
        let r2017b = makeReport(start: "2017-03-06", end: "2017-03-17", grades: r2017.grades, improvements: ["Revised."])
        let revised = try t.ingest(r2017b, url: "https://files.ofsted.gov.uk/v1/file/2017b")

        let (authority, reports) = try #require(try t.store.history(slug: "redbridge"))
        #expect(authority == Authority(name: "London Borough of Redbridge", slug: "redbridge"))
        #expect(reports.map(\.inspection.start) == [day("2017-03-06"), day("2018-06-12"), day("2019-04-29")])
        #expect(reports[0].id == revised.reportID)
        #expect(reports[0].url == "https://files.ofsted.gov.uk/v1/file/2017b")
        #expect(reports[0].kind == .standard)
        #expect(
            reports[0].grades == [
                "leadership": .requiresImprovement, "help_and_protection": .good,
                "children_in_care": .requiresImprovement, "overall": .requiresImprovement,
            ])
        #expect(reports[1].framework == .focusedVisit)
        #expect(reports[1].grades.isEmpty)
        #expect(reports[1].kind == nil)
        #expect(try t.store.history(slug: "nobody") == nil)
        #expect(try t.store.counts().reports == 3)
    }

    @Test("a revision: report_revised with fields and previous; grades corrected on the latest add grade_changed")
    func revision() throws {
        let t = try TestStore()
        let first = try t.ingest(r2019, url: u2019)
        let corrected = makeReport(
            start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .outstanding, .outstanding))
        let second = try t.ingest(corrected, url: u2019, at: clock(60))
        guard case .revised(first.reportID, _) = second.outcome else {
            Issue.record("expected a revision, got \(second.outcome)")
            return
        }
        #expect(second.changes.map(\.kind) == [.reportRevised, .gradeChanged])
        #expect(second.changes[0].fields == ["grades"])
        #expect(second.changes[0].previous?.id == first.reportID)
        #expect(second.changes[1].grades == [GradeMove(area: .childrenInCare, from: .good, to: .outstanding)])
        // The old version stays readable; the current one is the new row.
        #expect(try t.store.report(id: first.reportID) == r2019)
        #expect(try t.store.report(id: second.reportID) == corrected)
        #expect(try t.store.documentState(url: u2019)?.reportID == second.reportID)
        #expect(try t.store.latestGrades().first?.grades["children_in_care"] == .outstanding)
        #expect(try t.store.history(slug: "redbridge")?.reports.map(\.id) == [second.reportID])
    }

    @Test("latestGrades: one row per authority, by inspection date not arrival, sorted by slug")
    func latestGrades() throws {
        let t = try TestStore()
        let york = makeReport(
            slug: "york", name: "City of York Council", start: "2022-01-10", end: "2022-01-21",
            grades: ilacs(.good, .good, .good, .good))
        let yorkVisit = makeReport(
            slug: "york", name: "City of York Council", framework: .focusedVisit,
            start: "2023-05-01", end: "2023-05-02")
        try t.ingest(yorkVisit, url: "https://files.ofsted.gov.uk/v1/file/y2")
        try t.ingest(york, url: "https://files.ofsted.gov.uk/v1/file/y1")
        try t.ingest(r2019, url: u2019)
        try t.ingest(r2017, url: u2017)

        let rows = try t.store.latestGrades()
        #expect(rows.map(\.authority.slug) == ["redbridge", "york"])
        #expect(rows[0].inspection == r2019.inspection)
        #expect(rows[0].grades["overall"] == .outstanding)
        // The focused visit is newer but has no grades.
        #expect(rows[1].inspection == york.inspection)
        #expect(rows[1].framework == .ilacs)
        #expect(rows[1].authority.name == "City of York Council")
        #expect(try t.store.latestReport(slug: "york")?.framework == .focusedVisit)
    }

    @Test("documents: state, 304, failures never touch reports or changes")
    func documents() throws {
        let t = try TestStore()
        #expect(try t.store.documentState(url: u2019) == nil)
        try t.store.recordDocumentFailure(url: u2019, source: "ofsted", reason: "HTTP 403", at: clock())
        #expect(try t.store.documentState(url: u2019)?.lastError == "HTTP 403")
        #expect(try t.store.counts() == StoreCounts(reports: 0, documents: 1, authorities: 0, changes: 0))

        let result = try t.store.ingest(
            document(u2019, bytes: "%PDF-1.7 …", etag: "\"v1\""), report: r2019,
            authorityName: "London Borough of Redbridge", channels: ["team"], at: clock(10))
        var state = try #require(try t.store.documentState(url: u2019))
        #expect(
            state
                == DocumentState(
                    url: u2019, etag: "\"v1\"", lastModified: nil,
                    bytesHash: SHA256.tagged(Array("%PDF-1.7 …".utf8)), reportID: result.reportID, lastError: nil))
        #expect(try t.store.documentBytes(url: u2019) == Array("%PDF-1.7 …".utf8))

        try t.store.recordNotModified(url: u2019, source: "ofsted", etag: nil, lastModified: "Wed, 01 May 2019 10:00:00 GMT", at: clock(20))
        state = try #require(try t.store.documentState(url: u2019))
        #expect(state.etag == "\"v1\"")
        #expect(state.lastModified == "Wed, 01 May 2019 10:00:00 GMT")
        #expect(state.reportID == result.reportID)

        try t.store.recordDocumentFailure(url: u2019, source: "ofsted", reason: "timeout", at: clock(30))
        state = try #require(try t.store.documentState(url: u2019))
        #expect(state.lastError == "timeout")
        #expect(state.reportID == result.reportID)
        #expect(try t.store.documentBytes(url: u2019) == Array("%PDF-1.7 …".utf8))
        #expect(try t.store.counts() == StoreCounts(reports: 1, documents: 1, authorities: 1, changes: 1))
        #expect(try t.store.dueDeliveries(now: clock(3600), limit: 10).count == 1)

        // A 304 on a document whose bytes never parsed keeps the reason.
        let bad = "https://files.ofsted.gov.uk/v1/file/bad"
        try t.store.recordDocumentFailure(url: bad, source: "ofsted", reason: "not a report: Report not found", at: clock())
        try t.store.recordNotModified(url: bad, source: "ofsted", etag: "\"x\"", lastModified: nil, at: clock(5))
        #expect(try t.store.documentState(url: bad)?.lastError == "not a report: Report not found")
    }

    @Test("deliveries: due by seq, delivered, failed with backoff, parked, retried")
    func deliveries() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017, channels: ["team"], at: clock())
        try t.ingest(r2019, url: u2019, channels: ["team"], at: clock(100))
        #expect(try t.store.nextDeliveryDue() == clock())
        #expect(try t.store.dueDeliveries(now: clock(-1), limit: 10).isEmpty)
        #expect(try t.store.dueDeliveries(now: clock(99), limit: 10).map(\.change.seq) == [1])
        let due = try t.store.dueDeliveries(now: clock(100), limit: 10)
        #expect(due.map(\.change.seq) == [1, 2, 3])
        #expect(try t.store.dueDeliveries(now: clock(100), limit: 2).map(\.change.seq) == [1, 2])

        try t.store.markDelivered(id: due[0].id, at: clock(101))
        try t.store.markDelivered(id: due[0].id, at: clock(102))  // again: no effect
        // Backoff: a fractional retry time is rounded up, never earlier.
        try t.store.markDeliveryFailed(id: due[1].id, error: "HTTP 500", nextAttemptAt: clock(160.4), at: clock(101))
        try t.store.markDeliveryFailed(id: due[2].id, error: "HTTP 410", nextAttemptAt: nil, at: clock(101))

        #expect(try t.store.dueDeliveries(now: clock(160), limit: 10).isEmpty)
        #expect(try t.store.nextDeliveryDue() == clock(161))
        let retry = try t.store.dueDeliveries(now: clock(161), limit: 10)
        #expect(retry.map(\.id) == [due[1].id])
        #expect(retry.first?.attempts == 1)
        #expect(retry.first?.change == due[1].change)

        try t.store.markDeliveryFailed(id: due[1].id, error: "HTTP 500", nextAttemptAt: clock(400), at: clock(161))
        #expect(try t.store.dueDeliveries(now: clock(400), limit: 10).first?.attempts == 2)
        try t.store.markDelivered(id: due[1].id, at: clock(400))
        #expect(try t.store.nextDeliveryDue() == nil)
        #expect(try t.store.dueDeliveries(now: clock(10_000), limit: 10).isEmpty)

        // The parked one comes back only when retried.
        #expect(try t.store.retryFailedDeliveries(at: clock(500)) == 1)
        let back = try t.store.dueDeliveries(now: clock(500), limit: 10)
        #expect(back.map(\.id) == [due[2].id])
        #expect(back.first?.attempts == 1)

        let missing = #expect(throws: StoreError.self) { try t.store.markDelivered(id: 9_999, at: clock()) }
        #expect(missing?.code == .notFound)
    }

    @Test("source state: success resets failures and marks the first sync done")
    func sourceState() throws {
        let t = try TestStore()
        #expect(try t.store.sourceState(name: "ofsted") == nil)
        try t.store.recordSourceFailure(name: "ofsted", error: "HTTP 403", at: clock())
        try t.store.recordSourceFailure(name: "ofsted", error: "timeout", at: clock(60))
        var s = try #require(try t.store.sourceState(name: "ofsted"))
        #expect(
            s
                == SourceState(
                    name: "ofsted", lastSuccess: nil, lastError: "timeout", lastErrorAt: clock(60),
                    consecutiveFailures: 2, documents: 0, firstSyncDone: false))

        try t.store.recordSourceSuccess(name: "ofsted", documents: 153, at: clock(120))
        s = try #require(try t.store.sourceState(name: "ofsted"))
        #expect(s.consecutiveFailures == 0)
        #expect(s.firstSyncDone)
        #expect(s.documents == 153)
        #expect(s.lastSuccess == clock(120))
        #expect(s.lastError == "timeout")

        try t.store.recordSourceFailure(name: "ofsted", error: "HTTP 503", at: clock(180))
        s = try #require(try t.store.sourceState(name: "ofsted"))
        #expect(s.consecutiveFailures == 1)
        #expect(s.firstSyncDone)

        try t.store.recordSourceSuccess(name: "drive", documents: 4, at: clock())
        #expect(try t.store.allSourceStates().map(\.name) == ["drive", "ofsted"])
    }

    @Test("reopening the file after closing keeps everything a restart needs")
    func reopen() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017, channels: ["team"])
        try t.ingest(r2019, url: u2019, channels: ["team"])
        try t.store.recordSourceSuccess(name: "ofsted", documents: 2, at: clock())
        let due = try t.store.dueDeliveries(now: clock(), limit: 10)
        try t.store.markDelivered(id: due[0].id, at: clock(1))
        let changes = try t.store.changes(since: nil, limit: 100, authority: nil, kind: nil)
        let grades = try t.store.latestGrades()
        try t.store.close()

        let store = try t.reopen()
        #expect(try store.changes(since: nil, limit: 100, authority: nil, kind: nil) == changes)
        #expect(try store.latestGrades() == grades)
        #expect(try store.dueDeliveries(now: clock(1), limit: 10) == Array(due.dropFirst()))
        #expect(try store.sourceState(name: "ofsted")?.firstSyncDone == true)
        #expect(try store.latestReport(slug: "redbridge") == r2019)
        // The same document again after the restart: still nothing new.
        let again = try store.ingest(
            document(u2019, bytes: r2019.contentHash), report: r2019,
            authorityName: "London Borough of Redbridge", channels: ["team"], at: clock(2))
        #expect(again.changes.isEmpty)
        // A new change continues the sequence.
        let visit = makeReport(framework: .focusedVisit, start: "2021-01-11", end: "2021-01-12")
        let next = try store.ingest(
            document("https://files.ofsted.gov.uk/v1/file/fv"), report: visit,
            authorityName: "London Borough of Redbridge", channels: [], at: clock(3))
        #expect(next.changes.map(\.seq) == [4])
    }

}

import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

/// How each read of the control API runs: every statement the store runs
/// for it is captured as SQLite ran it, its `EXPLAIN QUERY PLAN` printed,
/// and a full scan of `report`, `judgement` or `change` (the tables that
/// grow with the store) fails the test. A scan of a small table (the
/// sources, the current grades: one row per authority) is allowed.
@Suite("Query plans")
struct QueryPlanTests {
    static let growing: Set<String> = ["report", "judgement", "change", "stated_grade"]

    /// Statements captured from the store's connections while `capturing`.
    final class StatementLog: @unchecked Sendable {
        private let lock = NSLock()
        private var on = false
        private var lines: [String] = []

        func add(_ sql: String) { lock.withLock { if on { lines.append(sql) } } }

        func capture(_ body: () throws -> Void) rethrows -> [String] {
            lock.withLock {
                on = true
                lines = []
            }
            defer { lock.withLock { on = false } }
            try body()
            return lock.withLock { lines }
        }
    }

    /// The growing tables' names in `sql`, and the aliases they go by.
    static func growingNames(in sql: String) -> Set<String> {
        var names = growing
        let pattern = #/(?i)\b(?:FROM|JOIN)\s+"?(report|judgement|change|stated_grade)"?\s+(?:AS\s+)?([A-Za-z_]\w*)/#
        for match in sql.matches(of: pattern) {
            let alias = String(match.output.2)
            if !["ON", "WHERE", "JOIN", "LEFT", "ORDER", "GROUP", "LIMIT", "UNION"].contains(alias.uppercased()) {
                names.insert(alias)
            }
        }
        return names
    }

    /// The plan lines that scan a growing table from end to end.
    static func fullScans(_ plan: [String], sql: String) -> [String] {
        let names = growingNames(in: sql)
        return plan.filter { line in
            let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            return words.count >= 2 && words[0] == "SCAN" && names.contains(String(words[1]))
        }
    }

    @Test("no read of the control API scans report, judgement or change")
    func readsUseIndexes() throws {
        let dir = try TempDir("cfplan")
        let log = StatementLog()
        let store = try CasefileStore(path: dir.file("casefile.sqlite").path, migratingUpTo: nil, trace: { log.add($0) })
        for year in 2014...2019 {
            for slug in ["redbridge", "york"] {
                let report = makeReport(
                    slug: slug, name: slug, start: "\(year)-02-01", end: "\(year)-02-10",
                    grades: ilacs(.good, .good, year % 2 == 0 ? .good : .inadequate, .good))
                try store.ingest(
                    document("https://t.example/\(slug)/\(year)", bytes: report.contentHash), report: report,
                    authorityName: slug, channels: ["team"], at: clock(Double(year)))
            }
        }
        // An incomplete report that states an earlier outcome: the ingest's
        // per-area read and the history's stated grades run too.
        let partial = makeReport(
            start: "2020-06-01", end: "2020-06-10", grades: [.leadership: .good, .overall: .good],
            missing: [.childrenInCare, .helpAndProtection],
            stated: [StatedGrade(year: 2013, area: .overall, grade: .inadequate, sentence: "In 2013 it was judged inadequate.")])
        try store.ingest(
            document("https://t.example/redbridge/2020-06", bytes: partial.contentHash), report: partial,
            authorityName: "redbridge", channels: ["team"], at: clock(2020))
        try store.recordSourceSuccess(name: "ofsted", documents: 12, at: clock())
        let cursor = try #require(try store.historyPage(slug: "redbridge", after: nil, limit: 2)?.next)
        let another = makeReport(start: "2021-02-01", end: "2021-02-10", grades: ilacs(.good, .good, .good, .good))

        // What each endpoint's handler asks the store, as ControlServer.swift
        // (and, for sources, the scheduler's sourceInfos) asks it.
        let reads: [(String, () throws -> Void)] = [
            (
                "GET /v1/status",
                {
                    _ = try store.counts(); _ = try store.pendingDeliveryCount()
                }
            ),
            ("GET /v1/sources", { _ = try store.allSourceStates() }),
            ("GET /v1/changes", { _ = try store.changes(since: nil, limit: 101, authority: nil, kind: nil) }),
            ("GET /v1/changes?since=", { _ = try store.changes(since: 5, limit: 101, authority: nil, kind: nil) }),
            ("GET /v1/changes?authority=", { _ = try store.changes(since: 2, limit: 101, authority: "york", kind: nil) }),
            ("GET /v1/changes?kind=", { _ = try store.changes(since: 2, limit: 101, authority: nil, kind: .gradeChanged) }),
            (
                "GET /v1/changes?authority=&kind=",
                {
                    _ = try store.changes(since: 2, limit: 101, authority: "york", kind: .gradeChanged)
                }
            ),
            (
                "GET /v1/changes.atom",
                { _ = try store.changes(since: max(0, try store.lastSeq() - 100), limit: 100, authority: nil, kind: nil) }
            ),
            ("GET /v1/grades", { _ = try store.latestGrades(unless: nil) }),
            ("GET /v1/authorities/SLUG", { _ = try store.newestReport(slug: "redbridge") }),
            ("GET /v1/authorities/SLUG/history", { _ = try store.historyPage(slug: "redbridge", after: nil, limit: 1000) }),
            ("GET /v1/authorities/SLUG/history?cursor=", { _ = try store.historyPage(slug: "redbridge", after: cursor, limit: 2) }),
            // Not an endpoint: the ingest's reading of an authority, which
            // must not grow with its history either.
            (
                "ingest: the reports to compare",
                {
                    _ = try store.write { tx in
                        try tx.reportsToCompare(authority: "redbridge", with: another, documentURL: "https://t.example/redbridge/2021")
                    }
                }
            ),
            (
                "ingest: the reports a stated grade is checked against",
                {
                    _ = try store.write { tx in try tx.gradedReports(authority: "redbridge", year: 2016) }
                }
            ),
            (
                "ingest: the grades stated of a report's years",
                {
                    _ = try store.write { tx in try tx.statedGrades(authority: "redbridge", years: 2016...2016) }
                }
            ),
        ]
        // The pages read from the small indexes of migration v8-read-paths,
        // never from the report rows, which carry the whole report.
        let covering: [String: [String]] = [
            "GET /v1/changes": ["SEARCH r USING COVERING INDEX report_ref", "SEARCH p USING COVERING INDEX report_ref"],
            "GET /v1/changes?since=": ["SEARCH r USING COVERING INDEX report_ref", "SEARCH p USING COVERING INDEX report_ref"],
            "GET /v1/authorities/SLUG/history": ["SEARCH report USING COVERING INDEX report_by_authority"],
            "GET /v1/authorities/SLUG/history?cursor=": ["SEARCH report USING COVERING INDEX report_by_authority"],
        ]
        for (name, read) in reads {
            let statements = try log.capture(read).filter {
                let head = $0.prefix(6).uppercased()
                return head.hasPrefix("SELECT") || head.hasPrefix("WITH")
            }
            #expect(!statements.isEmpty, "\(name) ran no query")
            var plans: [String] = []
            for sql in statements {
                let plan = try store.queryPlanForTesting(sql)
                plans += plan
                print("\(name)\n  \(sql.replacingOccurrences(of: "\n", with: "\n  "))\n" + plan.map { "    " + $0 }.joined(separator: "\n"))
                let scans = Self.fullScans(plan, sql: sql)
                #expect(scans.isEmpty, "\(name) scans a growing table:\n\(sql)\n\(plan.joined(separator: "\n"))")
            }
            for step in covering[name] ?? [] {
                #expect(plans.contains { $0.contains(step) }, "\(name): no '\(step)' in\n\(plans.joined(separator: "\n"))")
            }
        }
    }

    @Test("the check itself sees a full scan, under an alias too")
    func checkSeesScans() throws {
        let dir = try TempDir("cfplan")
        let store = try CasefileStore(path: dir.file("casefile.sqlite").path)
        for sql in [
            "SELECT COUNT(*) FROM report WHERE superseded_by IS NULL",
            #"SELECT c.seq FROM "change" c WHERE c.at > '2026'"#,
            "SELECT r.id FROM report AS r JOIN authority a ON a.slug = r.authority_slug WHERE r.lead_inspector = 'x'",
            "SELECT grade FROM judgement WHERE grade = 'good'",
        ] {
            let plan = try store.queryPlanForTesting(sql)
            #expect(!Self.fullScans(plan, sql: sql).isEmpty, "\(sql)\n\(plan.joined(separator: "\n"))")
        }
        let indexed = "SELECT id FROM report WHERE id = 3"
        #expect(Self.fullScans(try store.queryPlanForTesting(indexed), sql: indexed).isEmpty)
    }
}

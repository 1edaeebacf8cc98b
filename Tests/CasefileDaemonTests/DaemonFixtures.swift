import CasefileModel
import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation

/// A store in a fresh temp folder, filled through the ingest rules' own
/// write path; the folder lives as long as the value.
struct FilledStore {
    let dir: TempDir
    let store: CasefileStore

    init() throws {
        dir = try TempDir("cfdash")
        store = try CasefileStore(path: dir.file("casefile.sqlite").path)
    }

    /// The moment the fixtures happen at: 2026-11-27T09:00:00Z, plus `seconds`.
    static func at(_ seconds: TimeInterval = 0) -> Date { Date(timeIntervalSince1970: 1_795_770_000 + seconds) }

    @discardableResult
    func ingest(_ report: Report, url: String, at: Date = FilledStore.at(), channels: [String] = ["log"]) throws -> IngestResult {
        try Ingestor(store: store).ingest(
            IngestDocument(url: url, source: "samples", bytes: Array(report.contentHash.utf8)), report: report,
            authorityName: report.authority.name, announcer: Announcer(channels: channels), quiet: false, at: at)
    }

    /// Redbridge: a good SIF in 2016, an outstanding ILACS in 2019 (a grade
    /// change); Northamptonshire (a former authority): an inadequate SIF.
    static func sample() throws -> FilledStore {
        let s = try FilledStore()
        try s.ingest(
            report("redbridge", "London Borough of Redbridge", .sif, "2016-09-12", "2016-10-06", good4), url: "file:///inbox/r2016.pdf")
        try s.ingest(
            report(
                "redbridge", "London Borough of Redbridge", .ilacs, "2019-04-29", "2019-05-03",
                [.leadership: .outstanding, .helpAndProtection: .outstanding, .childrenInCare: .good, .overall: .outstanding],
                improvements: ["Consistency for care leavers."]),
            url: "https://files.ofsted.gov.uk/v1/file/2019", at: at(60))
        try s.ingest(
            report(
                "northamptonshire", "Northamptonshire County Council", .sif, "2019-09-01", "2019-09-20",
                [.overall: .inadequate]), url: "https://files.ofsted.gov.uk/v1/file/northants", at: at(120))
        return s
    }

    static let good4: [Area: Grade] = [.leadership: .good, .helpAndProtection: .good, .childrenInCare: .good, .overall: .good]

    static func report(
        _ slug: String, _ name: String, _ framework: Framework, _ start: String, _ end: String, _ grades: [Area: Grade],
        improvements: [String] = []
    ) -> Report {
        var r = Report(
            authority: Authority(name: name, slug: slug), framework: framework, kind: framework == .ilacs ? .short : nil,
            inspection: DateSpan(start: LocalDate(iso: start)!, end: LocalDate(iso: end)!), leadInspectors: ["A Inspector"],
            judgements: grades.keys.sorted().map { Judgement(area: $0, grade: grades[$0]!, title: $0.rawValue) },
            improvements: improvements, sections: [], contentHash: "", parserVersion: 1)
        r.contentHash = "sha256:" + [slug, start, end, framework.rawValue].joined(separator: "|")
        return r
    }
}

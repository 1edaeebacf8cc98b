import CasefileDiff
import CasefileDigest
import CasefileModel
import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation

// Reports built by hand with CasefileModel's initialiser: the store and the
// differ are tested apart from the parser.

/// A day from `YYYY-MM-DD`; traps on a typo in a test.
func day(_ iso: String) -> LocalDate {
    guard let d = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return d
}

func span(_ start: String, _ end: String) -> DateSpan {
    DateSpan(start: day(start), end: day(end))
}

/// A report of `slug`. The content hash is derived from everything else, so
/// two reports with different content always hash differently, unless
/// `hash` forces one.
func makeReport(
    slug: String = "redbridge", name: String = "London Borough of Redbridge",
    framework: Framework = .ilacs, kind: InspectionKind? = .standard,
    start: String, end: String,
    grades: [Area: Grade] = [:],
    lead: [String] = ["Louise Hocking"],
    improvements: [String] = ["The consistency of the quality of practice for all care leavers."],
    paragraphs: [String] = ["Children are well supported."],
    missing: [Area] = [],
    stated: [StatedGrade] = [],
    hash: String? = nil
) -> Report {
    let judgements = grades.keys.sorted().map { Judgement(area: $0, grade: grades[$0]!, title: "Title of \($0.rawValue)") }
    let sections = [
        Section(
            title: "Main findings", grade: grades[.overall],
            paragraphs: paragraphs.enumerated().map { Paragraph(number: $0.offset + 1, text: $0.element) })
    ]
    var report = Report(
        authority: Authority(name: name, slug: slug), framework: framework, kind: framework == .ilacs ? kind : nil,
        inspection: span(start, end), leadInspectors: lead, judgements: judgements, improvements: improvements,
        sections: sections, contentHash: "", parserVersion: 1,
        missing: missing.sorted().map { MissingJudgement(area: $0, reason: "no row in the judgement table") },
        statedPrevious: stated)
    if let hash {
        report.contentHash = hash
    } else {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        report.contentHash = SHA256.tagged(try! encoder.encode(report))
    }
    return report
}

/// Grades of an ILACS 2018–2022 inspection, in table order.
func ilacs(_ leadership: Grade, _ help: Grade, _ care: Grade, _ overall: Grade) -> [Area: Grade] {
    [.leadership: leadership, .helpAndProtection: help, .childrenInCare: care, .overall: overall]
}

func stored(_ id: Int64, _ report: Report, url: String? = nil) -> StoredReport {
    StoredReport(id: id, documentURL: url ?? "https://files.ofsted.gov.uk/v1/file/\(id)", report: report)
}

func document(_ url: String, bytes: String = "bytes", source: String = "ofsted", etag: String? = nil) -> IngestDocument {
    IngestDocument(
        url: url, source: source, bytes: Array(bytes.utf8), contentType: "application/pdf",
        etag: etag, lastModified: nil)
}

/// 2026-11-27T09:00:00Z plus `seconds`.
func clock(_ seconds: TimeInterval = 0) -> Date {
    Date(timeIntervalSince1970: 1_795_770_000 + seconds)
}

/// A store in a fresh temp folder; the folder lives as long as the value.
struct TestStore {
    let dir: TempDir
    let store: CasefileStore
    var path: String { dir.file("casefile.sqlite").path }

    init() throws {
        dir = try TempDir("cfstore")
        store = try CasefileStore(path: dir.file("casefile.sqlite").path)
    }

    /// Opens the same file again, as a restarted daemon would.
    func reopen() throws -> CasefileStore {
        try CasefileStore(path: path)
    }

    @discardableResult
    func ingest(
        _ report: Report, url: String, channels: [String] = ["team", "log"], at: Date = clock(),
        name: String? = nil, bytes: String? = nil
    ) throws -> IngestResult {
        try store.ingest(
            document(url, bytes: bytes ?? report.contentHash), report: report,
            authorityName: name ?? report.authority.name, channels: channels, at: at)
    }
}

/// The ingest rules over a real store, in the shape the store tests were
/// first written in: channels and their filters rather than an `Announcer`.
extension CasefileStore {
    @discardableResult
    func ingest(
        _ doc: IngestDocument, report: Report, authorityName: String, channels: [String],
        channelFilters: [String: ChannelFilter] = [:], quiet: Bool = false, at: Date
    ) throws -> IngestResult {
        try Ingestor(store: self).ingest(
            doc, report: report, authorityName: authorityName,
            announcer: Announcer(channels: channels, filters: channelFilters), quiet: quiet, at: at)
    }

    @discardableResult
    func recordWithdrawn(url: String, channels: [String], channelFilters: [String: ChannelFilter] = [:], at: Date) throws -> ChangeRecord? {
        try Ingestor(store: self).recordWithdrawn(url: url, announcer: Announcer(channels: channels, filters: channelFilters), at: at)
    }
}

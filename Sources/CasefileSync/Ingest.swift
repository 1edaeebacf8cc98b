import CasefileDiff
import CasefileModel
import CasefileStore
import Foundation

/// The unit of work the ingest rules write through: one transaction's
/// primitives. `StoreTransaction` is the real one; tests use a fake.
public protocol IngestUnitOfWork {
    func upsertAuthority(slug: String, name: String) throws
    func reports(authority slug: String) throws -> [StoredReportRecord]
    /// Of `reports(authority:)`, those the differ can need for `report` read
    /// from `documentURL` (`Ingestor.reportsToCompare` says which), in id
    /// order. By default filtered from `reports(authority:)`; the store
    /// reads only these rows.
    func reportsToCompare(authority slug: String, with report: Report, documentURL: String) throws -> [StoredReportRecord]
    func reportID(document url: String) throws -> Int64?
    func saveDocument(_ doc: IngestDocument, reportID: Int64?, at: Date) throws
    func linkDocument(url: String, reportID: Int64) throws
    func insertReport(_ report: Report, documentURL: String, at: Date) throws -> Int64
    func replaceContent(reportID: Int64, with report: Report) throws
    func supersede(_ old: Int64, by new: Int64, onlyIfCurrent: Bool) throws
    func listedReport(document url: String) throws -> (id: Int64, authority: String)?
    func setWithdrawn(reportID: Int64, at: Date?) throws
    func appendChange(
        _ kind: ChangeKind, authority: String, reportID: Int64, previousReportID: Int64?, grades: [GradeMove]?,
        fields: [String]?, at: Date
    ) throws -> Int64
    func enqueue(change seq: Int64, channel: String, at: Date) throws
    func changes(seqs: [Int64]) throws -> [ChangeRecord]
    /// Runs `body` so that what it writes is undone, alone, when it throws.
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// The authority's current graded reports of an inspection in `year`
    /// (a stated previous grade is checked against them). By default
    /// filtered from `reports(authority:)`.
    func gradedReports(authority slug: String, year: Int) throws -> [StoredReportRecord]
    /// The grades the authority's current reports state of inspections in
    /// `years`, with the stating report's id. By default from `reports(authority:)`.
    func statedGrades(authority slug: String, years: ClosedRange<Int>) throws -> [(reportID: Int64, stated: StatedGrade)]
}

extension StoreTransaction: IngestUnitOfWork {}

extension IngestUnitOfWork {
    public func reportsToCompare(authority slug: String, with report: Report, documentURL: String) throws
        -> [StoredReportRecord]
    {
        Ingestor.reportsToCompare(
            try reports(authority: slug), with: report, documentURL: documentURL,
            documentReport: try reportID(document: documentURL))
    }
}

/// Where units of work come from: each one a transaction that commits
/// whole or not at all.
public protocol IngestStore: Sendable {
    func unitOfWork<T>(_ body: (any IngestUnitOfWork) throws -> T) throws -> T
}

extension CasefileStore: IngestStore {
    public func unitOfWork<T>(_ body: (any IngestUnitOfWork) throws -> T) throws -> T {
        try write { try body($0) }
    }
}

/// One read document of a batch.
public struct BatchItem: Sendable {
    public var document: IngestDocument
    public var report: Report
    /// The name to file the authority under.
    public var authorityName: String

    public init(document: IngestDocument, report: Report, authorityName: String) {
        self.document = document
        self.report = report
        self.authorityName = authorityName
    }
}

/// What one ingest did.
public struct IngestResult: Sendable {
    /// The report holding this document's content: the new one, or, when
    /// unchanged, the one already on file (a superseded version when an old
    /// copy of a republished report was fetched again).
    public var reportID: Int64
    public var outcome: DiffOutcome
    /// The changes recorded, in sequence order; empty when unchanged.
    public var changes: [ChangeRecord]
    /// What the ingest itself found odd and added to the report's warnings
    /// (a stated previous grade that a report on file contradicts): for the
    /// journal.
    public var warnings: [String] = []
}

/// The ingest rules: read what is on file, diff, decide, write — all in
/// one unit of work, so one document's report rows, its changes and their
/// outbox rows commit together or not at all (docs/ARCHITECTURE.md,
/// "Invariants").
public struct Ingestor: Sendable {
    let store: any IngestStore

    public init(store: any IngestStore) {
        self.store = store
    }

    /// Stores one parsed document: the authority under its canonical name,
    /// the document row with its bytes, the report with its content, the
    /// changes the differ finds against the authority's reports on file,
    /// and one outbox row per change and channel that `announcer` names.
    ///
    /// `quiet` (a re-parse of kept bytes by a newer parser): the report is
    /// recorded and a revision logged, but no grade change and no outbox
    /// row: a better reading is not news.
    public func ingest(
        _ doc: IngestDocument, report: Report, authorityName: String, announcer: Announcer, quiet: Bool = false,
        at: Date
    ) throws -> IngestResult {
        try store.unitOfWork { work in
            try Self.ingest(
                doc, report: report, authorityName: authorityName, announcer: quiet ? .silent : announcer,
                quiet: quiet, at: at, in: work)
        }
    }

    static func ingest(
        _ doc: IngestDocument, report: Report, authorityName: String, announcer: Announcer, quiet: Bool, at: Date,
        in work: any IngestUnitOfWork
    ) throws -> IngestResult {
        let slug = report.authority.slug
        try work.upsertAuthority(slug: slug, name: authorityName)
        // The cross-check joins the parse's warnings before the diff, so
        // that the same reading on file compares equal.
        let crossCheck = try statedPreviousWarnings(report, in: work)
        var report = report
        report.warnings += crossCheck
        var result = try ingestChecked(doc, report: report, announcer: announcer, quiet: quiet, at: at, in: work)
        result.warnings = crossCheck
        return result
    }

    private static func ingestChecked(
        _ doc: IngestDocument, report: Report, announcer: Announcer, quiet: Bool, at: Date, in work: any IngestUnitOfWork
    ) throws -> IngestResult {
        let slug = report.authority.slug
        let existing = try work.reportsToCompare(authority: slug, with: report, documentURL: doc.url).map {
            StoredReport(id: $0.id, documentURL: $0.documentURL, report: $0.report, supersededBy: $0.supersededBy)
        }
        let outcome = Differ.diff(new: report, documentURL: doc.url, existing: existing)
        let previousDocumentReport = try work.reportID(document: doc.url)

        switch outcome {
        case .unchanged(let reportID):
            // Same inspection, same content (perhaps republished under a new
            // URL): keep the bytes and validators, record nothing.
            try work.saveDocument(doc, reportID: reportID, at: at)
            try work.setWithdrawn(reportID: reportID, at: nil)
            guard let onFile = existing.first(where: { $0.id == reportID })?.report,
                report.parserVersion > onFile.parserVersion, report != onFile
            else { return IngestResult(reportID: reportID, outcome: outcome, changes: []) }
            // The same text read by a newer parser (a re-parse of the kept
            // bytes): the rows take the better reading, silently. Announcing
            // it would be a false alarm: Ofsted published nothing new. What
            // the better reading changed is on record as a revision.
            try work.replaceContent(reportID: reportID, with: report)
            let fields = Differ.differingFields(old: onFile, new: report)
            guard !fields.isEmpty, fields != ["content"] else {
                return IngestResult(reportID: reportID, outcome: outcome, changes: [])
            }
            let seq = try work.appendChange(
                .reportRevised, authority: slug, reportID: reportID, previousReportID: reportID, grades: nil,
                fields: fields, at: at)
            return IngestResult(reportID: reportID, outcome: outcome, changes: try work.changes(seqs: [seq]))

        case .added(let found), .revised(_, let found):
            let changes = quiet ? found.filter { $0.kind != .gradeChanged } : found
            try work.saveDocument(doc, reportID: previousDocumentReport, at: at)
            let reportID = try work.insertReport(report, documentURL: doc.url, at: at)
            if case .revised(let oldID, _) = outcome {
                try work.supersede(oldID, by: reportID, onlyIfCurrent: false)
            }
            // The same document once gave a report filed under another
            // authority (a parser that now maps the title differently): the
            // new report replaces it there too, or both would stay current.
            if let old = previousDocumentReport, existing.allSatisfy({ $0.id != old }) {
                try work.supersede(old, by: reportID, onlyIfCurrent: true)
            }
            try work.linkDocument(url: doc.url, reportID: reportID)
            var seqs: [Int64] = []
            for change in changes {
                let seq = try work.appendChange(
                    change.kind, authority: slug, reportID: reportID, previousReportID: change.previousReportID,
                    grades: change.grades, fields: change.fields, at: at)
                for channel in announcer.channels(for: change.kind, authority: slug, grades: change.grades) {
                    try work.enqueue(change: seq, channel: channel, at: at)
                }
                seqs.append(seq)
            }
            return IngestResult(reportID: reportID, outcome: outcome, changes: try work.changes(seqs: seqs))
        }
    }

    /// Stores several read documents in ONE transaction, each in its own
    /// savepoint: a document that fails (a constraint) is left out alone
    /// and its failure returned; the others commit together. A failure of
    /// the store itself (a full disk) throws, and nothing is stored.
    public func ingestBatch(_ items: [BatchItem], announcer: Announcer, at: Date) throws -> [Result<IngestResult, any Error>] {
        try store.unitOfWork { work in
            try items.map { item in
                do {
                    return .success(
                        try work.savepoint {
                            try Self.ingest(
                                item.document, report: item.report, authorityName: item.authorityName, announcer: announcer,
                                quiet: false, at: at, in: work)
                        })
                } catch {
                    if StoreFault.of(error) != nil { throw error }
                    return .failure(error)
                }
            }
        }
    }

    /// Of an authority's reports (`all`, in id order), those the ingest of
    /// `report` from `documentURL` can look at, in the same order: every
    /// version from the same document or of the same inspection (the
    /// differ's matches, revised or republished), the report the document
    /// gives now (`documentReport`: whether it is this authority's), and the
    /// two newest current graded reports by inspection date (whether the new
    /// one is the latest, and what its grades moved from, even when one of
    /// the two is the version it revises), and for each area the new report
    /// grades, the two newest that do not list it as missing (where the
    /// differ's per-area walk past incomplete reports ends). `Differ.diff`
    /// answers the same on these as on `all`; an ingest then costs the same
    /// at any history's length.
    public static func reportsToCompare(
        _ all: [StoredReportRecord], with report: Report, documentURL: String, documentReport: Int64?
    ) -> [StoredReportRecord] {
        func newer(_ a: StoredReportRecord, _ b: StoredReportRecord) -> Bool {
            let (x, y) = (a.report.inspection, b.report.inspection)
            return (x.end, x.start, a.id) > (y.end, y.start, b.id)
        }
        let graded = all.filter { $0.supersededBy == nil && $0.report.isGraded }.sorted(by: newer)
        var newest = Set(graded.prefix(2).map(\.id))
        // Per area the new report grades, the two newest that do not list
        // it as missing: where the differ's walk past incomplete reports stops.
        for area in report.grades.keys {
            newest.formUnion(graded.filter { !$0.report.missing.contains { $0.area == area } }.prefix(2).map(\.id))
        }
        return all.filter {
            $0.documentURL == documentURL || $0.id == documentReport || newest.contains($0.id)
                || ($0.report.framework == report.framework && $0.report.inspection == report.inspection)
        }
    }

    /// A source no longer lists a document it did: records
    /// `report_withdrawn` for the document's current report, announced like
    /// any change. The report stays on file (and in the grades: Ofsted
    /// delisting a page is not a new judgement); listing it again clears
    /// the mark.
    ///
    /// Returns nil, recording nothing, when the document gave no report or
    /// its report is already marked withdrawn.
    @discardableResult
    public func recordWithdrawn(url: String, announcer: Announcer, at: Date) throws -> ChangeRecord? {
        try store.unitOfWork { work in
            guard let listed = try work.listedReport(document: url) else { return nil }
            try work.setWithdrawn(reportID: listed.id, at: at)
            let seq = try work.appendChange(
                .reportWithdrawn, authority: listed.authority, reportID: listed.id, previousReportID: nil, grades: nil,
                fields: nil, at: at)
            for channel in announcer.channels(for: .reportWithdrawn, authority: listed.authority, grades: nil) {
                try work.enqueue(change: seq, channel: channel, at: at)
            }
            return try work.changes(seqs: [seq]).first
        }
    }
}

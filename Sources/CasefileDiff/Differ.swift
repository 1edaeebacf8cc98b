import CasefileModel

/// A report as the store holds it: what the differ compares a new report with.
///
/// `report` is the stored `Report` itself, so that a revision can say which
/// fields differ; the other properties are kept for callers that build a
/// `StoredReport` by hand and are derived from `report` by the convenience
/// initialiser.
public struct StoredReport: Sendable, Hashable {
    /// The store's row id of this version.
    public var id: Int64
    /// Where the report was fetched from.
    public var documentURL: String
    public var framework: Framework
    public var inspection: DateSpan
    public var grades: [Area: Grade]
    public var contentHash: String
    /// The full report as stored.
    public var report: Report
    /// Set on a version a revision replaced. Such versions are not compared
    /// with; they only let an old copy seen again be recognised.
    public var supersededBy: Int64?

    public init(id: Int64, documentURL: String, report: Report, supersededBy: Int64? = nil) {
        self.id = id
        self.documentURL = documentURL
        self.framework = report.framework
        self.inspection = report.inspection
        self.grades = report.grades
        self.contentHash = report.contentHash
        self.report = report
        self.supersededBy = supersededBy
    }

    /// A report with at least one grade is a graded inspection.
    public var isGraded: Bool { !grades.isEmpty }
}

/// One change the differ found, before the store gives it a sequence number,
/// an id and a time.
public struct PendingChange: Sendable, Hashable {
    public var kind: ChangeKind
    /// `grade_changed` only: each area whose grade moved, in table order.
    public var grades: [GradeMove]?
    /// `grade_changed`: the report the grades moved from. `report_revised`:
    /// the version being replaced.
    public var previousReportID: Int64?
    /// `report_revised` only: what differs from the version on file.
    public var fields: [String]?

    public init(kind: ChangeKind, grades: [GradeMove]? = nil, previousReportID: Int64? = nil, fields: [String]? = nil) {
        self.kind = kind
        self.grades = grades
        self.previousReportID = previousReportID
        self.fields = fields
    }
}

/// What a new report means against the authority's reports on file.
public enum DiffOutcome: Sendable, Hashable {
    /// The same inspection is already on file with the same content hash
    /// (or an older version of it is: see `Differ.diff`).
    case unchanged(reportID: Int64)
    /// A report not on file.
    case added(changes: [PendingChange])
    /// The same inspection (same framework and the same start and end dates,
    /// or the same document URL) with other content; `reportID` is the
    /// version on file that the new one replaces.
    case revised(reportID: Int64, changes: [PendingChange])

    /// The changes to record, in order.
    public var changes: [PendingChange] {
        switch self {
        case .unchanged: return []
        case .added(let c), .revised(_, let c): return c
        }
    }
}

/// The pure differ (docs/ARCHITECTURE.md, "The flow"): no I/O, no clock.
public enum Differ {
    /// Compares `new`, fetched from `documentURL`, with `existing`: the
    /// authority's reports on file.
    ///
    /// Order is by inspection date, not by arrival: a graded report moves the
    /// authority's grades only when its inspection is newer (by end date, then
    /// start date) than every other graded report on file. An older report
    /// that arrives late is history: `report_added` only.
    ///
    /// `existing` may also hold superseded versions (`supersededBy` set): a
    /// copy of one seen again (the old URL of a republished report, still
    /// served) is `unchanged` with that version's id, not a revision back to
    /// old content; without this, every sync that met both copies would
    /// announce the report as revised, back and forth.
    public static func diff(new: Report, documentURL: String, existing all: [StoredReport]) -> DiffOutcome {
        let existing = all.filter { $0.supersededBy == nil }
        let current = sameInspection(as: new, documentURL: documentURL, in: existing)
        if let current, current.contentHash == new.contentHash {
            return .unchanged(reportID: current.id)
        }
        let replaced = all.filter { $0.supersededBy != nil && $0.contentHash == new.contentHash }
        if let old = sameInspection(as: new, documentURL: documentURL, in: replaced) {
            return .unchanged(reportID: old.id)
        }
        guard let match = current else {
            var changes = [PendingChange(kind: .reportAdded)]
            if let moved = gradeChange(new: new, others: existing) {
                changes.append(moved)
            }
            return .added(changes: changes)
        }

        var changes = [
            PendingChange(
                kind: .reportRevised, previousReportID: match.id,
                fields: differingFields(old: match.report, new: new))
        ]
        let others = existing.filter { $0.id != match.id }
        if new.isGraded, new.grades != match.grades, isLatestGraded(new.inspection, among: others) {
            if match.isGraded {
                // A grade corrected in the republished report: the moves go
                // from the version on file to the new one; an area the
                // version on file was missing moves from the report before
                // it that gives it (`movesWithFallback`).
                var moves = gradeMoves(from: match.grades, to: new.grades)
                let fallback = movesWithFallback(
                    to: new, areas: Set(match.report.missing.map(\.area)).subtracting(match.grades.keys),
                    graded: newestFirst(others), previousID: match.id)
                moves = (moves + fallback).sorted { $0.area < $1.area }
                if !moves.isEmpty {
                    changes.append(PendingChange(kind: .gradeChanged, grades: moves, previousReportID: match.id))
                }
            } else if let moved = gradeChange(new: new, others: others) {
                // The version on file had no grades (a letter republished as an
                // inspection, or a parser that missed the table): the grades
                // move from the previous graded inspection, as for a new report.
                changes.append(moved)
            }
        }
        return .revised(reportID: match.id, changes: changes)
    }

    /// The moves of each area present in both maps whose grade differs, in
    /// judgement-table order. Areas compare by key, across frameworks. An
    /// area absent from either map (not judged, or missing from an
    /// incomplete report) makes no move: a grade never goes to nothing.
    public static func gradeMoves(from old: [Area: Grade], to new: [Area: Grade]) -> [GradeMove] {
        var moves: [GradeMove] = []
        for area in Area.allCases {
            guard let from = old[area], let to = new[area], from != to else { continue }
            moves.append(GradeMove(area: area, from: from, to: to))
        }
        return moves
    }

    /// Inspection order: end date, then start date.
    static func isNewer(_ a: DateSpan, than b: DateSpan) -> Bool {
        (a.end, a.start) > (b.end, b.start)
    }

    // MARK: - Private

    /// The version on file of the same inspection: the same document URL
    /// first (a document republished in place), else the same framework and
    /// the same dates (Ofsted republishes a corrected report under a new id).
    private static func sameInspection(as new: Report, documentURL: String, in existing: [StoredReport]) -> StoredReport? {
        // The same inspection is the same framework and the same dates, or
        // the same document with overlapping dates (a corrected date). The
        // address alone does not make it so: a source may serve a newer
        // inspection at an address that held an older one.
        let same = existing.filter { $0.framework == new.framework && $0.inspection == new.inspection }
        if let hit = same.first(where: { $0.documentURL == documentURL }) ?? same.first { return hit }
        return existing.first {
            $0.documentURL == documentURL && $0.framework == new.framework
                && $0.inspection.start <= new.inspection.end && new.inspection.start <= $0.inspection.end
        }
    }

    /// True when no graded report in `others` is newer than or as new as `span`.
    private static func isLatestGraded(_ span: DateSpan, among others: [StoredReport]) -> Bool {
        others.allSatisfy { !$0.isGraded || isNewer(span, than: $0.inspection) }
    }

    /// `grade_changed` for a new graded report newer than every other graded
    /// report on file, against the latest of them; nil when there is none,
    /// when the new report is not the newest, or when no grade moved.
    ///
    /// Each area compares with the newest graded report on file that gives
    /// it, passing over reports that should have given it and did not
    /// (their `missing` names it): a report missing care leavers neither
    /// hides a later care leavers change nor makes one. The walk stops at
    /// a report that did not need the area (an older framework's table
    /// without it): there is nothing to compare with. A move from a report
    /// other than the latest says so (`GradeMove.fromReport`).
    private static func gradeChange(new: Report, others: [StoredReport]) -> PendingChange? {
        guard new.isGraded, isLatestGraded(new.inspection, among: others) else { return nil }
        let graded = newestFirst(others)
        guard let previous = graded.first else { return nil }
        let moves = movesWithFallback(to: new, areas: Set(new.grades.keys), graded: graded, previousID: previous.id)
        guard !moves.isEmpty else { return nil }
        return PendingChange(kind: .gradeChanged, grades: moves, previousReportID: previous.id)
    }

    /// The graded reports of `reports`, newest inspection first (then highest id).
    static func newestFirst(_ reports: [StoredReport]) -> [StoredReport] {
        reports.filter(\.isGraded).sorted { a, b in
            if a.inspection != b.inspection { return isNewer(a.inspection, than: b.inspection) }
            return a.id > b.id
        }
    }

    /// For each of `areas` that `new` grades, in table order: the move from
    /// the first report of `graded` (newest first) that gives the area,
    /// passing over those that list it as missing and stopping at one that
    /// neither gives it nor misses it. A move from a report other than
    /// `previousID` names it.
    static func movesWithFallback(to new: Report, areas: Set<Area>, graded: [StoredReport], previousID: Int64) -> [GradeMove] {
        let newGrades = new.grades
        var moves: [GradeMove] = []
        for area in Area.allCases where areas.contains(area) {
            guard let to = newGrades[area] else { continue }
            for r in graded {
                if let from = r.grades[area] {
                    if from != to {
                        var move = GradeMove(area: area, from: from, to: to)
                        if r.id != previousID { move.fromReport = r.id }
                        moves.append(move)
                    }
                    break
                }
                if !r.report.missing.contains(where: { $0.area == area }) { break }
            }
        }
        return moves
    }

    /// The names of what differs between two versions of a report, in a fixed
    /// order. Never empty: content that differs only in text the parser does
    /// not keep as a field is `"content"`.
    /// What differs between two readings of a report, by field name.
    public static func differingFields(old: Report, new: Report) -> [String] {
        var fields: [String] = []
        if old.inspection != new.inspection { fields.append("dates") }
        if old.framework != new.framework { fields.append("framework") }
        if old.kind != new.kind { fields.append("kind") }
        if old.authority.name != new.authority.name { fields.append("authority") }
        if old.leadInspectors != new.leadInspectors { fields.append("leadInspector") }
        if old.grades != new.grades { fields.append("grades") }
        let titles = { (r: Report) in r.judgements.map { "\($0.area.rawValue)\u{1F}\($0.title)" } }
        if titles(old) != titles(new) { fields.append("judgements") }
        if old.improvements != new.improvements { fields.append("improvements") }
        let heads = { (r: Report) in r.sections.map { "\($0.title)\u{1F}\($0.grade?.rawValue ?? "")" } }
        if heads(old) != heads(new) { fields.append("sections") }
        if old.sections.map(\.paragraphs) != new.sections.map(\.paragraphs) { fields.append("paragraphs") }
        if fields.isEmpty { fields.append("content") }
        return fields
    }
}

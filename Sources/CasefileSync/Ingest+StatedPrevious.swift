import CasefileControl
import CasefileModel
import CasefileStore

// The report's own memory as a cross-check of the parser against itself
// (docs/PARSING.md, "Stated previous outcome"): a grade a report states of
// an earlier inspection that a report on file gives otherwise makes a
// warning on the parse being stored. It never makes a change.

extension IngestUnitOfWork {
    public func gradedReports(authority slug: String, year: Int) throws -> [StoredReportRecord] {
        try reports(authority: slug).filter {
            $0.supersededBy == nil && $0.report.isGraded && $0.report.inspection.start.year <= year
                && $0.report.inspection.end.year >= year
        }
    }

    public func statedGrades(authority slug: String, years: ClosedRange<Int>) throws -> [(reportID: Int64, stated: StatedGrade)] {
        try reports(authority: slug).filter { $0.supersededBy == nil }.flatMap { r in
            r.report.statedPrevious.filter { years.contains($0.year) }.map { (r.id, $0) }
        }
    }
}

extension Ingestor {
    /// The warnings for `report` before it is stored: each grade it states
    /// of an earlier inspection that the reports on file of that year give
    /// otherwise (none gives the stated grade), and each grade it gives that
    /// a report on file states otherwise of its year. Either way round, so
    /// that the order reports arrive in does not matter.
    static func statedPreviousWarnings(_ report: Report, in work: any IngestUnitOfWork) throws -> [String] {
        let slug = report.authority.slug
        var warnings: [String] = []
        for s in report.statedPrevious {
            let onFile = try work.gradedReports(authority: slug, year: s.year).filter { $0.report.grades[s.area] != nil }
            guard !onFile.isEmpty, !onFile.contains(where: { $0.report.grades[s.area] == s.grade }) else { continue }
            let given = onFile.map { r in
                "report \(r.id) (\(Render.framework(r.report.framework)) \(Render.span(r.report.inspection))) gives \(r.report.grades[s.area]!.words)"
            }.joined(separator: "; ")
            warnings.append(
                "stated previous disagrees: this report states \(s.area.words) was \(s.grade.words) in \(s.year), but \(given): \"\(s.sentence)\""
            )
        }
        let grades = report.grades
        guard !grades.isEmpty, report.inspection.start.year <= report.inspection.end.year else { return warnings }
        for (id, s) in try work.statedGrades(authority: slug, years: report.inspection.start.year...report.inspection.end.year) {
            guard let given = grades[s.area], given != s.grade else { continue }
            warnings.append(
                "stated previous disagrees: report \(id) on file states \(s.area.words) was \(s.grade.words) in \(s.year), but this report gives \(given.words): \"\(s.sentence)\""
            )
        }
        return warnings
    }
}

extension Report {
    /// For the journal: an incomplete report's missing judgements and why,
    /// nil for a complete one.
    var incompleteNote: String? {
        guard incomplete || !missing.isEmpty else { return nil }
        let list = missing.map { "\($0.area.rawValue) (\($0.reason))" }.joined(separator: ", ")
        return "stored as incomplete, \(missing.count) judgement\(missing.count == 1 ? "" : "s") missing: \(list)"
    }
}

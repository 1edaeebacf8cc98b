import CasefileDigest
import CasefileModel

/// Text of an inspection report → `Report`. Pure: no I/O, no C library.
///
/// Reads every framework Ofsted has published on local authorities'
/// children's services since 2013, graded or not: ILACS inspections
/// (ILACSParser.swift), SIF inspections with their LSCB reviews and
/// standalone LSCB reviews (SIFParser.swift), focused and monitoring visit
/// letters and JTAI letters (LetterParser.swift), and the 2013 inspections of
/// looked after children services (LookedAfterParser.swift).
/// `FrameworkDispatch` decides which one a text is. ILACS and SIF reports
/// come back with grades; letters and the older inspections without.
///
/// A value that is not read with certainty is left out and the reason given
/// in `warnings`, never guessed. docs/PARSING.md describes what is read and
/// the JSON it gives.
public struct ReportParser: Sendable {
    /// Bumped whenever the same text could parse differently: stored reports
    /// are re-parsed from their kept bytes.
    public static let version = 3

    public let authorities: AuthorityDirectory

    public init(authorities: AuthorityDirectory = .bundled) {
        self.authorities = authorities
    }

    /// The report, with `unreadable` set (and no judgements) when its grades
    /// could not be read with certainty.
    public func parse(text: String) throws(ParseError) -> Report {
        try parseDetailed(text: text).report
    }

    /// Like `parse(text:)`, with the framework's details and the unreadable
    /// verdict.
    public func parseDetailed(text: String) throws(ParseError) -> ParsedReport {
        if text.allSatisfy({ $0.isWhitespace }) { throw ParseError("empty document") }
        if let reason = TextChecks.htmlPageReason(text) { throw ParseError(reason) }
        var doc = Document(lines: Text.lines(text))
        if doc.firstContent == nil { throw ParseError("empty document") }
        if let other = try FrameworkDispatch.parse(doc, authorities: authorities) { return other }
        return try doc.parseILACS(authorities: authorities)
    }
}

extension ReportParser {
    /// The framework a text looks like, without reading it whole: what a
    /// refused document was, for counting (`AccuracyReport`). Nil when it
    /// looks like none.
    public func recognise(text: String) -> Framework? {
        let doc = Document(lines: Text.lines(text))
        guard doc.firstContent != nil else { return nil }
        switch FrameworkDispatch.detect(doc) {
        case .sif: return .sif
        case .lscbReview, .lookedAfter: return .other
        case .letter(let framework, _): return framework
        case nil: return (try? doc.ilacsTitle(authorities: authorities)) != nil ? .ilacs : nil
        }
    }
}

enum Unreadable {
    /// Marks a graded report unreadable: its grades move to `gradesRead`, the
    /// report keeps none (so it can never take part in a grade change), and a
    /// warning says why.
    static func mark(_ report: inout Report, _ details: inout ReportDetails, reason: String) {
        details.unreadableReason = reason
        details.gradesRead = report.judgements
        report.judgements = []
        report.unreadable = reason
        report.warnings.append("unreadable: \(reason); no grades kept")
    }
}

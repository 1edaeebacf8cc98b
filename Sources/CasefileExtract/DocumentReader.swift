import CasefileModel
import CasefileParse

/// Raw document bytes (a PDF, an HTML page or text) → `Report`: extraction
/// (`DocumentText.extract(from:)`), then the parser. What `casefiled` and
/// `casefilectl parse` read a document with.
public struct DocumentReader: Sendable {
    public let parser: ReportParser

    public init(parser: ReportParser = ReportParser()) {
        self.parser = parser
    }

    /// The report. What extraction found odd (MuPDF's warnings, a repaired
    /// file) joins the report's warnings; it does not change the content hash.
    public func read(_ bytes: [UInt8]) throws(ParseError) -> Report {
        try parser.parse(extracted: try DocumentText.extract(from: bytes))
    }

    /// The report with its framework's details and the unreadable verdict.
    public func readDetailed(_ bytes: [UInt8]) throws(ParseError) -> ParsedReport {
        try parser.parseDetailed(extracted: try DocumentText.extract(from: bytes))
    }
}

extension ReportParser {
    /// Raw document bytes → `Report`: `DocumentReader(parser: self).read(bytes)`.
    /// Kept for callers written before extraction left CasefileParse.
    @available(*, deprecated, message: "use DocumentReader(parser:).read(_:) from CasefileExtract")
    public func parse(document bytes: [UInt8]) throws(ParseError) -> Report {
        try DocumentReader(parser: self).read(bytes)
    }
}

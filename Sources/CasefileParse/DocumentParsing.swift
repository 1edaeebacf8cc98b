import CasefileModel

extension ReportParser {
    /// Raw document bytes (a PDF, an HTML page or text: see
    /// `DocumentText.extract(from:)`) → `Report`. What extraction found odd
    /// (MuPDF's warnings, a repaired file) joins the report's warnings; it
    /// does not change the content hash.
    public func parse(document bytes: [UInt8]) throws(ParseError) -> Report {
        let extracted = try DocumentText.extract(from: bytes)
        var report = try parse(text: extracted.text)
        report.warnings += extracted.warnings
        return report
    }
}

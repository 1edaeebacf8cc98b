import CasefileModel

/// What a document's bytes turned out to be, and its text: the value that
/// extraction (CasefileExtract) hands to the parser.
///
/// A plain value, `Codable`, so that it can cross a process boundary (an
/// extraction process writes it to a pipe, the parser reads it).
public struct ExtractedText: Sendable, Equatable, Codable {
    public enum Format: String, Sendable, Codable {
        case pdf, html, text
    }

    public var format: Format
    /// The text for the parser: lines, a blank line between paragraphs, a
    /// form feed between PDF pages, table rows as `cell<TAB>cell`.
    public var text: String
    /// What was odd on the way (MuPDF's warnings, a repaired file, …).
    public var warnings: [String]

    public init(format: Format, text: String, warnings: [String] = []) {
        self.format = format
        self.text = text
        self.warnings = warnings
    }

    /// Text given as text: refused when it is empty (whitespace only) or is
    /// an HTML page (quoting the page's title) rather than a report.
    public static func plainText(_ text: String) throws(ParseError) -> ExtractedText {
        if text.allSatisfy({ $0.isWhitespace }) { throw ParseError("empty document") }
        if let reason = TextChecks.htmlPageReason(text) { throw ParseError(reason) }
        return ExtractedText(format: .text, text: text)
    }
}

extension ReportParser {
    /// Extracted text → `Report`: `parse(text:)`, with what extraction found
    /// odd (MuPDF's warnings, a repaired file) added to the report's
    /// warnings. The warnings do not change the content hash.
    public func parse(extracted: ExtractedText) throws(ParseError) -> Report {
        var report = try parse(text: extracted.text)
        report.warnings += extracted.warnings
        return report
    }

    /// Like `parse(extracted:)`, with the framework's details.
    public func parseDetailed(extracted: ExtractedText) throws(ParseError) -> ParsedReport {
        var parsed = try parseDetailed(text: extracted.text)
        parsed.report.warnings += extracted.warnings
        return parsed
    }
}

/// Checks on text that is not a report at all.
enum TextChecks {
    /// When the text is an HTML page, why it is not a report.
    static func htmlPageReason(_ text: String) -> String? {
        // A text that begins with an ASCII character other than whitespace
        // and "<" begins with a Character that is neither, so it is no HTML
        // page: decided on its first byte rather than by lower-casing its
        // first 512 Characters (every document is asked).
        if let b = text.utf8.first, b < 0x80, b != 0x3C, b != 0x20, !(0x09...0x0D).contains(b) { return nil }
        let head = text.drop(while: { $0.isWhitespace }).prefix(512).lowercased()
        guard head.hasPrefix("<!doctype html") || head.hasPrefix("<html") else { return nil }
        var reason = "an HTML page, not a report"
        if let title = htmlTitle(text) { reason += " (title: '\(title)')" }
        return reason
    }

    static func htmlTitle(_ text: String) -> String? {
        let lower = text.lowercased()
        guard let open = lower.range(of: "<title"),
            let gt = lower[open.upperBound...].firstIndex(of: ">"),
            let close = lower[gt...].range(of: "</title>")
        else { return nil }
        // Indices of `lower` are valid in `text` only when lowercasing kept the
        // length; fall back to the lower-case title otherwise.
        let source = lower.count == text.count && lower.utf8.count == text.utf8.count ? text : lower
        let start = source.index(after: gt), end = close.lowerBound
        guard start <= end else { return nil }
        let title = source[start..<end].split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return title.isEmpty ? nil : title
    }
}

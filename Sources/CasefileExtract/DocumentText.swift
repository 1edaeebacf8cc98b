import CasefileParse

/// Raw document bytes → text for the parser.
public enum DocumentText {
    /// Raw document bytes → text for the parser. See `extract(from:)`.
    public static func text(from bytes: [UInt8]) throws(ParseError) -> String {
        try extract(from: bytes).text
    }

    /// Raw document bytes → text, by what the bytes are, never by a file
    /// name or a content type:
    /// - `%PDF` first (after a BOM or whitespace): a PDF, read in-process by
    ///   MuPDF; an encrypted, damaged or image-only PDF is refused, saying so;
    /// - an HTML page: its report text through libxml2, without navigation;
    ///   an error page (Ofsted's "Report not found") or a page with no report
    ///   text is refused, quoting its title;
    /// - anything else: UTF-8 text (a BOM is allowed); invalid UTF-8 → an
    ///   error naming the byte offset; whitespace only → "empty document".
    public static func extract(from bytes: [UInt8]) throws(ParseError) -> ExtractedText {
        do throws(ExtractionFailure) {
            return try extract(from: bytes, limits: nil)
        } catch {
            throw ParseError(error.reason)
        }
    }

    /// Like `extract(from:)`, within `limits` (nil: none but the in-process
    /// defaults); a failure says which kind it is. What the sandboxed helper
    /// runs.
    public static func extract(from bytes: [UInt8], limits: ExtractionLimits?) throws(ExtractionFailure) -> ExtractedText {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let lead = body.prefix(1024).firstIndex { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C || $0 == 0x00) }
        if let lead, body[lead...].starts(with: Array("%PDF".utf8)) {
            let pdf = try PDFExtraction.extract(Array(body[lead...]), limits: limits)
            return ExtractedText(format: .pdf, text: pdf.text, warnings: pdf.warnings)
        }
        if let lead, HTMLExtraction.looksLikeHTML(body[lead...]) {
            let html: HTMLExtraction.Output
            do throws(ParseError) {
                html = try HTMLExtraction.extract(body)
            } catch {
                throw ExtractionFailure(.refused, error.reason)
            }
            return ExtractedText(format: .html, text: html.text, warnings: html.warnings)
        }
        if let offset = firstInvalidUTF8(body) {
            throw ExtractionFailure(.refused, "invalid UTF-8 at byte offset \(offset + (bytes.count - body.count))")
        }
        do throws(ParseError) {
            return try ExtractedText.plainText(String(decoding: body, as: UTF8.self))
        } catch {
            throw ExtractionFailure(.refused, error.reason)
        }
    }

    /// Offset of the first byte that does not belong to a valid UTF-8
    /// sequence, or nil.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let base = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let need: Int
            let minCode: UInt32
            var code: UInt32
            switch b {
            case 0xC2...0xDF: need = 1; code = UInt32(b & 0x1F); minCode = 0x80
            case 0xE0...0xEF: need = 2; code = UInt32(b & 0x0F); minCode = 0x800
            case 0xF0...0xF4: need = 3; code = UInt32(b & 0x07); minCode = 0x10000
            default: return i - base
            }
            // A sequence cut off by the end of the data is invalid at its first byte.
            guard i + need < bytes.endIndex else { return i - base }
            for k in 1...need {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i - base }
                code = code << 6 | UInt32(c & 0x3F)
            }
            if code < minCode || code > 0x10FFFF || (0xD800...0xDFFF).contains(code) { return i - base }
            i += need + 1
        }
        return nil
    }
}

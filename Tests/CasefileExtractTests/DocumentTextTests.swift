import CasefileExtract
import CasefileParse
import Testing

@Suite struct DocumentTextTests {
    @Test func utf8WithAndWithoutBOM() throws {
        #expect(try DocumentText.text(from: Array("Café report".utf8)) == "Café report")
        #expect(try DocumentText.text(from: [0xEF, 0xBB, 0xBF] + Array("Text".utf8)) == "Text")
    }

    @Test(
        arguments: [
            ([0x41, 0x42, 0xFF, 0x43], 2),  // a byte never valid in UTF-8
            ([0x41, 0xC3], 1),  // a sequence cut off at the end
            ([0x41, 0x41, 0xE2, 0x28, 0xA1], 2),  // a bad continuation byte
            ([0xC0, 0xAF], 0),  // an overlong form
            ([0xEF, 0xBB, 0xBF, 0x41, 0xED, 0xA0, 0x80], 4),  // a surrogate, after a BOM
        ] as [([UInt8], Int)])
    func invalidUTF8NamesTheOffset(bytes: [UInt8], offset: Int) {
        #expect(throws: ParseError("invalid UTF-8 at byte offset \(offset)")) { try DocumentText.text(from: bytes) }
    }

    @Test func emptyOrWhitespace() {
        #expect(throws: ParseError("empty document")) { try DocumentText.text(from: []) }
        #expect(throws: ParseError("empty document")) { try DocumentText.text(from: Array(" \n\t\r\n".utf8)) }
        #expect(throws: ParseError("empty document")) { try DocumentText.text(from: [0xEF, 0xBB, 0xBF]) }
    }

    @Test func pdfHeaderAloneIsADamagedPDF() {
        // Read as a PDF (by its first bytes), and refused as one.
        #expect(throws: ParseError("a damaged PDF: truncated (no %%EOF marker at its end; a download cut short?)")) {
            try DocumentText.text(from: Array("%PDF-1.7\n%âãÏÓ\n".utf8))
        }
    }

    @Test func reportNotFoundPage() {
        let html = """

              <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8"/>
              <title>Report not found - Find an Inspection Report - Ofsted</title>
            </head><body><h1>Report not found</h1></body></html>
            """
        do {
            _ = try DocumentText.text(from: Array(html.utf8))
            Issue.record("an HTML page was accepted")
        } catch {
            #expect(error.reason.contains("HTML page"))
            #expect(error.reason.contains("'Report not found - Find an Inspection Report - Ofsted'"))
        }
        #expect(throws: ParseError.self) { try DocumentText.text(from: Array("<html><body>x</body></html>".utf8)) }
    }

    @Test func htmlWithoutTitle() {
        #expect(throws: ParseError("an HTML page with no report text")) {
            try DocumentText.text(from: Array("<!doctype html><p>nothing</p>".utf8))
        }
    }
}

import CasefileExtract
import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

@Suite struct PDFExtractionTests {
    func reason(_ bytes: [UInt8]) -> String? {
        do {
            _ = try DocumentText.text(from: bytes)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func tinyPDFExtractsItsText() throws {
        let pdf = TestPDF.make([
            [
                .init(x: 72, top: 100, size: 16, text: "Quarterly Report"),
                .init(x: 72, top: 140, text: "Total: 42 units shipped (all on time)."),
            ]
        ])
        let extracted = try DocumentText.extract(from: pdf)
        #expect(extracted.format == .pdf)
        #expect(extracted.text.contains("Quarterly Report"))
        #expect(extracted.text.contains("Total: 42 units shipped (all on time)."))
        #expect(extracted.warnings.isEmpty, "\(extracted.warnings)")
    }

    @Test func leadingWhitespaceAndBOMStillAPDF() throws {
        let pdf = TestPDF.make([[.init(x: 72, top: 100, text: "Hello")]])
        #expect(try DocumentText.text(from: [0xEF, 0xBB, 0xBF] + Array("\r\n ".utf8) + pdf).contains("Hello"))
    }

    /// A judgement table: labels on the left, grades on the right; a label
    /// and a grade that wrap; a grade set halfway between two label lines.
    @Test func judgementTableRowsAreLabelTabGrade() throws {
        let pdf = TestPDF.make([
            [
                .init(x: 72, top: 80, size: 16, text: "Made-up Borough Council"),
                .init(x: 72, top: 120, text: "Judgement"), .init(x: 380, top: 120, text: "Grade"),
                .init(x: 72, top: 160, text: "The impact of leaders on social work practice with"),
                .init(x: 72, top: 174.4, text: "children and families"),
                .init(x: 380, top: 160, text: "Requires improvement to"),
                .init(x: 380, top: 174.4, text: "be good"),
                .init(x: 72, top: 210, text: "The experiences and progress of children who need help and"),
                .init(x: 72, top: 224.4, text: "protection"),
                .init(x: 430, top: 217.2, text: "Inadequate"),
                .init(x: 72, top: 260, text: "Overall effectiveness"), .init(x: 380, top: 260, text: "Good"),
                .init(x: 72, top: 300, text: "Children's services in Made-up are good. This paragraph runs"),
                .init(x: 72, top: 314.4, text: "over two lines."),
            ]
        ])
        let lines = try DocumentText.text(from: pdf).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("Judgement\tGrade"))
        #expect(lines.contains("The impact of leaders on social work practice with children and families\tRequires improvement to be good"))
        #expect(lines.contains("The experiences and progress of children who need help and protection\tInadequate"))
        #expect(lines.contains("Overall effectiveness\tGood"))
        // Prose stays as lines, with a blank line before the paragraph.
        let p = try #require(lines.firstIndex(of: "Children's services in Made-up are good. This paragraph runs"))
        #expect(lines[p + 1] == "over two lines.")
        #expect(lines[p - 1] == "")
    }

    /// A justified label cut at its wide spaces, wrapping onto a second line,
    /// with its grade set between the two lines (as in 2016 SIF reports).
    @Test func justifiedLabelWithCentredGrade() throws {
        // Words 14 pt (1.17 em) apart, as justification left them.
        var words: [TestPDF.Run] = []
        var x = 94.6
        for w in ["2. Children", "looked", "after", "and", "achieving"] {
            words.append(.init(x: x, top: 377, text: w))
            x += TestPDF.helveticaWidth(w, size: 12) + 14
        }
        let pdf = TestPDF.make([
            [
                .init(x: 94.6, top: 350, text: "1. Children who need help and protection"),
                .init(x: 393.9, top: 350, text: "Inadequate"),
            ] + words + [
                .init(x: 112.6, top: 391.4, text: "permanence"),
                .init(x: 393.9, top: 384.2, text: "Requires improvement"),
            ]
        ])
        let lines = try DocumentText.text(from: pdf).split(separator: "\n").map(String.init)
        #expect(lines.contains("1. Children who need help and protection\tInadequate"))
        #expect(lines.contains("2. Children looked after and achieving permanence\tRequires improvement"), "\(lines)")
    }

    /// Paragraph numbers hang in their own column; they start their paragraph's first line.
    @Test func hangingParagraphNumbers() throws {
        let pdf = TestPDF.make([
            [
                .init(x: 70.8, top: 524.3, text: "1."),
                .init(x: 99.2, top: 524.3, text: "Weaknesses in the front door are significant, widespread and"),
                .init(x: 99.2, top: 539.2, text: "systemic."),
                .init(x: 70.8, top: 564.1, text: "2."), .init(x: 99.2, top: 564.1, text: "Management oversight is not effective."),
            ]
        ])
        let text = try DocumentText.text(from: pdf)
        #expect(
            text.hasPrefix(
                "1. Weaknesses in the front door are significant, widespread and\nsystemic.\n\n2. Management oversight is not effective.\n"),
            "\(text)")
    }

    @Test func runningFootersAndPageNumbersAreDropped() throws {
        func page(_ n: Int, _ body: String) -> [TestPDF.Run] {
            [
                .init(x: 72, top: 100, text: body),
                .init(x: 72, top: 800, size: 8, text: "Made-up Borough Council: inspection of children's services"),
                .init(x: 520, top: 800, size: 10, text: "\(n)"),
            ]
        }
        let pdf = TestPDF.make([page(1, "First page text."), page(2, "Second page text."), page(3, "Third page text.")])
        let text = try DocumentText.text(from: pdf)
        #expect(text.contains("First page text.") && text.contains("Third page text."))
        #expect(!text.contains("inspection of children"), "\(text)")
        #expect(!text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "2" })
        // Pages are separated by form feeds, as pdftotext does.
        #expect(text.filter { $0 == "\u{0C}" }.count == 2)
    }

    @Test func ligaturesAndSoftHyphens() throws {
        // The font's ToUnicode map says byte 0x01 is the "fi" ligature and 0xAD a soft hyphen.
        let pdf = TestPDF.make(
            [[.init(x: 72, top: 100, text: "ef\u{1}cient safe\u{AD}guarding")]],
            toUnicode: [0x01: 0xFB01, 0xAD: 0xAD])
        let text = try DocumentText.text(from: pdf)
        #expect(text.hasPrefix("efficient safeguarding"), "\(text.debugDescription)")
    }

    /// Each extraction has its own MuPDF context: the daemon may read many
    /// documents at once.
    @Test func extractionsRunConcurrently() async throws {
        let pdfs = (0..<8).map { n in
            TestPDF.make([
                [
                    .init(x: 72, top: 100, text: "Document number \(n)"), .init(x: 72, top: 130, text: "Judgement"),
                    .init(x: 380, top: 130, text: "Grade"),
                ]
            ])
        }
        let texts = await withTaskGroup(of: (Int, String?).self) { group in
            for (n, pdf) in pdfs.enumerated() {
                group.addTask { (n, try? DocumentText.text(from: pdf)) }
            }
            var out = [String?](repeating: nil, count: pdfs.count)
            for await (n, t) in group { out[n] = t }
            return out
        }
        for (n, t) in texts.enumerated() {
            #expect(t?.hasPrefix("Document number \(n)\n") == true, "\(t ?? "nil")")
            #expect(t?.contains("Judgement\tGrade") == true)
        }
    }

    @Test func parseDocumentCarriesExtractionWarnings() throws {
        // A made-up ILACS report as a PDF, with its xref offsets spoiled: MuPDF repairs it and says so.
        let runs: [TestPDF.Run] = [
            .init(x: 72, top: 80, size: 16, text: "Inspection of Redbridge local authority children's services"),
            .init(x: 72, top: 110, text: "Inspection dates: 29 April 2019 to 3 May 2019"),
            .init(x: 72, top: 130, text: "Lead inspector: Ann Example, Her Majesty's Inspector"),
            .init(x: 72, top: 160, text: "Judgement"), .init(x: 410, top: 160, text: "Grade"),
            .init(x: 72, top: 190, text: "The impact of leaders on social work practice with"),
            .init(x: 72, top: 204.4, text: "children and families"),
            .init(x: 410, top: 190, text: "Requires improvement to"), .init(x: 410, top: 204.4, text: "be good"),
            .init(x: 72, top: 240, text: "The experiences and progress of children who need help"),
            .init(x: 72, top: 254.4, text: "and protection"), .init(x: 410, top: 240, text: "Good"),
            .init(x: 72, top: 290, text: "The experiences and progress of children in care"),
            .init(x: 72, top: 304.4, text: "and care leavers"), .init(x: 410, top: 290, text: "Good"),
            .init(x: 72, top: 340, text: "Overall effectiveness"), .init(x: 410, top: 340, text: "Good"),
        ]
        var pdf = TestPDF.make([runs])
        let whole = try DocumentReader().read(pdf)
        #expect(
            whole.grades == [.leadership: .requiresImprovement, .helpAndProtection: .good, .childrenInCare: .good, .overall: .good],
            "\(whole.warnings)")
        #expect(!whole.warnings.contains { $0.hasPrefix("PDF:") })
        // Spoil the xref table's first offset.
        let s = String(decoding: pdf, as: UTF8.self)
        let range = try #require(s.range(of: "0000000000 65535 f \n"))
        let at = s.utf8.distance(from: s.startIndex, to: range.upperBound)
        pdf.replaceSubrange(at..<(at + 10), with: Array("0000000001".utf8))
        let repaired = try DocumentReader().read(pdf)
        #expect(repaired.grades == whole.grades)
        #expect(repaired.contentHash == whole.contentHash)
        #expect(repaired.warnings.contains("PDF: the file was damaged and repaired by MuPDF"), "\(repaired.warnings)")
    }

    // MARK: Refused

    @Test func notAPDFWhateverItLooksLike() throws {
        // PDF-ish content, but the body does not start with %PDF: text, not a PDF.
        let bytes = Array("Content-Type: application/pdf\n\n%PDF-1.4 1 0 obj << >> endobj %%EOF".utf8)
        #expect(try DocumentText.extract(from: bytes).format == .text)
        #expect(throws: ParseError.self) { try ReportParser().parse(text: try DocumentText.text(from: bytes)) }
        // Binary junk that merely contains a PDF further on is not UTF-8 text either.
        let junk: [UInt8] = [0x89, 0x50, 0x4E, 0x47] + Array("%PDF-1.4\n%%EOF".utf8)
        #expect(throws: ParseError("invalid UTF-8 at byte offset 0")) { try DocumentText.text(from: junk) }
    }

    @Test func htmlSavedAsPDFIsAnHTMLPage() {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/>
            <title>Report not found - Find an Inspection Report - Ofsted</title></head>
            <body><header>Ofsted</header><main><h1>Report not found</h1><p>The report you are looking for could not be found.</p></main></body></html>
            """
        let r = reason(Array(html.utf8))
        #expect(r?.contains("HTML page") == true, "\(r ?? "accepted")")
        #expect(r?.contains("'Report not found - Find an Inspection Report - Ofsted'") == true, "\(r ?? "accepted")")
    }

    @Test func truncatedPDFIsDamaged() {
        let pdf = TestPDF.make([[.init(x: 72, top: 100, text: "Some text that is cut off half way through the file.")]])
        let r = reason(Array(pdf.prefix(pdf.count / 2)))
        #expect(r?.hasPrefix("a damaged PDF") == true, "\(r ?? "accepted")")
    }

    @Test func garbageAfterTheHeaderIsDamaged() {
        let bytes = Array("%PDF-1.7\nthis is not a PDF at all, only its first line is\n%%EOF\n".utf8)
        let r = reason(bytes)
        #expect(r?.hasPrefix("a damaged PDF") == true, "\(r ?? "accepted")")
    }

    @Test func encryptedPDFNeedsAPassword() throws {
        // The standard security handler (RC4, revision 2) with a user-password
        // check that the empty password fails: what a PDF locked with a
        // password looks like to MuPDF, made here rather than kept as a file.
        let u = String(repeating: "5A", count: 32), o = String(repeating: "A5", count: 32), id = String(repeating: "01", count: 16)
        let bytes = TestPDF.make(
            [[.init(x: 72, top: 100, text: "Made-up text behind a password")]],
            trailer: " /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <\(o)> /U <\(u)> >> /ID [<\(id)> <\(id)>]")
        let r = reason(bytes)
        #expect(r?.hasPrefix("an encrypted PDF") == true, "\(r ?? "accepted")")
    }

    @Test func imageOnlyPDFHasNoText() {
        // A page that only paints an inline image (as a scan does).
        let image = "q 200 0 0 200 100 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \u{0}\u{7F}\u{7F}\u{0} EI Q\n"
        let pdf = TestPDF.make([[], []], extra: image)
        let r = reason(pdf)
        #expect(r == "an image-only PDF: no text on any of its 2 pages (a scan?)", "\(r ?? "accepted")")
    }

    @Test func scanWithPageNumbersOnlyIsImageOnly() {
        let image = "q 200 0 0 200 100 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \u{0}\u{7F}\u{7F}\u{0} EI Q\n"
        let pdf = TestPDF.make((1...3).map { [.init(x: 520, top: 810, size: 10, text: "\($0)")] }, extra: image)
        #expect(reason(pdf) == "an image-only PDF: no text on any of its 3 pages (a scan?)")
    }

    @Test func pdfWithNoPagesIsDamaged() {
        var pdf = TestPDF.make([[.init(x: 72, top: 100, text: "x")]])
        // Point the catalog at a missing page tree.
        let s = String(decoding: pdf, as: UTF8.self).replacingOccurrences(of: "/Pages 2 0 R >>", with: "/Pages 9 0 R >>")
        pdf = Array(s.utf8)
        let r = reason(pdf)
        #expect(r?.hasPrefix("a damaged PDF") == true, "\(r ?? "accepted")")
    }
}

import CasefileExtract
import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// Every report of `../shared/corpus` (real Ofsted PDFs) read in-process from
/// its bytes (MuPDF, then the parser), against the hand-read answers in
/// `expected.csv`; the ILACS ones also through pdftotext, the other text the
/// parser knows.
///
/// The corpus is not in the repository: CI lays it beside the checkout
/// (or `CASEFILE_SHARED` points at it). Without it these tests say so and
/// do nothing.
@Suite struct CorpusTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var fields: [String: String]
        var file: String { fields["file", default: ""] }
        var kind: String { fields["kind", default: ""] }
        subscript(_ key: String) -> String { fields[key, default: ""] }
        var testDescription: String { file }
    }

    static let rows: [Row] = {
        guard let corpus = TestPaths.corpus,
            let text = try? String(contentsOf: corpus.appendingPathComponent("expected.csv"), encoding: .utf8)
        else { return [] }
        let table = csvRows(text)
        guard let header = table.first else { return [] }
        return table.dropFirst().filter { $0.count == header.count }.map { Row(fields: Dictionary(uniqueKeysWithValues: zip(header, $0))) }
    }()

    @Test func corpusPresentOrSkippedVisibly() {
        if TestPaths.corpus == nil {
            print("SKIP: ../shared/corpus not found (set CASEFILE_SHARED); the corpus tests did not run")
        } else {
            #expect(Self.rows.count > 30, "expected.csv has too few rows")
            #expect(Self.rows.contains { $0.kind == "ilacs" })
        }
    }

    // Enabled only where the corpus is; `corpusPresentOrSkippedVisibly` says so otherwise.
    @Test(.enabled(if: TestPaths.corpus != nil), arguments: rows.filter { $0.kind == "ilacs" })
    func ilacsReportMatchesTheKey(row: Row) throws {
        let bytes = try pdfBytes(row.file)
        let extracted = try DocumentText.extract(from: bytes)
        #expect(extracted.format == .pdf)
        check(try ReportParser().parse(text: extracted.text), row)
    }

    /// The same reports through `pdftotext FILE -`: the parser reads poppler's
    /// reading order too.
    @Test(.enabled(if: TestPaths.corpus != nil && Self.pdftotextPath != nil), arguments: rows.filter { $0.kind == "ilacs" })
    func ilacsReportMatchesTheKeyThroughPdftotext(row: Row) throws {
        check(try ReportParser().parse(text: try pdftotext(row.file)), row)
    }

    func check(_ report: Report, _ row: Row) {
        #expect(report.framework == .ilacs)
        #expect(report.authority.slug == row["slug"], "slug")
        #expect(report.inspection.start.description == row["start"], "start")
        #expect(report.inspection.end.description == row["end"], "end")
        #expect(report.kind?.rawValue ?? "" == row["ilacs_type"], "ilacs_type")
        #expect(report.leadInspectors.joined(separator: "; ") == row["lead_inspector"], "lead_inspector")
        let areas: [(String, Area)] = [
            ("leadership", .leadership), ("help_and_protection", .helpAndProtection),
            ("children_in_care", .childrenInCare), ("care_leavers", .careLeavers), ("overall", .overall),
        ]
        for (column, area) in areas {
            #expect(report.grades[area]?.rawValue ?? "" == row[column], "\(column)")
        }
        #expect(report.grades[.adoption] == nil && report.grades[.lscb] == nil)
        #expect(!report.sections.isEmpty, "no body sections")
        let numbers = report.sections.flatMap { $0.paragraphs.map(\.number) }
        #expect(numbers.first == 1 && numbers == numbers.sorted(), "paragraph numbers out of order")
        #expect(!report.improvements.isEmpty, "no improvements")
        #expect(!report.warnings.contains { $0.contains("conflict") || $0.contains("judgement table") }, "\(report.warnings)")
        // Every judgement the key has was read: nothing is missing.
        #expect(!report.incomplete && report.missing.isEmpty, "\(report.missing)")
    }

    /// The frameworks other than ILACS (SIF, LSCB reviews, older
    /// inspections, focused visits, JTAIs), field by field, from the text
    /// MuPDF gives in-process and from pdftotext's: the parser must not
    /// depend on which one read the PDF.
    @Test(.enabled(if: TestPaths.corpus != nil), arguments: rows.filter { $0.kind != "ilacs" && $0.kind != "unreadable" })
    func otherFrameworkMatchesTheKey(row: Row) throws {
        var sources: [(String, String)] = [("MuPDF", try DocumentText.text(from: try pdfBytes(row.file)))]
        if Self.pdftotextPath != nil { sources.append(("pdftotext", try pdftotext(row.file))) }
        for (source, text) in sources {
            let parsed = try ReportParser().parseDetailed(text: text)
            let report = parsed.report
            let label = "\(row.file) via \(source)"
            #expect(report.framework.rawValue == row.kind, "framework, \(label)")
            #expect(report.authority.slug == row["slug"], "slug, \(label)")
            #expect(report.inspection.start.description == row["start"], "start, \(label)")
            #expect(report.inspection.end.description == row["end"], "end, \(label)")
            #expect(report.kind == nil, "kind, \(label)")
            #expect(report.leadInspectors.joined(separator: "; ") == row["lead_inspector"], "lead_inspector, \(label)")
            let areas: [(String, Area)] = [
                ("leadership", .leadership), ("help_and_protection", .helpAndProtection),
                ("children_in_care", .childrenInCare), ("care_leavers", .careLeavers), ("adoption", .adoption),
                ("lscb", .lscb), ("overall", .overall),
            ]
            for (column, area) in areas {
                #expect(report.grades[area]?.rawValue ?? "" == row[column], "\(column), \(label)")
            }
            #expect(!parsed.isUnreadable, "\(label): \(parsed.details.unreadableReason ?? "")")
            #expect(!report.incomplete && report.missing.isEmpty, "\(label): \(report.missing)")
            #expect(!report.warnings.contains { $0.contains("conflict") }, "\(label): \(report.warnings)")
            if row.kind == "sif" || row.kind == "focused_visit" || row.kind == "jtai" {
                #expect(parsed.details.theme != nil || row.kind == "sif", "theme, \(label)")
            }
        }
    }

    /// Documents with no report in them are refused with a reason.
    @Test(.enabled(if: TestPaths.corpus != nil), arguments: rows.filter { $0.kind == "unreadable" })
    func unreadableDocumentsAreRefused(row: Row) throws {
        let bytes = try pdfBytes(row.file)
        if !bytes.starts(with: Array("%PDF".utf8)) {
            // Not a PDF at all (Ofsted's "Report not found" page): the bytes
            // are refused as the HTML page they are, whatever the file's name.
            do {
                _ = try DocumentText.text(from: bytes)
                Issue.record("a document that is not a PDF was read")
            } catch {
                #expect(error.reason.contains("HTML page") && error.reason.contains("Report not found"), "\(error.reason)")
            }
            return
        }
        do {
            let report = try ReportParser().parse(text: try DocumentText.text(from: bytes))
            Issue.record("an unreadable document parsed as \(report.framework) with grades \(report.grades)")
        } catch {
            #expect(!error.reason.isEmpty)
        }
    }

    /// The accuracy report over the corpus folder: every document read,
    /// nothing missing, only the page that is no report refused. Printed, so
    /// that the run shows the figures.
    @Test(.enabled(if: TestPaths.corpus != nil))
    func accuracyReportOverTheCorpus() throws {
        let folder = try #require(TestPaths.corpus).appendingPathComponent("pdf")
        let report = try AccuracyReport.run(folder: folder)
        print(report.render())
        #expect(report.documents == Self.rows.count)
        let tallies = report.frameworks.values
        #expect(tallies.allSatisfy { $0.missingCount == 0 && $0.incomplete == 0 && $0.unreadable == 0 })
        let refused = tallies.reduce(0) { $0 + $1.refusedCount }
        #expect(refused == Self.rows.filter { $0.kind == "unreadable" }.count)
        for kind in Set(Self.rows.map(\.kind)) where kind != "unreadable" {
            #expect(report.frameworks[kind]?.reports == Self.rows.filter { $0.kind == kind }.count, "\(kind)")
        }
    }

    // MARK: Helpers

    func pdfBytes(_ file: String) throws -> [UInt8] {
        let corpus = try #require(TestPaths.corpus)
        return [UInt8](try Data(contentsOf: corpus.appendingPathComponent("pdf").appendingPathComponent(file)))
    }

    static let pdftotextPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(dir)/pdftotext"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// `pdftotext FILE -` (poppler, default mode).
    func pdftotext(_ file: String) throws -> String {
        let tool = try #require(Self.pdftotextPath, "pdftotext not found: install poppler-utils (apt-get install poppler-utils)")
        let corpus = try #require(TestPaths.corpus)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [corpus.appendingPathComponent("pdf").appendingPathComponent(file).path, "-"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pdftotext failed on \(file) (status \(process.terminationStatus))")
        return String(decoding: data, as: UTF8.self)
    }

    /// RFC 4180 rows (quoted fields may hold commas and doubled quotes).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false
        var chars = Array(text)
        if chars.last != "\n" { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else if c != "\r" {
                field.append(c)
            }
            i += 1
        }
        return rows
    }
}

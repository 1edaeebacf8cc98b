import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// Every report of `../shared/corpus` (real Ofsted PDFs) through pdftotext
/// and the parser, against the hand-read answers in `expected.csv`.
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
        let text = try pdftotext(row.file)
        let report = try ReportParser().parse(text: text)
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
    }

    @Test(.enabled(if: TestPaths.corpus != nil), arguments: rows.filter { $0.kind != "ilacs" })
    func otherDocumentsAreRefused(row: Row) throws {
        let corpus = try #require(TestPaths.corpus)
        let url = corpus.appendingPathComponent("pdf").appendingPathComponent(row.file)
        let bytes = [UInt8](try Data(contentsOf: url))
        if !bytes.starts(with: Array("%PDF".utf8)) {
            // Not a PDF at all (Ofsted's "Report not found" page): the bytes are refused.
            #expect(throws: ParseError.self) { try DocumentText.text(from: bytes) }
            return
        }
        let text = try pdftotext(row.file)
        do {
            let report = try ReportParser().parse(text: text)
            Issue.record("a \(row.kind) document parsed as \(report.framework) with grades \(report.grades)")
        } catch {
            #expect(error.reason.hasPrefix("looks like"), "\(error.reason)")
        }
    }

    // MARK: Helpers

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
                } else { field.append(c) }
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

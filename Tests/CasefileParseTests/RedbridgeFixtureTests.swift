import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// The Redbridge 2019 ILACS report (the example of docs/PARSING.md), as cleaned text.
@Suite struct RedbridgeFixtureTests {
    let report: Report

    init() throws {
        report = try ReportParser().parse(text: try TestPaths.fixtureText("redbridge-2019-ilacs.txt"))
    }

    @Test func authorityAndFramework() {
        #expect(report.authority == Authority(name: "London Borough of Redbridge", slug: "redbridge"))
        #expect(report.framework == .ilacs)
        #expect(report.parserVersion == ReportParser.version)
    }

    @Test func datesAndKind() {
        #expect(report.inspection.start.description == "2019-04-29")
        #expect(report.inspection.end.description == "2019-05-03")
        #expect(report.kind == .short)
        #expect(report.warnings.contains { $0.hasPrefix("kind inferred from the inspection dates") })
    }

    @Test func leadInspector() {
        #expect(report.leadInspectors == ["Louise Hocking"])
        #expect(report.leadInspector == "Louise Hocking")
    }

    @Test func exactlyFourJudgements() {
        #expect(report.judgements.map(\.area) == [.leadership, .helpAndProtection, .childrenInCare, .overall])
        #expect(
            report.grades == [
                .leadership: .outstanding, .helpAndProtection: .outstanding,
                .childrenInCare: .good, .overall: .outstanding,
            ])
        #expect(report.judgements.first?.title == "The impact of leaders on social work practice with children and families")
        #expect(report.judgements.last?.title == "Overall effectiveness")
    }

    @Test func oneImprovement() {
        #expect(report.improvements == ["The consistency of the quality of practice for all care leavers."])
    }

    @Test func sectionsAndParagraphsInOrder() {
        #expect(report.sections.map(\.grade) == [.outstanding, .good, .outstanding])
        #expect(report.sections.first?.title == "The experiences and progress of children who need help and protection")
        let numbers = report.sections.flatMap { $0.paragraphs.map(\.number) }
        #expect(numbers == Array(1...42))
        #expect(report.sections.allSatisfy { !$0.paragraphs.isEmpty })
        // Paragraph 5 is split by a page break in the source: rejoined.
        let p5 = report.sections[0].paragraphs[4].text
        #expect(p5.hasPrefix("The reconfiguration"))
        #expect(p5.contains("such as gangs workers, to focus"))
        #expect(!report.sections.flatMap(\.paragraphs).contains { $0.text.contains("Ofsted") && $0.text.contains("Piccadilly") })
    }

    @Test func contentHashIsStable() throws {
        let again = try ReportParser().parse(text: try TestPaths.fixtureText("redbridge-2019-ilacs.txt"))
        #expect(report.contentHash == again.contentHash)
        #expect(report.contentHash.hasPrefix("sha256:"))
        #expect(report.contentHash.count == "sha256:".count + 64)
        // Other line breaks and spacing: the same content.
        let rewrapped = try TestPaths.fixtureText("redbridge-2019-ilacs.txt")
            .replacingOccurrences(of: ". ", with: ".\n")
            .replacingOccurrences(of: "\t", with: "\n\n")
        #expect(try ReportParser().parse(text: rewrapped).contentHash == report.contentHash)
        // A changed word: another hash.
        let edited = try TestPaths.fixtureText("redbridge-2019-ilacs.txt")
            .replacingOccurrences(of: "gangs workers", with: "gang workers")
        #expect(try ReportParser().parse(text: edited).contentHash != report.contentHash)
    }

    @Test func curlyApostrophesAndCRLFParseAlike() throws {
        let text = try TestPaths.fixtureText("redbridge-2019-ilacs.txt")
            .replacingOccurrences(of: "'", with: "\u{2019}")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let r = try ReportParser().parse(text: text)
        #expect(r.grades == report.grades)
        #expect(r.leadInspectors == report.leadInspectors)
        #expect(r.contentHash == report.contentHash)
    }

    @Test func encodesToTheDesignShape() throws {
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["framework"] as? String == "ilacs")
        #expect(object["kind"] as? String == "short")
        #expect(object["leadInspector"] as? String == "Louise Hocking")
    }
}

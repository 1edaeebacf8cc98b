import CasefileModel
import Foundation
import Testing

/// Reports are stored as JSON: one written before a field was added must
/// still decode, and the JSON only gains fields.
struct ReportCodingTests {
    /// A report as parser version 2 stored it (before `missing`,
    /// `incomplete` and `statedPrevious`), keys sorted as the store writes them.
    static let storedByVersion2 = """
        {"authority":{"name":"London Borough of Redbridge","slug":"redbridge"},"contentHash":"sha256:abc",\
        "framework":"ilacs","improvements":["The consistency of practice."],"inspection":{"end":"2019-05-03",\
        "start":"2019-04-29"},"judgements":[{"area":"leadership","grade":"outstanding","title":"The impact of leaders"},\
        {"area":"overall","grade":"outstanding","title":"Overall effectiveness"}],"kind":"short",\
        "leadInspector":"Louise Hocking","leadInspectors":["Louise Hocking"],"parserVersion":2,\
        "sections":[{"grade":"outstanding","paragraphs":[{"number":1,"text":"First."}],"title":"The impact of leaders"}],\
        "warnings":["kind inferred from the inspection dates (5 days on site)"]}
        """

    @Test func aReportStoredBeforeTheNewFieldsStillDecodes() throws {
        let r = try JSONDecoder().decode(Report.self, from: Data(Self.storedByVersion2.utf8))
        #expect(r.authority.slug == "redbridge")
        #expect(r.parserVersion == 2)
        #expect(r.grades == [.leadership: .outstanding, .overall: .outstanding])
        #expect(r.missing.isEmpty)
        #expect(r.incomplete == false)
        #expect(r.statedPrevious.isEmpty)
        #expect(r.unreadable == nil)
        #expect(r.leadInspector == "Louise Hocking")
    }

    @Test func aRequiredOldFieldIsStillRequired() {
        let broken = Self.storedByVersion2.replacingOccurrences(of: "\"contentHash\":\"sha256:abc\",", with: "")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Report.self, from: Data(broken.utf8)) }
    }

    @Test func newFieldsRoundTripAndOnlyAddKeys() throws {
        let old = try JSONDecoder().decode(Report.self, from: Data(Self.storedByVersion2.utf8))
        var r = Report(
            authority: old.authority, framework: .ilacs, kind: .short, inspection: old.inspection,
            leadInspectors: old.leadInspectors, judgements: old.judgements, improvements: old.improvements,
            sections: old.sections, contentHash: old.contentHash, parserVersion: 3, warnings: old.warnings,
            missing: [MissingJudgement(area: .helpAndProtection, reason: "no row in the judgement table")],
            statedPrevious: [StatedGrade(year: 2016, area: .overall, grade: .good, sentence: "… when services were judged to be good.")])
        #expect(r.incomplete)
        r.unreadable = nil
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(Report.self, from: data) == r)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let oldObject = try #require(try JSONSerialization.jsonObject(with: Data(Self.storedByVersion2.utf8)) as? [String: Any])
        #expect(Set(oldObject.keys).isSubset(of: Set(object.keys)))
        #expect(object["incomplete"] as? Bool == true)
        let missing = try #require(object["missing"] as? [[String: Any]])
        #expect(missing.first?["area"] as? String == "help_and_protection")
        #expect(missing.first?["reason"] as? String == "no row in the judgement table")
        let stated = try #require(object["statedPrevious"] as? [[String: Any]])
        #expect(stated.first?["year"] as? Int == 2016)
        #expect(stated.first?["grade"] as? String == "good")
        #expect(object["unreadable"] == nil)
    }

    @Test func aCompleteReportSaysSo() {
        let r = Report(
            authority: Authority(name: "Leeds", slug: "leeds"), framework: .ilacs, kind: nil,
            inspection: DateSpan(start: LocalDate(year: 2023, month: 5, day: 9)!, end: LocalDate(year: 2023, month: 5, day: 20)!),
            leadInspectors: [], judgements: [], improvements: [], sections: [], contentHash: "sha256:x", parserVersion: 3)
        #expect(r.missing.isEmpty)
        #expect(!r.incomplete)
    }
}

import CasefileControl
import CasefileModel
import Foundation
import Testing

/// `GET /v1/changes` and a history page are written with their `json()`
/// (CasefileControl/AnswerJSON.swift): the same bytes `CasefileJSON.encode`
/// gives, every optional present or absent.
struct AnswerJSONTests {
    static let awkward = [
        "", "plain", "a/b", "quote \" and \\ back", "\u{0}\u{1F}\t\n\r\u{8}\u{C}\u{7F}", "Ynys Môn — ‘é’ 🏳️‍🌈", "line\u{2028}sep",
    ]

    static func same<T: Encodable>(_ bytes: [UInt8], _ value: T) throws -> Bool {
        String(decoding: bytes, as: UTF8.self) == String(decoding: try CasefileJSON.encode(value), as: UTF8.self)
    }

    @Test(arguments: [nil, true, false] as [Bool?])
    func changesPageAsJSONEncoderWritesIt(more: Bool?) throws {
        for changes in [Fixtures.changes.changes, [], [Fixtures.gradeChanged]] {
            let page = ChangesResponse(changes: changes, next: 44, more: more)
            #expect(try Self.same(page.json(), page))
        }
    }

    @Test func historyPagesAsJSONEncoderWritesThem() throws {
        var rng = SystemRandomNumberGenerator()
        func text() -> String { Self.awkward.randomElement(using: &rng)! }
        for _ in 0..<300 {
            let reports = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                HistoryReport(
                    id: Int64.random(in: -9...Int64.max, using: &rng), framework: Framework.allCases.randomElement(using: &rng)!,
                    kind: [nil, .standard, .short].randomElement(using: &rng)!,
                    inspection: DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-10")!),
                    grades: Dictionary(
                        Area.allCases.shuffled(using: &rng).prefix(Int.random(in: 0...7, using: &rng)).map {
                            ($0.rawValue, Grade.allCases.randomElement(using: &rng)!)
                        }, uniquingKeysWith: { a, _ in a }),
                    url: Bool.random(using: &rng) ? text() : nil,
                    statedPrevious: Bool.random(using: &rng)
                        ? (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                            StatedGrade(
                                year: Int.random(in: 2009...2026, using: &rng), area: Area.allCases.randomElement(using: &rng)!,
                                grade: Grade.allCases.randomElement(using: &rng)!, sentence: text())
                        } : nil)
            }
            let page = HistoryResponse(
                authority: Authority(name: text(), slug: text()), reports: reports, next: Bool.random(using: &rng) ? text() : nil)
            #expect(try Self.same(page.json(), page))
        }
    }

    /// Each writer names its fields by hand: a field added to one of these
    /// types must be written in AnswerJSON.swift or JSONWriter.swift too.
    @Test func writersKnowEveryField() {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        let fix = "a field was added: write it in Sources/CasefileControl/AnswerJSON.swift, then update this list"
        let report = HistoryReport(
            id: 1, framework: .ilacs, kind: nil,
            inspection: DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-10")!),
            grades: [:], url: nil)
        #expect(labels(report) == ["id", "framework", "kind", "inspection", "grades", "url", "statedPrevious"], "\(fix)")
        #expect(labels(HistoryResponse(authority: Fixtures.kent, reports: [])) == ["authority", "reports", "next"], "\(fix)")
        #expect(labels(ChangesResponse(changes: [], next: 0)) == ["changes", "next", "more"], "\(fix)")
        #expect(
            labels(StatedGrade(year: 2020, area: .overall, grade: .good, sentence: "")) == ["year", "area", "grade", "sentence"], "\(fix)")
    }
}

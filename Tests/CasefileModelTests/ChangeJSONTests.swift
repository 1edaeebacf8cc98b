import CasefileModel
import Foundation
import Testing

/// `ChangeRecord.write(to:)` must write exactly what `CasefileJSON.encode`
/// writes: receivers and golden files see one format, whichever path made it.
struct ChangeJSONTests {
    /// Every character class the escaping has a rule for.
    static let awkward: [String] = [
        "", "plain", "a/b/c", "https://reports.ofsted.gov.uk/provider/44/80585?x=1&y=2", "quote \" here", #"back\slash"#,
        "\u{0}nul", "tab\tnew\nline\rret", "\u{8}\u{C}\u{B}\u{1F}\u{7F}", "London Borough of Hammersmith & Fulham",
        "Bath and North East Somerset — ‘quoted’", "Ynys Môn é", "line\u{2028}sep\u{2029}para", "emoji 🏳️‍🌈 and 𝄞",
        "e\u{301} combining", "</script><b>", "\u{FEFF}bom", String((0..<128).map { Character(UnicodeScalar(UInt8($0))) }),
    ]

    static func encoded(_ change: ChangeRecord) throws -> String {
        String(decoding: try CasefileJSON.encode(change), as: UTF8.self)
    }

    static func written(_ change: ChangeRecord) -> String {
        var w = JSONWriter()
        change.write(to: &w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func ref(_ id: Int64, url: String?) -> ReportRef {
        ReportRef(
            id: id, framework: .ilacs, inspection: DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-10")!),
            url: url)
    }

    @Test func everyKindAndOptionalAsJSONEncoderWritesIt() throws {
        let moves = [
            GradeMove(area: .overall, from: .good, to: .inadequate),
            GradeMove(area: .leadership, from: .notJudged, to: .outstanding, fromReport: 7),
        ]
        let cases: [ChangeRecord] = [
            ChangeRecord(
                seq: 1, id: "c1", kind: .reportAdded, at: "2026-11-27T09:00:00Z",
                authority: Authority(name: "Redbridge", slug: "redbridge"),
                report: Self.ref(3, url: "https://example.org/a.pdf")),
            ChangeRecord(
                seq: 2, id: "c2", kind: .gradeChanged, at: "2026-11-27T09:00:00Z", authority: Authority(name: "Kent", slug: "kent"),
                report: Self.ref(4, url: nil), grades: moves, previous: Self.ref(3, url: "https://example.org/a.pdf")),
            ChangeRecord(
                seq: 3, id: "c3", kind: .gradeChanged, at: "2026-11-27T09:00:00Z", authority: Authority(name: "Kent", slug: "kent"),
                report: Self.ref(4, url: nil), grades: [], previous: nil),
            ChangeRecord(
                seq: 4, id: "c4", kind: .reportRevised, at: "2026-11-27T09:00:00Z", authority: Authority(name: "Kent", slug: "kent"),
                report: Self.ref(5, url: "u"), fields: ["grades", "inspection"]),
            ChangeRecord(
                seq: Int64.max, id: "c5", kind: .reportRevised, at: "x", authority: Authority(name: "", slug: ""),
                report: Self.ref(Int64.min, url: ""), fields: []),
            ChangeRecord(
                seq: 0, id: "c6", kind: .reportWithdrawn, at: "2026-11-27T09:00:00Z", authority: Authority(name: "Kent", slug: "kent"),
                report: Self.ref(-1, url: nil)),
        ]
        for change in cases {
            #expect(Self.written(change) == (try Self.encoded(change)))
        }
    }

    @Test func awkwardStringsEscapedAsJSONEncoderEscapesThem() throws {
        for text in Self.awkward {
            let change = ChangeRecord(
                seq: 9, id: text, kind: .reportRevised, at: text, authority: Authority(name: text, slug: text),
                report: Self.ref(1, url: text), fields: [text, text])
            #expect(Self.written(change) == (try Self.encoded(change)), "string \(text.debugDescription)")
            // And the bytes read back to the same record.
            var w = JSONWriter()
            change.write(to: &w)
            #expect(try JSONDecoder().decode(ChangeRecord.self, from: Data(w.bytes)) == change)
        }
    }

    @Test func randomRecordsAsJSONEncoderWritesThem() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            func text() -> String { Self.awkward.randomElement(using: &rng)! + String(Int.random(in: 0...99, using: &rng)) }
            func ref() -> ReportRef {
                ReportRef(
                    id: Int64.random(in: -5...Int64.max, using: &rng), framework: Framework.allCases.randomElement(using: &rng)!,
                    inspection: DateSpan(start: LocalDate(iso: "2013-11-0\(Int.random(in: 1...9))")!, end: LocalDate(iso: "2025-12-31")!),
                    url: Bool.random(using: &rng) ? text() : nil)
            }
            let moves = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                GradeMove(
                    area: Area.allCases.randomElement(using: &rng)!, from: Grade.allCases.randomElement(using: &rng)!,
                    to: Grade.allCases.randomElement(using: &rng)!, fromReport: Bool.random(using: &rng) ? Int64.random(in: 1...999) : nil)
            }
            let change = ChangeRecord(
                seq: Int64.random(in: 0...Int64.max, using: &rng), id: text(), kind: ChangeKind.allCases.randomElement(using: &rng)!,
                at: text(), authority: Authority(name: text(), slug: text()), report: ref(),
                grades: Bool.random(using: &rng) ? moves : nil, previous: Bool.random(using: &rng) ? ref() : nil,
                fields: Bool.random(using: &rng) ? (0..<Int.random(in: 0...3, using: &rng)).map { _ in text() } : nil)
            #expect(Self.written(change) == (try Self.encoded(change)))
        }
    }

    /// The writer names each field by hand: a field added to one of these
    /// types must be added to JSONWriter.swift too, and this says so.
    @Test func writerKnowsEveryField() {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        let ref = Self.ref(1, url: nil)
        let change = ChangeRecord(
            seq: 1, id: "", kind: .reportAdded, at: "", authority: Authority(name: "", slug: ""), report: ref)
        let fix = "a field was added: write it in Sources/CasefileModel/JSONWriter.swift, then update this list"
        #expect(labels(change) == ["seq", "id", "kind", "at", "authority", "report", "grades", "previous", "fields"], "\(fix)")
        #expect(labels(change.authority) == ["name", "slug"], "\(fix)")
        #expect(labels(ref) == ["id", "framework", "inspection", "url"], "\(fix)")
        #expect(labels(ref.inspection) == ["start", "end"], "\(fix)")
        #expect(labels(GradeMove(area: .overall, from: .good, to: .good)) == ["area", "from", "to", "direction", "fromReport"], "\(fix)")
    }
}

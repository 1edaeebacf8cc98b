import CasefileDigest
import CasefileModel
import CasefileParse
import Foundation

/// SplitMix64: the same seed gives the same store.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One document to ingest: a report and where it came from.
struct Planned {
    var url: String
    var report: Report
    var authorityName: String
}

/// The synthetic history: for each authority a run of inspections on
/// distinct days (so each is its own inspection), frameworks in the
/// proportions of the real record (about half of them graded), grades that
/// drift from one graded inspection to the next, arriving roughly in date
/// order with one in twenty late, and one in a hundred republished later
/// with corrected content under a new address (a revision).
///
/// Report bodies are shorter than a real report's (4 to 12 paragraphs),
/// except each authority's newest, which has a real report's size (about
/// 28 KB of JSON), since that is what an authority's detail returns.
enum Synthetic {
    static let words = """
        children families practice leaders social workers plans care help protection services council \
        partners managers quality assessment support young people placements oversight improvement \
        timely effective consistent outcomes experiences progress risk review needs stable permanence
        """.split(separator: " ").map(String.init)

    /// The first day of the synthetic record and how many days it spans
    /// (1980-01-01 to late 2026: decades of councils).
    static let firstDay = 3652  // 1980-01-01, days since 1970-01-01
    static let span = 17_100

    static func date(_ daysSince1970: Int) -> LocalDate {
        // Civil date from a day count (Howard Hinnant's algorithm).
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return LocalDate(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)!
    }

    static func text(_ n: Int, _ rng: inout Seeded) -> String {
        (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
    }

    static func drift(_ grade: Grade, _ rng: inout Seeded) -> Grade {
        let scale: [Grade] = [.inadequate, .requiresImprovement, .good, .outstanding]
        guard Int.random(in: 0..<10, using: &rng) < 3, let i = scale.firstIndex(of: grade) else { return grade }
        return scale[max(0, min(3, i + (Bool.random(using: &rng) ? 1 : -1)))]
    }

    /// Every document, in arrival order. `counts`: reports per authority.
    static func plan(authorities: [Authority], counts: [Int], seed: UInt64) -> [Planned] {
        var rng = Seeded(state: seed)
        var keyed: [(key: Int, doc: Planned)] = []
        var serial = 0
        for (authority, count) in zip(authorities, counts) {
            var days = Set<Int>()
            while days.count < count { days.insert(firstDay + Int.random(in: 0..<span, using: &rng)) }
            let sorted = days.sorted()
            var grades: [Area: Grade] = [
                .overall: .good, .leadership: .good, .helpAndProtection: .requiresImprovement, .childrenInCare: .good,
            ]
            let inspections = sorted.map { day -> (day: Int, framework: Framework, length: Int) in
                let roll = Int.random(in: 0..<100, using: &rng)
                let framework: Framework =
                    roll < 35 ? .ilacs : roll < 45 ? .sif : roll < 70 ? .focusedVisit : roll < 95 ? .monitoringVisit : .jtai
                switch framework {
                case .ilacs: return (day, framework, Bool.random(using: &rng) ? 11 : 4)
                case .sif: return (day, framework, 19)
                case .jtai: return (day, framework, 4)
                default: return (day, framework, 1)
                }
            }
            // The newest by inspection date (end, then start) is the one an
            // authority's detail shows: it gets a real report's size.
            let newestIndex = inspections.indices.max { a, b in
                (inspections[a].day + inspections[a].length, inspections[a].day) < (
                    inspections[b].day + inspections[b].length, inspections[b].day
                )
            }
            for (i, (day, framework, length)) in inspections.enumerated() {
                var judgements: [Judgement] = []
                if framework == .ilacs || framework == .sif {
                    for area in grades.keys.sorted() {
                        grades[area] = drift(grades[area]!, &rng)
                        judgements.append(Judgement(area: area, grade: grades[area]!, title: "The \(area.rawValue) judgement"))
                    }
                }
                let newest = i == newestIndex
                let paragraphs = newest ? 70 : Int.random(in: 4...12, using: &rng)
                let sections = [
                    Section(
                        title: "Headline findings", grade: nil,
                        paragraphs: (0..<paragraphs / 2).map {
                            Paragraph(number: $0 + 1, text: text(55, &rng))
                        }),
                    Section(
                        title: "The experiences and progress of children", grade: grades[.childrenInCare],
                        paragraphs: (paragraphs / 2..<paragraphs).map { Paragraph(number: $0 + 1, text: text(55, &rng)) }),
                ]
                serial += 1
                let report = Report(
                    authority: authority, framework: framework,
                    kind: framework == .ilacs ? (length > 5 ? .standard : .short) : nil,
                    inspection: DateSpan(start: date(day), end: date(day + length)),
                    leadInspectors: ["Inspector \(Int.random(in: 1...40, using: &rng))"], judgements: judgements,
                    improvements: (0..<3).map { _ in text(12, &rng) }, sections: sections,
                    contentHash: SHA256.tagged(Array("\(authority.slug) \(serial)".utf8)),
                    // The current parser's: a report read by an older one
                    // is read again from its bytes at start, which these
                    // synthetic bytes would fail.
                    parserVersion: ReportParser.version)
                let planned = Planned(url: "https://files.ofsted.gov.uk/v1/file/\(serial)", report: report, authorityName: authority.name)
                // Arrival: by date, one in twenty late by up to five years.
                let late = Int.random(in: 0..<20, using: &rng) == 0 ? Int.random(in: 30...1800, using: &rng) : 0
                keyed.append((day + late, planned))
                if Int.random(in: 0..<100, using: &rng) == 0 {
                    // Republished later with corrected content: a revision.
                    var corrected = report
                    corrected.improvements[0] = "Corrected: " + corrected.improvements[0]
                    corrected.contentHash = SHA256.tagged(Array("\(authority.slug) \(serial) corrected".utf8))
                    serial += 1
                    keyed.append(
                        (
                            day + late + Int.random(in: 30...400, using: &rng),
                            Planned(url: "https://files.ofsted.gov.uk/v1/file/\(serial)", report: corrected, authorityName: authority.name)
                        ))
                }
            }
        }
        return keyed.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element.doc)
    }
}

import CasefileDashboard
import CasefileModel
import Foundation
import Testing

@Suite struct DueWindowTests {
    typealias R = DashboardReport
    static func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    static func ilacs(_ start: String, _ end: String, _ grades: [Area: Grade], kind: InspectionKind = .standard) -> R {
        R(framework: .ilacs, kind: kind, inspection: DateSpan(start: d(start), end: d(end)), grades: grades)
    }
    static func visit(_ f: Framework, _ day: String) -> R {
        R(framework: f, inspection: DateSpan(start: d(day), end: d(day)))
    }
    static func all(_ g: Grade) -> [Area: Grade] { Fixture.grades(g) }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let reports: [R]
        let asOf: String
        let status: DueStatus
        let window: (String, String)?
        let next: String?
        let basisGrade: Grade?
        let basisArea: Area?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "good ILACS: short inspection, 6 months either side of the third anniversary",
            reports: [ilacs("2023-05-08", "2023-05-12", all(.good), kind: .short)], asOf: "2026-06-01",
            status: .open, window: ("2025-11-08", "2026-11-08"),
            next: "short inspection", basisGrade: .good, basisArea: .overall),
        Case(
            name: "good ILACS, window not open yet",
            reports: [ilacs("2025-02-03", "2025-02-07", all(.good), kind: .short)], asOf: "2026-11-27",
            status: .notYet, window: ("2027-08-03", "2028-08-03"), next: "short inspection", basisGrade: .good, basisArea: .overall),
        Case(
            name: "outstanding ILACS",
            reports: [ilacs("2022-01-10", "2022-01-14", all(.outstanding), kind: .short)], asOf: "2026-11-27",
            status: .overdue, window: ("2024-07-10", "2025-07-10"), next: "short inspection", basisGrade: .outstanding,
            basisArea: .overall),
        Case(
            name: "requires improvement: standard inspection",
            reports: [ilacs("2024-01-15", "2024-01-26", all(.requiresImprovement))], asOf: "2026-11-27",
            status: .open, window: ("2026-07-15", "2027-07-15"), next: "standard inspection", basisGrade: .requiresImprovement,
            basisArea: .overall),
        Case(
            name: "inadequate: monitoring visits, then a re-inspection 18 to 36 months on",
            reports: [
                ilacs("2025-03-03", "2025-03-14", all(.inadequate)), visit(.monitoringVisit, "2025-09-10"),
                visit(.monitoringVisit, "2026-02-11"),
            ],
            asOf: "2026-11-27", status: .open, window: ("2026-09-03", "2028-03-03"),
            next: "standard re-inspection after monitoring visits", basisGrade: .inadequate, basisArea: .overall),
        Case(
            name: "inadequate, before the window",
            reports: [ilacs("2026-01-12", "2026-01-23", all(.inadequate))], asOf: "2026-11-27",
            status: .notYet, window: ("2027-07-12", "2029-01-12"), next: "standard re-inspection after monitoring visits",
            basisGrade: .inadequate, basisArea: .overall),
        Case(
            name: "only a pre-2018 SIF: the window closed long ago",
            reports: [
                R(
                    framework: .sif, inspection: DateSpan(start: d("2016-10-03"), end: d("2016-10-27")),
                    grades: all(.requiresImprovement).merging([.lscb: .good]) { $1 })
            ],
            asOf: "2026-11-27", status: .overdue, window: ("2019-04-03", "2020-04-03"), next: "standard inspection",
            basisGrade: .requiresImprovement, basisArea: .overall),
        Case(
            name: "no inspection at all", reports: [], asOf: "2026-11-27", status: .unknown, window: nil, next: nil,
            basisGrade: nil, basisArea: nil),
        Case(
            name: "only visits: no graded inspection", reports: [visit(.focusedVisit, "2024-03-05"), visit(.jtai, "2025-01-20")],
            asOf: "2026-11-27", status: .unknown, window: nil, next: nil, basisGrade: nil, basisArea: nil),
        Case(
            name: "visits after the inspection do not restart the cycle",
            reports: [
                ilacs("2023-05-08", "2023-05-12", all(.good), kind: .short), visit(.focusedVisit, "2025-01-14"),
                visit(.jtai, "2026-03-02"),
            ],
            asOf: "2026-06-01", status: .open, window: ("2025-11-08", "2026-11-08"), next: "short inspection",
            basisGrade: .good, basisArea: .overall),
        Case(
            name: "the newest graded inspection counts, whatever the order given",
            reports: [
                ilacs("2024-06-03", "2024-06-14", all(.requiresImprovement)),
                ilacs("2021-06-07", "2021-06-18", all(.inadequate)),
            ],
            asOf: "2026-11-27", status: .notYet, window: ("2026-12-03", "2027-12-03"),
            next: "standard inspection", basisGrade: .requiresImprovement, basisArea: .overall),
        Case(
            name: "ILACS from April 2026, no overall grade: the lowest grade stands in",
            reports: [
                ilacs(
                    "2026-05-11", "2026-05-22",
                    Fixture.grades(.good, overall: false).merging([.childrenInCare: .inadequate]) { $1 })
            ],
            asOf: "2026-11-27", status: .notYet, window: ("2027-11-11", "2029-05-11"),
            next: "standard re-inspection after monitoring visits", basisGrade: .inadequate, basisArea: .childrenInCare),
        Case(
            name: "an unreadable newest inspection gives no window, even with an older readable one",
            reports: [
                ilacs("2020-01-06", "2020-01-17", all(.good)),
                R(
                    framework: .ilacs, kind: .standard, inspection: DateSpan(start: d("2024-02-05"), end: d("2024-02-16")),
                    unreadable: true),
            ],
            asOf: "2026-11-27", status: .unknown, window: nil, next: nil, basisGrade: nil, basisArea: nil),
        Case(
            name: "the 31st plus 30 months is the last day of February",
            reports: [ilacs("2021-08-31", "2021-09-03", all(.good), kind: .short)], asOf: "2024-02-29",
            status: .open, window: ("2024-02-29", "2025-02-28"), next: "short inspection", basisGrade: .good, basisArea: .overall),
    ]

    @Test(arguments: cases)
    func window(_ c: Case) {
        let w = DueWindows.window(reports: c.reports, asOf: Self.d(c.asOf))
        #expect(w.status == c.status, "\(c.name): \(w)")
        #expect(w.earliest.map(\.description) == c.window?.0)
        #expect(w.latest.map(\.description) == c.window?.1)
        #expect(w.next == c.next)
        #expect(w.from?.grade == c.basisGrade)
        #expect(w.from?.area == c.basisArea)
        #expect(!w.note.isEmpty)
    }

    @Test func statusFollowsTheWindowsEdges() {
        let r = [Self.ilacs("2023-05-08", "2023-05-12", Self.all(.good), kind: .short)]
        let at = { (s: String) in DueWindows.window(reports: r, asOf: Self.d(s)).status }
        #expect(at("2025-11-07") == .notYet)
        #expect(at("2025-11-08") == .open)
        #expect(at("2026-11-08") == .open)
        #expect(at("2026-11-09") == .overdue)
    }

    @Test func everyGradeOnTheScaleHasARuleForBothFrameworks() {
        for f in [Framework.ilacs, .sif] {
            for g in Grade.allCases where g.rank != nil {
                let rows = DueWindows.rules.filter { $0.frameworks.contains(f) && $0.grade == g }
                #expect(rows.count == 1, "\(f) \(g)")
                #expect(rows.allSatisfy { $0.earliestMonths < $0.latestMonths })
            }
        }
    }

    @Test func aChangedRuleTableChangesTheWindow() {
        let rules = [
            DueRule(frameworks: [.ilacs], grade: .good, next: "short inspection", earliestMonths: 48, latestMonths: 60, basis: "test")
        ]
        let good = [Self.ilacs("2023-05-08", "2023-05-12", Self.all(.good))]
        let w = DueWindows.window(reports: good, asOf: Self.d("2026-11-27"), rules: rules)
        #expect(w.status == .notYet)
        #expect(w.earliest == Self.d("2027-05-08"))
        #expect(w.note == "test")
    }
}

@Suite struct DueListTests {
    /// Six authorities around the data's date of 27 November 2026.
    static var data: DashboardData {
        func a(_ slug: String, _ region: String, _ reports: [DashboardReport], former: Bool = false) -> DashboardAuthority {
            DashboardAuthority(slug: slug, name: slug.capitalized, region: region, former: former, reports: reports)
        }
        typealias T = DueWindowTests
        return DashboardData(
            asOf: T.d("2026-11-27"), version: "test",
            authorities: [
                a("open-good", "London", [T.ilacs("2024-01-15", "2024-01-19", T.all(.good))]),
                a(
                    "overdue-sif", "North West",
                    [
                        DashboardReport(
                            framework: .sif, inspection: DateSpan(start: T.d("2016-10-03"), end: T.d("2016-10-27")), grades: T.all(.good))
                    ]),
                a("soon", "london", [T.ilacs("2024-09-16", "2024-09-20", T.all(.good))]),
                a("later", "London", [T.ilacs("2025-02-03", "2025-02-07", T.all(.good))]),
                a("nothing", "London", []),
                a("former", "London", [T.ilacs("2022-01-10", "2022-01-21", T.all(.inadequate))], former: true),
            ],
            changes: [])
    }

    @Test func listsOpenOverdueAndSoonInThatOrder() {
        let listing = DueWindows.due(Self.data, withinMonths: 6)
        #expect(listing.entries.map(\.slug) == ["overdue-sif", "open-good", "soon"])
        let soon = listing.entries[2]
        #expect(soon.window.status == .notYet)
        #expect(soon.window.earliest == LocalDate(iso: "2027-03-16"))
        #expect(soon.daysToOpen == 109)
        #expect(listing.entries[0].daysToOpen < 0 && listing.entries[1].daysToOpen < 0)
    }

    @Test func theHorizonAndTheRegionFilter() {
        let slugs = { (months: Int, region: String?) in
            DueWindows.due(Self.data, withinMonths: months, region: region).entries.map(\.slug)
        }
        #expect(slugs(0, nil) == ["overdue-sif", "open-good"])
        #expect(slugs(24, nil) == ["overdue-sif", "open-good", "soon", "later"])
        #expect(slugs(24, "LONDON") == ["open-good", "soon", "later"])
        #expect(DueWindows.due(Self.data, withinMonths: 24, region: "Nowhere").entries.isEmpty)
    }

    @Test func jsonShape() throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let json = String(decoding: try enc.encode(DueWindows.due(Self.data, withinMonths: 6)), as: UTF8.self)
        #expect(json.contains(#""asOf":"2026-11-27""#))
        #expect(json.contains(#""status":"overdue""#))
        #expect(json.contains(#""status":"not_yet""#))
        #expect(json.contains(#""earliest":"2019-04-03""#))
        #expect(json.contains(#""withinMonths":6"#))
        let back = try JSONDecoder().decode(DueListing.self, from: Data(json.utf8))
        #expect(back == DueWindows.due(Self.data, withinMonths: 6))
        #expect(DueWindows.lines(back).first == "Overdue-Sif (North West): overdue, short inspection, 2019-04-03 to 2020-04-03")
    }
}

import CasefileDashboard
import CasefileModel

/// Small fixed snapshots for the page's tests.
enum Fixture {
    static func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    static func span(_ a: String, _ b: String) -> DateSpan { DateSpan(start: d(a), end: d(b)) }

    static func grades(_ g: Grade, overall: Bool = true) -> [Area: Grade] {
        var out: [Area: Grade] = [.leadership: g, .helpAndProtection: g, .childrenInCare: g, .careLeavers: g]
        if overall { out[.overall] = g }
        return out
    }

    /// Three current authorities with histories, one former, a few changes;
    /// the other 150 authorities of the map are left out (no inspection on file).
    static var small: DashboardData {
        let barnet = DashboardAuthority(
            slug: "barnet", name: "Barnet", region: "London", code: "302",
            reports: [
                DashboardReport(
                    framework: .ilacs, kind: .short, inspection: span("2023-05-08", "2023-05-12"), published: d("2023-06-20"),
                    grades: grades(.good), url: "https://files.ofsted.gov.uk/v1/file/50220001",
                    improvements: ["Children's \"voice\" & <participation> in their plans.", "Management oversight of visits."]),
                DashboardReport(
                    framework: .sif, inspection: span("2016-10-03", "2016-10-27"), published: d("2016-12-12"),
                    grades: grades(.requiresImprovement).merging([.adoption: .good, .lscb: .requiresImprovement]) { $1 },
                    url: "https://files.ofsted.gov.uk/v1/file/2620001"),
                DashboardReport(
                    framework: .focusedVisit, inspection: span("2021-02-09", "2021-02-10"), url: "file:///srv/reports/barnet-fv.pdf"),
                DashboardReport(
                    framework: .ilacs, kind: .standard, inspection: span("2019-06-10", "2019-06-21"), published: d("2019-08-01"),
                    grades: grades(.requiresImprovement).merging([.helpAndProtection: .inadequate]) { $1 },
                    url: "https://files.ofsted.gov.uk/v1/file/50100001"),
            ])
        let cornwall = DashboardAuthority(
            slug: "cornwall", name: "Cornwall", region: "South West", code: "908",
            reports: [
                DashboardReport(
                    framework: .ilacs, kind: .standard, inspection: span("2022-03-07", "2022-03-18"), published: d("2022-05-03"),
                    grades: grades(.inadequate), url: "https://files.ofsted.gov.uk/v1/file/50180001"),
                DashboardReport(
                    framework: .monitoringVisit, inspection: span("2023-01-10", "2023-01-11"),
                    url: "https://files.ofsted.gov.uk/v1/file/50200001"),
                DashboardReport(
                    framework: .ilacs, kind: .standard, inspection: span("2026-06-01", "2026-06-12"), published: d("2026-07-24"),
                    grades: grades(.requiresImprovement, overall: false).merging([.careLeavers: .good]) { $1 },
                    url: "https://files.ofsted.gov.uk/v1/file/50300001", improvements: ["Placement sufficiency."]),
            ])
        let hampshire = DashboardAuthority(
            slug: "hampshire", name: "Hampshire", region: "South East", code: "850",
            reports: [
                DashboardReport(
                    framework: .ilacs, kind: .standard, inspection: span("2025-02-03", "2025-02-14"), grades: [:],
                    url: "https://files.ofsted.gov.uk/v1/file/50250001", unreadable: true)
            ])
        let cumbria = DashboardAuthority(
            slug: "cumbria", name: "Cumbria", region: "North West", code: "909", former: true,
            reports: [
                DashboardReport(
                    framework: .sif, inspection: span("2015-03-02", "2015-03-26"), grades: grades(.inadequate),
                    url: "https://files.ofsted.gov.uk/v1/file/2450001", withdrawn: true)
            ])
        let ref = { (id: Int64, f: Framework, s: DateSpan) in
            ReportRef(id: id, framework: f, inspection: s, url: "https://files.ofsted.gov.uk/v1/file/\(id)")
        }
        let changes = [
            ChangeRecord(
                seq: 7, id: "00000000-0000-4000-8000-000000000007", kind: .reportAdded, at: "2026-09-10T06:00:00Z",
                authority: Authority(name: "Cornwall", slug: "cornwall"),
                report: ref(3, .ilacs, span("2026-06-01", "2026-06-12"))),
            ChangeRecord(
                seq: 8, id: "00000000-0000-4000-8000-000000000008", kind: .gradeChanged, at: "2026-11-20T06:00:00Z",
                authority: Authority(name: "Barnet", slug: "barnet"), report: ref(4, .ilacs, span("2023-05-08", "2023-05-12")),
                grades: [
                    GradeMove(area: .leadership, from: .requiresImprovement, to: .good),
                    GradeMove(area: .overall, from: .requiresImprovement, to: .good),
                ],
                previous: ref(2, .ilacs, span("2019-06-10", "2019-06-21"))),
            ChangeRecord(
                seq: 9, id: "00000000-0000-4000-8000-000000000009", kind: .reportWithdrawn, at: "2026-11-26T06:00:00Z",
                authority: Authority(name: "Cumbria", slug: "cumbria"), report: ref(5, .sif, span("2015-03-02", "2015-03-26"))),
        ]
        return DashboardData(
            asOf: d("2026-11-27"), version: "0.2.0-test", authorities: [cumbria, hampshire, cornwall, barnet], changes: changes)
    }
}

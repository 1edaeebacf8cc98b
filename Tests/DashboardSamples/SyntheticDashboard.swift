import CasefileDashboard
import CasefileModel

/// Synthetic dashboard snapshots: every authority of the map with a plausible
/// history (a SIF inspection, ILACS inspections about three years apart,
/// focused visits, monitoring visits after an inadequate grade, JTAIs),
/// improvement points and a change log. Deterministic for a seed.
public enum SyntheticDashboard {
    static let regions = [
        "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands", "East of England",
        "South East", "South West",
    ]

    /// A snapshot of the 153 authorities holding `reports` reports in all
    /// (at least two per authority), as of `asOf`.
    public static func make(reports total: Int = 2000, asOf: LocalDate = LocalDate(year: 2026, month: 11, day: 27)!, seed: UInt64 = 14)
        -> DashboardData
    {
        var rng = SplitMix64(seed: seed)
        let map = DashboardReference.mapAuthorities
        var authorities: [DashboardAuthority] = []
        var changes: [ChangeRecord] = []
        var seq: Int64 = 0
        var reportID: Int64 = 0
        for (n, m) in map.enumerated() {
            let region = m.gssCode.hasPrefix("E09") ? "London" : regions[Int(rng.next() % UInt64(regions.count))]
            let quota = total / map.count + (n < total % map.count ? 1 : 0)
            var reports: [DashboardReport] = []
            // The graded chain: SIF in 2014–2016, then ILACS every ~3 years (sooner after inadequate).
            var start = LocalDate(year: 2014 + Int(rng.next() % 3), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 20))!
            var framework = Framework.sif
            var grade = pick(&rng)
            while start < asOf.adding(days: -60) {
                let length = framework == .sif ? 25 : (grade == .good || grade == .outstanding ? 5 : 12)
                let span = DateSpan(start: start, end: start.adding(days: length - 1))
                var grades: [Area: Grade] = [:]
                for area in [Area.leadership, .helpAndProtection, .childrenInCare, .careLeavers] {
                    grades[area] = rng.next() % 4 == 0 ? pick(&rng) : grade
                }
                // No overall grade from April 2026.
                if start < LocalDate(year: 2026, month: 4, day: 1)! { grades[.overall] = grade }
                let kind: InspectionKind? = framework == .ilacs ? (length <= 5 ? .short : .standard) : nil
                reports.append(report(&rng, framework, span, grades, kind: kind))
                let next = start.adding(months: grade == .inadequate ? 24 + Int(rng.next() % 8) : 30 + Int(rng.next() % 14))
                if grade == .inadequate {
                    for k in 1...4 {
                        let v = start.adding(months: 5 * k)
                        if v < next && v < asOf.adding(days: -50) { reports.append(visit(&rng, .monitoringVisit, v)) }
                    }
                } else if rng.next() % 2 == 0 {
                    let v = start.adding(months: 14 + Int(rng.next() % 8))
                    if v < next && v < asOf.adding(days: -50) { reports.append(visit(&rng, .focusedVisit, v)) }
                }
                start = next
                framework = .ilacs
                grade = step(grade, &rng)
            }
            // Pad (or trim) to the quota with visits between the inspections.
            while reports.count < quota {
                let first = LocalDate(year: 2013, month: 6, day: 1)!
                let v = first.adding(days: Int(rng.next() % UInt64(asOf.dayNumber - first.dayNumber - 50)))
                let kind: Framework = rng.next() % 3 == 0 ? .jtai : .focusedVisit
                reports.append(visit(&rng, kind, v))
            }
            while reports.count > max(2, quota), let i = reports.lastIndex(where: { $0.grades.isEmpty }) {
                reports.remove(at: i)
            }
            // The newest graded report carries its improvement points.
            let gradedIndices = reports.indices.filter { !reports[$0].grades.isEmpty }
            if let i = gradedIndices.max(by: { reports[$0].inspection.start < reports[$1].inspection.start }) {
                reports[i].improvements = (0..<(4 + Int(rng.next() % 4))).map { k in sentence(&rng, k) }
                let graded = reports.filter { !$0.grades.isEmpty }.sorted { $0.inspection.start < $1.inspection.start }
                if graded.count >= 2, reports[i].inspection.start > asOf.adding(days: -200) {
                    let (a, b) = (graded[graded.count - 2], graded[graded.count - 1])
                    let moves = Area.allCases.compactMap { area -> GradeMove? in
                        guard let f = a.grades[area], let t = b.grades[area], f != t else { return nil }
                        return GradeMove(area: area, from: f, to: t)
                    }
                    let at = b.published ?? b.inspection.end
                    let authority = Authority(name: m.name, slug: m.slug)
                    reportID += 1
                    let ref = ReportRef(id: reportID, framework: b.framework, inspection: b.inspection, url: b.url)
                    seq += 1
                    changes.append(
                        ChangeRecord(
                            seq: seq, id: uuid(seq), kind: .reportAdded, at: "\(at)T06:00:00Z", authority: authority, report: ref))
                    if !moves.isEmpty {
                        seq += 1
                        changes.append(
                            ChangeRecord(
                                seq: seq, id: uuid(seq), kind: .gradeChanged, at: "\(at)T06:00:00Z", authority: authority, report: ref,
                                grades: moves,
                                previous: ReportRef(id: reportID + 10_000, framework: a.framework, inspection: a.inspection, url: a.url)))
                    }
                }
            }
            authorities.append(
                DashboardAuthority(slug: m.slug, name: m.name, region: region, code: String(300 + n), reports: reports))
        }
        return DashboardData(asOf: asOf, version: "0.0.0-synthetic", authorities: authorities, changes: changes)
    }

    /// A focused or monitoring visit of two days, or a JTAI of five.
    static func visit(_ rng: inout SplitMix64, _ f: Framework, _ day: LocalDate) -> DashboardReport {
        report(&rng, f, DateSpan(start: day, end: day.adding(days: f == .jtai ? 4 : 1)), [:])
    }

    static func pick(_ rng: inout SplitMix64) -> Grade {
        [Grade.outstanding, .good, .good, .good, .requiresImprovement, .requiresImprovement, .inadequate][Int(rng.next() % 7)]
    }

    /// The next inspection's grade: mostly the same, or one step either way.
    static func step(_ g: Grade, _ rng: inout SplitMix64) -> Grade {
        let scale: [Grade] = [.inadequate, .requiresImprovement, .good, .outstanding]
        let i = scale.firstIndex(of: g) ?? 1
        switch rng.next() % 6 {
        case 0: return scale[max(0, i - 1)]
        case 1: return scale[min(3, i + 1)]
        default: return g
        }
    }

    static func report(_ rng: inout SplitMix64, _ f: Framework, _ span: DateSpan, _ grades: [Area: Grade], kind: InspectionKind? = nil)
        -> DashboardReport
    {
        DashboardReport(
            framework: f, kind: kind, inspection: span, published: span.end.adding(days: 20 + Int(rng.next() % 25)),
            grades: grades, url: "https://files.ofsted.gov.uk/v1/file/\(50_000_000 + rng.next() % 9_000_000)")
    }

    static let phrases = [
        "The quality and consistency of management oversight and supervision of social work practice",
        "The timeliness of initial child protection conferences and the quality of child protection plans",
        "The sufficiency of local placements, so that children in care live close to their families and schools",
        "The quality of pathway plans and the help care leavers get to find suitable homes and work",
        "How leaders use performance information and audits to understand and improve frontline practice",
        "The response to children who go missing, including return home interviews and the use of what they say",
        "Help for disabled children and their families, and the timeliness of their assessments",
        "The stability of the workforce, so that children do not have many changes of social worker",
    ]

    static func sentence(_ rng: inout SplitMix64, _ k: Int) -> String {
        phrases[Int(rng.next() % UInt64(phrases.count))] + (k % 2 == 0 ? "." : ", especially for older children.")
    }

    static func uuid(_ seq: Int64) -> String {
        let hex = String(seq, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}

/// A small deterministic generator (SplitMix64).
public struct SplitMix64 {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension LocalDate {
    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> LocalDate {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return LocalDate(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }

    /// The same day `months` later, clamped to the month's last day.
    public func adding(months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12, m = index % 12 + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))!
    }
}

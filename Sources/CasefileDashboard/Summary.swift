import CasefileModel

/// The bundled map and neighbour list (see `Data/generate.py`), parsed once.
enum Reference {
    struct Feature {
        let slug: String
        let code: String
        let name: String
        /// SVG path data in map units.
        let path: String
        var isLondon: Bool { code.hasPrefix("E09") }
    }

    static let features: [Feature] = GeneratedData.mapTSV.split(separator: "\n").map { line in
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return Feature(slug: f[0], code: f[1], name: f[2], path: f[3])
    }

    /// Each authority's ten statistical neighbours, closest first.
    static let neighbours: [String: [String]] = {
        var out: [String: [String]] = [:]
        for line in GeneratedData.neighboursCSV.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 4 else { continue }
            out[String(f[0])] = f[3].split(separator: " ").map(String.init)
        }
        return out
    }()
}

/// The judgements the page shows as columns and map choices, in table order.
let pageAreas: [Area] = [.overall, .leadership, .helpAndProtection, .childrenInCare, .careLeavers]

/// One authority as the page shows it: its reports in order and what follows
/// from them on the data's date.
struct AuthorityView {
    let slug: String
    let name: String
    let region: String
    let code: String?
    let former: Bool
    /// Oldest inspection first.
    let reports: [DashboardReport]
    /// The newest report with grades: the current grades.
    let current: DashboardReport?
    let due: DueWindow
    /// Days from the current report's first day on site to the data's date.
    let daysSince: Int?
    /// Days from the current report's last day on site to its publication.
    let publicationLag: Int?
    /// The newest graded ILACS or SIF inspection whose grades moved from the
    /// one before it, with the moves.
    let lastMove: (report: DashboardReport, moves: [GradeMove])?

    init(_ a: DashboardAuthority, asOf: LocalDate) {
        slug = a.slug
        name = a.name
        region = a.region
        code = a.code
        former = a.former
        reports = a.reports.sorted(by: AuthorityView.chronological)
        current = reports.last(where: { $0.isGraded })
        due = DueWindows.window(reports: reports, asOf: asOf)
        daysSince = current.map { asOf.dayNumber - $0.inspection.start.dayNumber }
        publicationLag = current.flatMap { c in c.published.map { $0.dayNumber - c.inspection.end.dayNumber } }
        var previous: DashboardReport?
        var move: (DashboardReport, [GradeMove])?
        for r in reports where r.isGraded && DueWindows.cyclical.contains(r.framework) {
            if let p = previous {
                let moves = Area.allCases.compactMap { area -> GradeMove? in
                    guard let from = p.grades[area], let to = r.grades[area], from != to else { return nil }
                    return GradeMove(area: area, from: from, to: to)
                }
                if !moves.isEmpty { move = (r, Words.orderedMoves(moves)) }
            }
            previous = r
        }
        lastMove = move
    }

    /// The current grade of an area; nil with no graded report, `.notJudged`
    /// when the current report does not judge the area.
    func grade(_ area: Area) -> Grade? {
        guard let current else { return nil }
        return current.grades[area] ?? .notJudged
    }

    /// A total order: by inspection (end, then start), then framework, kind,
    /// URL, so that equal dates still sort the same way every time.
    static func chronological(_ a: DashboardReport, _ b: DashboardReport) -> Bool {
        (a.inspection.end, a.inspection.start, a.framework.rawValue, a.kind?.rawValue ?? "", a.url ?? "")
            < (b.inspection.end, b.inspection.start, b.framework.rawValue, b.kind?.rawValue ?? "", b.url ?? "")
    }
}

/// The whole page's model: every authority to show, in a stable order, and
/// the headline figures.
struct PageModel {
    let data: DashboardData
    /// The current authorities: one per map feature, plus any other current
    /// authority the data names; by name, then slug.
    let authorities: [AuthorityView]
    /// Former authorities with reports, by name.
    let former: [AuthorityView]
    let bySlug: [String: AuthorityView]

    init(_ data: DashboardData) {
        self.data = data
        var given: [String: DashboardAuthority] = [:]
        for a in data.authorities where given[a.slug] == nil { given[a.slug] = a }
        var current: [AuthorityView] = []
        for f in Reference.features {
            let a = given[f.slug] ?? DashboardAuthority(slug: f.slug, name: f.name, region: "", reports: [])
            current.append(AuthorityView(a, asOf: data.asOf))
        }
        let onMap = Set(Reference.features.map(\.slug))
        var former: [AuthorityView] = []
        for slug in given.keys.sorted() where !onMap.contains(slug) {
            let a = given[slug]!
            if a.former {
                if !a.reports.isEmpty { former.append(AuthorityView(a, asOf: data.asOf)) }
            } else {
                current.append(AuthorityView(a, asOf: data.asOf))
            }
        }
        let byName: (AuthorityView, AuthorityView) -> Bool = { ($0.name, $0.slug) < ($1.name, $1.slug) }
        authorities = current.sorted(by: byName)
        self.former = former.sorted(by: byName)
        var bySlug: [String: AuthorityView] = [:]
        for a in authorities + self.former { bySlug[a.slug] = a }
        self.bySlug = bySlug
    }

    /// How many current authorities hold each grade of an area, in the order
    /// outstanding, good, requires improvement, inadequate, not judged, none on file.
    func counts(_ area: Area) -> [Int] {
        var c = [Int](repeating: 0, count: 6)
        for a in authorities {
            switch a.grade(area) {
            case .outstanding?: c[0] += 1
            case .good?: c[1] += 1
            case .requiresImprovement?: c[2] += 1
            case .inadequate?: c[3] += 1
            case .notJudged?: c[4] += 1
            case nil: c[5] += 1
            }
        }
        return c
    }

    /// The changes logged in the `days` days up to the data's date.
    func changes(lastDays days: Int) -> [ChangeRecord] {
        let first = data.asOf.dayNumber - days + 1
        return data.changes.filter { c in
            guard let d = Words.day(ofTimestamp: c.at) else { return false }
            return d.dayNumber >= first && d.dayNumber <= data.asOf.dayNumber
        }
    }

    /// The newest changes first (by sequence number), at most `changeLimit`.
    var recentChanges: [ChangeRecord] {
        Array(data.changes.sorted { ($0.seq, $0.id) > ($1.seq, $1.id) }.prefix(max(0, data.changeLimit)))
    }
}

/// The bundled reference data, for callers: the 153 authorities the map
/// draws and their statistical neighbours.
public enum DashboardReference {
    /// One authority of the bundled map.
    public struct MapAuthority: Sendable, Hashable {
        public let slug: String
        /// ONS GSS code ("E09000003").
        public let gssCode: String
        public let name: String
    }

    /// The 153 authorities of the map, in ONS order.
    public static var mapAuthorities: [MapAuthority] {
        Reference.features.map { MapAuthority(slug: $0.slug, gssCode: $0.code, name: $0.name) }
    }

    /// DfE's ten statistical neighbours of an authority, closest first; empty
    /// for a slug not in the list.
    public static func neighbours(of slug: String) -> [String] {
        Reference.neighbours[slug] ?? []
    }
}

import CasefileControl
import CasefileDashboard
import CasefileModel
import CasefileParse
import CasefileStore
import Foundation

/// Fills the dashboard's snapshot (`DashboardData`) from the store: what
/// `GET /v1/dashboard`, `GET /v1/due` and the publisher render.
enum DashboardSnapshot {
    /// The page counts its last 30 and 90 days, and lists the newest 50 changes.
    static let changeDays = 90
    static let changeLimit = 50

    /// The snapshot of the store now.
    ///
    /// `asOf` is the UTC day of the newest successful sync of any source
    /// (`source_state.last_success`, kept in the store, so a restart does
    /// not move it); before any sync has succeeded, the UTC day of `now`.
    /// Every authority of the bundled list that is current is given (the
    /// map's 153), with or without reports; a former one only when it has
    /// reports on file. Names, regions and codes are the list's, not the
    /// reports' spelling.
    static func make(
        store: CasefileStore, directory: AuthorityDirectory = .bundled, version: String = ControlAPI.version, now: Date = Date()
    ) throws -> DashboardData {
        // The page counts changes in the 90 days up to the data's day. That day
        // comes with the records; the last success read just before is never
        // later (it only moves forward), so counting back from it reads enough.
        let before = try store.allSourceStates().compactMap(\.lastSuccess).max()
        let firstDay = utcDay(of: before ?? now).dayNumber - changeDays
        let records = try store.dashboardRecords(
            changesSince: Date(timeIntervalSince1970: Double(firstDay) * 86_400), atLeast: changeLimit)
        let asOf = utcDay(of: records.lastSuccess ?? now)
        let byAuthority = Dictionary(grouping: records.reports, by: \.authority.slug)
        var authorities: [DashboardAuthority] = []
        var listed = Set<String>()
        for entry in directory.all {
            let reports = byAuthority[entry.slug] ?? []
            if entry.former && reports.isEmpty { continue }
            listed.insert(entry.slug)
            authorities.append(
                DashboardAuthority(
                    slug: entry.slug, name: entry.name, region: entry.region, code: entry.dfeCode, former: entry.former,
                    reports: reports.map(report)))
        }
        // A slug the list does not know (a store older than the list): shown
        // with the name on file, in no region, rather than dropped.
        for (slug, reports) in byAuthority where !listed.contains(slug) {
            authorities.append(
                DashboardAuthority(
                    slug: slug, name: reports[0].authority.name, region: "", reports: reports.map(report)))
        }
        return DashboardData(
            asOf: asOf, version: version, authorities: authorities, changes: records.changes, changeLimit: changeLimit)
    }

    static func report(_ r: ReportOverview) -> DashboardReport {
        DashboardReport(
            framework: r.framework, kind: r.kind, inspection: r.inspection, published: nil, grades: r.grades, url: r.url,
            improvements: r.improvements, unreadable: r.unreadable, withdrawn: r.withdrawn)
    }

    /// The day (UTC) a moment falls in.
    static func utcDay(of date: Date) -> LocalDate {
        LocalDate(iso: String(Timestamp.string(date).prefix(10)))!
    }
}

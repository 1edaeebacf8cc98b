import CasefileControl
import CasefileDashboard
import CasefileModel

/// Fixed answers of `GET /v1/due`, `GET /v1/dashboard` and a status with a
/// publishing failure.
extension Fixtures {
    static func window(_ status: DueStatus, _ from: (Framework, String, String, Grade), _ earliest: String, _ latest: String, next: String)
        -> DueWindow
    {
        DueWindow(
            status: status, earliest: day(earliest), latest: day(latest), next: next,
            from: DueBasis(framework: from.0, inspection: span(from.1, from.2), grade: from.3, area: .overall),
            note: "the rule's sentence")
    }

    static let due = DueListing(
        asOf: day("2026-11-27"), withinMonths: 6, region: nil,
        entries: [
            DueEntry(
                slug: "kent", name: "Kent", region: "South East",
                window: window(.overdue, (.sif, "2017-01-09", "2017-02-02", .good), "2019-07-09", "2020-07-09", next: "short inspection"),
                daysToOpen: -2698),
            DueEntry(
                slug: "redbridge", name: "Redbridge", region: "London",
                window: window(.open, (.ilacs, "2023-03-06", "2023-03-17", .good), "2025-09-06", "2026-09-06", next: "short inspection"),
                daysToOpen: -447),
            DueEntry(
                slug: "medway", name: "Medway", region: "South East",
                window: window(
                    .notYet, (.ilacs, "2025-07-15", "2025-07-26", .inadequate), "2027-01-15", "2028-07-15",
                    next: "standard re-inspection after monitoring visits"),
                daysToOpen: 49),
        ])

    static let dueLondon = DueListing(asOf: day("2026-11-27"), withinMonths: 12, region: "London", entries: [due.entries[1]])
    static let dueNone = DueListing(asOf: day("2026-11-27"), withinMonths: 0, region: "North East", entries: [])

    static let page = Array("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head><title>England</title></head>\n<body>…</body>\n</html>\n".utf8)

    static let statusPublishFailed: StatusResponse = {
        var s = status
        s.reloadError = nil
        s.publish = PublishInfo(
            folder: "/srv/casefile", lastPublished: "2026-11-26T15:00:09Z",
            lastError: "cannot give /srv/casefile/.index.html.811.tmp to group 33: Operation not permitted",
            lastErrorAt: "2026-11-27T09:00:05Z")
        return s
    }()

    static let statusPublished: StatusResponse = {
        var s = status
        s.reloadError = nil
        s.publish = PublishInfo(folder: "/srv/casefile", lastPublished: "2026-11-27T09:00:05Z", lastError: nil, lastErrorAt: nil)
        return s
    }()
}

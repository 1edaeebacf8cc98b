import CasefileModel
import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

/// The dashboard's and the metrics' queries on a real store, filled through
/// the ingest rules' own write path.
@Suite("Store: dashboard and metrics")
struct DashboardRecordsTests {
    let u2016 = "https://files.ofsted.gov.uk/v1/file/2016"
    let u2019 = "https://files.ofsted.gov.uk/v1/file/2019"
    let uVisit = "https://files.ofsted.gov.uk/v1/file/visit"
    let uKent = "file:///srv/casefile/inbox/kent.pdf"

    func fill() throws -> TestStore {
        let t = try TestStore()
        try t.ingest(
            makeReport(
                framework: .sif, start: "2016-09-12", end: "2016-10-06", grades: ilacs(.good, .good, .good, .good),
                improvements: ["Old point."]), url: u2016)
        try t.ingest(
            makeReport(
                start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .good, .outstanding),
                improvements: ["First point.", "Second point."]), url: u2019, at: clock(60))
        // A later letter without improvements: the page still shows the 2019 points.
        try t.ingest(
            makeReport(framework: .focusedVisit, start: "2021-02-01", end: "2021-02-02", improvements: []), url: uVisit, at: clock(120))
        var unreadable = makeReport(slug: "kent", name: "Kent County Council", start: "2025-10-27", end: "2025-11-07", improvements: [])
        unreadable.unreadable = "no grade read with certainty"
        try t.ingest(unreadable, url: uKent, at: clock(180))
        return t
    }

    @Test("current reports with grades, URL, withdrawn and unreadable marks, and the newest improvements")
    func reports() throws {
        let t = try fill()
        // A revision of the 2019 report replaces it: only the new version is current.
        try t.ingest(
            makeReport(
                start: "2019-04-29", end: "2019-05-03", grades: ilacs(.outstanding, .outstanding, .good, .outstanding),
                improvements: ["Revised point."]), url: u2019, at: clock(240), bytes: "revised")
        try t.store.recordWithdrawn(url: u2016, channels: ["team"], at: clock(300))

        let records = try t.store.dashboardRecords(changesSince: clock(), atLeast: 0)
        #expect(records.reports.map(\.authority.slug) == ["kent", "redbridge", "redbridge", "redbridge"])
        let kent = records.reports[0]
        #expect(kent.unreadable && kent.grades.isEmpty && !kent.withdrawn)
        #expect(kent.url == uKent)
        let (sif, ilacsReport, visit) = (records.reports[1], records.reports[2], records.reports[3])
        #expect(sif.framework == .sif && sif.withdrawn && !sif.unreadable)
        #expect(sif.grades == ilacs(.good, .good, .good, .good))
        #expect(sif.improvements.isEmpty, "only the newest report with points carries them")
        #expect(ilacsReport.framework == .ilacs && ilacsReport.kind == .standard)
        #expect(ilacsReport.inspection.start == LocalDate(iso: "2019-04-29"))
        #expect(ilacsReport.improvements == ["Revised point."], "the revision is the current version")
        #expect(ilacsReport.grades[.overall] == .outstanding && !ilacsReport.unreadable)
        #expect(visit.framework == .focusedVisit && visit.grades.isEmpty && !visit.unreadable && visit.improvements.isEmpty)
        #expect(visit.url == uVisit)
        #expect(records.lastSuccess == nil)
    }

    @Test("changes since a time, and at least the newest N, ascending; the last success of any source")
    func changes() throws {
        let t = try fill()
        let all = try t.store.dashboardRecords(changesSince: clock(), atLeast: 0).changes
        #expect(all.map(\.seq) == all.map(\.seq).sorted())
        #expect(all.count == Int(try t.store.lastSeq()))
        let recent = try t.store.dashboardRecords(changesSince: clock(150), atLeast: 0).changes
        #expect(recent.map(\.authority.slug) == ["kent"], "only what was committed since")
        let atLeast = try t.store.dashboardRecords(changesSince: clock(10_000), atLeast: 2).changes
        #expect(atLeast.map(\.seq) == Array(all.suffix(2).map(\.seq)))
        #expect(throws: StoreError.self) { try t.store.dashboardRecords(changesSince: clock(), atLeast: -1) }

        try t.store.recordSourceSuccess(name: "a", documents: 1, at: clock(500))
        try t.store.recordSourceSuccess(name: "b", documents: 1, at: clock(900))
        try t.store.recordSourceFailure(name: "b", error: "down", at: clock(1000))
        #expect(try t.store.dashboardRecords(changesSince: clock(), atLeast: 0).lastSuccess == clock(900))
    }

    @Test("metrics: changes by kind, deliveries pending and parked per channel, each source's last success")
    func metrics() throws {
        let t = try fill()
        var m = try t.store.metrics()
        #expect(try t.store.lastSeq() == 5)
        #expect(m.changesByKind[.reportAdded] == 4)
        #expect(m.changesByKind[.gradeChanged] == 1, "the 2019 ILACS moved three judgements: one change")
        #expect(m.changesByKind[.reportWithdrawn] == 0 && m.changesByKind[.reportRevised] == 0)
        let changes = Int(try t.store.lastSeq())
        #expect(m.pendingByChannel == ["team": changes, "log": changes])
        #expect(m.parkedByChannel.isEmpty)
        #expect(m.lastSuccessBySource.isEmpty)

        let due = try t.store.dueDeliveries(channel: "log", now: clock(3600), limit: 2)
        for d in due { try t.store.markDeliveryFailed(id: d.id, error: "receiver down", nextAttemptAt: nil, at: clock(3600)) }
        try t.store.markDelivered(
            id: try #require(try t.store.dueDeliveries(channel: "team", now: clock(3600), limit: 1).first).id,
            at: clock(3600))
        try t.store.recordSourceSuccess(name: "samples", documents: 4, at: clock(4000))
        m = try t.store.metrics()
        #expect(m.pendingByChannel == ["team": changes - 1, "log": changes - 2])
        #expect(m.parkedByChannel == ["log": 2])
        #expect(m.lastSuccessBySource == ["samples": clock(4000)])
    }
}

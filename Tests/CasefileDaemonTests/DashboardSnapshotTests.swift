import CasefileControl
import CasefileDashboard
import CasefileModel
import CasefileParse
import CasefileStore
import CasefileTestKit
import Foundation
import Testing

@testable import CasefileDaemon

/// The dashboard's snapshot from a real store: every authority of the list,
/// the names and regions of the list, the data's day.
struct DashboardSnapshotTests {
    @Test("an empty store: the 153 current authorities, no former one, the day of now")
    func empty() throws {
        let s = try FilledStore()
        let data = try DashboardSnapshot.make(store: s.store, now: FilledStore.at())
        #expect(data.asOf == LocalDate(iso: "2026-11-27"))
        #expect(Set(data.authorities.map(\.slug)) == Set(DashboardReference.mapAuthorities.map(\.slug)))
        #expect(data.authorities.count == 153)
        #expect(data.authorities.allSatisfy { !$0.former && $0.reports.isEmpty && !$0.region.isEmpty })
        #expect(data.changes.isEmpty)
        #expect(data.version == ControlAPI.version)
    }

    @Test("reports, the list's names and regions, a former authority with reports, the changes, the last success's day")
    func filled() throws {
        let s = try FilledStore.sample()
        try s.store.recordSourceSuccess(name: "samples", documents: 3, at: FilledStore.at(86_400 * 3 + 7))
        let data = try DashboardSnapshot.make(store: s.store, now: FilledStore.at(86_400 * 10))
        #expect(data.asOf == LocalDate(iso: "2026-11-30"), "the day of the last successful sync, not of now")
        #expect(data.authorities.count == 154)
        let redbridge = try #require(data.authorities.first { $0.slug == "redbridge" })
        #expect(redbridge.name == "Redbridge" && redbridge.region == "London" && redbridge.code == "317" && !redbridge.former)
        #expect(redbridge.reports.count == 2)
        let ilacs = try #require(redbridge.reports.first { $0.framework == .ilacs })
        #expect(ilacs.grades[.overall] == .outstanding)
        #expect(ilacs.kind == .short)
        #expect(ilacs.url == "https://files.ofsted.gov.uk/v1/file/2019")
        #expect(ilacs.improvements == ["Consistency for care leavers."])
        #expect(ilacs.published == nil)
        let northants = try #require(data.authorities.first { $0.slug == "northamptonshire" })
        #expect(northants.former && northants.region == "East Midlands" && northants.reports.count == 1)
        #expect(data.changes.map(\.kind).filter { $0 == .gradeChanged }.count == 1)
        #expect(data.changes.count == Int(try s.store.lastSeq()))

        // The due listing and the page from the same snapshot.
        let due = DueWindows.due(data, withinMonths: 120)
        #expect(due.entries.contains { $0.slug == "redbridge" && $0.window.from?.framework == .ilacs })
        #expect(!due.entries.contains { $0.slug == "northamptonshire" }, "a former authority has no next inspection")
        let page = DashboardPage.render(data)
        #expect(page.contains("Redbridge"))
        #expect(!page.contains("file:///inbox"), "a file:// report is never a link on the page")
    }

    @Test("the change window is counted back from the data's day, and the newest 50 are always there")
    func changeWindow() throws {
        let s = try FilledStore.sample()
        // The data's day is two years after the changes: none in the window, the newest 50 (all 4) still read.
        try s.store.recordSourceSuccess(name: "samples", documents: 3, at: FilledStore.at(86_400 * 730))
        let data = try DashboardSnapshot.make(store: s.store, now: FilledStore.at(86_400 * 730))
        #expect(data.changes.count == 4)
        #expect(data.changeLimit == 50)
    }
}

import CasefileControl
import CasefileFetch
import CasefileModel
import CasefileStore
import CasefileTestKit
import Clocks
import Foundation
import Logging
import Testing

@testable import CasefileSync

/// `onSourceSynced`: after each source's sync, its own summary (what the
/// daemon's metrics count), in order; the sync's total is their sum.
@Suite("Scheduler: each source's summary")
struct SourceSyncedTests {
    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var reports: [(String, SyncResponse, Duration)] = []
        func add(_ r: (String, SyncResponse, Duration)) { lock.withLock { reports.append(r) } }
    }

    @Test func eachSourceReportsItsOwnSummary() async throws {
        let dir = try TempDir("cfhook")
        let store = try CasefileStore(path: dir.file("casefile.sqlite").path)
        let sources = FakeSources()
        sources.set(
            "a",
            [
                "https://example.org/r1": "2019-04-29 2019-05-03 good", "https://example.org/r2": "2022-03-07 2022-03-18 inadequate",
            ])
        sources.set("b", [:])
        sources.fail("b")
        let seen = Seen()
        let settings = SyncSettings(
            sources: ["a", "b"].map {
                ScheduledSource(spec: SourceSpec(name: $0, kind: .feed, url: "https://example.org/\($0)"), interval: .seconds(3600))
            },
            fetch: FetchSettings(), notifyInitialSync: true, announcer: Announcer(channels: ["team"]))
        let sync = SyncService(
            settings: settings, store: store, reader: FakeReader(), sources: { _, _ in sources },
            clock: ClockTime(TestClock(), epoch: Date(timeIntervalSince1970: 1_795_770_000)), logger: Logger(label: "test"),
            onSourceSynced: { seen.add(($0, $1, $2)) })
        let total = try await sync.syncNow(source: nil)
        let reports = seen.lock.withLock { seen.reports }
        #expect(reports.map(\.0) == ["a", "b"])
        let a = reports[0].1
        #expect(a.fetched == 2 && a.parsed == 2 && a.failed == 0 && a.changes == 3, "\(a)")
        let b = reports[1].1
        #expect(b.fetched == 0 && b.failed == 1 && b.errors.count == 1, "\(b)")
        #expect(total == a + b)
        #expect(reports.allSatisfy { $0.2 >= .zero })
    }
}

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

/// A source reader that lists what it is told and serves each document's
/// bytes; a source can be made to fail.
final class FakeSources: SourceReading, @unchecked Sendable {
    private let lock = NSLock()
    private var documents: [String: [String: String]] = [:]
    private var failing: Set<String> = []
    private var _listings: [String] = []

    func set(_ source: String, _ docs: [String: String]) { lock.withLock { documents[source] = docs } }
    func fail(_ source: String, _ on: Bool = true) {
        lock.withLock { if on { failing.insert(source) } else { failing.remove(source) } }
    }
    /// The sources listed so far, in order.
    var listings: [String] { lock.withLock { _listings } }

    func listing(_ source: SourceSpec) async throws(FetchError) -> SourceListing {
        let (docs, fails) = lock.withLock { () -> ([String: String], Bool) in
            _listings.append(source.name)
            return (documents[source.name] ?? [:], failing.contains(source.name))
        }
        if fails { throw FetchError(url: source.url, reason: "HTTP 503") }
        return SourceListing(documents: docs.keys.sorted().map { ListedDocument(url: $0) }, pagesRead: 1)
    }

    func fetchEach(_ requests: [FetchRequest], _ body: @Sendable (FetchOutcome) async -> Void) async {
        for request in requests {
            let bytes = lock.withLock { documents.values.compactMap { $0[request.url] }.first } ?? ""
            await body(.fetched(FetchedDocument(url: request.url, bytes: Array(bytes.utf8), status: 200)))
        }
    }
}

/// Reads "START END GRADE" texts as Redbridge ILACS reports.
struct FakeReader: DocumentReading {
    var parserVersion: Int { 1 }
    func read(_ bytes: [UInt8]) async throws(DocumentReadError) -> Report {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ").map(String.init)
        guard parts.count == 3, let grade = Grade(rawValue: parts[2]) else { throw DocumentReadError("not a report") }
        return report(parts[0], parts[1], [.overall: grade])
    }
    func authorityName(slug: String) -> String? { nil }
}

/// The scheduler on a test clock, over a real store in a temp folder.
@Suite("Scheduler")
struct SchedulerTests {
    let clock = TestClock()
    let dir: TempDir
    let store: CasefileStore
    let sources = FakeSources()

    init() throws {
        dir = try TempDir("cfsched")
        store = try CasefileStore(path: dir.file("casefile.sqlite").path)
    }

    func settings(_ names: [String], interval: Duration = .seconds(3600)) -> SyncSettings {
        SyncSettings(
            sources: names.map {
                ScheduledSource(spec: SourceSpec(name: $0, kind: .feed, url: "https://example.org/\($0)"), interval: interval)
            },
            fetch: FetchSettings(), notifyInitialSync: false, announcer: Announcer(channels: ["team"]))
    }

    func service(_ s: SyncSettings) -> SyncService {
        let sources = self.sources
        return SyncService(
            settings: s, store: store, reader: FakeReader(), sources: { _, _ in sources },
            clock: ClockTime(clock, epoch: instant()), logger: Logger(label: "test"), random: { 0 })
    }

    /// True once no sync is under way and every source's next sync is
    /// planned after the clock's now: only then does moving the clock test
    /// the schedule (moved earlier, a sync still running would plan its
    /// next one from the moved time).
    func settled(_ service: SyncService) async -> Bool {
        await eventually(ticking: clock) {
            let board = await service.board
            let now = ClockTime(clock, epoch: instant()).now()
            return !board.busy && board.view.settings.sources.allSatisfy { (board.nextDue($0.name) ?? now) > now }
        }
    }

    func running(_ service: SyncService, _ body: () async throws -> Void) async throws {
        let task = Task { try await service.run() }
        defer { task.cancel() }
        try await body()
    }

    @Test func eachSourceIsSyncedAtStartThenOnItsInterval() async throws {
        sources.set("a", ["https://example.org/r1": "2019-04-29 2019-05-03 good"])
        let sync = service(settings(["a"]))
        try await running(sync) {
            #expect(await eventually(ticking: clock) { sources.listings == ["a"] })
            #expect(await eventually(ticking: clock) { try! store.counts().reports == 1 })
            #expect(await settled(sync))
            await clock.advance(by: .seconds(3599))
            try await Task.sleep(for: .milliseconds(50))
            #expect(sources.listings == ["a"], "not before its interval")
            #expect(await settled(sync))
            await clock.advance(by: .seconds(1))
            #expect(await eventually(ticking: clock) { sources.listings == ["a", "a"] })
        }
    }

    @Test func manyDocumentsAreReadInParallelAndStoredInBatches() async throws {
        var docs: [String: String] = [:]
        for i in 0..<40 {
            let day = 1 + i % 28, month = 1 + i / 28
            let start = String(format: "2019-%02d-%02d", month, day)
            docs["https://example.org/r\(i)"] = "\(start) \(start) good"
        }
        docs["https://example.org/junk"] = "not a report"
        sources.set("a", docs)
        var s = settings(["a"])
        s.readers = 4
        let sync = service(s)
        let result = try await sync.syncNow(source: "a")
        #expect(result.fetched == 41 && result.parsed == 40 && result.failed == 1)
        #expect(try store.counts().reports == 40)
        #expect(try store.documentState(url: "https://example.org/junk")?.lastError == "not a report")
    }

    @Test func aFailingSourceBacksOffAndRecoversByItself() async throws {
        sources.fail("a")
        let sync = service(settings(["a"]))
        try await running(sync) {
            #expect(await eventually(ticking: clock) { sources.listings.count == 1 })
            #expect(await settled(sync))
            await clock.advance(by: .seconds(3600))
            #expect(await eventually(ticking: clock) { sources.listings.count == 2 })
            // Two failures in a row: twice the interval.
            #expect(await settled(sync))
            await clock.advance(by: .seconds(3600))
            try await Task.sleep(for: .milliseconds(50))
            #expect(sources.listings.count == 2)
            sources.fail("a", false)
            #expect(await settled(sync))
            await clock.advance(by: .seconds(3600))
            #expect(await eventually(ticking: clock) { sources.listings.count == 3 })
            #expect(await eventually(ticking: clock) { (try? store.sourceState(name: "a"))??.consecutiveFailures == 0 })
            #expect(await settled(sync))
            await clock.advance(by: .seconds(3600))
            #expect(await eventually(ticking: clock) { sources.listings.count == 4 }, "back to its interval")
        }
    }

    @Test func pausedSourcesWaitAndResumeSyncsWhatIsDue() async throws {
        let sync = service(settings(["a"]))
        sync.setPaused(true)
        try await running(sync) {
            await clock.advance(by: .seconds(7200))
            try await Task.sleep(for: .milliseconds(50))
            #expect(sources.listings.isEmpty)
            #expect(sync.schedule().nextSync == nil)
            sync.setPaused(false)
            #expect(await eventually(ticking: clock) { sources.listings == ["a"] })
        }
    }

    @Test func aReloadKeepsTheDueTimeOfUnchangedSourcesAndSyncsNewOnesSoon() async throws {
        let sync = service(settings(["a"]))
        try await running(sync) {
            #expect(await eventually(ticking: clock) { sources.listings == ["a"] })
            sync.apply(settings(["a", "b"]))
            #expect(await eventually(ticking: clock) { sources.listings == ["a", "b"] })
            sync.requestSync(source: "a")
            #expect(await eventually(ticking: clock) { sources.listings == ["a", "b", "a"] })
            #expect(sync.hasSource("b"))
            #expect(await sync.hasSource("c") == false)
        }
    }

    @Test func aManualSyncOfAnUnknownSourceIsRefused() async throws {
        let sync = service(settings(["a"]))
        await #expect(throws: SyncRequestError.self) { try await sync.syncNow(source: "nope") }
    }
}

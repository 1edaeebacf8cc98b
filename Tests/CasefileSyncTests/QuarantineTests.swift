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

/// Reads like `FakeReader`, counting its reads, as parser `version`; bytes
/// beginning "helper down" fail without being the document's fault.
final class CountingReader: DocumentReading, @unchecked Sendable {
    let version: Int
    private let lock = NSLock()
    private var _reads: [String] = []
    init(version: Int) { self.version = version }
    var reads: [String] { lock.withLock { _reads } }

    var parserVersion: Int { version }
    func read(_ bytes: [UInt8]) async throws(DocumentReadError) -> Report {
        let text = String(decoding: bytes, as: UTF8.self)
        lock.withLock { _reads.append(text) }
        if text.hasPrefix("helper down") { throw DocumentReadError("the extraction helper is not installed", quarantine: false) }
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 3, let grade = Grade(rawValue: parts[2]) else { throw DocumentReadError("extraction timed out after 60s") }
        return report(parts[0], parts[1], [.overall: grade])
    }
    func authorityName(slug: String) -> String? { nil }
}

/// A document whose read failed is quarantined: not read again until its
/// bytes or the parser change; `reparse --document` retries it; a failure
/// that is not the document's fault is not quarantined (docs/SANDBOX.md).
@Suite("Quarantine")
struct QuarantineTests {
    let clock = TestClock()
    let dir: TempDir
    let store: CasefileStore
    let sources = FakeSources()

    init() throws {
        dir = try TempDir("cfquar")
        store = try CasefileStore(path: dir.file("casefile.sqlite").path)
    }

    func service(_ reader: CountingReader) -> SyncService {
        let sources = self.sources
        let settings = SyncSettings(
            sources: [ScheduledSource(spec: SourceSpec(name: "a", kind: .feed, url: "https://example.org/a"), interval: .seconds(3600))],
            fetch: FetchSettings(), notifyInitialSync: false, announcer: Announcer(channels: []), readers: 2)
        return SyncService(
            settings: settings, store: store, reader: reader, sources: { _, _ in sources },
            clock: ClockTime(clock, epoch: instant()), logger: Logger(label: "test"), random: { 0 })
    }

    @Test func aFailedReadIsNotRepeatedUntilTheBytesOrTheParserChange() async throws {
        sources.set(
            "a",
            [
                "https://example.org/bad": "pathological",
                "https://example.org/down": "helper down",
                "https://example.org/good": "2019-04-29 2019-05-03 good",
            ])
        let v1 = CountingReader(version: 1)
        let sync = service(v1)
        let first = try await sync.syncNow(source: "a")
        #expect(first.parsed == 1 && first.failed == 2, "\(first)")
        var quarantined = try store.quarantinedDocuments()
        #expect(quarantined.map(\.url) == ["https://example.org/bad"])
        #expect(quarantined.first?.reason == "extraction timed out after 60s" && quarantined.first?.parserVersion == 1)
        #expect(try store.quarantinedCount() == 1)

        // Same bytes, same parser: not read again. The helper failure is.
        let second = try await sync.syncNow(source: "a")
        #expect(second.failed == 1 && second.notModified == 2, "\(second)")
        #expect(v1.reads.filter { $0 == "pathological" }.count == 1)
        #expect(v1.reads.filter { $0 == "helper down" }.count == 2)
        let sourcesInfo = sync.sourceInfos()
        #expect(sourcesInfo.first?.quarantined?.map(\.reason) == ["extraction timed out after 60s"])

        // reparse --document: read again now, from the kept bytes; still failing.
        let id = try #require(quarantined.first?.id)
        let retry = try #require(await sync.reparse(document: id))
        #expect(retry.documents == 1 && retry.failed == 1)
        #expect(v1.reads.filter { $0 == "pathological" }.count == 2)
        #expect(await sync.reparse(document: id + 1000) == nil)

        // A new parser tries it once, at its re-parse.
        let v2 = CountingReader(version: 2)
        let newer = service(v2)
        let reparse = await newer.reparse()
        #expect(reparse.failed == 1 && reparse.reparsed == 1, "\(reparse)")
        #expect(v2.reads.filter { $0 == "pathological" }.count == 1)
        quarantined = try store.quarantinedDocuments()
        #expect(quarantined.first?.parserVersion == 2)
        _ = try await newer.syncNow(source: "a")
        #expect(v2.reads.filter { $0 == "pathological" }.count == 1, "not again by the same new parser")

        // New bytes: read, and out of quarantine.
        sources.set(
            "a",
            [
                "https://example.org/bad": "2022-03-07 2022-03-18 good",
                "https://example.org/good": "2019-04-29 2019-05-03 good",
            ])
        let fixed = try await newer.syncNow(source: "a")
        #expect(fixed.parsed == 1 && fixed.failed == 0, "\(fixed)")
        #expect(try store.quarantinedDocuments().isEmpty)
        #expect(try store.documentState(url: "https://example.org/bad")?.quarantineHash == nil)
    }
}

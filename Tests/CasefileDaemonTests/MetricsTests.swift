import CasefileControl
import CasefileModel
import CasefileStore
import CasefileTestKit
import Foundation
import Logging
import Testing

@testable import CasefileDaemon

@Suite(.serialized)
struct MetricsTests {
    @Test("sync durations and documents per source; changes by kind, outbox per channel, last success from the store")
    func render() throws {
        let s = try FilledStore.sample()
        try s.store.recordSourceSuccess(name: "samples", documents: 3, at: FilledStore.at(300))
        let parked = try #require(try s.store.dueDeliveries(channel: "log", now: FilledStore.at(3600), limit: 1).first)
        try s.store.markDeliveryFailed(id: parked.id, error: "down", nextAttemptAt: nil, at: FilledStore.at(3600))
        let metrics = DaemonMetrics(store: s.store)
        metrics.sourceSynced(
            "samples", SyncResponse(fetched: 3, notModified: 1, parsed: 2, failed: 1, changes: 4), duration: .milliseconds(1500))
        metrics.sourceSynced("samples", SyncResponse(notModified: 3), duration: .milliseconds(200))
        metrics.sourceSynced("ofsted", SyncResponse(failed: 1), duration: .seconds(40))

        let text = try PromText(String(decoding: metrics.render(), as: UTF8.self))
        #expect(text.types["casefile_documents_total"] == "counter")
        #expect(text.types["casefile_sync_duration_seconds"] == "histogram")
        #expect(text.types["casefile_changes_total"] == "counter")
        #expect(text.types["casefile_outbox_pending"] == "gauge")
        #expect(text.value("casefile_documents_total", ["source": "samples", "outcome": "fetched"]) == 3)
        #expect(text.value("casefile_documents_total", ["source": "samples", "outcome": "not_modified"]) == 4)
        #expect(text.value("casefile_documents_total", ["source": "samples", "outcome": "parsed"]) == 2)
        #expect(text.value("casefile_documents_total", ["source": "samples", "outcome": "failed"]) == 1)
        #expect(text.value("casefile_documents_total", ["source": "ofsted", "outcome": "failed"]) == 1)
        #expect(text.value("casefile_sync_duration_seconds_count", ["source": "samples"]) == 2)
        #expect(abs((text.value("casefile_sync_duration_seconds_sum", ["source": "samples"]) ?? 0) - 1.7) < 1e-6)
        #expect(text.value("casefile_sync_duration_seconds_bucket", ["source": "ofsted", "le": "15.0"]) == 0)
        #expect(text.value("casefile_sync_duration_seconds_bucket", ["source": "ofsted", "le": "60.0"]) == 1)
        #expect(text.value("casefile_changes_total", ["kind": "report_added"]) == 3)
        #expect(text.value("casefile_changes_total", ["kind": "grade_changed"]) == 1)
        #expect(text.value("casefile_changes_total", ["kind": "report_withdrawn"]) == 0)
        #expect(text.value("casefile_outbox_pending", ["channel": "log"]) == 3)
        #expect(text.value("casefile_outbox_parked", ["channel": "log"]) == 1)
        let lastSuccess = text.value("casefile_source_last_success_timestamp_seconds", ["source": "samples"])
        #expect(lastSuccess == FilledStore.at(300).timeIntervalSince1970)
        #expect(text.value("casefile_reports") == 3)
        #expect(text.value("casefile_store_readable") == 1)
        #expect(text.value("casefile_publish_failing") == nil, "no [publish]: no publishing figures")

        // A second scrape counts nothing twice; a new change is counted once.
        _ = metrics.render()
        try s.ingest(
            FilledStore.report("kent", "Kent County Council", .ilacs, "2025-10-27", "2025-11-07", FilledStore.good4),
            url: "https://files.ofsted.gov.uk/v1/file/kent", at: FilledStore.at(400))
        let again = try PromText(String(decoding: metrics.render(), as: UTF8.self))
        #expect(again.value("casefile_changes_total", ["kind": "report_added"]) == 4)
        #expect(again.value("casefile_outbox_pending", ["channel": "log"]) == 4)
    }

    @Test("the publisher's health; a channel gone from the outbox reads 0, not its last value")
    func publishAndGoneChannels() throws {
        let s = try FilledStore.sample()
        let publisher = Publisher(settings: PublishSettings(folder: s.dir.file("pub").path), store: s.store, logger: Logger(label: "t"))
        let metrics = DaemonMetrics(store: s.store, publishHealth: { publisher.health })
        var text = try PromText(String(decoding: metrics.render(), as: UTF8.self))
        #expect(text.value("casefile_publish_failing") == 0)
        #expect(text.value("casefile_publish_last_success_timestamp_seconds") == nil)
        #expect(publisher.publish())
        for d in try s.store.dueDeliveries(channel: "log", now: FilledStore.at(3600), limit: 100) {
            try s.store.markDelivered(id: d.id, at: FilledStore.at(3600))
        }
        text = try PromText(String(decoding: metrics.render(), as: UTF8.self))
        let published = try #require(text.value("casefile_publish_last_success_timestamp_seconds"))
        #expect(abs(published - Date().timeIntervalSince1970) < 60)
        #expect(text.value("casefile_outbox_pending", ["channel": "log"]) == 0)
    }

    @Test("[metrics] textfile: the same text, written whole with mode 0644; a failure is logged once and retried")
    func textfile() throws {
        let s = try FilledStore.sample()
        let metrics = DaemonMetrics(store: s.store)
        let path = s.dir.file("casefiled.prom").path
        let writer = MetricsTextfile(settings: .init(path: path), metrics: metrics, logger: Logger(label: "t"))
        #expect(writer.write())
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o777 == 0o644)
        let written = try PromText(try String(contentsOfFile: path, encoding: .utf8))
        #expect(written.value("casefile_changes_total", ["kind": "report_added"]) == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

        writer.update(.init(path: s.dir.file("no-such-folder/casefiled.prom").path))
        #expect(!writer.write())
        writer.update(.init(path: nil))
        #expect(writer.write(), "nothing configured: nothing to write")
    }
}

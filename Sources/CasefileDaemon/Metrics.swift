import CasefileControl
import CasefileModel
import CasefileStore
import CoreMetrics
import Foundation
import Prometheus

/// The daemon's metrics, through swift-metrics with swift-prometheus as its
/// backend, in Prometheus' text format (`GET /v1/metrics`, `[metrics] textfile`).
///
/// Two kinds of figures:
/// - what happens in this process: each source's sync duration and its
///   documents fetched, not modified, parsed and failed, fed after each
///   source's sync from the scheduler's own summary (`SyncResponse`, through
///   `SyncService`'s `onSourceSynced`), so the sync code carries no metrics
///   code and no metrics dependency;
/// - what the store holds, read at scrape time: the change log by kind,
///   deliveries pending and parked per channel, each source's last success,
///   the reports on file. These are right across restarts (a counter kept in
///   memory would start again from zero) and cost a few grouped counts.
///
/// The factory is this object's own, never `MetricsSystem.bootstrap`'s
/// global one: nothing else in the process reports into it, and a test can
/// make as many as it likes.
final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let store: CasefileStore
    /// The change log's counts already added to `casefile_changes_total`.
    private let counted = Locked<[ChangeKind: Int]>([:])
    /// Label values seen before, set to 0 when they are gone (a channel
    /// removed, its deliveries orphaned), rather than left at an old value.
    private let seenChannels = Locked<Set<String>>([])
    /// How the publisher is doing, read at scrape time.
    private let publishHealth: @Sendable () -> (lastPublished: Date?, failing: Bool, configured: Bool)

    static let syncBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300),
        .seconds(900), .seconds(1800), .seconds(3600),
    ]

    init(
        store: CasefileStore,
        publishHealth: @escaping @Sendable () -> (lastPublished: Date?, failing: Bool, configured: Bool) = { (nil, false, false) }
    ) {
        self.store = store
        self.publishHealth = publishHealth
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["casefile_sync_duration_seconds"] = Self.syncBuckets
        self.factory = factory
    }

    /// One source's sync ended: its duration and what happened to its documents.
    func sourceSynced(_ source: String, _ result: SyncResponse, duration: Duration) {
        CoreMetrics.Timer(label: "casefile_sync_duration_seconds", dimensions: [("source", source)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        let outcomes = [
            ("fetched", result.fetched), ("not_modified", result.notModified), ("parsed", result.parsed), ("failed", result.failed),
        ]
        for (outcome, n) in outcomes {
            // Every outcome is counted, 0 too, so each series exists from the first sync.
            CoreMetrics.Counter(
                label: "casefile_documents_total", dimensions: [("source", source), ("outcome", outcome)], factory: factory
            )
            .increment(by: n)
        }
    }

    /// The metrics as Prometheus text, the store's figures read now. A store
    /// that cannot be read leaves them at their last values and says so in
    /// `casefile_store_readable`.
    func render() -> [UInt8] {
        let readable: Bool
        do {
            refresh(try store.metrics(), reports: try store.counts().reports)
            readable = true
        } catch {
            readable = false
        }
        gauge("casefile_store_readable", [], readable ? 1 : 0)
        let health = publishHealth()
        if health.configured {
            gauge("casefile_publish_failing", [], health.failing ? 1 : 0)
            if let last = health.lastPublished {
                gauge("casefile_publish_last_success_timestamp_seconds", [], last.timeIntervalSince1970.rounded(.down))
            }
        }
        return registry.emitToBuffer()
    }

    private func refresh(_ m: StoreMetrics, reports: Int) {
        gauge("casefile_reports", [], Double(reports))
        let added = counted.update { seen -> [(ChangeKind, Int)] in
            var delta: [(ChangeKind, Int)] = []
            for kind in ChangeKind.allCases {
                let now = m.changesByKind[kind] ?? 0
                delta.append((kind, max(0, now - (seen[kind] ?? 0))))
                seen[kind] = max(now, seen[kind] ?? 0)
            }
            return delta
        }
        for (kind, n) in added {
            CoreMetrics.Counter(label: "casefile_changes_total", dimensions: [("kind", kind.rawValue)], factory: factory).increment(by: n)
        }
        let channels = Set(m.pendingByChannel.keys).union(m.parkedByChannel.keys)
        let all = seenChannels.update { seen -> Set<String> in
            seen.formUnion(channels)
            return seen
        }
        for channel in all.sorted() {
            gauge("casefile_outbox_pending", [("channel", channel)], Double(m.pendingByChannel[channel] ?? 0))
            gauge("casefile_outbox_parked", [("channel", channel)], Double(m.parkedByChannel[channel] ?? 0))
        }
        for (source, date) in m.lastSuccessBySource {
            gauge("casefile_source_last_success_timestamp_seconds", [("source", source)], date.timeIntervalSince1970.rounded(.down))
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ value: Double) {
        CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory).record(value)
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : ns.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

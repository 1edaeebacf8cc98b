import CasefileConfig
import CasefileModel
import CasefileSync
import Foundation
import Logging
import ServiceLifecycle

/// `[metrics] textfile`: the metrics of `GET /v1/metrics`, written to a
/// `.prom` file for node_exporter's textfile collector (Prometheus cannot
/// scrape a Unix socket), every `textfile_interval` and after each sync,
/// by an atomic rename (node_exporter never reads half a file), mode 0644
/// (node_exporter runs as another user).
final class MetricsTextfile: Service, Sendable {
    struct Settings: Sendable, Equatable {
        var path: String?
        var interval: Duration

        init(path: String?, interval: Duration = .seconds(60)) {
            self.path = path
            self.interval = interval
        }

        init(_ config: MetricsConfig) {
            self.init(path: config.textfile, interval: config.textfileInterval)
        }
    }

    private let metrics: DaemonMetrics
    private let logger: Logger
    private let alarm = LoopAlarm()
    private let settings: Locked<Settings>
    /// The last failure logged, so that a lasting one is logged once, not every minute.
    private let lastError = Locked<String?>(nil)

    init(settings: Settings, metrics: DaemonMetrics, logger: Logger) {
        self.settings = Locked(settings)
        self.metrics = metrics
        self.logger = logger
    }

    /// Rewrite the file soon (a sync ended).
    func wake() { alarm.wake() }

    /// A reload's settings; the file is written at once under them.
    func update(_ new: Settings) {
        settings.value = new
        alarm.wake()
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: { [alarm] in
            alarm.stop()
        }
    }

    private func loop() async {
        var waiter = alarm.makeWaiter()
        repeat {
            write()
        } while await waiter.wait(for: settings.value.interval, on: WallClock())
    }

    /// Writes the file now, when one is configured; false when that failed.
    @discardableResult
    func write() -> Bool {
        guard let path = settings.value.path else { return true }
        do {
            try AtomicFile.write(metrics.render(), to: path, mode: 0o644)
            if lastError.update({ e -> Bool in
                defer { e = nil }; return e != nil
            }) {
                logger.notice("metrics: writing \(path) works again")
            }
            return true
        } catch {
            let message = "\(error)"
            if lastError.update({ e -> Bool in
                defer { e = message }; return e != message
            }) {
                logger.error("metrics: cannot write the textfile: \(message)")
            }
            return false
        }
    }
}

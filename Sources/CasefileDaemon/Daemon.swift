import CasefileConfig
import CasefileControl
import CasefileHTTP
import CasefileModel
import CasefileNotify
import CasefileParse
import CasefileSandbox
import CasefileStore
import CasefileSync
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `casefiled`: load the config, open the store (migrations run before
/// anything starts), then run the sync scheduler, the outbox worker and the
/// control server in one ServiceGroup until SIGTERM.
public enum Daemon {
    /// The default config path, as installed.
    public static let defaultConfigPath = "/etc/casefiled/casefiled.toml"

    /// `casefiled --check-config`: 0 when the file is valid, 1 with the reason.
    public static func checkConfig(path: String) -> Int32 {
        do {
            let config = try CasefileConfig.load(path: path)
            print("\(config.file): OK (\(config.sources.count) sources, \(config.notifiers.count) notifiers)")
            return 0
        } catch {
            Output.stderr("casefiled: \(error)\n")
            return 1
        }
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public static func run(configPath: String) async -> Int32 {
        // A reader that went away (a notifier command that exits without
        // reading its stdin) must give EPIPE, not kill the daemon.
        signal(SIGPIPE, SIG_IGN)
        let config: CasefileConfig
        do {
            config = try CasefileConfig.load(path: configPath)
        } catch {
            Output.stderr("<3>casefiled: refusing to start: \(error)\n")
            return 1
        }
        let level = config.daemon.logLevel.loggerLevel
        JournalLogHandler.bootstrap(level: level)
        let logger = Logger(label: "casefiled")

        do {
            try FileManager.default.createDirectory(
                atPath: config.daemon.stateDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            logger.critical("cannot create state folder \(config.daemon.stateDir): \(error.localizedDescription)")
            return 1
        }
        let lock: StateLock
        do {
            lock = try StateLock.acquire(stateDir: config.daemon.stateDir)
        } catch {
            logger.critical("refusing to start: \(error)")
            return 1
        }
        defer { close(lock.fd) }
        let storePath = (config.daemon.stateDir as NSString).appendingPathComponent("casefile.sqlite")
        let store: CasefileStore
        do {
            store = try CasefileStore(path: storePath, checkIntegrity: false, readOnlyFallback: true)
        } catch {
            // A store that cannot even be opened (read-only when SQLite must
            // set up its WAL, a full disk, a lock held at start): say what to do.
            let advice = StoreFault.of(error).map { "; \($0.description); what to do: \($0.advice(folder: config.daemon.stateDir))" } ?? ""
            logger.critical("cannot open the store \(storePath): \(error)\(advice)")
            return 1
        }
        if store.openedReadOnly {
            logger.critical(
                "the store \(storePath) cannot be written: opened for reading only; syncing and deliveries wait until it can be")
        }
        // Socket activation: systemd holds the socket across restarts. Otherwise
        // bind it ourselves, after dialing any socket file already there.
        let socket: ControlSocket
        if let fd = SocketActivation.inheritedSocket() {
            socket = .inherited(fd: fd, path: config.daemon.socket)
            logger.info("using the control socket passed by systemd (fd \(fd))")
        } else {
            do {
                try SocketGuard.prepare(path: config.daemon.socket)
            } catch {
                logger.critical("control socket: \(error)")
                return 1
            }
            socket = .path(config.daemon.socket)
        }

        // Whether the store takes writes, shared by the scheduler and the
        // outbox. The store's integrity and whether it takes writes are
        // checked beside the services, on a thread of their own: the socket
        // answers meanwhile, and nothing writes until the check passes.
        let health = StoreHealth()
        if store.openedReadOnly {
            health.report(StoreFault(kind: .readOnly, message: "opened for reading only"), folder: store.folder, at: Date())
        }
        let check = StartupCheck()
        check.begin(health: health)
        // From here on systemd's STATUS= says what the store does, whichever
        // part found out.
        health.onChange {
            if let problem = health.problem {
                SDNotify.send("STATUS=NOT SYNCING OR DELIVERING: \(problem.message); what to do: \(problem.advice)")
            } else {
                SDNotify.send("STATUS=the store takes writes: syncing and deliveries go on")
            }
        }
        let outbox = OutboxWorker(
            queue: store, channels: config.channels(), policy: OutboxPolicy(), logger: logger, health: health,
            storeFolder: store.folder)
        let publisher = Publisher(settings: PublishSettings(config.publish), store: store, logger: logger)
        let metrics = DaemonMetrics(store: store, publishHealth: { publisher.health })
        let textfile = MetricsTextfile(settings: .init(config.metrics), metrics: metrics, logger: logger)
        // Extraction runs in sandboxed helpers (docs/SANDBOX.md), never here.
        let extractors = ExtractorPool(settings: config.sandboxSettings())
        if let helper = config.sandboxSettings().helperPath ?? HelperLocation.find() {
            logger.info("extraction helper: \(helper)")
        } else {
            let looked = HelperLocation.candidates().joined(separator: ", ")
            logger.error("the extraction helper \(HelperLocation.name) is not installed (looked for \(looked)): no document can be read")
        }
        let sync = SyncService(
            settings: config.syncSettings(authorities: .bundled), store: store, reader: ParserReader(pool: extractors), logger: logger,
            health: health, startGate: { await check.wait() },
            onChanges: {
                outbox.wake(); publisher.wake()
            }, onStatus: { SDNotify.send("STATUS=\($0)") },
            onSourceSynced: {
                metrics.sourceSynced($0, $1, duration: $2); textfile.wake()
            })
        let permissions = PermissionCheck(policy: AccessPolicy(adminGroup: config.daemon.adminGroup), logger: logger)
        let reloader = Reloader(
            config: config, path: config.file, sync: sync, outbox: outbox, permissions: permissions, logger: logger,
            onReload: { new in
                publisher.update(PublishSettings(new.publish))
                textfile.update(.init(new.metrics))
                let sandbox = new.sandboxSettings()
                Task { await extractors.update(sandbox) }
            })
        let router = Router(context: ControlContext.self)
        router.middlewares.add(JSONErrorMiddleware(logger: logger))
        ControlRoutes(
            store: store, sync: sync, reloader: reloader,
            permissions: permissions,
            storePath: storePath, started: Date(), outbox: outbox, publisher: publisher, metrics: metrics
        ).register(on: router)
        let socketPath = config.daemon.socket
        let listener = ControlListener(
            responder: router.buildResponder(), socket: socket, limits: ControlLimits(), permissions: permissions, logger: logger,
            onReady: {
                logger.info(
                    "casefiled \(ControlAPI.version) listening on \(socketPath), store \(storePath), \(config.sources.count) sources")
                SDNotify.send("READY=1\nSTATUS=listening on \(socketPath)\nMAINPID=\(getpid())")
            })

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: listener),
            .init(service: sync),
            .init(service: outbox),
            .init(service: publisher),
            .init(service: textfile),
            .init(service: HangupService(reloader: reloader)),
            .init(service: StopNotifier()),
        ]
        let stall = max(
            Duration.seconds(max(120, 2 * config.fetch.timeout.timeInterval)), config.daemon.parseTimeout * 2)
        if let watchdog = WatchdogService.fromEnvironment(sync: sync, stall: stall, logger: logger) {
            services.append(.init(service: watchdog))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let checking = Task.detached {
            await check.run(store: store, health: health, logger: logger, stop: { await group.triggerGracefulShutdown() })
        }
        defer { checking.cancel() }
        // Closed before exit, once every access has ended, so that SQLite
        // folds the WAL into the file: a stopped daemon leaves one whole
        // file to copy or check, whichever thread still held the store.
        // Left to deinitialisation, that depended on the threads' order.
        func closeStore() {
            do {
                try store.close()
            } catch {
                logger.warning("closing the store: \(error); its WAL stays beside it and is read at the next start")
            }
        }
        do {
            try await group.run()
        } catch {
            logger.error("stopped with an error: \(error)")
            await extractors.shutdown()
            closeStore()
            return 1
        }
        await extractors.shutdown()
        closeStore()
        if check.refused { return 1 }
        logger.info("stopped")
        return 0
    }
}

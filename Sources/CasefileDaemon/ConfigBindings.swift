import CasefileConfig
import CasefileFetch
import CasefileHTTP
import CasefileModel
import CasefileNotify
import CasefileParse
import CasefileSandbox
import CasefileSync
import Foundation
import Logging

// The one place where the config file's settings become the running parts'
// own types: the sync scheduler's sources and fetch settings, the
// notification channels and their filters, the log level. Every switch here
// is exhaustive: the config's types say exactly what each kind has, so a new
// kind or value is a compile error here until it is bound, never a fallback.

extension CasefileConfig {
    /// What the sync scheduler runs.
    func syncSettings(authorities directory: AuthorityDirectory) -> SyncSettings {
        SyncSettings(
            sources: sources.map { ScheduledSource(spec: Self.spec($0), interval: interval(for: $0)) },
            fetch: Self.fetchSettings(fetch), notifyInitialSync: daemon.notifyInitialSync,
            announcer: Announcer(channels: notifiers.map(\.name), filters: channelFilters(authorities: directory)),
            readers: sandboxSettings().workers)
    }

    /// The extraction helpers' number and limits.
    func sandboxSettings() -> SandboxSettings {
        var settings = SandboxSettings(timeout: daemon.parseTimeout, maxMemory: daemon.parseMaxMemory, maxPages: daemon.parseMaxPages)
        if let workers = daemon.parseWorkers { settings.workers = workers }
        return settings
    }

    static func fetchSettings(_ f: FetchConfig) -> FetchSettings {
        FetchSettings(
            timeout: f.timeout.timeInterval, connectTimeout: f.connectTimeout.timeInterval, maxBytes: f.maxBytes,
            maxRedirects: f.maxRedirects, userAgent: f.userAgent, contact: f.contact, caBundle: f.caBundle,
            concurrency: f.concurrency, perHostConcurrency: f.perHostConcurrency, perHostDelay: f.perHostDelay.timeInterval,
            retries: f.retries)
    }

    static func spec(_ s: SourceConfig) -> SourceSpec {
        switch s.kind {
        case .document(let d):
            return SourceSpec(name: s.name, kind: .document, url: d.url)
        case .directory(let d):
            return SourceSpec(
                name: s.name, kind: .directory, url: d.url, credentialsFile: d.credentialsFile,
                ssh: SSHSettings(knownHosts: d.sshKnownHosts, keyFile: d.sshKeyFile))
        case .crawl(let c):
            return SourceSpec(
                name: s.name, kind: .crawl, url: c.url, follow: c.follow, documents: c.documents, maxDepth: c.maxDepth,
                labelInclude: c.labelInclude, labelExclude: c.labelExclude)
        case .feed(let f):
            let format: FeedFormat =
                switch f.format {
                case .auto: .auto
                case .atom: .atom
                case .rss: .rss
                case .json: .json
                }
            return SourceSpec(
                name: s.name, kind: .feed, url: f.url, documents: f.documents, labelInclude: f.labelInclude,
                labelExclude: f.labelExclude, format: format)
        }
    }

    /// The notification channels, in config order.
    func channels() -> [any NotificationChannel] {
        var env = ProcessInfo.processInfo.environment
        env["CASEFILE_STATE_DIR"] = daemon.stateDir
        return notifiers.map { n -> any NotificationChannel in
            switch n.kind {
            case .command(let c):
                return CommandChannel(
                    name: n.name, argv: c.argv, maxAttempts: n.maxAttempts, timeout: n.timeout, retryDelay: n.retryDelay,
                    environment: env)
            case .webhook(let w):
                return WebhookChannel(
                    name: n.name, url: w.url, headers: w.headers.map { ($0.name, $0.value) }, headersFile: w.headersFile,
                    secretFile: w.secretFile, maxAttempts: n.maxAttempts, timeout: n.timeout, retryDelay: n.retryDelay,
                    userAgent: fetch.userAgent, caBundle: fetch.caBundle)
            case .email(let e):
                let starttls: SMTPMessage.StartTLS =
                    switch e.starttls {
                    case .required: .required
                    case .optional: .optional
                    case .never: .never
                    }
                return EmailChannel(
                    name: n.name, url: e.url, from: e.from, to: e.to, credentialsFile: e.credentialsFile,
                    starttls: starttls, maxAttempts: n.maxAttempts, timeout: n.timeout, retryDelay: n.retryDelay,
                    caBundle: fetch.caBundle)
            }
        }
    }

    /// Each notifier's filters as they are applied when a change is
    /// committed: `authorities` and `regions` (through the authority list)
    /// become one set of slugs.
    func channelFilters(authorities directory: AuthorityDirectory) -> [String: ChannelFilter] {
        Dictionary(
            notifiers.map { n in
                var slugs: Set<String>?
                if !n.authorities.isEmpty || !n.regions.isEmpty {
                    let regions = Set(n.regions.map { $0.lowercased() })
                    slugs = Set(n.authorities).union(directory.all.filter { regions.contains($0.region.lowercased()) }.map(\.slug))
                }
                let direction: Direction? =
                    switch n.direction {
                    case .any: nil
                    case .improved: .improved
                    case .declined: .declined
                    }
                return (
                    n.name,
                    ChannelFilter(kinds: Set(n.on), authorities: slugs, direction: direction, areas: n.areas.isEmpty ? nil : Set(n.areas))
                )
            }, uniquingKeysWith: { a, _ in a })
    }
}

extension DaemonConfig.LogLevel {
    /// The logger's level for `log_level`.
    var loggerLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
    }
}

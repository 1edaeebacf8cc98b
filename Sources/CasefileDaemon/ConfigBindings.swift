import CasefileConfig
import CasefileFetch
import CasefileHTTP
import CasefileModel
import CasefileNotify
import CasefileParse
import CasefileSync
import Foundation

// The one place where the config file's settings become the running parts'
// own types: the sync scheduler's sources and fetch settings, the
// notification channels and their filters.

extension CasefileConfig {
    /// What the sync scheduler runs.
    func syncSettings(authorities directory: AuthorityDirectory) -> SyncSettings {
        SyncSettings(
            sources: sources.map { ScheduledSource(spec: Self.spec($0), interval: interval(for: $0)) },
            fetch: Self.fetchSettings(fetch), notifyInitialSync: daemon.notifyInitialSync,
            announcer: Announcer(channels: notifiers.map(\.name), filters: channelFilters(authorities: directory)))
    }

    static func fetchSettings(_ f: FetchConfig) -> FetchSettings {
        FetchSettings(
            timeout: f.timeout.timeInterval, connectTimeout: f.connectTimeout.timeInterval, maxBytes: f.maxBytes,
            maxRedirects: f.maxRedirects, userAgent: f.userAgent, contact: f.contact, caBundle: f.caBundle,
            concurrency: f.concurrency, perHostConcurrency: f.perHostConcurrency, perHostDelay: f.perHostDelay.timeInterval,
            retries: f.retries)
    }

    static func spec(_ s: SourceConfig) -> SourceSpec {
        SourceSpec(
            name: s.name, kind: SourceKind(rawValue: s.kind.rawValue) ?? .document, url: s.url, follow: s.follow,
            documents: s.documents, maxDepth: s.maxDepth, labelInclude: s.labelInclude, labelExclude: s.labelExclude,
            credentialsFile: s.credentialsFile, ssh: SSHSettings(knownHosts: s.sshKnownHosts, keyFile: s.sshKeyFile),
            format: FeedFormat(rawValue: s.format.rawValue) ?? .auto)
    }

    /// The notification channels, in config order.
    func channels() -> [any NotificationChannel] {
        var env = ProcessInfo.processInfo.environment
        env["CASEFILE_STATE_DIR"] = daemon.stateDir
        return notifiers.map { n -> any NotificationChannel in
            switch n.kind {
            case .command:
                return CommandChannel(
                    name: n.name, argv: n.command, maxAttempts: n.maxAttempts, timeout: n.timeout, environment: env)
            case .webhook:
                return WebhookChannel(
                    name: n.name, url: n.url ?? "", headers: n.headers.map { ($0.name, $0.value) }, secretFile: n.secretFile,
                    maxAttempts: n.maxAttempts, timeout: n.timeout, userAgent: fetch.userAgent, caBundle: fetch.caBundle)
            case .email:
                let starttls: SMTPMessage.StartTLS
                switch n.starttls {
                case .required: starttls = .required
                case .optional: starttls = .optional
                case .never: starttls = .never
                }
                return EmailChannel(
                    name: n.name, url: n.url ?? "", from: n.from ?? "", to: n.to, credentialsFile: n.credentialsFile,
                    starttls: starttls, maxAttempts: n.maxAttempts, timeout: n.timeout, caBundle: fetch.caBundle)
            }
        }
    }

    /// Each notifier's filters as they are applied when a change is
    /// committed: `authorities` and `regions` (through the authority list)
    /// become one set of slugs.
    func channelFilters(authorities directory: AuthorityDirectory) -> [String: ChannelFilter] {
        Dictionary(notifiers.map { n in
            var slugs: Set<String>?
            if !n.authorities.isEmpty || !n.regions.isEmpty {
                let regions = Set(n.regions.map { $0.lowercased() })
                slugs = Set(n.authorities).union(directory.all.filter { regions.contains($0.region.lowercased()) }.map(\.slug))
            }
            let direction: Direction? = switch n.direction {
            case .any: nil
            case .improved: .improved
            case .declined: .declined
            }
            return (n.name, ChannelFilter(
                kinds: Set(n.on), authorities: slugs, direction: direction, areas: n.areas.isEmpty ? nil : Set(n.areas)))
        }, uniquingKeysWith: { a, _ in a })
    }
}

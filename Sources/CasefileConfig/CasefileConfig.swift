import CasefileModel

/// The daemon's configuration, read from one TOML file (DESIGN.md, "The
/// config file"; `Config/casefiled.toml` documents every key).
///
/// The file is strict: an unknown key or table, a value of the wrong type
/// or out of range, or a missing required key refuses the whole file with
/// its path, line and key (see `ConfigError`). Relative paths are resolved
/// against the folder of the config file, never the working directory, so a
/// config means the same wherever the daemon is started from.
public struct CasefileConfig: Sendable, Equatable {
    /// Absolute path of the file read (as given to `parse`).
    public var file: String
    public var daemon: DaemonSettings
    public var fetch: FetchConfig
    /// `[[source]]` tables, in file order. May be empty: the daemon then
    /// serves its API and fetches nothing.
    public var sources: [SourceConfig]
    /// `[[notify]]` tables, in file order.
    public var notifiers: [NotifierConfig]

    public init(
        file: String, daemon: DaemonSettings = .init(), fetch: FetchConfig = .init(),
        sources: [SourceConfig] = [], notifiers: [NotifierConfig] = []
    ) {
        self.file = file
        self.daemon = daemon
        self.fetch = fetch
        self.sources = sources
        self.notifiers = notifiers
    }

    /// How often `source` is synced: its own `interval`, else `daemon.interval`.
    public func interval(for source: SourceConfig) -> Duration {
        source.interval ?? daemon.interval
    }

    /// Reads and checks the config file at `path` (relative paths are taken
    /// from the working directory; `file` is then the absolute path).
    ///
    /// A missing, unreadable or non-UTF-8 file is a `ConfigError` naming it.
    public static func load(path: String) throws(ConfigError) -> CasefileConfig {
        let absolute = ConfigPaths.absolute(path)
        let bytes = try FileReader.read(absolute)
        let text = try FileReader.utf8(bytes, file: absolute)
        return try parse(text: text, file: absolute, baseDirectory: ConfigPaths.directory(of: absolute))
    }

    /// Checks config `text`. `file` is used in messages and kept in `file`;
    /// relative paths in the text resolve against `baseDirectory` (itself
    /// taken from the working directory if relative).
    public static func parse(text: String, file: String, baseDirectory: String) throws(ConfigError) -> CasefileConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.position.line, column: error.position.column, reason: error.message)
        }
        let decoder = ConfigDecoder(file: file, base: ConfigPaths.absolute(baseDirectory))
        return try decoder.decode(root)
    }
}

/// `[daemon]`.
public struct DaemonSettings: Sendable, Equatable {
    /// Where the store lives. Absolute; default `/var/lib/casefiled`.
    public var stateDir: String
    /// The control socket. Absolute, shorter than 108 bytes (the Unix socket
    /// path limit); default `/run/casefiled/control.sock`.
    public var socket: String
    /// How often each source is synced unless it says otherwise; at least
    /// 1s; default 6h.
    public var interval: Duration
    /// Whether a source's first sync announces what it records; default
    /// false (the first sync fills the mirror quietly).
    public var notifyInitialSync: Bool
    /// `debug`, `info`, `notice`, `warning` or `error`; default `info`.
    public var logLevel: String
    /// Members of this group may act through the control socket (sync,
    /// reload, pause, resume, reparse) besides root and the daemon's own
    /// user; default none.
    public var adminGroup: String?

    public static let logLevels = ["debug", "info", "notice", "warning", "error"]

    public init(
        stateDir: String = "/var/lib/casefiled", socket: String = "/run/casefiled/control.sock",
        interval: Duration = .seconds(6 * 3600), notifyInitialSync: Bool = false, logLevel: String = "info"
    ) {
        self.stateDir = stateDir
        self.socket = socket
        self.interval = interval
        self.notifyInitialSync = notifyInitialSync
        self.logLevel = logLevel
    }
}

/// `[fetch]`: how every source is fetched.
public struct FetchConfig: Sendable, Equatable {
    /// Whole transfer; default 30s.
    public var timeout: Duration
    /// Connection set-up; default 10s.
    public var connectTimeout: Duration
    /// Largest document accepted, in bytes; default 50MB (50 000 000).
    public var maxBytes: Int
    /// Transfers at once, 1...64; default 8.
    public var concurrency: Int
    /// Pause between two requests to the same host; default 500ms.
    public var perHostDelay: Duration
    /// The User-Agent header; default `casefiled/0.1`.
    public var userAgent: String
    /// Redirects followed, 0...50; default 5.
    public var maxRedirects: Int
    /// Transfers at once to one host, 1...16; default 2.
    public var perHostConcurrency: Int
    /// Retries of a transfer that timed out, lost its connection or got 429
    /// or 5xx, 0...10; default 3.
    public var retries: Int
    /// Who runs this daemon (email address or URL), sent in the User-Agent
    /// as `casefiled/0.1 (+CONTACT)`; default none.
    public var contact: String?
    /// PEM file of CA certificates for TLS (absolute); default: the system's.
    public var caBundle: String?

    public init(
        timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), maxBytes: Int = 50_000_000,
        concurrency: Int = 8, perHostDelay: Duration = .milliseconds(500), userAgent: String = "casefiled/0.1",
        maxRedirects: Int = 5, perHostConcurrency: Int = 2, retries: Int = 3, contact: String? = nil,
        caBundle: String? = nil
    ) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBytes = maxBytes
        self.concurrency = concurrency
        self.perHostDelay = perHostDelay
        self.userAgent = userAgent
        self.maxRedirects = maxRedirects
        self.perHostConcurrency = perHostConcurrency
        self.retries = retries
        self.contact = contact
        self.caBundle = caBundle
    }
}

/// Source kinds (DESIGN.md, "Sources").
public enum SourceKindConfig: String, Sendable, Equatable {
    case document, directory, crawl, feed
}

/// `format` of a feed source.
public enum FeedFormatConfig: String, Sendable, Equatable {
    case auto, atom, rss, json
}

/// One `[[source]]`.
public struct SourceConfig: Sendable, Equatable {
    /// Unique among sources; `[a-z0-9][a-z0-9_-]*`, at most 64 characters.
    public var name: String
    public var kind: SourceKindConfig
    /// `document`: an `http://`, `https://` or `file://` URL. `directory`: an
    /// absolute `file://` URL (a path in the file is turned into one,
    /// relative paths against the config file's folder).
    public var url: String
    /// Overrides `daemon.interval` for this source.
    public var interval: Duration?
    /// crawl: regular expressions for the pages to walk through.
    public var follow: [String]
    /// crawl (required), feed (optional): the regular expression a link must
    /// match to be a document.
    public var documents: String?
    /// crawl: steps from the start page, 0...20; default 3.
    public var maxDepth: Int
    /// crawl and feed: regular expressions on a document's label (link text,
    /// entry title): keep those matching one of `labelInclude` (if any) and
    /// none of `labelExclude`.
    public var labelInclude: [String]
    public var labelExclude: [String]
    /// feed: default auto.
    public var format: FeedFormatConfig
    /// directory (sftp, ftp, ftps): absolute path of a `user:password` file.
    public var credentialsFile: String?
    /// directory (sftp): the known_hosts file the server's host key must be
    /// in; nil means the system's, `/etc/ssh/ssh_known_hosts`.
    public var sshKnownHosts: String?
    /// directory (sftp): a private key to log in with (mode 0600).
    public var sshKeyFile: String?
    /// The line of the `[[source]]` header, for messages.
    public var line: Int

    public init(
        name: String, kind: SourceKindConfig, url: String, interval: Duration? = nil, follow: [String] = [],
        documents: String? = nil, maxDepth: Int = 3, labelInclude: [String] = [], labelExclude: [String] = [],
        format: FeedFormatConfig = .auto, credentialsFile: String? = nil, line: Int = 0
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.interval = interval
        self.follow = follow
        self.documents = documents
        self.maxDepth = maxDepth
        self.labelInclude = labelInclude
        self.labelExclude = labelExclude
        self.format = format
        self.credentialsFile = credentialsFile
        self.line = line
    }
}

/// Notifier kinds (DESIGN.md, "Notify").
public enum NotifierKindConfig: String, Sendable, Equatable {
    case command, webhook, email
}

/// `starttls` of an email notifier (`smtp://` only; `smtps://` is TLS from
/// the start).
public enum StartTLSConfig: String, Sendable, Equatable {
    /// Refuse to send unless the server upgrades to TLS (the default).
    case required
    /// Upgrade when the server offers it, else send in the clear.
    case optional
    /// Never upgrade.
    case never
}

/// `direction` of a notifier: which grade changes it hears about.
public enum NotifierDirection: String, Sendable, Equatable {
    case improved, declined, any
}

/// One entry of a webhook's `headers` table, in file order.
public struct NotifierHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One `[[notify]]`.
public struct NotifierConfig: Sendable, Equatable {
    /// Unique among notifiers; same form as a source name.
    public var name: String
    public var kind: NotifierKindConfig
    /// command: argv, non-empty. argv[0] is absolute, or was relative with a
    /// '/' and has been resolved against the config file's folder, or is a
    /// bare name to look up on PATH when it runs. Empty for other kinds.
    public var command: [String]
    /// webhook: the `http(s)://` URL posted to. email: `smtp://host:port`
    /// or `smtps://host:port`.
    public var url: String?
    /// webhook: extra headers, in file order.
    public var headers: [NotifierHeader]
    /// webhook: absolute path of a file whose contents (trailing newline
    /// dropped) key the HMAC-SHA256 signature header; mode 0600.
    public var secretFile: String?
    /// email: the envelope and header sender.
    public var from: String?
    /// email: the recipients, at least one.
    public var to: [String]
    /// email: absolute path of a `user:password` file, mode 0600.
    public var credentialsFile: String?
    /// email: default required.
    public var starttls: StartTLSConfig
    /// The change kinds delivered; default all of them.
    public var on: [ChangeKind]
    /// Authority slugs followed; empty (with `regions` empty) for all.
    public var authorities: [String]
    /// Regions followed (the authority list's region names); an authority
    /// passes when it is in `authorities` or its region is here.
    public var regions: [String]
    /// grade_changed only: improved, declined or any (default).
    public var direction: NotifierDirection
    /// grade_changed only: the judgement areas whose moves count; empty for all.
    public var areas: [Area]
    /// Deliveries tried before the change is given up on for this
    /// notifier; 1...1000, default 10.
    public var maxAttempts: Int
    /// One attempt still running after this fails (a command is killed);
    /// default 30s.
    public var timeout: Duration
    /// The line of the `[[notify]]` header, for messages.
    public var line: Int

    public init(
        name: String, kind: NotifierKindConfig = .command, command: [String], on: [ChangeKind] = ChangeKind.allCases,
        maxAttempts: Int = 10, timeout: Duration = .seconds(30), line: Int = 0
    ) {
        self.name = name
        self.kind = kind
        self.command = command
        self.url = nil
        self.headers = []
        self.secretFile = nil
        self.from = nil
        self.to = []
        self.credentialsFile = nil
        self.starttls = .required
        self.on = on
        self.authorities = []
        self.regions = []
        self.direction = .any
        self.areas = []
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.line = line
    }
}

/// `[daemon]`. The doc of each key is in `keys` (and the README).
public struct DaemonConfig: ConfigTable {
    /// Absolute.
    public var stateDir = "/var/lib/casefiled"
    /// Absolute, at most 107 bytes (a Unix socket path's limit).
    public var socket = "/run/casefiled/control.sock"
    /// At least 1s.
    public var interval: Duration = .seconds(6 * 3600)
    public var notifyInitialSync = false
    public var logLevel: LogLevel = .info
    /// A group name as groupadd(8) takes it; whether it exists is checked per request.
    public var adminGroup: String? = nil
    /// The sandboxed extraction helpers (docs/SANDBOX.md).
    public var parseTimeout: Duration = .seconds(60)
    /// Bytes.
    public var parseMaxMemory = 512_000_000
    public var parseMaxPages = 500
    /// nil: one per core.
    public var parseWorkers: Int? = nil

    /// The levels of `log_level`, lowest first.
    public enum LogLevel: String, Sendable, Equatable, CaseIterable {
        case debug, info, notice, warning, error
    }

    static let keys: [ConfigKey<Self>] = [
        .init("state_dir", .path, \.stateDir, doc: "the SQLite store (`casefile.sqlite`) lives here"),
        .init(
            "socket", .path(checkSocketPath), \.socket,
            doc: "the control socket (mode 0660: the socket's group may use it)"),
        .init(
            "interval", .duration(atLeast: .seconds(1)), \.interval,
            doc: "how often each source is synced (a source may override it)"),
        .init(
            "notify_initial_sync", .bool, \.notifyInitialSync,
            doc: "whether a source's first sync announces what it records"),
        .init("log_level", .choice("log level"), \.logLevel, doc: "the least severe level logged"),
        .init(
            "admin_group", .string(checkGroupName), \.adminGroup,
            doc: "members may act (sync, reload, pause, resume, reparse) besides root and the daemon's user; "
                + "anyone who can open the socket may read"),
        .init(
            "parse_timeout", .duration(atLeast: .seconds(1)), \.parseTimeout,
            doc: "one document's extraction is stopped after this (its helper killed) and the document quarantined"),
        .init(
            "parse_max_memory", .size, \.parseMaxMemory,
            doc: "what one document's extraction may allocate; over it, the document is quarantined"),
        .init(
            "parse_max_pages", .integer(1...100_000), \.parseMaxPages,
            doc: "a PDF with more pages is refused and quarantined"),
        .init(
            "parse_workers", .integer(1...64), \.parseWorkers, default: "the number of cores",
            doc: "extraction helpers, each reading one document at a time"),
    ]

    @Sendable static func checkSocketPath(_ path: String) -> String? {
        // sockaddr_un.sun_path is 108 bytes with the terminating NUL.
        guard path.utf8.count > 107 else { return nil }
        return "socket path \(quoted(path)) is \(path.utf8.count) bytes long; "
            + "a Unix socket path must be at most 107 bytes (use a shorter folder)"
    }

    @Sendable static func checkGroupName(_ name: String) -> String? {
        let ok =
            !name.isEmpty && name.count <= 32 && !name.hasPrefix("-")
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        return ok ? nil : "invalid group name \(quoted(name)) (lower-case letters, digits, '_' and '-')"
    }
}

/// `[fetch]`: how every source is fetched. The doc of each key is in `keys`.
public struct FetchConfig: ConfigTable {
    public var timeout: Duration = .seconds(30)
    public var connectTimeout: Duration = .seconds(10)
    /// Bytes.
    public var maxBytes = 50_000_000
    public var concurrency = 8
    public var perHostConcurrency = 2
    public var perHostDelay: Duration = .milliseconds(500)
    public var userAgent = "casefiled/0.1"
    /// Sent in the User-Agent as `casefiled/0.1 (+CONTACT)`.
    public var contact: String? = nil
    public var maxRedirects = 5
    public var retries = 3
    /// Absolute; nil: the system's CA certificates.
    public var caBundle: String? = nil

    static let keys: [ConfigKey<Self>] = [
        .init("timeout", .duration(atLeast: .milliseconds(1)), \.timeout, doc: "a whole transfer's limit"),
        .init("connect_timeout", .duration(atLeast: .milliseconds(1)), \.connectTimeout, doc: "connecting's limit"),
        .init("max_bytes", .size, \.maxBytes, doc: "a bigger document is aborted, not buffered"),
        .init("concurrency", .integer(1...64), \.concurrency, doc: "transfers at once"),
        .init("per_host_concurrency", .integer(1...16), \.perHostConcurrency, doc: "transfers at once to one host"),
        .init(
            "per_host_delay", .duration(atLeast: .zero), \.perHostDelay,
            doc: "pause between the starts of two requests to one host"),
        .init("user_agent", .string(checkUserAgent), \.userAgent, doc: "the `User-Agent` header"),
        .init(
            "contact", .string(checkContact), \.contact,
            doc: "an email address or URL, appended to the User-Agent as `(+contact)` so a site can reach you"),
        .init("max_redirects", .integer(0...50), \.maxRedirects, doc: "redirects followed at most"),
        .init(
            "retries", .integer(0...10), \.retries,
            doc: "retries of a timeout, connection error, 429 or 5xx, with exponential backoff and jitter; "
                + "`Retry-After` is honoured (403 and 404 are not retried)"),
        .init("ca_bundle", .path, \.caBundle, default: "the system's", doc: "CA certificates for https (a PEM file)"),
    ]

    @Sendable static func checkUserAgent(_ s: String) -> String? {
        let ok = !s.isEmpty && !s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        return ok ? nil : "invalid user agent \(quoted(s)): it must be non-empty text on one line"
    }

    @Sendable static func checkContact(_ s: String) -> String? {
        let ok = !s.isEmpty && !s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "(" || $0 == ")" }
        return ok ? nil : "invalid contact \(quoted(s)): write an email address or a URL on one line, without parentheses"
    }
}

import CasefileModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// TOML tree → `CasefileConfig`, checking every key.
///
/// Order of checks, so that the first error is the most useful one: the
/// top-level tables, then `[daemon]`, `[fetch]`, each `[[source]]` and each
/// `[[notify]]` in file order. Within a table: unknown keys first (a typo's
/// "did you mean" beats a "missing" for the key it was meant to be), then
/// each key in the order of the documented config.
struct ConfigDecoder {
    let file: String
    /// Absolute folder that relative paths resolve against.
    let base: String

    static let sections: [(key: String, title: String, keys: [String])] = [
        ("daemon", "[daemon]", ["state_dir", "socket", "interval", "notify_initial_sync", "log_level", "admin_group"]),
        ("fetch", "[fetch]", [
            "timeout", "connect_timeout", "max_bytes", "concurrency", "per_host_concurrency", "per_host_delay",
            "user_agent", "contact", "max_redirects", "retries", "ca_bundle",
        ]),
        ("source", "[[source]]", [
            "name", "kind", "url", "interval", "follow", "documents", "max_depth", "label_include", "label_exclude",
            "format", "credentials_file", "ssh_known_hosts", "ssh_key_file",
        ]),
        ("notify", "[[notify]]", [
            "name", "kind", "command", "url", "headers", "secret_file", "from", "to", "credentials_file", "starttls",
            "on", "authorities", "regions", "direction", "areas", "max_attempts", "timeout",
        ]),
    ]

    /// The `[[notify]]` keys that only some kinds take; the others (name,
    /// kind, the filters, max_attempts, timeout) belong to every kind.
    static let notifierKindKeys: [(key: String, kinds: [NotifierKindConfig])] = [
        ("command", [.command]),
        ("url", [.webhook, .email]),
        ("headers", [.webhook]),
        ("secret_file", [.webhook]),
        ("from", [.email]),
        ("to", [.email]),
        ("credentials_file", [.email]),
        ("starttls", [.email]),
    ]

    /// The `[[source]]` keys that only some kinds take; the others
    /// (name, kind, url, interval) belong to every kind.
    static let kindKeys: [(key: String, kinds: [SourceKindConfig])] = [
        ("follow", [.crawl]),
        ("documents", [.crawl, .feed]),
        ("max_depth", [.crawl]),
        ("label_include", [.crawl, .feed]),
        ("label_exclude", [.crawl, .feed]),
        ("format", [.feed]),
        ("credentials_file", [.directory]),
        ("ssh_known_hosts", [.directory]),
        ("ssh_key_file", [.directory]),
    ]

    /// Kinds DESIGN.md names that a later version brings.
    static let laterSourceKinds: [String] = []
    static let laterNotifierKinds: [String] = []

    func decode(_ root: TOMLTable) throws(ConfigError) -> CasefileConfig {
        try checkTopLevel(root)
        var config = CasefileConfig(file: file)
        config.daemon = try daemon(root["daemon"])
        config.fetch = try fetch(root["fetch"])
        config.sources = try sources(root["source"])
        config.notifiers = try notifiers(root["notify"])
        return config
    }

    // MARK: Top level

    private func checkTopLevel(_ root: TOMLTable) throws(ConfigError) {
        for entry in root.entries {
            let v = entry.value
            let line = entry.keyPosition.line
            let key = displayKey([entry.key])
            switch entry.key {
            case "daemon", "fetch":
                guard v.table != nil else {
                    throw ConfigError(file: file, line: v.line, key: key, reason: "expected a table [\(entry.key)], found \(v.typeName)")
                }
            case "source", "notify":
                guard let items = v.array, items.allSatisfy({ $0.table != nil }) else {
                    let hint = v.table != nil ? " (write [[\(entry.key)]], not [\(entry.key)])" : ""
                    throw ConfigError(
                        file: file, line: v.line, key: key,
                        reason: "expected [[\(entry.key)]] (an array of tables), found \(v.typeName)\(hint)")
                }
            default:
                let titles = Self.sections.map(\.title)
                // "notifier", "notifications": too far for an edit distance, plainly meant.
                let guessKey = entry.key.lowercased().hasPrefix("notif")
                    ? "notify" : suggestion(for: entry.key, among: Self.sections.map(\.key))
                let guess = guessKey.map { k in Self.sections.first { $0.key == k }!.title }
                if v.table != nil || v.typeName == "an array of tables" {
                    let shown = v.table != nil ? "[\(key)]" : "[[\(key)]]"
                    var reason = "unknown table \(shown)"
                    if let guess { reason += " (did you mean \(guess)?)" } else { reason += " (known: \(titles.joined(separator: ", ")))" }
                    throw ConfigError(file: file, line: line, key: key, reason: reason)
                }
                var reason = "unknown key '\(key)' at the top level"
                if let home = Self.sections.first(where: { $0.keys.contains(entry.key) }) {
                    reason += " (it belongs in \(home.title): put it after that header)"
                } else if let guess {
                    reason += " (did you mean \(guess)?)"
                } else {
                    reason += " (settings go in \(titles.joined(separator: ", ")))"
                }
                throw ConfigError(file: file, line: line, key: key, reason: reason)
            }
        }
    }

    // MARK: [daemon]

    private func daemon(_ entry: TOMLTable.Entry?) throws(ConfigError) -> DaemonSettings {
        var d = DaemonSettings()
        guard let table = entry?.value.table else { return d }
        let s = Section(file: file, table: table, path: "daemon", title: "[daemon]", base: base)
        try s.rejectUnknownKeys(Self.sections[0].keys)
        if let v = try s.string("state_dir") {
            d.stateDir = try s.path("state_dir", v)
        }
        if let v = try s.string("socket") {
            let path = try s.path("socket", v)
            // sockaddr_un.sun_path is 108 bytes with the terminating NUL.
            guard path.utf8.count <= 107 else {
                throw s.fail("socket", v.line, "socket path \(quoted(path)) is \(path.utf8.count) bytes long; a Unix socket path must be at most 107 bytes (use a shorter folder)")
            }
            d.socket = path
        }
        if let v = try s.duration("interval", atLeast: .seconds(1)) { d.interval = v }
        if let v = try s.bool("notify_initial_sync") { d.notifyInitialSync = v }
        if let v = try s.string("log_level") {
            guard DaemonSettings.logLevels.contains(v.value) else {
                throw s.fail("log_level", v.line, "invalid log level \(quoted(v.value)) (use one of: \(DaemonSettings.logLevels.joined(separator: ", ")))")
            }
            d.logLevel = v.value
        }
        if let v = try s.string("admin_group") {
            // A group name as groupadd(8) takes it; whether it exists is checked per request.
            let ok = !v.value.isEmpty && v.value.count <= 32
                && v.value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
                && !v.value.hasPrefix("-")
            guard ok else {
                throw s.fail("admin_group", v.line, "invalid group name \(quoted(v.value)) (lower-case letters, digits, '_' and '-')")
            }
            d.adminGroup = v.value
        }
        return d
    }

    // MARK: [fetch]

    private func fetch(_ entry: TOMLTable.Entry?) throws(ConfigError) -> FetchConfig {
        var f = FetchConfig()
        guard let table = entry?.value.table else { return f }
        let s = Section(file: file, table: table, path: "fetch", title: "[fetch]", base: base)
        try s.rejectUnknownKeys(Self.sections[1].keys)
        if let v = try s.duration("timeout", atLeast: .milliseconds(1)) { f.timeout = v }
        if let v = try s.duration("connect_timeout", atLeast: .milliseconds(1)) { f.connectTimeout = v }
        if let v = try s.byteSize("max_bytes") { f.maxBytes = v }
        if let v = try s.integer("concurrency", in: 1...64) { f.concurrency = v }
        if let v = try s.integer("per_host_concurrency", in: 1...16) { f.perHostConcurrency = v }
        if let v = try s.duration("per_host_delay", atLeast: .zero) { f.perHostDelay = v }
        if let v = try s.string("user_agent") {
            guard !v.value.isEmpty, !v.value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw s.fail("user_agent", v.line, "invalid user agent \(quoted(v.value)): it must be non-empty text on one line")
            }
            f.userAgent = v.value
        }
        if let v = try s.string("contact") {
            guard !v.value.isEmpty, !v.value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "(" || $0 == ")" }) else {
                throw s.fail("contact", v.line, "invalid contact \(quoted(v.value)): write an email address or a URL on one line, without parentheses")
            }
            f.contact = v.value
        }
        if let v = try s.integer("max_redirects", in: 0...50) { f.maxRedirects = v }
        if let v = try s.integer("retries", in: 0...10) { f.retries = v }
        if let v = try s.string("ca_bundle") { f.caBundle = try s.path("ca_bundle", v) }
        return f
    }

    // MARK: [[source]]

    private func sources(_ entry: TOMLTable.Entry?) throws(ConfigError) -> [SourceConfig] {
        var result: [SourceConfig] = []
        var seen: [String: Int] = [:]
        for (i, element) in (entry?.value.array ?? []).enumerated() {
            let table = element.table!
            let s = Section(file: file, table: table, path: "source[\(i + 1)]", title: "[[source]] starting at line \(table.position.line)", base: base)

            // The kind first: a `crawl` source from a newer config should say
            // "not supported by this version", not "unknown key 'follow'".
            let kindValue = try s.string("kind")
            var kind: SourceKindConfig?
            if let k = kindValue {
                kind = SourceKindConfig(rawValue: k.value)
                if kind == nil {
                    let supported = "supported: document, directory, crawl, feed"
                    let reason = Self.laterSourceKinds.contains(k.value)
                        ? "source kind \(quoted(k.value)) is not supported by this version (\(supported))"
                        : "invalid source kind \(quoted(k.value)) (\(supported))"
                    throw s.fail("kind", k.line, reason)
                }
            }
            try s.rejectUnknownKeys(Self.sections[2].keys)

            let name = try s.required(s.string("name"), "name")
            try s.checkName(name, what: "source")
            guard let kind else { throw s.missing("kind") }
            // Keys of another kind: refused, naming the kinds they are for.
            for entry in table.entries {
                guard let owner = Self.kindKeys.first(where: { $0.key == entry.key }), !owner.kinds.contains(kind) else { continue }
                let kinds = owner.kinds.map(\.rawValue).joined(separator: " and ")
                throw s.fail(entry.key, entry.keyPosition.line, "key '\(entry.key)' does not apply to a \(kind.rawValue) source (it is for \(kinds) sources)")
            }
            let url = try s.required(s.string("url"), "url")
            let resolved: String
            switch kind {
            case .document: resolved = try documentURL(url, s)
            case .directory: resolved = try directoryURL(url, s)
            case .crawl: resolved = try webURL(url, s, kind: "crawl", allowFile: false)
            case .feed: resolved = try webURL(url, s, kind: "feed", allowFile: true)
            }
            let interval = try s.duration("interval", atLeast: .seconds(1))

            var source = SourceConfig(name: name.value, kind: kind, url: resolved, interval: interval, line: table.position.line)
            switch kind {
            case .crawl:
                source.follow = try patterns("follow", s)?.value ?? []
                let documents = try s.required(s.string("documents"), "documents")
                source.documents = try pattern("documents", documents, s)
                source.maxDepth = try s.integer("max_depth", in: 0...20) ?? 3
                source.labelInclude = try patterns("label_include", s)?.value ?? []
                source.labelExclude = try patterns("label_exclude", s)?.value ?? []
            case .feed:
                if let format = try s.string("format") {
                    guard let f = FeedFormatConfig(rawValue: format.value) else {
                        throw s.fail("format", format.line, "invalid feed format \(quoted(format.value)) (use one of: auto, atom, rss, json)")
                    }
                    source.format = f
                }
                if let documents = try s.string("documents") { source.documents = try pattern("documents", documents, s) }
                source.labelInclude = try patterns("label_include", s)?.value ?? []
                source.labelExclude = try patterns("label_exclude", s)?.value ?? []
            case .directory:
                if let file = try s.string("credentials_file") {
                    let scheme = Self.scheme(of: resolved) ?? "file"
                    guard Self.remoteDirectorySchemes.contains(scheme) else {
                        throw s.fail("credentials_file", file.line, "credentials_file is for sftp://, ftp:// and ftps:// folders; a local folder needs none")
                    }
                    let path = try s.path("credentials_file", file)
                    try checkCredentialsFile(path, line: file.line, s)
                    source.credentialsFile = path
                }
                // SSH: the server proves who it is against a known_hosts
                // file (always: there is no "accept any key"), and we may
                // log in with a key rather than a password.
                for key in ["ssh_known_hosts", "ssh_key_file"] {
                    guard let file = try s.string(key) else { continue }
                    guard Self.scheme(of: resolved) == "sftp" else {
                        throw s.fail(key, file.line, "\(key) is for sftp:// folders only")
                    }
                    let path = try s.path(key, file)
                    if key == "ssh_known_hosts" {
                        // Like a credentials file, it may not exist yet:
                        // listing the source then fails and says so.
                        source.sshKnownHosts = path
                    } else {
                        try checkCredentialsFile(path, line: file.line, s, key: key)
                        source.sshKeyFile = path
                    }
                }
            case .document:
                break
            }

            if let first = seen[name.value] {
                throw s.fail("name", name.line, "duplicate source name \(quoted(name.value)): the [[source]] starting at line \(first) already uses it")
            }
            seen[name.value] = table.position.line
            result.append(source)
        }
        return result
    }

    private func documentURL(_ url: Located<String>, _ s: Section) throws(ConfigError) -> String {
        try checkURLText(url, s)
        let lower = url.value.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let rest = url.value.drop { $0 != ":" }.dropFirst(3)
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            guard !host.isEmpty else {
                throw s.fail("url", url.line, "invalid url \(quoted(url.value)): no host after \(url.value.prefix(lower.hasPrefix("https") ? 8 : 7))")
            }
            return url.value
        }
        if lower.hasPrefix("file://") {
            return try fileURL(url, s)
        }
        throw s.fail("url", url.line, "invalid url \(quoted(url.value)) for a document source (use an http://, https:// or file:// URL)")
    }

    static let remoteDirectorySchemes = ["sftp", "ftp", "ftps"]

    private func directoryURL(_ url: Located<String>, _ s: Section) throws(ConfigError) -> String {
        if let scheme = Self.scheme(of: url.value) {
            if scheme == "file" {
                try checkURLText(url, s)
                return try fileURL(url, s)
            }
            if Self.remoteDirectorySchemes.contains(scheme) {
                try checkURLText(url, s)
                let rest = url.value.dropFirst(scheme.count + 3)
                var host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
                if let at = host.lastIndex(of: "@") {
                    // A user name may be in the url (sftp://casefile@host/, for
                    // a key login); a password never.
                    guard !host[..<at].contains(":") else {
                        throw s.fail("url", url.line, "invalid url \(quoted(url.value)): put the password in credentials_file, never in the url")
                    }
                    host = host[host.index(after: at)...]
                }
                host = host.prefix { $0 != ":" }
                guard !host.isEmpty else {
                    throw s.fail("url", url.line, "invalid url \(quoted(url.value)): no host after \(scheme)://")
                }
                return url.value
            }
            if scheme == "smb" || scheme == "smbs" {
                throw s.fail(
                    "url", url.line,
                    "invalid url \(quoted(url.value)) for a directory source: libcurl cannot list an smb:// folder (mount the share, e.g. with mount.cifs, and give its local path)")
            }
            throw s.fail(
                "url", url.line,
                "invalid url \(quoted(url.value)) for a directory source (use a path, or a file://, sftp://, ftp:// or ftps:// URL)"
            )
        }
        let path = try s.path("url", url)
        return ConfigPaths.fileURL(path)
    }

    /// `file:///abs/path` or `file://localhost/abs/path`, kept as written.
    private func fileURL(_ url: Located<String>, _ s: Section) throws(ConfigError) -> String {
        let rest = url.value.dropFirst("file://".count)
        guard rest.hasPrefix("/") || rest.lowercased().hasPrefix("localhost/") else {
            throw s.fail("url", url.line, "invalid url \(quoted(url.value)): a file:// URL needs an absolute path, as in file:///var/lib/casefiled/inbox (or write the path without file://)")
        }
        return url.value
    }

    /// crawl: http(s) only; feed: http(s) or file.
    private func webURL(_ url: Located<String>, _ s: Section, kind: String, allowFile: Bool) throws(ConfigError) -> String {
        try checkURLText(url, s)
        let lower = url.value.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let rest = url.value.drop { $0 != ":" }.dropFirst(3)
            guard !rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" }).isEmpty else {
                throw s.fail("url", url.line, "invalid url \(quoted(url.value)): no host after \(url.value.prefix(lower.hasPrefix("https") ? 8 : 7))")
            }
            return url.value
        }
        if allowFile, lower.hasPrefix("file://") { return try fileURL(url, s) }
        let allowed = allowFile ? "an http://, https:// or file:// URL" : "an http:// or https:// URL"
        throw s.fail("url", url.line, "invalid url \(quoted(url.value)) for a \(kind) source (use \(allowed))")
    }

    /// One regular expression, compiled as the fetcher will compile it.
    private func pattern(_ key: String, _ v: Located<String>, _ s: Section) throws(ConfigError) -> String {
        guard !v.value.isEmpty else {
            throw s.fail(key, v.line, "an empty pattern matches everything; leave \(key) out instead")
        }
        do {
            _ = try Regex(v.value)
        } catch {
            throw s.fail(key, v.line, "invalid regular expression \(quoted(v.value)): \(error)")
        }
        return v.value
    }

    /// An array of regular expressions; the line of each bad one.
    private func patterns(_ key: String, _ s: Section) throws(ConfigError) -> Located<[String]>? {
        guard let list = try s.stringArray(key) else { return nil }
        var out: [String] = []
        for item in list.value { out.append(try pattern(key, item, s)) }
        return Located(value: out, line: list.line)
    }

    /// A credentials file that exists is checked now, so a config naming one
    /// that others can read is refused at start and on reload (the fetcher
    /// checks again before each use). One that does not exist yet is
    /// allowed: listing the source then fails with the reason.
    private func checkCredentialsFile(_ path: String, line: Int, _ s: Section, key: String = "credentials_file") throws(ConfigError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw s.fail(key, line, "\(Self.fileWhat(key)) \(quoted(path)) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw s.fail(key, line, "\(Self.fileWhat(key)) \(quoted(path)) is readable by group or others (mode \(String(mode, radix: 8))); run chmod 600 on it")
        }
    }

    private static func fileWhat(_ key: String) -> String {
        switch key {
        case "secret_file": return "secret file"
        case "ssh_key_file": return "SSH key file"
        default: return "credentials file"
        }
    }

    /// A bare address, `name@host`: no display name, no angle brackets.
    private func checkAddress(_ v: Located<String>, key: String, _ s: Section) throws(ConfigError) {
        let parts = v.value.split(separator: "@", omittingEmptySubsequences: false)
        let bad = v.value.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || "<>,;\"".unicodeScalars.contains($0) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !bad else {
            throw s.fail(key, v.line, "invalid email address \(quoted(v.value)) (write a bare address: team@example.org)")
        }
    }

    static func isSlug(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("-") && !s.hasSuffix("-")
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The regions of the authority list (CasefileParse's data, column `region`).
    static let regions = [
        "East Midlands", "East of England", "London", "North East", "North West", "South East", "South West",
        "West Midlands", "Yorkshire and The Humber",
    ]

    private func checkURLText(_ url: Located<String>, _ s: Section) throws(ConfigError) {
        if url.value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            throw s.fail("url", url.line, "invalid url \(quoted(url.value)): spaces and control characters must be percent-encoded (a space is %20)")
        }
    }

    /// The scheme of `scheme://…`, lowercased; nil for a path.
    static func scheme(of s: String) -> String? {
        guard let r = s.firstRange(of: "://") else { return nil }
        let scheme = s[..<r.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return nil }
        for c in scheme {
            let ok = c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".")
            if !ok { return nil }
        }
        return scheme.lowercased()
    }

    // MARK: [[notify]]

    private func notifiers(_ entry: TOMLTable.Entry?) throws(ConfigError) -> [NotifierConfig] {
        var result: [NotifierConfig] = []
        var seen: [String: Int] = [:]
        for (i, element) in (entry?.value.array ?? []).enumerated() {
            let table = element.table!
            let s = Section(file: file, table: table, path: "notify[\(i + 1)]", title: "[[notify]] starting at line \(table.position.line)", base: base)

            let kindValue = try s.string("kind")
            var kind: NotifierKindConfig?
            if let k = kindValue {
                kind = NotifierKindConfig(rawValue: k.value)
                if kind == nil {
                    var reason = "invalid notifier kind \(quoted(k.value)) (use one of: command, webhook, email)"
                    if let guess = suggestion(for: k.value, among: ["command", "webhook", "email"]) {
                        reason += " (did you mean \"\(guess)\"?)"
                    }
                    throw s.fail("kind", k.line, reason)
                }
            }
            try s.rejectUnknownKeys(Self.sections[3].keys)

            let name = try s.required(s.string("name"), "name")
            try s.checkName(name, what: "notifier")
            guard let kind else { throw s.missing("kind") }

            for (key, kinds) in Self.notifierKindKeys where !kinds.contains(kind) {
                if let entry = table[key] {
                    let takers = kinds.map { "\"\($0.rawValue)\"" }.joined(separator: " and ")
                    throw s.fail(key, entry.keyPosition.line, "\(key) is for \(takers) notifiers, not \"\(kind.rawValue)\"")
                }
            }
            var notifier = NotifierConfig(name: name.value, kind: kind, command: [], line: table.position.line)
            switch kind {
            case .command:
                let command = try s.required(s.stringArray("command"), "command")
                var argv = command.value.map(\.value)
                guard let program = argv.first, !program.isEmpty else {
                    throw s.fail("command", command.line, "command must name a program: [\"/path/to/program\", \"argument\", …]")
                }
                if !program.hasPrefix("/"), program.contains("/") {
                    argv[0] = ConfigPaths.resolve(program, against: base)
                }
                notifier.command = argv
            case .webhook:
                let url = try s.required(s.string("url"), "url")
                try checkURLText(url, s)
                guard let scheme = Self.scheme(of: url.value), ["http", "https"].contains(scheme), url.value.count > scheme.count + 3 else {
                    throw s.fail("url", url.line, "invalid webhook url \(quoted(url.value)) (use http://… or https://…)")
                }
                notifier.url = url.value
                if let entry = table["headers"] {
                    guard let headers = entry.value.table else {
                        throw s.fail("headers", entry.value.line, "expected a table of header names and values (headers = { Authorization = \"Bearer …\" }), found \(entry.value.typeName)")
                    }
                    for h in headers.entries {
                        guard let value = h.value.string else {
                            throw s.fail("headers", h.value.line, "header \(quoted(h.key)) must be a string, found \(h.value.typeName)")
                        }
                        guard !h.key.isEmpty, h.key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
                            throw s.fail("headers", h.keyPosition.line, "invalid header name \(quoted(h.key))")
                        }
                        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0.value == 0 }) else {
                            throw s.fail("headers", h.value.line, "header \(quoted(h.key)) contains a line break")
                        }
                        let reserved = ["content-type", "idempotency-key", "x-casefile-signature", "content-length", "host"]
                        guard !reserved.contains(h.key.lowercased()) else {
                            throw s.fail("headers", h.keyPosition.line, "header \(quoted(h.key)) is set by the daemon itself")
                        }
                        notifier.headers.append(NotifierHeader(name: h.key, value: value))
                    }
                }
                if let file = try s.string("secret_file") {
                    let path = try s.path("secret_file", file)
                    try checkCredentialsFile(path, line: file.line, s, key: "secret_file")
                    notifier.secretFile = path
                }
            case .email:
                let url = try s.required(s.string("url"), "url")
                try checkURLText(url, s)
                guard let scheme = Self.scheme(of: url.value), ["smtp", "smtps"].contains(scheme), url.value.count > scheme.count + 3 else {
                    throw s.fail("url", url.line, "invalid email url \(quoted(url.value)) (use smtp://host:port or smtps://host:port)")
                }
                notifier.url = url.value
                let from = try s.required(s.string("from"), "from")
                try checkAddress(from, key: "from", s)
                notifier.from = from.value
                let to = try s.required(s.stringArray("to"), "to")
                guard !to.value.isEmpty else { throw s.fail("to", to.line, "to = [] sends to nobody; list at least one address") }
                for address in to.value { try checkAddress(address, key: "to", s) }
                notifier.to = to.value.map(\.value)
                if let file = try s.string("credentials_file") {
                    let path = try s.path("credentials_file", file)
                    try checkCredentialsFile(path, line: file.line, s)
                    notifier.credentialsFile = path
                }
                if let v = try s.string("starttls") {
                    guard let mode = StartTLSConfig(rawValue: v.value) else {
                        throw s.fail("starttls", v.line, "invalid starttls \(quoted(v.value)) (use one of: required, optional, never)")
                    }
                    notifier.starttls = mode
                }
            }

            var on = ChangeKind.allCases
            if let list = try s.stringArray("on") {
                guard !list.value.isEmpty else {
                    throw s.fail("on", list.line, "on = [] would deliver nothing; list change kinds, or leave 'on' out for all of them")
                }
                on = []
                for item in list.value {
                    guard let k = ChangeKind(rawValue: item.value) else {
                        let known = ChangeKind.allCases.map(\.rawValue).joined(separator: ", ")
                        var reason = "invalid change kind \(quoted(item.value)) (use: \(known))"
                        if let guess = suggestion(for: item.value, among: ChangeKind.allCases.map(\.rawValue)) {
                            reason = "invalid change kind \(quoted(item.value)) (did you mean \"\(guess)\"?)"
                        }
                        throw s.fail("on", item.line, reason)
                    }
                    guard !on.contains(k) else {
                        throw s.fail("on", item.line, "change kind \(quoted(item.value)) is listed twice")
                    }
                    on.append(k)
                }
            }
            notifier.on = on
            if let list = try s.stringArray("authorities") {
                guard !list.value.isEmpty else {
                    throw s.fail("authorities", list.line, "authorities = [] would deliver nothing; list slugs, or leave it out for every authority")
                }
                for item in list.value where !Self.isSlug(item.value) {
                    throw s.fail("authorities", item.line, "invalid authority slug \(quoted(item.value)) (lower-case, hyphenated, as in `casefilectl grades`: \"redbridge\", \"east-sussex\")")
                }
                notifier.authorities = list.value.map(\.value)
            }
            if let list = try s.stringArray("regions") {
                guard !list.value.isEmpty else {
                    throw s.fail("regions", list.line, "regions = [] would deliver nothing; list regions, or leave it out for every region")
                }
                for item in list.value {
                    guard let region = Self.regions.first(where: { $0.lowercased() == item.value.lowercased() }) else {
                        throw s.fail("regions", item.line, "unknown region \(quoted(item.value)) (use one of: \(Self.regions.joined(separator: ", ")))")
                    }
                    notifier.regions.append(region)
                }
            }
            if let v = try s.string("direction") {
                guard let d = NotifierDirection(rawValue: v.value) else {
                    throw s.fail("direction", v.line, "invalid direction \(quoted(v.value)) (use one of: improved, declined, any)")
                }
                notifier.direction = d
            }
            if let list = try s.stringArray("areas") {
                guard !list.value.isEmpty else {
                    throw s.fail("areas", list.line, "areas = [] would deliver no grade change; list areas, or leave it out for every area")
                }
                for item in list.value {
                    guard let a = Area(rawValue: item.value) else {
                        var reason = "invalid judgement area \(quoted(item.value)) (use: \(Area.allCases.map(\.rawValue).joined(separator: ", ")))"
                        if let guess = suggestion(for: item.value, among: Area.allCases.map(\.rawValue)) {
                            reason = "invalid judgement area \(quoted(item.value)) (did you mean \"\(guess)\"?)"
                        }
                        throw s.fail("areas", item.line, reason)
                    }
                    if !notifier.areas.contains(a) { notifier.areas.append(a) }
                }
            }
            notifier.maxAttempts = try s.integer("max_attempts", in: 1...1000) ?? 10
            notifier.timeout = try s.duration("timeout", atLeast: .milliseconds(1)) ?? .seconds(30)

            if let first = seen[name.value] {
                throw s.fail("name", name.line, "duplicate notifier name \(quoted(name.value)): the [[notify]] starting at line \(first) already uses it")
            }
            seen[name.value] = table.position.line
            result.append(notifier)
        }
        return result
    }
}

// MARK: - One table's keys

/// A value and the line it starts on.
struct Located<Value> {
    var value: Value
    var line: Int
}

/// Typed reads from one table, each error naming the file, line and key path.
struct Section {
    let file: String
    let table: TOMLTable
    /// `daemon`, `source[2]`: the prefix of key paths in errors.
    let path: String
    /// `[daemon]`, `[[source]] starting at line 14`: the table in messages.
    let title: String
    /// Absolute folder that relative paths resolve against.
    let base: String

    func keyPath(_ key: String) -> String { "\(path).\(displayKey([key]))" }

    func fail(_ key: String, _ line: Int, _ reason: String) -> ConfigError {
        ConfigError(file: file, line: line, key: keyPath(key), reason: reason)
    }

    func missing(_ key: String) -> ConfigError {
        fail(key, table.position.line, "missing required key '\(key)' in \(title)")
    }

    func required<T>(_ value: Located<T>?, _ key: String) throws(ConfigError) -> Located<T> {
        guard let value else { throw missing(key) }
        return value
    }

    func rejectUnknownKeys(_ known: [String]) throws(ConfigError) {
        for entry in table.entries where !known.contains(entry.key) {
            let shown = displayKey([entry.key])
            var reason = "unknown key '\(shown)' in \(title)"
            if let guess = suggestion(for: entry.key, among: known) {
                reason += " (did you mean '\(guess)'?)"
            } else {
                reason += " (known keys: \(known.joined(separator: ", ")))"
            }
            throw fail(entry.key, entry.keyPosition.line, reason)
        }
    }

    private func wrongType(_ key: String, _ value: TOMLValue, _ expected: String) -> ConfigError {
        var reason = "expected \(expected), found \(value.typeName)"
        // A number or boolean in quotes is the commonest slip.
        if let s = value.string, expected == "an integer" || expected.hasPrefix("a boolean"), Int(s) != nil || s == "true" || s == "false" {
            reason += " (write \(s) without quotes)"
        }
        return fail(key, value.line, reason)
    }

    func string(_ key: String, expected: String = "a string") throws(ConfigError) -> Located<String>? {
        guard let v = table[key]?.value else { return nil }
        guard let s = v.string else { throw wrongType(key, v, expected) }
        return Located(value: s, line: v.line)
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = table[key]?.value else { return nil }
        guard let b = v.boolean else { throw wrongType(key, v, "a boolean (true or false)") }
        return b
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = table[key]?.value else { return nil }
        guard let n = v.integer else { throw wrongType(key, v, "an integer") }
        guard range.contains(n) else {
            throw fail(key, v.line, "\(n) is out of range: \(key) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return n
    }

    func duration(_ key: String, atLeast minimum: Duration) throws(ConfigError) -> Duration? {
        guard let v = try string(key, expected: "a duration string such as \"30s\"") else { return nil }
        guard let d = parseDuration(v.value) else {
            throw fail(key, v.line, "invalid duration \(quoted(v.value)) (use e.g. 500ms, 30s, 5m, 6h, 1d)")
        }
        guard d >= minimum else {
            throw fail(key, v.line, "duration \(quoted(v.value)) is too short: \(key) must be at least \(formatDuration(minimum))")
        }
        return d
    }

    /// An integer is bytes; a string has a unit. Must be at least 1 byte.
    func byteSize(_ key: String) throws(ConfigError) -> Int? {
        guard let v = table[key]?.value else { return nil }
        let n: Int
        if let i = v.integer {
            n = i
        } else if let s = v.string {
            guard let parsed = parseByteSize(s) else {
                throw fail(key, v.line, "invalid size \(quoted(s)) (use e.g. 50MB, 512KiB, 1GB, or an integer number of bytes)")
            }
            n = parsed
        } else {
            throw wrongType(key, v, "a size (an integer number of bytes, or a string such as \"50MB\")")
        }
        guard n >= 1 else { throw fail(key, v.line, "\(key) must be at least 1 byte, found \(n)") }
        return n
    }

    func stringArray(_ key: String) throws(ConfigError) -> Located<[Located<String>]>? {
        guard let v = table[key]?.value else { return nil }
        guard let items = v.array else {
            var reason = "expected an array of strings, found \(v.typeName)"
            if let s = v.string { reason += " (write \(key) = [\(quoted(s))])" }
            throw fail(key, v.line, reason)
        }
        var out: [Located<String>] = []
        for item in items {
            guard let s = item.string else {
                throw fail(key, item.line, "expected an array of strings, found \(item.typeName) in it")
            }
            out.append(Located(value: s, line: item.line))
        }
        return Located(value: out, line: v.line)
    }

    /// A path: not empty, no `~`, resolved against the config folder.
    func path(_ key: String, _ v: Located<String>) throws(ConfigError) -> String {
        guard !v.value.isEmpty else { throw fail(key, v.line, "invalid path \"\": it must not be empty") }
        guard !v.value.hasPrefix("~") else {
            throw fail(key, v.line, "invalid path \(quoted(v.value)): '~' is not expanded; write the full path")
        }
        guard !v.value.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw fail(key, v.line, "invalid path: it contains a NUL character")
        }
        return ConfigPaths.resolve(v.value, against: base)
    }

    /// Sources and notifiers name things the CLI and the store refer to.
    func checkName(_ name: Located<String>, what: String) throws(ConfigError) {
        let bytes = Array(name.value.utf8)
        let ok = !bytes.isEmpty && bytes.count <= 64
            && bytes.enumerated().allSatisfy { i, c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || (i > 0 && (c == UInt8(ascii: "_") || c == UInt8(ascii: "-")))
            }
        guard ok else {
            throw fail("name", name.line, "invalid \(what) name \(quoted(name.value)): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters")
        }
    }

}

/// A value from the file as a TOML basic string, escapes and all, so a
/// stray newline or quote cannot break the message (or the log line).
func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20 || u.value == 0x7F:
            let hex = String(u.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

// MARK: - Did you mean

/// The closest of `candidates` to `key` when it is close enough to be a
/// typo: a small edit distance (ignoring case, `-` for `_` and camelCase),
/// or one a prefix of the other.
func suggestion(for key: String, among candidates: [String]) -> String? {
    var k = ""
    for ch in key {
        if ch.isUppercase, !k.isEmpty, k.last != "_" { k += "_" }
        k += ch == "-" ? "_" : ch.lowercased()
    }
    let limit = k.count <= 3 ? 1 : k.count <= 9 ? 2 : 3
    var best: (candidate: String, distance: Int)?
    for c in candidates {
        let d = editDistance(k, c)
        if d <= limit, d < (best?.distance ?? .max) { best = (c, d) }
    }
    if let best { return best.candidate }
    // A key cut short or run on: "notify_initial" for "notify_initial_sync".
    if k.count >= 4 { return candidates.first { $0.count >= 4 && ($0.hasPrefix(k) || k.hasPrefix($0)) } }
    return nil
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

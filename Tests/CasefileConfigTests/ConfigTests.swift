import CasefileModel
import Testing

@testable import CasefileConfig

let configFile = "/etc/casefiled/casefiled.toml"

/// Parses `text` as if it were /etc/casefiled/casefiled.toml.
func config(_ text: String, base: String = "/etc/casefiled") throws(ConfigError) -> CasefileConfig {
    try CasefileConfig.parse(text: text, file: configFile, baseDirectory: base)
}

/// The error `text` gives, or nil when it is accepted.
func configError(_ text: String) -> ConfigError? {
    do {
        _ = try config(text)
        return nil
    } catch {
        return error
    }
}

@Suite("Config: values")
struct ConfigValueTests {
    @Test func emptyFileGivesEveryDefault() throws {
        let c = try config("")
        #expect(c.file == configFile)
        #expect(c.daemon.stateDir == "/var/lib/casefiled")
        #expect(c.daemon.socket == "/run/casefiled/control.sock")
        #expect(c.daemon.interval == .seconds(6 * 3600))
        #expect(c.daemon.notifyInitialSync == false)
        #expect(c.daemon.logLevel == .info)
        #expect(c.fetch.timeout == .seconds(30))
        #expect(c.fetch.connectTimeout == .seconds(10))
        #expect(c.fetch.maxBytes == 50_000_000)
        #expect(c.fetch.concurrency == 8)
        #expect(c.fetch.perHostDelay == .milliseconds(500))
        #expect(c.fetch.userAgent == "casefiled/0.1")
        #expect(c.fetch.maxRedirects == 5)
        #expect(c.sources.isEmpty)
        #expect(c.notifiers.isEmpty)
        // The public initialisers carry the same defaults.
        #expect(c.daemon == DaemonConfig())
        #expect(c.fetch == FetchConfig())
    }

    @Test func emptyTablesGiveDefaultsToo() throws {
        let c = try config("[daemon]\n[fetch]\n")
        #expect(c.daemon == DaemonConfig())
        #expect(c.fetch == FetchConfig())
    }

    @Test func everyKeyIsRead() throws {
        let c = try config(
            """
            [daemon]
            state_dir = "/srv/casefile/state"
            socket = "/srv/casefile/c.sock"
            interval = "2h30m"
            notify_initial_sync = true
            log_level = "debug"

            [fetch]
            timeout = "1m"
            connect_timeout = "5s"
            max_bytes = "512KiB"
            concurrency = 64
            per_host_delay = "0s"
            user_agent = "casefiled/0.1 (+https://example.org/contact)"
            max_redirects = 0

            [[source]]
            name = "one-report"
            kind = "document"
            url = "https://files.ofsted.gov.uk/v1/file/50091234"
            interval = "1d"

            [[source]]
            name = "drop_2"
            kind = "directory"
            url = "file:///mnt/shared/ofsted"

            [[notify]]
            name = "team"
            kind = "command"
            command = ["/usr/local/bin/alert", "--channel", "#qa"]
            on = ["grade_changed", "report_withdrawn"]
            max_attempts = 3
            timeout = "500ms"

            [[notify]]
            name = "all"
            kind = "command"
            command = ["logger"]
            """)
        #expect(
            c.daemon
                == DaemonConfig(
                    stateDir: "/srv/casefile/state", socket: "/srv/casefile/c.sock", interval: .seconds(9000),
                    notifyInitialSync: true, logLevel: .debug))
        #expect(
            c.fetch
                == FetchConfig(
                    timeout: .seconds(60), connectTimeout: .seconds(5), maxBytes: 524_288, concurrency: 64, perHostDelay: .zero,
                    userAgent: "casefiled/0.1 (+https://example.org/contact)", maxRedirects: 0))
        #expect(
            c.sources == [
                SourceConfig(
                    name: "one-report", kind: .document(.init(url: "https://files.ofsted.gov.uk/v1/file/50091234")),
                    interval: .seconds(86400), line: 17),
                SourceConfig(name: "drop_2", kind: .directory(.init(url: "file:///mnt/shared/ofsted")), interval: nil, line: 23),
            ])
        #expect(
            c.notifiers == [
                NotifierConfig(
                    name: "team", kind: .command(.init(argv: ["/usr/local/bin/alert", "--channel", "#qa"])),
                    on: [.gradeChanged, .reportWithdrawn], maxAttempts: 3, timeout: .milliseconds(500), line: 28),
                NotifierConfig(
                    name: "all", kind: .command(.init(argv: ["logger"])), on: ChangeKind.allCases, maxAttempts: 10,
                    timeout: .seconds(30), line: 36),
            ])
        #expect(c.interval(for: c.sources[0]) == .seconds(86400))
        #expect(c.interval(for: c.sources[1]) == .seconds(9000))
    }

    @Test func maxBytesAsAnIntegerIsBytes() throws {
        #expect(try config("[fetch]\nmax_bytes = 1_048_576").fetch.maxBytes == 1_048_576)
        #expect(try config("[fetch]\nmax_bytes = \"2GB\"").fetch.maxBytes == 2_000_000_000)
    }

    @Test func sourcesMayBeAnArrayOfInlineTables() throws {
        let c = try config("source = [\n  { name = \"a\", kind = \"directory\", url = \"/in\" },\n]")
        #expect(c.sources == [SourceConfig(name: "a", kind: .directory(.init(url: "file:///in")), line: 2)])
    }

    @Test func documentSourcesAcceptHTTPHTTPSAndFileURLs() throws {
        for url in ["http://example.org/r.pdf", "HTTPS://example.org:8443/r?id=1", "file:///srv/r.pdf", "file://localhost/srv/r.pdf"] {
            let c = try config("[[source]]\nname = \"d\"\nkind = \"document\"\nurl = \"\(url)\"")
            #expect(c.sources.first?.url == url)
        }
    }
}

@Suite("Config: errors")
struct ConfigErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var key: String?
        var reason: String
        var testDescription: String { reason }
    }

    static let source = "[[source]]\nname = \"a\"\nkind = \"document\"\nurl = \"https://example.org/a.pdf\"\n"
    static let notify = "[[notify]]\nname = \"n\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\n"

    static let cases: [Case] = [
        // Unknown keys and tables, with and without a suggestion.
        Case(
            text: "[daemon]\nintervall = \"1h\"", line: 2, key: "daemon.intervall",
            reason: "unknown key 'intervall' in [daemon] (did you mean 'interval'?)"),
        Case(
            text: "[daemon]\n\nstateDir = \"/x\"", line: 3, key: "daemon.stateDir",
            reason: "unknown key 'stateDir' in [daemon] (did you mean 'state_dir'?)"),
        Case(
            text: "[fetch]\nmax-bytes = 1", line: 2, key: "fetch.max-bytes",
            reason: "unknown key 'max-bytes' in [fetch] (did you mean 'max_bytes'?)"),
        Case(
            text: "[daemon]\nnotify_initial = true", line: 2, key: "daemon.notify_initial",
            reason: "unknown key 'notify_initial' in [daemon] (did you mean 'notify_initial_sync'?)"),
        Case(
            text: "[fetch]\ncolour = \"blue\"", line: 2, key: "fetch.colour",
            reason:
                "unknown key 'colour' in [fetch] (known keys: timeout, connect_timeout, max_bytes, concurrency, per_host_concurrency, per_host_delay, user_agent, contact, max_redirects, retries, ca_bundle)"
        ),
        Case(
            text: "[fetch]\n\"odd key\" = 1", line: 2, key: "fetch.\"odd key\"",
            reason:
                "unknown key '\"odd key\"' in [fetch] (known keys: timeout, connect_timeout, max_bytes, concurrency, per_host_concurrency, per_host_delay, user_agent, contact, max_redirects, retries, ca_bundle)"
        ),
        Case(
            text: "[daemon]\n[daemon.extra]\nx = 1", line: 2, key: "daemon.extra",
            reason:
                "unknown key 'extra' in [daemon] (known keys: state_dir, socket, interval, notify_initial_sync, log_level, admin_group, parse_timeout, parse_max_memory, parse_max_pages, parse_workers)"
        ),
        Case(
            text: source + "urll = \"x\"", line: 5, key: "source[1].urll",
            reason: "unknown key 'urll' in [[source]] starting at line 1 (did you mean 'url'?)"),
        Case(
            text: source + "\n" + notify + "on_kinds = []", line: 10, key: "notify[1].on_kinds",
            reason:
                "unknown key 'on_kinds' in [[notify]] starting at line 6 (known keys: name, kind, command, url, headers, headers_file, secret_file, from, to, credentials_file, starttls, on, authorities, regions, direction, areas, max_attempts, timeout, retry_delay)"
        ),
        Case(
            text: "# c\n[fetcher]\ntimeout = \"1s\"", line: 2, key: "fetcher",
            reason: "unknown table [fetcher] (did you mean [fetch]?)"),
        Case(
            text: "[[sources]]\nname = \"x\"", line: 1, key: "sources",
            reason: "unknown table [[sources]] (did you mean [[source]]?)"),
        Case(
            text: "[[notifier]]\nname = \"x\"", line: 1, key: "notifier",
            reason: "unknown table [[notifier]] (did you mean [[notify]]?)"),
        Case(
            text: "[[notifications]]\nname = \"x\"", line: 1, key: "notifications",
            reason: "unknown table [[notifications]] (did you mean [[notify]]?)"),
        Case(
            text: "[logging]\nlevel = 1", line: 1, key: "logging",
            reason: "unknown table [logging] (known: [daemon], [fetch], [[source]], [[notify]], [publish], [metrics])"),
        Case(
            text: "interval = \"1h\"\n[daemon]", line: 1, key: "interval",
            reason: "unknown key 'interval' at the top level (it belongs in [daemon]: put it after that header)"),
        Case(
            text: "verbose = true", line: 1, key: "verbose",
            reason: "unknown key 'verbose' at the top level "
                + "(settings go in [daemon], [fetch], [[source]], [[notify]], [publish], [metrics])"),

        // Wrong types.
        Case(text: "[daemon]\nstate_dir = 5", line: 2, key: "daemon.state_dir", reason: "expected a string, found an integer"),
        Case(
            text: "[daemon]\nnotify_initial_sync = \"yes\"", line: 2, key: "daemon.notify_initial_sync",
            reason: "expected a boolean (true or false), found a string"),
        Case(
            text: "[daemon]\nnotify_initial_sync = \"true\"", line: 2, key: "daemon.notify_initial_sync",
            reason: "expected a boolean (true or false), found a string (write true without quotes)"),
        Case(
            text: "[daemon]\ninterval = 3600", line: 2, key: "daemon.interval",
            reason: "expected a duration string such as \"30s\", found an integer"),
        Case(
            text: "[fetch]\nconcurrency = \"8\"", line: 2, key: "fetch.concurrency",
            reason: "expected an integer, found a string (write 8 without quotes)"),
        Case(text: "[fetch]\nconcurrency = 8.0", line: 2, key: "fetch.concurrency", reason: "expected an integer, found a float"),
        Case(
            text: "[fetch]\nmax_bytes = true", line: 2, key: "fetch.max_bytes",
            reason: "expected a size (an integer number of bytes, or a string such as \"50MB\"), found a boolean"),
        Case(text: "[fetch]\nuser_agent = [\"a\"]", line: 2, key: "fetch.user_agent", reason: "expected a string, found an array"),
        Case(text: "daemon = \"x\"", line: 1, key: "daemon", reason: "expected a table [daemon], found a string"),
        Case(
            text: "[source]\nname = \"x\"", line: 1, key: "source",
            reason: "expected [[source]] (an array of tables), found a table (write [[source]], not [source])"),
        Case(text: "notify = [\"x\"]", line: 1, key: "notify", reason: "expected [[notify]] (an array of tables), found an array"),
        Case(
            text: notify.replacing("[\"/bin/true\"]", with: "\"/bin/true\""), line: 4, key: "notify[1].command",
            reason: "expected an array of strings, found a string (write command = [\"/bin/true\"])"),
        Case(
            text: notify.replacing("[\"/bin/true\"]", with: "[\n  \"/bin/x\",\n  1,\n]"), line: 6, key: "notify[1].command",
            reason: "expected an array of strings, found an integer in it"),
        Case(text: "[[source]]\nname = 1", line: 2, key: "source[1].name", reason: "expected a string, found an integer"),
        Case(text: "[[source]]\nkind = [\"document\"]", line: 2, key: "source[1].kind", reason: "expected a string, found an array"),

        // Invalid values.
        Case(
            text: "[fetch]\ntimeout = \"30 seconds\"", line: 2, key: "fetch.timeout",
            reason: "invalid duration \"30 seconds\" (use e.g. 500ms, 30s, 5m, 6h, 1d)"),
        Case(
            text: "[daemon]\ninterval = \"500ms\"", line: 2, key: "daemon.interval",
            reason: "duration \"500ms\" is too short: interval must be at least 1s"),
        Case(
            text: "[fetch]\nconnect_timeout = \"0s\"", line: 2, key: "fetch.connect_timeout",
            reason: "duration \"0s\" is too short: connect_timeout must be at least 1ms"),
        Case(
            text: "[fetch]\nmax_bytes = \"50 megabytes\"", line: 2, key: "fetch.max_bytes",
            reason: "invalid size \"50 megabytes\" (use e.g. 50MB, 512KiB, 1GB, or an integer number of bytes)"),
        Case(text: "[fetch]\nmax_bytes = 0", line: 2, key: "fetch.max_bytes", reason: "max_bytes must be at least 1 byte, found 0"),
        Case(
            text: "[fetch]\nconcurrency = 0", line: 2, key: "fetch.concurrency",
            reason: "0 is out of range: concurrency must be between 1 and 64"),
        Case(
            text: "[fetch]\nconcurrency = 65", line: 2, key: "fetch.concurrency",
            reason: "65 is out of range: concurrency must be between 1 and 64"),
        Case(
            text: "[fetch]\nmax_redirects = -1", line: 2, key: "fetch.max_redirects",
            reason: "-1 is out of range: max_redirects must be between 0 and 50"),
        Case(
            text: "[fetch]\nuser_agent = \"\"", line: 2, key: "fetch.user_agent",
            reason: "invalid user agent \"\": it must be non-empty text on one line"),
        Case(
            text: "[fetch]\nuser_agent = \"a\\r\\nX-Evil: 1\"", line: 2, key: "fetch.user_agent",
            reason: "invalid user agent \"a\\r\\nX-Evil: 1\": it must be non-empty text on one line"),
        Case(
            text: "[daemon]\nlog_level = \"verbose\"", line: 2, key: "daemon.log_level",
            reason: "invalid log level \"verbose\" (use one of: debug, info, notice, warning, error)"),
        Case(text: "[daemon]\nstate_dir = \"\"", line: 2, key: "daemon.state_dir", reason: "invalid path \"\": it must not be empty"),
        Case(
            text: "[daemon]\nstate_dir = \"~/casefile\"", line: 2, key: "daemon.state_dir",
            reason: "invalid path \"~/casefile\": '~' is not expanded; write the full path"),
        Case(
            text: "[daemon]\nsocket = \"/tmp/\(String(repeating: "s", count: 100)).sock\"", line: 2, key: "daemon.socket",
            reason:
                "socket path \"/tmp/\(String(repeating: "s", count: 100)).sock\" is 110 bytes long; a Unix socket path must be at most 107 bytes (use a shorter folder)"
        ),
        Case(
            text: source.replacing("https://example.org/a.pdf", with: "ftp://example.org/a.pdf"), line: 4, key: "source[1].url",
            reason: "invalid url \"ftp://example.org/a.pdf\" for a document source (use an http://, https:// or file:// URL)"),
        Case(
            text: source.replacing("https://example.org/a.pdf", with: "reports/a.pdf"), line: 4, key: "source[1].url",
            reason: "invalid url \"reports/a.pdf\" for a document source (use an http://, https:// or file:// URL)"),
        Case(
            text: source.replacing("https://example.org/a.pdf", with: ""), line: 4, key: "source[1].url",
            reason: "invalid url \"\" for a document source (use an http://, https:// or file:// URL)"),
        Case(
            text: source.replacing("https://example.org/a.pdf", with: "https:///a.pdf"), line: 4, key: "source[1].url",
            reason: "invalid url \"https:///a.pdf\": no host after https://"),
        Case(
            text: source.replacing("https://example.org/a.pdf", with: "https://example.org/a b.pdf"), line: 4, key: "source[1].url",
            reason: "invalid url \"https://example.org/a b.pdf\": spaces and control characters must be percent-encoded (a space is %20)"),
        Case(
            text: source.replacing("https://example.org/a.pdf", with: "file://reports/a.pdf"), line: 4, key: "source[1].url",
            reason:
                "invalid url \"file://reports/a.pdf\": a file:// URL needs an absolute path, as in file:///var/lib/casefiled/inbox (or write the path without file://)"
        ),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"smb://host/share/reports\"", line: 4, key: "source[1].url",
            reason:
                "invalid url \"smb://host/share/reports\" for a directory source: libcurl cannot list an smb:// folder (mount the share, e.g. with mount.cifs, and give its local path)"
        ),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"gopher://host/reports\"", line: 4, key: "source[1].url",
            reason:
                "invalid url \"gopher://host/reports\" for a directory source (use a path, or a file://, sftp://, ftp:// or ftps:// URL)"),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"sftp://qa:secret@host/reports\"", line: 4, key: "source[1].url",
            reason: "invalid url \"sftp://qa:secret@host/reports\": put the password in credentials_file, never in the url"),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"sftp://qa@/reports\"", line: 4, key: "source[1].url",
            reason: "invalid url \"sftp://qa@/reports\": no host after sftp://"),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"ftp://host/in/\"\nssh_known_hosts = \"/etc/hosts\"", line: 5,
            key: "source[1].ssh_known_hosts", reason: "ssh_known_hosts is for sftp:// folders only"),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"crawl\"\nurl = \"https://example.org/\"\ndocuments = 'pdf$'\nssh_key_file = \"/k\"",
            line: 6,
            key: "source[1].ssh_key_file", reason: "key 'ssh_key_file' does not apply to a crawl source (it is for directory sources)"),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"ftp:///reports\"", line: 4, key: "source[1].url",
            reason: "invalid url \"ftp:///reports\": no host after ftp://"),
        Case(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"\"", line: 4, key: "source[1].url",
            reason: "invalid path \"\": it must not be empty"),
        Case(
            text: source.replacing("\"a\"", with: "\"Inbox\""), line: 2, key: "source[1].name",
            reason:
                "invalid source name \"Inbox\": use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
        ),
        Case(
            text: source.replacing("\"a\"", with: "\"\""), line: 2, key: "source[1].name",
            reason:
                "invalid source name \"\": use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
        ),
        Case(
            text: source.replacing("\"a\"", with: "\"-a\""), line: 2, key: "source[1].name",
            reason:
                "invalid source name \"-a\": use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
        ),
        Case(
            text: notify.replacing("\"n\"", with: "\"team alerts\""), line: 2, key: "notify[1].name",
            reason:
                "invalid notifier name \"team alerts\": use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
        ),
        Case(
            text: source + "interval = \"0s\"", line: 5, key: "source[1].interval",
            reason: "duration \"0s\" is too short: interval must be at least 1s"),
        Case(
            text: notify + "max_attempts = 0", line: 5, key: "notify[1].max_attempts",
            reason: "0 is out of range: max_attempts must be between 1 and 1000"),
        Case(
            text: notify + "timeout = \"soon\"", line: 5, key: "notify[1].timeout",
            reason: "invalid duration \"soon\" (use e.g. 500ms, 30s, 5m, 6h, 1d)"),
        Case(
            text: notify.replacing("[\"/bin/true\"]", with: "[]"), line: 4, key: "notify[1].command",
            reason: "command must name a program: [\"/path/to/program\", \"argument\", …]"),
        Case(
            text: notify.replacing("[\"/bin/true\"]", with: "[\"\", \"x\"]"), line: 4, key: "notify[1].command",
            reason: "command must name a program: [\"/path/to/program\", \"argument\", …]"),
        Case(
            text: notify + "on = []", line: 5, key: "notify[1].on",
            reason: "on = [] would deliver nothing; list change kinds, or leave 'on' out for all of them"),
        Case(
            text: notify + "on = [\n  \"grade_changed\",\n  \"grade_change\",\n]", line: 7, key: "notify[1].on",
            reason: "invalid change kind \"grade_change\" (did you mean \"grade_changed\"?)"),
        Case(
            text: notify + "on = [\"everything\"]", line: 5, key: "notify[1].on",
            reason: "invalid change kind \"everything\" (use: report_added, grade_changed, report_revised, report_withdrawn)"),
        Case(
            text: notify + "on = [\"report_added\", \"report_added\"]", line: 5, key: "notify[1].on",
            reason: "change kind \"report_added\" is listed twice"),

        // Kinds that do not exist.
        Case(
            text: source.replacing("\"document\"", with: "\"rss\""), line: 3, key: "source[1].kind",
            reason: "invalid source kind \"rss\" (supported: document, directory, crawl, feed)"),
        Case(
            text: "[[notify]]\nname = \"team\"\nkind = \"webhook\"\nurl = \"ftp://hooks.example.org/casefile\"\non = [\"grade_changed\"]",
            line: 4, key: "notify[1].url", reason: "invalid webhook url \"ftp://hooks.example.org/…\" (use http://… or https://…)"),
        Case(
            text: notify.replacing("\"command\"", with: "\"email\""), line: 4, key: "notify[1].command",
            reason: "command is for \"command\" notifiers, not \"email\""),
        Case(
            text: notify.replacing("\"command\"", with: "\"slack\""), line: 3, key: "notify[1].kind",
            reason: "invalid notifier kind \"slack\" (use one of: command, webhook, email)"),

        // Missing required keys: the line of the table's header.
        Case(
            text: source + "\n\n[[source]]\nname = \"b\"\nkind = \"document\"\n", line: 7, key: "source[2].url",
            reason: "missing required key 'url' in [[source]] starting at line 7"),
        Case(
            text: "[[source]]\nkind = \"document\"\nurl = \"https://example.org/\"", line: 1, key: "source[1].name",
            reason: "missing required key 'name' in [[source]] starting at line 1"),
        Case(
            text: "\n[[source]]\nname = \"x\"\nurl = \"https://example.org/\"", line: 2, key: "source[1].kind",
            reason: "missing required key 'kind' in [[source]] starting at line 2"),
        Case(
            text: "[[notify]]\nname = \"n\"\nkind = \"command\"", line: 1, key: "notify[1].command",
            reason: "missing required key 'command' in [[notify]] starting at line 1"),
        Case(
            text: "[[notify]]\nname = \"n\"\ncommand = [\"/bin/true\"]", line: 1, key: "notify[1].kind",
            reason: "missing required key 'kind' in [[notify]] starting at line 1"),
        // A typo is reported as unknown (with the fix), not as the key it was meant to be going missing.
        Case(
            text: "[[source]]\nname = \"x\"\nknd = \"document\"\nurl = \"https://example.org/\"", line: 3, key: "source[1].knd",
            reason: "unknown key 'knd' in [[source]] starting at line 1 (did you mean 'kind'?)"),

        // Duplicate names name both places.
        Case(
            text: source + "\n" + source, line: 7, key: "source[2].name",
            reason: "duplicate source name \"a\": the [[source]] starting at line 1 already uses it"),
        Case(
            text: notify + notify.replacing("\"n\"", with: "\"m\"") + notify, line: 10, key: "notify[3].name",
            reason: "duplicate notifier name \"n\": the [[notify]] starting at line 1 already uses it"),
    ]

    @Test(arguments: cases)
    func refused(_ c: Case) {
        let e = configError(c.text)
        #expect(e?.file == configFile)
        #expect(e?.reason == c.reason, "input:\n\(c.text)")
        #expect(e?.line == c.line, "input:\n\(c.text)")
        #expect(e?.key == c.key, "input:\n\(c.text)")
        #expect(e?.column == nil)
    }

    @Test func aSourceAndANotifierMayShareAName() throws {
        let c = try config(Self.source + "\n" + Self.notify.replacing("\"n\"", with: "\"a\""))
        #expect(c.sources.map(\.name) == ["a"])
        #expect(c.notifiers.map(\.name) == ["a"])
    }

    @Test func descriptionNamesFileLineAndKey() {
        let e = configError("[daemon]\ninterval = \"6h\"\n\n[fetch]\n# the whole transfer\n\n\n\n\n\n\ntimeout = \"30 seconds\"")
        #expect(
            e?.description
                == "/etc/casefiled/casefiled.toml:12: fetch.timeout: invalid duration \"30 seconds\" (use e.g. 500ms, 30s, 5m, 6h, 1d)")
        let missing = configError("[[source]]\nname = \"x\"\nkind = \"document\"")
        #expect(
            missing?.description
                == "/etc/casefiled/casefiled.toml:1: source[1].url: missing required key 'url' in [[source]] starting at line 1")
    }

    @Test func missingAndInvalidAreDifferentMessages() {
        let missing = configError("[[source]]\nname = \"x\"\nkind = \"document\"")
        let invalid = configError("[[source]]\nname = \"x\"\nkind = \"document\"\nurl = \"\"")
        #expect(missing?.reason.hasPrefix("missing required key") == true)
        #expect(invalid?.reason.hasPrefix("invalid url") == true)
        #expect(missing?.key == invalid?.key)
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        let e = configError("[daemon]\ninterval = \"6h\"\nsocket = /run/x.sock\n")
        #expect(e?.line == 3)
        #expect(e?.column == 10)
        #expect(e?.key == nil)
        #expect(e?.reason == "expected a value, found '/'")
        #expect(e?.description.hasPrefix("/etc/casefiled/casefiled.toml:3:10: expected a value") == true)
    }

    @Test func redefinitionsAreSyntaxErrors() {
        let e = configError("[daemon]\ninterval = \"6h\"\n[fetch]\n[daemon]\n")
        #expect(e?.line == 4)
        #expect(e?.reason == "table [daemon] is defined twice (first at line 1)")
        let d = configError("[fetch]\ntimeout = \"1s\"\ntimeout = \"2s\"")
        #expect(d?.line == 3)
        #expect(d?.reason == "duplicate key 'timeout' (first set at line 2)")
    }

    @Test func theFirstErrorInCheckingOrderIsReported() {
        // Two problems: the [daemon] one (checked first) wins over the [[source]] one.
        let e = configError("[[source]]\nname = \"BAD\"\n[daemon]\ninterval = \"x\"")
        #expect(e?.key == "daemon.interval")
    }
}

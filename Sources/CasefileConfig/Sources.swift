/// One `[[source]]`: a name, its kind with exactly that kind's settings,
/// and how often it is synced. The doc of each key is in the kinds' `keys`.
public struct SourceConfig: ConfigTable {
    /// Unique among sources; `[a-z0-9][a-z0-9_-]*`, at most 64 characters.
    public var name = ""
    public var kind: Kind = .document(Document())
    /// nil: `[daemon] interval` (see `CasefileConfig.interval(for:)`).
    public var interval: Duration? = nil
    /// The line of the `[[source]]` header, for messages.
    public var line = 0

    public enum Kind: Sendable, Equatable {
        case document(Document)
        case directory(Directory)
        case crawl(Crawl)
        case feed(Feed)

        /// As the `kind` key names it.
        public var name: String {
            switch self {
            case .document: "document"
            case .directory: "directory"
            case .crawl: "crawl"
            case .feed: "feed"
            }
        }
    }

    /// One document at a URL.
    public struct Document: ConfigTable {
        /// `http(s)://` or `file://`.
        public var url = ""

        static let keys: [ConfigKey<Self>] = [
            .init("url", documentURL, \.url, required: true, doc: "an `http(s)://` or `file://` URL")
        ]
    }

    /// Every regular file in a folder.
    public struct Directory: ConfigTable {
        /// `file://` (a path in the file becomes one), `sftp://`, `ftp://` or `ftps://`.
        public var url = ""
        /// sftp, ftp, ftps: an absolute path of a `user:password` file, mode 0600.
        public var credentialsFile: String? = nil
        /// sftp: nil means the system's, `/etc/ssh/ssh_known_hosts`.
        public var sshKnownHosts: String? = nil
        /// sftp: mode 0600.
        public var sshKeyFile: String? = nil

        static let keys: [ConfigKey<Self>] = [
            .init(
                "url", directoryURL, \.url, required: true,
                doc: "a path, or a `file://`, `sftp://`, `ftp://` or `ftps://` folder"),
            .init(
                "credentials_file", .secretFile("credentials file"), \.credentialsFile,
                doc: "a file holding `user:password` for an `sftp://`, `ftp://` or `ftps://` folder (never inline in the config)",
                when: {
                    remoteSchemes.contains(urlScheme(of: $0.url) ?? "file")
                        ? nil
                        : "credentials_file is for sftp://, ftp:// and ftps:// folders; a local folder needs none"
                }),
            // SSH: the server proves who it is against a known_hosts file
            // (always: there is no "accept any key"), and we may log in with
            // a key rather than a password.
            .init(
                "ssh_known_hosts", .path, \.sshKnownHosts, default: "`/etc/ssh/ssh_known_hosts`",
                doc: "the known_hosts file that must hold an `sftp://` server's host key; "
                    + "a missing or different key is refused, never accepted",
                when: { urlScheme(of: $0.url) == "sftp" ? nil : "ssh_known_hosts is for sftp:// folders only" }),
            .init(
                "ssh_key_file", .secretFile("SSH key file"), \.sshKeyFile,
                doc: "a private key to log in to an `sftp://` server with; the user name goes in the URL "
                    + "(`sftp://casefile@host/folder/`) or the credentials file",
                when: { urlScheme(of: $0.url) == "sftp" ? nil : "ssh_key_file is for sftp:// folders only" }),
        ]

        static let remoteSchemes = ["sftp", "ftp", "ftps"]
    }

    /// Web pages walked from a start page; links matching `documents` are documents.
    public struct Crawl: ConfigTable {
        /// `http(s)://`: the start page.
        public var url = ""
        /// Regular expressions: the pages to walk through.
        public var follow: [String] = []
        /// A regular expression a link must match to be a document.
        public var documents = ""
        public var maxDepth = 3
        /// Regular expressions on a document's label (its link text): keep
        /// those matching one of `labelInclude` (if any) and none of `labelExclude`.
        public var labelInclude: [String] = []
        public var labelExclude: [String] = []

        static let keys: [ConfigKey<Self>] = [
            .init("url", webURL("crawl", allowFile: false), \.url, required: true, doc: "the `http(s)://` start page"),
            .init(
                "follow", .patterns, \.follow,
                doc: "links to walk through (listing pages, pagination, provider pages)"),
            .init("documents", .pattern, \.documents, required: true, doc: SourceConfig.documentsDoc),
            .init("max_depth", .integer(0...20), \.maxDepth, doc: "how many pages deep to follow"),
            .init("label_include", .patterns, \.labelInclude, doc: SourceConfig.labelIncludeDoc),
            .init("label_exclude", .patterns, \.labelExclude, doc: SourceConfig.labelExcludeDoc),
        ]
    }

    /// An Atom or RSS 2.0 feed, or a JSON list of URLs.
    public struct Feed: ConfigTable {
        /// `http(s)://` or `file://`.
        public var url = ""
        public var format: Format = .auto
        /// A regular expression a link must match to be a document; nil: every entry.
        public var documents: String? = nil
        /// As a crawl's, on the entry's title.
        public var labelInclude: [String] = []
        public var labelExclude: [String] = []

        public enum Format: String, Sendable, Equatable, CaseIterable {
            /// Told from the content.
            case auto
            case atom, rss, json
        }

        static let keys: [ConfigKey<Self>] = [
            .init("url", webURL("feed", allowFile: true), \.url, required: true, doc: "an `http(s)://` or `file://` URL"),
            .init("format", .choice("feed format"), \.format, doc: "the feed's format, or `auto` to tell it from the content"),
            .init("documents", .pattern, \.documents, doc: SourceConfig.documentsDoc),
            .init("label_include", .patterns, \.labelInclude, doc: SourceConfig.labelIncludeDoc),
            .init("label_exclude", .patterns, \.labelExclude, doc: SourceConfig.labelExcludeDoc),
        ]
    }

    // The words crawl and feed share, so the README's row for the key is one.
    static let documentsDoc = "links that are reports"
    static let labelIncludeDoc = "keep only documents whose link text or title matches one of these"
    static let labelExcludeDoc = "drop documents whose link text or title matches one of these, e.g. `['Area SEND']`"

    static let keys: [ConfigKey<Self>] = [
        .init(
            "interval", .duration(atLeast: .seconds(1)), \.interval, default: "`[daemon] interval`",
            doc: "this source's own interval (a random ±10 % is added; a failing source backs off and recovers by itself)")
    ]

    static let form = KindedTable<Self>(
        what: "source", nameDoc: "unique; lower-case letters, digits, `-`, `_`",
        kinds: [
            KindSchema("document", Document.self, doc: "one URL") { $0.kind = .document($1) },
            KindSchema("directory", Directory.self, doc: "every file in a folder") { $0.kind = .directory($1) },
            KindSchema("crawl", Crawl.self, doc: "follow links from a start page") { $0.kind = .crawl($1) },
            KindSchema("feed", Feed.self, doc: "Atom, RSS 2.0 or a JSON list") { $0.kind = .feed($1) },
        ],
        name: \.name, line: \.line,
        invalidKind: { value, kinds in "invalid source kind \(quoted(value)) (supported: \(kinds.joined(separator: ", ")))" },
        wrongKind: { key, owners, kind in
            "key '\(key)' does not apply to a \(kind) source (it is for \(owners.joined(separator: " and ")) sources)"
        })
}

// MARK: - URLs of each kind

extension SourceConfig {
    /// `http(s)://host…`, or a `file://` URL with an absolute path.
    static var documentURL: ValueType<String> {
        ValueType("string") { v, site throws(ConfigError) in
            let url = try site.string(v)
            try checkURLText(url, v.line, site)
            let lower = url.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return try checkHost(url, v.line, site) }
            if lower.hasPrefix("file://") { return try fileURL(url, v.line, site) }
            throw site.fail(v.line, "invalid url \(quoted(url)) for a document source (use an http://, https:// or file:// URL)")
        }
    }

    /// A folder: a path (made a `file://` URL), `file://`, or `sftp://`,
    /// `ftp://`, `ftps://` with a host and never a password.
    static var directoryURL: ValueType<String> {
        ValueType("string") { v, site throws(ConfigError) in
            let url = try site.string(v)
            guard let scheme = urlScheme(of: url) else {
                return ConfigPaths.fileURL(try ValueType<String>.resolvePath(url, v.line, site))
            }
            if scheme == "file" {
                try checkURLText(url, v.line, site)
                return try fileURL(url, v.line, site)
            }
            if Directory.remoteSchemes.contains(scheme) {
                try checkURLText(url, v.line, site)
                var host = url.dropFirst(scheme.count + 3).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
                if let at = host.lastIndex(of: "@") {
                    // A user name may be in the url (sftp://casefile@host/, for
                    // a key login); a password never.
                    guard !host[..<at].contains(":") else {
                        throw site.fail(v.line, "invalid url \(quoted(url)): put the password in credentials_file, never in the url")
                    }
                    host = host[host.index(after: at)...]
                }
                guard !host.prefix(while: { $0 != ":" }).isEmpty else {
                    throw site.fail(v.line, "invalid url \(quoted(url)): no host after \(scheme)://")
                }
                return url
            }
            if scheme == "smb" || scheme == "smbs" {
                throw site.fail(
                    v.line,
                    "invalid url \(quoted(url)) for a directory source: libcurl cannot list an smb:// folder "
                        + "(mount the share, e.g. with mount.cifs, and give its local path)")
            }
            throw site.fail(
                v.line, "invalid url \(quoted(url)) for a directory source (use a path, or a file://, sftp://, ftp:// or ftps:// URL)")
        }
    }

    /// crawl: `http(s)://` only; feed: `file://` too.
    static func webURL(_ kind: String, allowFile: Bool) -> ValueType<String> {
        ValueType("string") { v, site throws(ConfigError) in
            let url = try site.string(v)
            try checkURLText(url, v.line, site)
            let lower = url.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return try checkHost(url, v.line, site) }
            if allowFile, lower.hasPrefix("file://") { return try fileURL(url, v.line, site) }
            let allowed = allowFile ? "an http://, https:// or file:// URL" : "an http:// or https:// URL"
            throw site.fail(v.line, "invalid url \(quoted(url)) for a \(kind) source (use \(allowed))")
        }
    }

    private static func checkHost(_ url: String, _ line: Int, _ site: KeySite) throws(ConfigError) -> String {
        let rest = url.drop { $0 != ":" }.dropFirst(3)
        guard !rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" }).isEmpty else {
            throw site.fail(line, "invalid url \(quoted(url)): no host after \(url.prefix(url.lowercased().hasPrefix("https") ? 8 : 7))")
        }
        return url
    }

    /// `file:///abs/path` or `file://localhost/abs/path`, kept as written.
    private static func fileURL(_ url: String, _ line: Int, _ site: KeySite) throws(ConfigError) -> String {
        let rest = url.dropFirst("file://".count)
        guard rest.hasPrefix("/") || rest.lowercased().hasPrefix("localhost/") else {
            throw site.fail(
                line,
                "invalid url \(quoted(url)): a file:// URL needs an absolute path, as in file:///var/lib/casefiled/inbox "
                    + "(or write the path without file://)")
        }
        return url
    }
}

/// What a source is, as the config file's `kind` names it.
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
    /// One document at a URL.
    case document
    /// Every regular file in a folder: `file://`, `sftp://`, `ftp://`, `ftps://`.
    case directory
    /// Web pages walked from a start URL; links matching `documents` are documents.
    case crawl
    /// An Atom or RSS 2.0 feed, or a JSON list of URLs.
    case feed
}

/// The format of a `feed` source.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable {
    /// Told from the content: `[` is JSON, `<feed` Atom, `<rss` RSS.
    case auto, atom, rss, json
}

/// One `[[source]]` of the config file, as far as fetching needs it.
public struct SourceSpec: Sendable, Hashable {
    public var name: String
    public var kind: SourceKind
    /// document: the document; directory: the folder; crawl: the start page;
    /// feed: the feed.
    public var url: String
    /// crawl: regular expressions (searched in the absolute URL) for the
    /// pages to walk through.
    public var follow: [String]
    /// crawl (required) and feed (optional): a regular expression a link's
    /// absolute URL must contain to be a document.
    public var documents: String?
    /// crawl: links followed from the start page at most this many steps deep.
    public var maxDepth: Int
    /// crawl and feed: a document is kept when its label matches one of
    /// these (when there are any) and none of `labelExclude`.
    public var labelInclude: [String]
    public var labelExclude: [String]
    /// directory (sftp, ftp, ftps): a file holding `user:password`, mode 0600.
    public var credentialsFile: String?
    /// directory (sftp): how the server's host key is checked and how we log in.
    public var ssh: SSHSettings
    /// feed: the format, or `auto`.
    public var format: FeedFormat

    public init(
        name: String, kind: SourceKind, url: String, follow: [String] = [], documents: String? = nil,
        maxDepth: Int = 3, labelInclude: [String] = [], labelExclude: [String] = [],
        credentialsFile: String? = nil, ssh: SSHSettings = SSHSettings(), format: FeedFormat = .auto
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.follow = follow
        self.documents = documents
        self.maxDepth = maxDepth
        self.labelInclude = labelInclude
        self.labelExclude = labelExclude
        self.credentialsFile = credentialsFile
        self.ssh = ssh
        self.format = format
    }
}

/// SSH for sftp:// sources. The server's host key is always checked: there
/// is no setting that accepts any key, so a password or a listing cannot go
/// to a server that only claims the name.
public struct SSHSettings: Sendable, Hashable {
    /// The system-wide known_hosts file, used when a source names none.
    public static let systemKnownHosts = "/etc/ssh/ssh_known_hosts"

    /// The known_hosts file the host key must match (OpenSSH's format,
    /// hashed names included); nil: `systemKnownHosts`.
    public var knownHosts: String?
    /// A private key to log in with (mode 0600 or stricter); the user name
    /// comes from the URL or the credentials file.
    public var keyFile: String?

    public init(knownHosts: String? = nil, keyFile: String? = nil) {
        self.knownHosts = knownHosts
        self.keyFile = keyFile
    }

    public var effectiveKnownHosts: String { knownHosts ?? Self.systemKnownHosts }
}

/// The `[fetch]` settings that apply to each transfer.
public struct FetchSettings: Sendable, Hashable {
    /// Whole transfer, in seconds.
    public var timeout: Double
    /// Connection phase, in seconds.
    public var connectTimeout: Double
    /// A document larger than this fails rather than filling memory (the
    /// transfer is aborted as soon as it passes the limit).
    public var maxBytes: Int
    public var maxRedirects: Int
    public var userAgent: String
    /// Who runs this daemon (an email address or a URL): sent as part of the
    /// User-Agent, `casefiled/0.1 (+CONTACT)`, so a publisher can reach them.
    public var contact: String?
    /// CA certificates for TLS (a PEM file); nil: the system's bundle.
    public var caBundle: String?
    /// Transfers at once, over all hosts.
    public var concurrency: Int
    /// Transfers at once to one host.
    public var perHostConcurrency: Int
    /// Seconds between the starts of two requests to the same host.
    public var perHostDelay: Double
    /// Retries after the first attempt, for timeouts, connection errors, 429
    /// and 5xx. 403, 404 and other answers are never retried within a sync.
    public var retries: Int
    /// The first retry waits about this long (seconds); each next one twice
    /// as long, with jitter, up to `retryMaxDelay`.
    public var retryBaseDelay: Double
    public var retryMaxDelay: Double
    /// A Retry-After longer than this (seconds) is not waited for: the
    /// document fails for this sync, and the source's own backoff takes over.
    public var maxRetryAfter: Double

    public init(
        timeout: Double = 30, connectTimeout: Double = 10, maxBytes: Int = 50_000_000,
        maxRedirects: Int = 5, userAgent: String = "casefiled/0.1", contact: String? = nil,
        caBundle: String? = nil, concurrency: Int = 8, perHostConcurrency: Int = 2,
        perHostDelay: Double = 0.5, retries: Int = 3, retryBaseDelay: Double = 1,
        retryMaxDelay: Double = 60, maxRetryAfter: Double = 120
    ) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
        self.contact = contact
        self.caBundle = caBundle
        self.concurrency = concurrency
        self.perHostConcurrency = perHostConcurrency
        self.perHostDelay = perHostDelay
        self.retries = retries
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The User-Agent header as sent: `userAgent`, then ` (+contact)`.
    public var effectiveUserAgent: String {
        guard let contact, !contact.isEmpty else { return userAgent }
        return "\(userAgent) (+\(contact))"
    }
}

/// What the server said about a document last time, sent back verbatim on
/// the next conditional GET.
public struct Validators: Sendable, Hashable {
    /// The `ETag` header as received, quotes and any `W/` included.
    public var etag: String?
    /// The `Last-Modified` header as received: the server's own date text.
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    public var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// One document to fetch, and what it may use to get there.
public struct FetchRequest: Sendable, Hashable {
    public var url: String
    public var validators: Validators?
    /// libcurl protocol names this fetch may use, redirects included. nil:
    /// http and https for an http(s) URL, else the URL's own scheme only.
    public var protocols: [String]?
    /// A file holding `user:password` (mode 0600 or stricter), for sftp,
    /// ftp, ftps and smb URLs.
    public var credentialsFile: String?
    /// For sftp:// URLs: the known_hosts file and an optional login key.
    public var ssh: SSHSettings

    public init(
        url: String, validators: Validators? = nil, protocols: [String]? = nil, credentialsFile: String? = nil,
        ssh: SSHSettings = SSHSettings()
    ) {
        self.url = url
        self.validators = validators
        self.protocols = protocols
        self.credentialsFile = credentialsFile
        self.ssh = ssh
    }
}

/// A document's bytes and what the server said about them.
public struct FetchedDocument: Sendable {
    /// The URL asked for (not the one after redirects): the document's identity.
    public var url: String
    public var bytes: [UInt8]
    /// The Content-Type header as sent. The bytes are returned whatever it
    /// says: an HTML "Report not found" page served as application/pdf is
    /// for the extractor to refuse.
    public var contentType: String?
    public var etag: String?
    public var lastModified: String?
    /// The HTTP status; 0 for protocols without one (file://, ftp, sftp).
    public var status: Int
    /// The URL of the final response, after redirects.
    public var effectiveURL: String
    /// Transfers it took (1 when the first one succeeded).
    public var attempts: Int

    public init(
        url: String, bytes: [UInt8], contentType: String? = nil, etag: String? = nil,
        lastModified: String? = nil, status: Int, effectiveURL: String? = nil, attempts: Int = 1
    ) {
        self.url = url
        self.bytes = bytes
        self.contentType = contentType
        self.etag = etag
        self.lastModified = lastModified
        self.status = status
        self.effectiveURL = effectiveURL ?? url
        self.attempts = attempts
    }

    public var validators: Validators { Validators(etag: etag, lastModified: lastModified) }
}

/// Why a fetch failed, for people (`reason`) and for code (`kind`, `status`).
public struct FetchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The server answered with an error status (see `status`).
        case httpStatus
        /// No answer in time (total or connect timeout).
        case timeout
        /// Could not resolve, connect, send or receive.
        case connection
        /// The connection closed before the announced body had arrived.
        case incomplete
        /// The body passed `max_bytes`; the transfer was aborted.
        case tooLarge
        case tooManyRedirects
        /// A URL or redirect to a protocol the source may not use.
        case protocolNotAllowed
        /// Missing, unreadable or too open credentials file; not a URL.
        case configuration
        case cancelled
        case other
    }

    /// The URL asked for.
    public var url: String
    /// "HTTP 404 Not Found", "timed out after 30 s", "response is larger than
    /// 50000000 bytes", "too many redirects (more than 5)", … with
    /// " (after N attempts)" when it was retried.
    public var reason: String
    public var kind: Kind
    /// The HTTP status of the last answer, when there was one.
    public var status: Int?
    public var attempts: Int

    public init(url: String, reason: String, kind: Kind, status: Int? = nil, attempts: Int = 1) {
        self.url = url
        self.reason = reason
        self.kind = kind
        self.status = status
        self.attempts = attempts
    }

    public var description: String { "\(url): \(reason)" }
}

/// How one fetch ended. A failure is an outcome, not a thrown error: a sync
/// records it per document and carries on.
public enum FetchOutcome: Sendable {
    case fetched(FetchedDocument)
    /// 304: what is stored is current. The validators are the ones to keep
    /// (the server's if it resent them, else the ones sent).
    case notModified(url: String, etag: String?, lastModified: String?)
    case failed(FetchFailure)

    public var url: String {
        switch self {
        case .fetched(let document): document.url
        case .notModified(let url, _, _): url
        case .failed(let failure): failure.url
        }
    }

    /// The failure, if it is one.
    public var failure: FetchFailure? {
        if case .failed(let failure) = self { failure } else { nil }
    }
}

/// A source could not be listed.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    public var url: String
    public var reason: String

    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String { "\(url): \(reason)" }
}

/// One document a source lists now.
public struct ListedDocument: Sendable, Hashable {
    /// Absolute, fragment dropped: the document's identity.
    public var url: String
    /// For people: the link's text (crawl), the entry's title (feed), the
    /// file name (directory); nil for a `document` source.
    public var label: String?
    /// What fetching it may use (protocols, credentials), from its source.
    public var protocols: [String]?
    public var credentialsFile: String?
    public var ssh: SSHSettings

    public init(
        url: String, label: String? = nil, protocols: [String]? = nil, credentialsFile: String? = nil,
        ssh: SSHSettings = SSHSettings()
    ) {
        self.url = url
        self.label = label
        self.protocols = protocols
        self.credentialsFile = credentialsFile
        self.ssh = ssh
    }

    /// The request that fetches it, conditional when there are validators.
    public func request(validators: Validators?) -> FetchRequest {
        FetchRequest(url: url, validators: validators, protocols: protocols, credentialsFile: credentialsFile, ssh: ssh)
    }
}

/// What listing a source found.
public struct SourceListing: Sendable {
    public var documents: [ListedDocument]
    /// Pages of a crawl that could not be read (after retries). Documents
    /// linked only from those pages are missing from `documents`, so a
    /// listing that is not complete must not mark anything withdrawn.
    public var pageFailures: [FetchFailure]
    /// Pages (or feeds, or folder listings) read.
    public var pagesRead: Int
    /// A crawl: links its `follow` patterns matched but that it did not
    /// read, being deeper than `max_depth` (or past the page limit). The
    /// documents they lead to are missing from `documents`.
    public var notFollowed: [String]

    public init(documents: [ListedDocument], pageFailures: [FetchFailure] = [], pagesRead: Int = 0, notFollowed: [String] = []) {
        self.documents = documents
        self.pageFailures = pageFailures
        self.pagesRead = pagesRead
        self.notFollowed = notFollowed
    }

    /// Every page was read: a document missing from `documents` is really gone.
    public var isComplete: Bool { pageFailures.isEmpty }
}

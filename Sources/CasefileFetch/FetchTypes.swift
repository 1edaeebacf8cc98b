/// The `[fetch]` settings that apply to each transfer.
public struct FetchSettings: Sendable, Hashable {
    /// Whole transfer, in seconds.
    public var timeout: Double = 30
    /// Connection phase, in seconds.
    public var connectTimeout: Double = 10
    /// A document larger than this fails rather than filling memory.
    public var maxBytes: Int = 50_000_000
    public var maxRedirects: Int = 5
    public var userAgent: String = "casefiled/0.1"

    public init(timeout: Double = 30, connectTimeout: Double = 10, maxBytes: Int = 50_000_000,
                maxRedirects: Int = 5, userAgent: String = "casefiled/0.1") {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
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

/// A document's bytes and what the server said about them.
public struct FetchedDocument: Sendable {
    /// The URL asked for (not the one after redirects): the document's identity.
    public var url: String
    public var bytes: [UInt8]
    public var contentType: String?
    public var etag: String?
    public var lastModified: String?
    /// The HTTP status; 0 for protocols without one (file://).
    public var status: Int

    public init(url: String, bytes: [UInt8], contentType: String? = nil, etag: String? = nil,
                lastModified: String? = nil, status: Int) {
        self.url = url
        self.bytes = bytes
        self.contentType = contentType
        self.etag = etag
        self.lastModified = lastModified
        self.status = status
    }

    public var validators: Validators { Validators(etag: etag, lastModified: lastModified) }
}

/// How one fetch ended. A failure is an outcome, not a thrown error: a sync
/// records it per document and carries on.
public enum FetchOutcome: Sendable {
    case fetched(FetchedDocument)
    /// 304: what is stored is current. The validators are the ones to keep
    /// (the server's if it resent them, else the ones sent).
    case notModified(url: String, etag: String?, lastModified: String?)
    /// `reason` is for people: "HTTP 404 Not Found", "timed out after 30 s",
    /// "response is larger than 50000000 bytes", or libcurl's own message.
    case failed(url: String, reason: String)

    public var url: String {
        switch self {
        case .fetched(let document): document.url
        case .notModified(let url, _, _), .failed(let url, _): url
        }
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

/// One header line: the name as sent (case kept), the value without the
/// surrounding whitespace.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): \(value)" }
}

/// One request for `HTTPClient`. The URL may be of any protocol that
/// `protocols` allows (libcurl does the work: http, https, file, and more).
public struct HTTPRequest: Sendable {
    public var url: String
    public var method: String = "GET"
    public var headers: [HTTPHeader] = []
    public var body: [UInt8]?
    /// Talk HTTP over this Unix socket instead of TCP (CURLOPT_UNIX_SOCKET_PATH);
    /// the URL's host then only fills the Host header.
    public var unixSocketPath: String?
    /// Whole transfer, in seconds; 0 or less means no limit (for streams).
    public var timeout: Double = 30
    /// Connection phase, in seconds; 0 or less means libcurl's default (300 s).
    public var connectTimeout: Double = 10
    /// Abort once the body passes this many bytes.
    public var maxBytes: Int?
    public var followRedirects = true
    public var maxRedirects = 5
    /// Comma-separated libcurl protocol names allowed for the URL and for every
    /// redirect (CURLOPT_PROTOCOLS_STR and CURLOPT_REDIR_PROTOCOLS_STR). The
    /// default keeps an http redirect from reaching file:// or anything else.
    /// nil leaves libcurl's defaults.
    public var protocols: String? = "http,https"
    public var userAgent: String?
    /// Ask for HTTP/2 over TLS where the server offers it (ALPN), and wait
    /// to multiplex on a connection already open to that host.
    public var preferHTTP2 = false
    /// CA certificates to verify TLS peers with (CURLOPT_CAINFO); nil keeps
    /// libcurl's default (the system bundle).
    public var caBundle: String?
    /// "user:password" for protocols that log in (ftp, ftps, sftp, smb).
    /// Never logged; not sent on to another host after a redirect.
    public var credentials: String?
    /// sftp/scp: the known_hosts file the server's key must match
    /// (CURLOPT_SSH_KNOWNHOSTS). Set it for every SSH URL: without it
    /// libcurl accepts any host key.
    public var sshKnownHosts: String?
    /// sftp/scp: a private key to log in with (CURLOPT_SSH_PRIVATE_KEYFILE).
    public var sshPrivateKeyFile: String?

    public init(url: String, method: String = "GET", headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// Replaces every header of that name (case-insensitive) by one.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append(HTTPHeader(name, value))
    }
}

/// The final response after any redirects.
public struct HTTPResponse: Sendable {
    /// The HTTP status; 0 for protocols that have none (file://).
    public var status: Int
    /// The reason phrase of the status line ("Not Found"); a standard phrase
    /// when the server sent none (HTTP/2), empty for non-HTTP protocols.
    public var reason: String
    /// The final response's headers, names as sent, in order.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The URL of the final response (after redirects).
    public var effectiveURL: String

    public init(status: Int, reason: String = "", headers: [HTTPHeader] = [], body: [UInt8] = [], effectiveURL: String) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// A transfer that did not complete. An HTTP error status is not an
/// `HTTPError`: it is a response.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var url: String
    /// The CURLcode (e.g. 7 couldn't connect, 28 timed out, 37 file not found).
    public var code: Int
    /// libcurl's own text (CURLOPT_ERRORBUFFER, else curl_easy_strerror), or
    /// ours when we stopped the transfer ("response is larger than N bytes").
    public var message: String
    public var isTimeout: Bool
    /// The body passed `HTTPRequest.maxBytes`.
    public var isTooLarge: Bool
    /// Stopped through `HTTPCancellation` (or task cancellation in `performAsync`).
    public var isCancelled: Bool
    /// Where the last response pointed (Location) when the transfer failed
    /// on a redirect: too many of them, or to a protocol not allowed.
    public var redirectURL: String?
    /// The HTTP status of the last response before the failure, if any.
    public var lastStatus: Int?

    /// CURLcode values, for classifying errors without importing CCurl.
    public static let unsupportedProtocol = 1
    public static let couldNotResolveHost = 6
    public static let couldNotConnect = 7
    public static let partialFile = 18
    public static let timedOut = 28
    public static let tooManyRedirects = 47
    public static let gotNothing = 52
    public static let sendError = 55
    public static let receiveError = 56
    public static let peerFailedVerification = 60
    public static let loginDenied = 67

    public init(
        url: String, code: Int, message: String, isTimeout: Bool = false,
        isTooLarge: Bool = false, isCancelled: Bool = false
    ) {
        self.url = url
        self.code = code
        self.message = message
        self.isTimeout = isTimeout
        self.isTooLarge = isTooLarge
        self.isCancelled = isCancelled
    }

    public var description: String { "\(url): \(message) (curl error \(code))" }
}

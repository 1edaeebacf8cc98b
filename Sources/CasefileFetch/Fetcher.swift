import CasefileHTTP
import CasefileModel
import Foundation

/// Lists sources and fetches documents. Every transfer goes through libcurl,
/// whatever the protocol, and all of them through one `HTTPPool` (one multi
/// handle): at most `concurrency` at once, `perHostConcurrency` per host,
/// `perHostDelay` between the starts of two requests to one host, connections
/// and HTTP/2 streams reused. Failed transfers are retried with exponential
/// backoff and jitter when retrying can help (timeouts, connection errors,
/// 429, 5xx), honouring Retry-After.
///
/// A value type holding a reference to its pool: copies share the pool and
/// its limits. Make one per config (a new config, a new `Fetcher`).
public struct Fetcher: Sendable {
    public let settings: FetchSettings
    let pool: HTTPPool
    /// Beaten at each transfer's end, each listing page and during waits.
    public let heartbeat: Heartbeat

    public init(settings: FetchSettings = FetchSettings(), heartbeat: Heartbeat = Heartbeat()) {
        self.settings = settings
        self.heartbeat = heartbeat
        pool = HTTPPool(
            limits: HTTPPoolLimits(
                concurrency: settings.concurrency, perHostConcurrency: settings.perHostConcurrency,
                perHostDelay: settings.perHostDelay))
    }

    // MARK: Listing

    /// What a source lists now:
    /// - `document`: its URL;
    /// - `directory`: every regular file in the folder (not hidden, not in
    ///   subfolders), sorted by name; `file://` read from the file system,
    ///   `sftp://`, `ftp://`, `ftps://` through libcurl with the source's
    ///   credentials file;
    /// - `crawl`: the documents linked from the pages walked (see `Crawler`);
    /// - `feed`: the entries of an Atom or RSS feed or a JSON list.
    ///
    /// Throws when the source cannot be listed at all, and when a crawl or a
    /// feed finds no documents (never "everything was withdrawn").
    public func listing(_ source: SourceSpec) async throws(FetchError) -> SourceListing {
        switch source.kind {
        case .document:
            let protocols = Self.scheme(of: source.url).map(Self.defaultProtocols)
            return SourceListing(documents: [ListedDocument(url: source.url, protocols: protocols)], pagesRead: 0)
        case .directory:
            guard let scheme = Self.scheme(of: source.url) else {
                throw FetchError(url: source.url, reason: "not a URL")
            }
            switch scheme {
            case "file":
                guard let url = URL(string: source.url) else { throw FetchError(url: source.url, reason: "not a URL") }
                let documents = try Self.listFolder(url).map { ListedDocument(url: $0.url, label: $0.name, protocols: ["file"]) }
                return SourceListing(documents: documents, pagesRead: 1)
            case "sftp", "ftp", "ftps":
                return try await RemoteFolder.list(source, fetcher: self)
            default:
                throw FetchError(url: source.url, reason: "cannot list a \(scheme):// folder (supported: file, sftp, ftp, ftps)")
            }
        case .crawl:
            return try await Crawler(source: source, fetcher: self).run()
        case .feed:
            return try await FeedReader.list(source, fetcher: self)
        }
    }

    /// The document URLs only (the first version's API).
    public func list(_ source: SourceSpec) async throws(FetchError) -> [String] {
        try await listing(source).documents.map(\.url)
    }

    // MARK: Fetching

    /// One document, with a conditional GET when there are validators:
    /// `If-None-Match` with the stored ETag, `If-Modified-Since` with the
    /// server's own Last-Modified text as stored (never a date made here,
    /// whose clock and format the server may not share). 304 → `.notModified`,
    /// 2xx → `.fetched`, anything else → `.failed` with a reason for people.
    public func fetch(_ url: String, validators: Validators?) async -> FetchOutcome {
        await fetch(FetchRequest(url: url, validators: validators))
    }

    /// `fetch` with retries: timeouts, connection errors, an incomplete
    /// body, 429 and 5xx are tried again up to `settings.retries` times,
    /// after `TransferRetry.retryDelay` or the server's Retry-After (which also
    /// holds back every other request to that host meanwhile).
    public func fetch(_ request: FetchRequest) async -> FetchOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let (outcome, retry) = await fetchOnce(request, attempt: attempt)
            heartbeat.beat()
            guard let retry, attempt <= settings.retries, !Task.isCancelled else {
                return outcome
            }
            var wait = TransferRetry.retryDelay(
                attempt: attempt, base: settings.retryBaseDelay, maximum: settings.retryMaxDelay,
                random: Double.random(in: 0...1))
            if let after = retry.retryAfter {
                guard after <= settings.maxRetryAfter else {
                    guard case .failed(var failure) = outcome else { return outcome }
                    failure.reason +=
                        "; the server asked to wait \(Self.seconds(after)) s, longer than the \(Self.seconds(settings.maxRetryAfter)) s a sync waits"
                    return .failed(failure)
                }
                wait = max(wait, after)
                pool.pause(hostOf: request.url, for: after)
            }
            do {
                try await heartbeat.wait(.seconds(wait))
            } catch {
                return outcome
            }
        }
    }

    /// Every request, as many at once as the limits allow; `body` gets each
    /// outcome as it arrives, one at a time, on the caller's task. At most
    /// about 2 × `concurrency` outcomes are held at once whatever the
    /// number of requests, so a sync of thousands of PDFs does not keep
    /// them all in memory: handle (store) each in `body`.
    public func fetchEach(_ requests: [FetchRequest], _ body: @Sendable (FetchOutcome) async -> Void) async {
        let window = max(1, settings.concurrency * 2)
        await withTaskGroup(of: FetchOutcome.self) { group in
            var next = 0
            while next < requests.count, next < window {
                let request = requests[next]
                group.addTask { await self.fetch(request) }
                next += 1
            }
            while let outcome = await group.next() {
                await body(outcome)
                if next < requests.count {
                    let request = requests[next]
                    group.addTask { await self.fetch(request) }
                    next += 1
                }
            }
        }
    }

    /// Every request at once (within the limits); the outcomes in the order
    /// of `requests`. `progress` sees each as it completes.
    public func fetchAll(
        _ requests: [FetchRequest],
        progress: @escaping @Sendable (FetchOutcome) -> Void = { _ in }
    ) async -> [FetchOutcome] {
        let results = OutcomeCollector(count: requests.count)
        let indexed = Array(requests.enumerated())
        await withTaskGroup(of: (Int, FetchOutcome).self) { group in
            var next = 0
            let window = max(1, settings.concurrency * 2)
            func add(_ i: Int) {
                let (index, request) = indexed[i]
                group.addTask { (index, await self.fetch(request)) }
            }
            while next < indexed.count, next < window {
                add(next)
                next += 1
            }
            while let (index, outcome) = await group.next() {
                progress(outcome)
                results.set(index, outcome)
                if next < indexed.count {
                    add(next)
                    next += 1
                }
            }
        }
        return results.values
    }

    // MARK: One attempt

    struct Retry {
        var retryAfter: Double?
    }

    /// One transfer; the outcome and, when trying again could help, a `Retry`.
    func fetchOnce(_ request: FetchRequest, attempt: Int) async -> (FetchOutcome, Retry?) {
        let url = request.url
        func failure(_ reason: String, _ kind: FetchFailure.Kind, status: Int? = nil) -> FetchOutcome {
            .failed(
                FetchFailure(
                    url: url, reason: attempt > 1 ? "\(reason) (after \(attempt) attempts)" : reason,
                    kind: kind, status: status, attempts: attempt))
        }
        guard let scheme = Self.scheme(of: url) else {
            return (failure("not a URL", .configuration), nil)
        }
        let isHTTP = scheme == "http" || scheme == "https"
        let protocols = request.protocols ?? Self.defaultProtocols(scheme)
        guard protocols.contains(scheme) else {
            return (
                failure("\(scheme):// is not allowed for this source (allowed: \(protocols.joined(separator: ", ")))", .protocolNotAllowed),
                nil
            )
        }

        var http = HTTPRequest(url: url)
        http.timeout = settings.timeout
        http.connectTimeout = settings.connectTimeout
        http.maxBytes = settings.maxBytes
        http.maxRedirects = settings.maxRedirects
        http.userAgent = settings.effectiveUserAgent
        http.protocols = protocols.joined(separator: ",")
        http.caBundle = settings.caBundle
        http.preferHTTP2 = isHTTP
        if let file = request.credentialsFile {
            do {
                http.credentials = try Credentials.read(file)
            } catch {
                return (failure(error.reason, .configuration), nil)
            }
        }
        if scheme == "sftp" || scheme == "scp" {
            // Always checked: libcurl takes any host key when no known_hosts
            // file is set, and with no key callback it refuses a key that is
            // missing from the file or differs from it.
            let knownHosts = request.ssh.effectiveKnownHosts
            guard access(knownHosts, R_OK) == 0 else {
                let why = String(cString: strerror(errno))
                return (
                    failure(
                        "cannot read the known_hosts file \(knownHosts) (\(why)), so the server's SSH host key cannot be checked; make it with ssh-keyscan -p PORT HOST > \(knownHosts), after checking the key's fingerprint",
                        .configuration), nil
                )
            }
            http.sshKnownHosts = knownHosts
            if let key = request.ssh.keyFile {
                do {
                    try Credentials.checkPrivate(key, what: "SSH key file")
                } catch {
                    return (failure(error.reason, .configuration), nil)
                }
                http.sshPrivateKeyFile = key
            }
        }
        if isHTTP, let validators = request.validators {
            if let etag = validators.etag { http.setHeader("If-None-Match", etag) }
            if let date = validators.lastModified { http.setHeader("If-Modified-Since", date) }
        }
        if scheme == "file", let path = URL(string: url)?.path, Self.isDirectory(path) {
            // libcurl "reads" a folder as an empty file with no error.
            return (failure("\(path) is a folder, not a document", .other), nil)
        }

        let response: HTTPResponse
        do {
            response = try await pool.perform(http)
        } catch {
            let (reason, kind) = describe(error, allowed: protocols, knownHosts: http.sshKnownHosts)
            let retry = [.timeout, .connection, .incomplete].contains(kind) ? Retry() : nil
            return (failure(reason, kind, status: error.lastStatus), retry)
        }

        guard isHTTP else {
            // No status outside HTTP: a completed transfer is the document.
            return (
                .fetched(
                    FetchedDocument(
                        url: url, bytes: response.body, status: response.status,
                        effectiveURL: response.effectiveURL, attempts: attempt)), nil
            )
        }
        switch response.status {
        case 304:
            return (
                .notModified(
                    url: url,
                    etag: response.header("ETag") ?? request.validators?.etag,
                    lastModified: response.header("Last-Modified") ?? request.validators?.lastModified
                ), nil
            )
        case 200..<300:
            return (
                .fetched(
                    FetchedDocument(
                        url: url,
                        bytes: response.body,
                        contentType: response.header("Content-Type"),
                        etag: response.header("ETag"),
                        lastModified: response.header("Last-Modified"),
                        status: response.status,
                        effectiveURL: response.effectiveURL,
                        attempts: attempt
                    )), nil
            )
        default:
            let reasonPhrase = response.reason.isEmpty ? "" : " \(response.reason)"
            let outcome = failure("HTTP \(response.status)\(reasonPhrase)", .httpStatus, status: response.status)
            let retryable = response.status == 429 || (500...599).contains(response.status) && response.status != 501
            guard retryable else { return (outcome, nil) }
            let after = response.header("Retry-After").flatMap { TransferRetry.retryAfter($0, now: Date()) }
            return (outcome, Retry(retryAfter: after))
        }
    }

    private func describe(_ error: HTTPError, allowed: [String], knownHosts: String?) -> (String, FetchFailure.Kind) {
        if error.isCancelled { return ("cancelled", .cancelled) }
        if error.isTimeout { return ("timed out after \(Self.seconds(settings.timeout)) s", .timeout) }
        if error.isTooLarge { return (error.message, .tooLarge) }
        switch error.code {
        case HTTPError.tooManyRedirects:
            return ("too many redirects (more than \(settings.maxRedirects))", .tooManyRedirects)
        case HTTPError.unsupportedProtocol:
            if let target = error.redirectURL {
                return (
                    "redirected to \(target), which this source may not reach (allowed: \(allowed.joined(separator: ", ")))",
                    .protocolNotAllowed
                )
            }
            return (
                "protocol not allowed for this source (allowed: \(allowed.joined(separator: ", "))): \(error.message)", .protocolNotAllowed
            )
        case HTTPError.partialFile:
            return ("incomplete response: \(error.message)", .incomplete)
        case HTTPError.peerFailedVerification where knownHosts != nil:
            let file = knownHosts ?? ""
            return (
                "the server's SSH host key is not in \(file), or differs from the one there; check its fingerprint with the server's administrator, then add it (ssh-keyscan -p PORT HOST >> \(file))",
                .other
            )
        case HTTPError.loginDenied:
            return ("login denied: \(error.message)", .other)
        case HTTPError.couldNotResolveHost, HTTPError.couldNotConnect, HTTPError.gotNothing,
            HTTPError.sendError, HTTPError.receiveError, 16 /* HTTP/2 framing */, 35 /* TLS handshake */, 92 /* HTTP/2 stream */:
            return (error.message, .connection)
        default:
            return (error.message, .other)
        }
    }

    // MARK: Helpers

    /// What a URL of `scheme` may reach by default: an http(s) document may
    /// redirect between http and https, never to file:// or anything else;
    /// other URLs keep to their own protocol.
    static func defaultProtocols(_ scheme: String) -> [String] {
        scheme == "http" || scheme == "https" ? ["http", "https"] : [scheme]
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let scheme = url[..<colon].lowercased()
        guard let first = scheme.first, first.isLetter,
            scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) })
        else { return nil }
        return scheme
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// libcurl 7.88 cannot list a local folder: a file:// URL of a folder,
    /// with or without a trailing slash and with or without
    /// CURLOPT_DIRLISTONLY, completes with CURLE_OK and an empty body
    /// (DIRLISTONLY is for FTP and SFTP only). So the folder is listed here;
    /// the documents themselves are still fetched through libcurl. (The
    /// test `libcurlDoesNotListFileFolders` notices if that ever changes.)
    private static func listFolder(_ folder: URL) throws(FetchError) -> [(name: String, url: String)] {
        let path = folder.path
        guard isDirectory(path) else {
            let what = FileManager.default.fileExists(atPath: path) ? "is not a folder" : "no such folder"
            throw FetchError(url: folder.absoluteString, reason: "\(path): \(what)")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw FetchError(url: folder.absoluteString, reason: "cannot list \(path): \(error.localizedDescription)")
        }
        let base = URL(fileURLWithPath: path, isDirectory: true)
        return
            names
            .filter { !$0.hasPrefix(".") && isRegularFile(base.appendingPathComponent($0).path) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { ($0, base.appendingPathComponent($0, isDirectory: false).absoluteString) }
    }

    /// A regular file, or a symbolic link to one (stat follows links).
    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// Outcomes by index, filled from a task group.
private final class OutcomeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [FetchOutcome?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: FetchOutcome) { lock.withLock { slots[index] = outcome } }

    var values: [FetchOutcome] { lock.withLock { slots.map { $0! } } }
}

/// `user:password` files for sources that log in, and SSH keys.
enum Credentials {
    /// Throws unless `path` is a regular file readable by its owner only
    /// (mode 0600 or 0400): a secret that others can read is refused, not used.
    static func checkPrivate(_ path: String, what: String) throws(FetchError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw FetchError(url: path, reason: "cannot read the \(what) \(path): \(String(cString: strerror(code)))")
        }
        try checkPrivate(info, path: path, what: what)
    }

    /// A regular file that only its owner can read, from its stat.
    private static func checkPrivate(_ info: stat, path: String, what: String) throws(FetchError) {
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FetchError(url: path, reason: "the \(what) \(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw FetchError(
                url: path,
                reason: "the \(what) \(path) is readable by group or others (mode \(String(mode, radix: 8))); run chmod 600 \(path)")
        }
    }

    /// The first line of `path`, a private file as `checkPrivate` says.
    static func read(_ path: String) throws(FetchError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw FetchError(url: path, reason: "cannot read the credentials file \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        // The mode of the file opened, not of whatever the path names later.
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FetchError(url: path, reason: "cannot read the credentials file \(path): \(String(cString: strerror(errno)))")
        }
        try checkPrivate(info, path: path, what: "credentials file")
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).first.map(String.init) ?? ""
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
            throw FetchError(url: path, reason: "the credentials file \(path) must hold one line user:password")
        }
        return line
    }
}

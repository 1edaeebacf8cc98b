import CCurl
import CCurlShim

/// One easy handle and everything its callbacks touch. libcurl calls the
/// callbacks on the thread running curl_easy_perform, so the mutable state
/// here is only ever used from one thread at a time.
final class Transfer {
    let request: HTTPRequest
    let onData: (@Sendable ([UInt8]) -> Bool)?
    let cancellation: HTTPCancellation?

    private(set) var body: [UInt8] = []
    private(set) var received = 0
    private(set) var headers: [HTTPHeader] = []
    private(set) var reason = ""
    private var sawStatusLine = false
    /// Why we returned an error from a callback (libcurl only says "write error").
    private var tooLarge = false
    private var stoppedByConsumer = false
    private var cancelled = false

    init(request: HTTPRequest, onData: (@Sendable ([UInt8]) -> Bool)?, cancellation: HTTPCancellation?) {
        self.request = request
        self.onData = onData
        self.cancellation = cancellation
    }

    /// The easy handle while the transfer is set up or running.
    private(set) var handle: UnsafeMutableRawPointer?
    private var errorBuffer: UnsafeMutablePointer<CChar>?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Keeps self alive for the callbacks from `prepare` to `finish`.
    private var retained: Unmanaged<Transfer>?

    /// One transfer on the calling thread (curl_easy_perform).
    func run() throws(HTTPError) -> HTTPResponse {
        let handle = try prepare()
        let rc = curl_easy_perform(handle)
        return try finish(rc).get()
    }

    /// Creates the easy handle and sets every option; the caller performs it
    /// (curl_easy_perform, or a multi handle) and then calls `finish` exactly
    /// once, which frees it.
    func prepare() throws(HTTPError) -> UnsafeMutableRawPointer {
        let url = request.url
        guard CurlGlobal.initialised == CURLE_OK else {
            throw HTTPError(url: url, code: Int(CurlGlobal.initialised.rawValue), message: "curl_global_init failed")
        }
        guard let handle = curl_easy_init() else {
            throw HTTPError(url: url, code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.handle = handle
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.errorBuffer = errorBuffer
        let me = Unmanaged.passRetained(self)
        retained = me

        var setupError: CURLcode = CURLE_OK
        func set(_ rc: CURLcode) { if setupError == CURLE_OK, rc != CURLE_OK { setupError = rc } }

        set(ccurl_setopt_str(handle, CURLOPT_URL, url))
        set(ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        // No signals: libcurl would otherwise use SIGALRM for DNS timeouts,
        // which is unsafe in a multi-threaded process.
        set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        if let protocols = request.protocols {
            set(ccurl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, protocols))
            set(ccurl_setopt_str(handle, CURLOPT_REDIR_PROTOCOLS_STR, protocols))
        }
        set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0))
        set(ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, request.maxRedirects))
        if request.timeout > 0 {
            set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        }
        if request.connectTimeout > 0 {
            set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        }
        if let maxBytes = request.maxBytes {
            // Refuses early when the server announces a larger Content-Length;
            // the write callback catches the rest (chunked, lying servers).
            set(ccurl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBytes)))
        }
        if let socket = request.unixSocketPath {
            set(ccurl_setopt_str(handle, CURLOPT_UNIX_SOCKET_PATH, socket))
        }
        if let agent = request.userAgent {
            set(ccurl_setopt_str(handle, CURLOPT_USERAGENT, agent))
        }
        if request.preferHTTP2 {
            // HTTP/2 over TLS when the server offers it in ALPN, HTTP/1.1
            // otherwise (and always for plain http://).
            set(ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
            // In a multi handle: wait for a connection that can multiplex
            // rather than open another one.
            set(ccurl_setopt_long(handle, CURLOPT_PIPEWAIT, 1))
        }
        if let caBundle = request.caBundle {
            set(ccurl_setopt_str(handle, CURLOPT_CAINFO, caBundle))
        }
        if let credentials = request.credentials {
            // "user:password" for ftp, ftps, sftp and smb; never sent to
            // another host after a redirect (CURLOPT_UNRESTRICTED_AUTH stays 0).
            set(ccurl_setopt_str(handle, CURLOPT_USERPWD, credentials))
        }
        if let knownHosts = request.sshKnownHosts {
            set(ccurl_setopt_str(handle, CURLOPT_SSH_KNOWNHOSTS, knownHosts))
        }
        if let key = request.sshPrivateKeyFile {
            set(ccurl_setopt_str(handle, CURLOPT_SSH_PRIVATE_KEYFILE, key))
        }
        // Proxies: nothing here sets CURLOPT_PROXY or CURLOPT_NOPROXY, so
        // libcurl reads http_proxy, https_proxy, ftp_proxy, all_proxy and
        // no_proxy from the environment, as curl(1) does.

        switch (request.method.uppercased(), request.body) {
        case ("HEAD", _):
            set(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        case (let method, let body?):
            set(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                set(ccurl_setopt_str(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                body.withUnsafeBytes { raw in
                    set(ccurl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress)))
                }
            }
            if method != "POST" { set(ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method)) }
        case ("GET", nil):
            set(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case ("POST", nil):
            set(ccurl_setopt_long(handle, CURLOPT_POST, 1))
            set(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, 0))
        case (let method, nil):
            set(ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method))
        }

        var lines = request.headers.map { header -> String in
            let name = Self.oneLine(header.name)
            let value = Self.oneLine(header.value)
            // "Name;" is libcurl's way to send a header with an empty value.
            return value.isEmpty ? "\(name);" : "\(name): \(value)"
        }
        if request.body != nil, !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            // libcurl would wait up to a second for "100 Continue" on larger bodies.
            lines.append("Expect:")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                cleanup()
                throw HTTPError(url: url, code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_slist_append failed")
            }
            headerList = appended
        }
        if headerList != nil { set(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)) }

        set(ccurl_setopt_write_callback(handle, Callbacks.write))
        set(ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, me.toOpaque()))
        set(ccurl_setopt_header_callback(handle, Callbacks.header))
        set(ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, me.toOpaque()))
        if cancellation != nil {
            set(ccurl_setopt_xferinfo_callback(handle, Callbacks.progress))
            set(ccurl_setopt_ptr(handle, CURLOPT_XFERINFODATA, me.toOpaque()))
            set(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
        }

        if setupError != CURLE_OK {
            let failure = error(setupError, url: url, buffer: errorBuffer)
            cleanup()
            throw failure
        }
        return handle
    }

    /// The outcome of the transfer that ended with `rc`; frees the handle.
    func finish(_ rc: CURLcode) -> Result<HTTPResponse, HTTPError> {
        defer { cleanup() }
        let url = request.url
        guard let handle, let errorBuffer else {
            return .failure(HTTPError(url: url, code: Int(CURLE_FAILED_INIT.rawValue), message: "transfer was not set up"))
        }
        if rc != CURLE_OK, !(stoppedByConsumer && rc == CURLE_WRITE_ERROR) {
            var failure = error(rc, url: url, buffer: errorBuffer)
            var redirect: UnsafePointer<CChar>?
            if ccurl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK, let redirect {
                failure.redirectURL = String(cString: redirect)
            } else {
                // A redirect libcurl refused to follow (a protocol not
                // allowed) is already the effective URL.
                var effective: UnsafePointer<CChar>?
                if ccurl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK, let effective,
                    String(cString: effective) != url
                {
                    failure.redirectURL = String(cString: effective)
                }
            }
            var code = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
            if code > 0 { failure.lastStatus = code }
            return .failure(failure)
        }

        var code = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        var effective: UnsafePointer<CChar>?
        _ = ccurl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        var scheme: UnsafePointer<CChar>?
        _ = ccurl_getinfo_string(handle, CURLINFO_SCHEME, &scheme)
        let isHTTP = scheme.map { ["http", "https"].contains(String(cString: $0).lowercased()) } ?? false
        // libcurl reports protocol-specific codes for some other protocols
        // (FTP's 226): the contract is "0 when the protocol has no HTTP status".
        let status = isHTTP ? code : 0

        return .success(
            HTTPResponse(
                status: status,
                reason: isHTTP ? (reason.isEmpty ? Self.standardReason(status) : reason) : "",
                headers: isHTTP ? headers : [],
                body: body,
                effectiveURL: effective.map { String(cString: $0) } ?? url
            ))
    }

    /// Frees the handle and what its options point to. Idempotent.
    private func cleanup() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer?.deallocate()
        errorBuffer = nil
        retained?.release()
        retained = nil
    }

    /// The body so far, for a transfer that failed half way (tests, logs).
    var bytesReceived: Int { received }

    private func error(_ rc: CURLcode, url: String, buffer: UnsafeMutablePointer<CChar>) -> HTTPError {
        let code = Int(rc.rawValue)
        if tooLarge || rc == CURLE_FILESIZE_EXCEEDED {
            return HTTPError(url: url, code: code, message: "response is larger than \(request.maxBytes ?? 0) bytes", isTooLarge: true)
        }
        if cancelled {
            return HTTPError(url: url, code: code, message: "transfer cancelled", isCancelled: true)
        }
        var message = String(cString: buffer)
        while let last = message.unicodeScalars.last, last == "\n" || last == "\r" {
            message.unicodeScalars.removeLast()
        }
        if message.isEmpty { message = String(cString: curl_easy_strerror(rc)) }
        return HTTPError(url: url, code: code, message: message, isTimeout: rc == CURLE_OPERATION_TIMEDOUT)
    }

    // MARK: Callbacks (called by libcurl on the perform thread)

    /// Returns the number of bytes taken; anything else makes libcurl stop
    /// with CURLE_WRITE_ERROR.
    fileprivate func receive(_ chunk: UnsafeRawBufferPointer) -> Int {
        if let max = request.maxBytes, received + chunk.count > max {
            tooLarge = true
            return 0
        }
        received += chunk.count
        if let onData {
            guard onData(Array(chunk)) else {
                stoppedByConsumer = true
                return 0
            }
        } else {
            body.append(contentsOf: chunk)
        }
        return chunk.count
    }

    /// One header line, CRLF included. Every response (redirects, 100
    /// Continue, a proxy's CONNECT answer) starts with its status line, which
    /// starts the list afresh: what is left is the final response's.
    fileprivate func headerLine(_ raw: UnsafeRawBufferPointer) {
        // Strip CR LF as bytes: "\r\n" is one Character in Swift.
        var bytes = raw[...]
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            sawStatusLine = true
            headers = []
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            reason = parts.count == 3 ? String(parts[2]) : ""
            return
        }
        guard sawStatusLine, !line.isEmpty else { return }
        if line.first == " " || line.first == "\t", !headers.isEmpty {
            // Obsolete line folding: continues the previous header.
            headers[headers.count - 1].value += " " + Self.trim(Substring(line))
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.append(HTTPHeader(String(line[..<colon]), Self.trim(line[line.index(after: colon)...])))
    }

    fileprivate func shouldAbort() -> Bool {
        if cancellation?.isCancelled == true {
            cancelled = true
            return true
        }
        return false
    }

    // MARK: Helpers

    private static func milliseconds(_ seconds: Double) -> Int {
        Int((seconds * 1000).rounded(.up))
    }

    /// No CR or LF inside a header: they would smuggle in more headers.
    /// (Filtered as scalars: "\r\n" is one Character.)
    private static func oneLine(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: s.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
        return String(scalars)
    }

    private static func trim(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    static func standardReason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}

/// C function pointers cannot capture context: the Transfer travels in the
/// user-data pointer. Statics rather than globals, so Swift 6 does not tie
/// them to an actor.
private enum Callbacks {
    static let write: curl_write_callback = { pointer, size, count, userdata in
        guard let userdata else { return 0 }
        let length = size * count
        guard length > 0, let pointer else { return length }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        return transfer.receive(UnsafeRawBufferPointer(start: pointer, count: length)) == length ? length : 0
    }

    static let header: curl_write_callback = { pointer, size, count, userdata in
        let length = size * count
        guard let userdata, let pointer else { return length }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        transfer.headerLine(UnsafeRawBufferPointer(start: pointer, count: length))
        return length
    }

    static let progress: curl_xferinfo_callback = { userdata, _, _, _, _ in
        guard let userdata else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        return transfer.shouldAbort() ? 1 : 0
    }
}

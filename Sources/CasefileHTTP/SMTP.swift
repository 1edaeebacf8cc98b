import CCurl
import CCurlShim
import Dispatch

/// One message sent through libcurl's SMTP support (`smtp://` and `smtps://`).
public struct SMTPMessage: Sendable {
    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    public var from: String
    public var to: [String]
    /// The whole message, headers and body, CRLF line ends.
    public var data: [UInt8]
    /// `user:password`, or nil to send without logging in.
    public var credentials: String?
    public var starttls: StartTLS = .required
    public var timeout: Double = 30
    public var connectTimeout: Double = 10
    public var caBundle: String?

    /// CURLOPT_USE_SSL for `smtp://`; `smtps://` is TLS from the start.
    public enum StartTLS: Sendable {
        case required, optional, never
    }

    public init(url: String, from: String, to: [String], data: [UInt8]) {
        self.url = url
        self.from = from
        self.to = to
        self.data = data
    }
}

public enum SMTPClient {
    /// Blocks the calling thread until the server took the message or refused it.
    public static func send(_ message: SMTPMessage) throws(HTTPError) {
        let upload = Upload(message.data)
        try upload.run(message)
    }

    /// `send` on a dispatch queue, off Swift's cooperative pool.
    public static func sendAsync(_ message: SMTPMessage) async throws(HTTPError) {
        let result: Result<Void, HTTPError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(HTTPError) in try send(message) })
            }
        }
        try result.get()
    }

    private static let queue = DispatchQueue(label: "casefile.smtp", qos: .utility, attributes: .concurrent)

    /// The bytes libcurl reads, and where it has got to.
    private final class Upload {
        let data: [UInt8]
        var offset = 0
        init(_ data: [UInt8]) { self.data = data }

        func run(_ m: SMTPMessage) throws(HTTPError) {
            guard CurlGlobal.initialised == CURLE_OK else {
                throw HTTPError(url: m.url, code: Int(CurlGlobal.initialised.rawValue), message: "curl_global_init failed")
            }
            guard let handle = curl_easy_init() else {
                throw HTTPError(url: m.url, code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
            }
            let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
            errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
            var recipients: UnsafeMutablePointer<curl_slist>?
            for address in m.to { recipients = curl_slist_append(recipients, "<\(address)>") }
            let me = Unmanaged.passRetained(self)
            defer {
                curl_easy_cleanup(handle)
                curl_slist_free_all(recipients)
                errorBuffer.deallocate()
                me.release()
            }
            var setupError: CURLcode = CURLE_OK
            func set(_ rc: CURLcode) { if setupError == CURLE_OK, rc != CURLE_OK { setupError = rc } }
            set(ccurl_setopt_str(handle, CURLOPT_URL, m.url))
            set(ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(ccurl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
            set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(m.timeout * 1000)))
            set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(m.connectTimeout * 1000)))
            let useSSL: curl_usessl
            switch m.starttls {
            case .required: useSSL = CURLUSESSL_ALL
            case .optional: useSSL = CURLUSESSL_TRY
            case .never: useSSL = CURLUSESSL_NONE
            }
            set(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue)))
            if let ca = m.caBundle { set(ccurl_setopt_str(handle, CURLOPT_CAINFO, ca)) }
            if let credentials = m.credentials { set(ccurl_setopt_str(handle, CURLOPT_USERPWD, credentials)) }
            set(ccurl_setopt_str(handle, CURLOPT_MAIL_FROM, "<\(m.from)>"))
            set(ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
            set(ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            set(ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(data.count)))
            set(
                ccurl_setopt_read_callback(
                    handle,
                    { buffer, size, count, context in
                        guard let buffer, let context else { return 0 }
                        let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
                        let n = min(size * count, upload.data.count - upload.offset)
                        upload.data.withUnsafeBytes { raw in
                            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + upload.offset, byteCount: n)
                        }
                        upload.offset += n
                        return n
                    }))
            set(ccurl_setopt_ptr(handle, CURLOPT_READDATA, me.toOpaque()))
            let rc = setupError == CURLE_OK ? curl_easy_perform(handle) : setupError
            guard rc == CURLE_OK else {
                var text = String(cString: errorBuffer)
                while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
                if text.isEmpty { text = String(cString: curl_easy_strerror(rc)) }
                var code = 0
                _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
                if code > 0 { text += " (server said \(code))" }
                var failure = HTTPError(url: m.url, code: Int(rc.rawValue), message: text, isTimeout: rc == CURLE_OPERATION_TIMEDOUT)
                failure.lastStatus = code > 0 ? code : nil
                throw failure
            }
        }
    }
}

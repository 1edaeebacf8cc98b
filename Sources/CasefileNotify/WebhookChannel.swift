import CasefileDigest
import CasefileHTTP
import CasefileModel
import Foundation

/// POSTs the change as JSON (the object of `changes --json` plus `text`,
/// `subject`) to a URL. 2xx is delivered; anything else, or no answer within
/// the timeout, is a failed attempt for the outbox to retry.
///
/// Headers: `Content-Type: application/json`, `Idempotency-Key: <change id>`,
/// the config's `headers`, and with a `secret_file`
/// `X-Casefile-Signature: sha256=<hex HMAC-SHA256 of the body>`.
public struct WebhookChannel: NotificationChannel {
    public let name: String
    public let maxAttempts: Int
    public let timeout: Duration
    public let url: String
    public let headers: [(name: String, value: String)]
    /// Read at each delivery, so a rotated secret takes effect without a reload.
    public let secretFile: String?
    /// More headers, `Name: value` a line, read at each delivery (a bearer
    /// token kept out of the config file).
    public let headersFile: String?
    public let retryDelay: Duration?
    public let userAgent: String
    public let caBundle: String?

    public static let signatureHeader = "X-Casefile-Signature"

    public init(
        name: String, url: String, headers: [(name: String, value: String)] = [], headersFile: String? = nil,
        secretFile: String? = nil, maxAttempts: Int, timeout: Duration, retryDelay: Duration? = nil,
        userAgent: String = "casefiled/0.1", caBundle: String? = nil
    ) {
        self.name = name
        self.url = url
        self.headers = headers
        self.headersFile = headersFile
        self.retryDelay = retryDelay
        self.secretFile = secretFile
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.userAgent = userAgent
        self.caBundle = caBundle
    }

    /// The body posted for `change`: sorted keys, like every JSON of Casefile.
    public static func body(for change: ChangeRecord) throws -> Data {
        try CasefileJSON.encode(WebhookPayload(change: change, message: ChangeMessage(change)))
    }

    /// `sha256=<hex>` of `body` under `secret`.
    public static func signature(body: [UInt8], secret: [UInt8]) -> String {
        "sha256=" + HMACSHA256.hex(key: secret, message: body)
    }

    /// The secret file's bytes, one trailing newline dropped.
    static func readSecret(_ path: String) throws(DeliveryError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeliveryError("cannot read secret_file \(path)")
        }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw DeliveryError("secret_file \(path) is empty") }
        return bytes
    }

    /// The headers of a headers file: `Name: value` a line; blank lines and
    /// lines starting with `#` are skipped. Errors name the file and the
    /// line, never a value.
    static func readHeaders(_ path: String) throws(DeliveryError) -> [(name: String, value: String)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeliveryError("cannot read headers_file \(path)")
        }
        var out: [(name: String, value: String)] = []
        for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":"),
                case let name = line[..<colon].trimmingCharacters(in: .whitespaces), !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else {
                throw DeliveryError("headers_file \(path), line \(n + 1): not a `Name: value` header")
            }
            out.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return out
    }

    public func deliver(_ change: ChangeRecord, json: Data) async throws(DeliveryError) {
        let body: [UInt8]
        do {
            body = [UInt8](try Self.body(for: change))
        } catch {
            throw DeliveryError("cannot encode change \(change.id): \(error)")
        }
        var request = HTTPRequest(url: url, method: "POST", body: body)
        request.setHeader("Content-Type", "application/json")
        request.setHeader("Idempotency-Key", change.id)
        var headerValues: [String] = []
        for h in headers {
            request.setHeader(h.name, h.value)
            headerValues.append(h.value)
        }
        if let headersFile {
            for h in try Self.readHeaders(headersFile) {
                request.setHeader(h.name, h.value)
                headerValues.append(h.value)
            }
        }
        if let secretFile {
            request.setHeader(Self.signatureHeader, Self.signature(body: body, secret: try Self.readSecret(secretFile)))
        }
        request.timeout = timeout.timeInterval
        request.connectTimeout = min(10, timeout.timeInterval)
        request.followRedirects = false
        request.maxBytes = 1_000_000
        request.userAgent = userAgent
        request.caBundle = caBundle
        let response: HTTPResponse
        let shown = Self.redacted(url)
        // What may not be shown: the URL's secret parts, and header values
        // (a receiver's error page may echo either).
        let secrets = Redaction.secretParts(of: url) + headerValues
        do {
            response = try await HTTPClient.performAsync(request)
        } catch {
            throw DeliveryError("POST \(shown): \(Redaction.scrub(error.message, secrets: secrets))")
        }
        guard (200..<300).contains(response.status) else {
            // Scrubbed before it is cut, so no secret survives in part.
            let text = Redaction.scrub(String(decoding: response.body.prefix(4096), as: UTF8.self), secrets: secrets)
            let snippet = String(text.prefix(200)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw DeliveryError("POST \(shown): HTTP \(response.status)\(snippet.isEmpty ? "" : ": " + snippet)")
        }
    }

    /// A webhook URL as it may be shown (delivery errors are kept in the
    /// outbox, which any reader of the socket sees): scheme, host and port
    /// only. Slack's and Teams' webhook URLs are bearer secrets in their
    /// path; user info and the query go too.
    public static func redacted(_ url: String) -> String {
        Redaction.shownURL(url)
    }
}

/// The change's own keys, plus `subject` and `text`.
struct WebhookPayload: Encodable {
    var change: ChangeRecord
    var message: ChangeMessage

    enum Keys: String, CodingKey { case subject, text }

    func encode(to encoder: any Encoder) throws {
        try change.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(message.subject, forKey: .subject)
        try c.encode(message.text, forKey: .text)
    }
}

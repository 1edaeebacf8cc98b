import CasefileControl
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
    public let userAgent: String
    public let caBundle: String?

    public static let signatureHeader = "X-Casefile-Signature"

    public init(
        name: String, url: String, headers: [(name: String, value: String)] = [], secretFile: String? = nil,
        maxAttempts: Int, timeout: Duration, userAgent: String = "casefiled/0.1", caBundle: String? = nil
    ) {
        self.name = name
        self.url = url
        self.headers = headers
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
        for h in headers { request.setHeader(h.name, h.value) }
        if let secretFile {
            request.setHeader(Self.signatureHeader, Self.signature(body: body, secret: try Self.readSecret(secretFile)))
        }
        request.timeout = timeout.seconds
        request.connectTimeout = min(10, timeout.seconds)
        request.followRedirects = false
        request.maxBytes = 1_000_000
        request.userAgent = userAgent
        request.caBundle = caBundle
        let response: HTTPResponse
        do {
            response = try await HTTPClient.performAsync(request)
        } catch {
            throw DeliveryError("POST \(url): \(error.message)")
        }
        guard (200..<300).contains(response.status) else {
            let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw DeliveryError("POST \(url): HTTP \(response.status)\(snippet.isEmpty ? "" : ": " + snippet)")
        }
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

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

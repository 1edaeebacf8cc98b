import CasefileHTTP
import CasefileModel
import Foundation

/// Sends a plain-text email through SMTP (libcurl): the subject and body of
/// `ChangeMessage`, `Message-ID: <change-id@casefile>` so a mail system can
/// drop a repeat. Accepted by the server is delivered.
public struct EmailChannel: NotificationChannel {
    public let name: String
    public let maxAttempts: Int
    public let timeout: Duration
    public let url: String
    public let from: String
    public let to: [String]
    /// `user:password`, read at each delivery.
    public let credentialsFile: String?
    public let starttls: SMTPMessage.StartTLS
    public let caBundle: String?
    public let retryDelay: Duration?

    public init(
        name: String, url: String, from: String, to: [String], credentialsFile: String? = nil,
        starttls: SMTPMessage.StartTLS = .required, maxAttempts: Int, timeout: Duration, retryDelay: Duration? = nil,
        caBundle: String? = nil
    ) {
        self.retryDelay = retryDelay
        self.name = name
        self.url = url
        self.from = from
        self.to = to
        self.credentialsFile = credentialsFile
        self.starttls = starttls
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.caBundle = caBundle
    }

    public func deliver(_ change: ChangeRecord, json: Data) async throws(DeliveryError) {
        var message = SMTPMessage(
            url: url, from: from, to: to, data: Array(Self.message(for: change, from: from, to: to, date: Date()).utf8))
        message.starttls = starttls
        message.timeout = timeout.timeInterval
        message.connectTimeout = min(10, timeout.timeInterval)
        message.caBundle = caBundle
        if let credentialsFile {
            guard let data = FileManager.default.contents(atPath: credentialsFile) else {
                throw DeliveryError("cannot read credentials_file \(credentialsFile)")
            }
            message.credentials = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        do {
            try await SMTPClient.sendAsync(message)
        } catch {
            throw DeliveryError("SMTP \(url): \(error.message)")
        }
    }

    /// The whole message as sent: headers, a blank line, the body; CRLF line ends.
    public static func message(for change: ChangeRecord, from: String, to: [String], date: Date) -> String {
        let m = ChangeMessage(change)
        let headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(encodeHeader(m.subject))",
            "Date: \(rfc5322Date(date))",
            "Message-ID: <\(change.id)@casefile>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Casefile-Change: \(change.id)",
        ]
        let body = m.text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// RFC 2047: ASCII stays as is; anything else becomes base64 encoded
    /// words of at most 75 characters, split between characters, folded.
    public static func encodeHeader(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value > 0x7E || $0.value < 0x20 }) else { return value }
        var words: [String] = []
        var chunk: [UInt8] = []
        for ch in value {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }
}

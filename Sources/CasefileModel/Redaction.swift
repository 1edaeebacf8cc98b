import Foundation

/// Secrets in URLs and text that readers of the socket, the journal or a
/// config error may see: Slack's and Teams' webhook URLs are bearer
/// secrets in their path and query.
public enum Redaction {
    /// A URL as it may be shown: scheme, host and port only; user info, the
    /// path and the query are replaced by "/…".
    public static func shownURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "(a URL)" }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let hidden = authority.count < rest.count ? "/…" : ""
        return String(url[..<schemeEnd.upperBound]) + authority + hidden
    }

    /// The parts of `url` that may be secret, longest first: the URL
    /// itself, what follows its host, and each path segment, query value
    /// and user info of 6 characters or more (a token), also
    /// percent-decoded.
    public static func secretParts(of url: String) -> [String] {
        var parts: [String] = [url]
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@") { parts.append(String(authority[..<at])) }
            let tail = rest.dropFirst(authority.count)
            if tail.count > 1 { parts.append(String(tail)) }
            for piece in tail.split(whereSeparator: { "/?&#=".contains($0) }) where piece.count >= 6 {
                parts.append(String(piece))
            }
        }
        let decoded = parts.compactMap { percentDecoded($0) }.filter { !parts.contains($0) }
        return Array(Set(parts + decoded)).filter { $0.count >= 6 }.sorted { $0.count > $1.count }
    }

    /// `text` with every one of `secrets` (6 characters or more) replaced by "…".
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets.sorted(by: { $0.count > $1.count }) where secret.count >= 6 {
            out = out.replacingOccurrences(of: secret, with: "…")
        }
        return out
    }

    private static func percentDecoded(_ s: String) -> String? {
        guard s.contains("%") else { return nil }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

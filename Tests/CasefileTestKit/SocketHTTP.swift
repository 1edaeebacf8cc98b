import Foundation

/// One plain HTTP/1.1 GET over a Unix socket, as `curl --unix-socket` does
/// it, for answers no casefilectl command prints (the metrics' text).
public struct SocketHTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
}

public func socketGET(_ socket: String, _ target: String, timeout: Double = 30) throws -> SocketHTTPResponse {
    let s = try RawUnixSocket(path: socket)
    s.send(Array("GET \(target) HTTP/1.1\r\nHost: casefiled\r\nConnection: close\r\n\r\n".utf8))
    let (data, closed) = s.readUntilClosed(timeout: timeout)
    guard closed else { throw HarnessError("GET \(target): no complete answer within \(timeout) s") }
    guard let split = data.firstRange(of: Array("\r\n\r\n".utf8)) else { throw HarnessError("GET \(target): no header end") }
    let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = head.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HarnessError("GET \(target): bad status line") }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Array(data[split.upperBound...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" {
        var out: [UInt8] = []
        var rest = body[...]
        while let lineEnd = rest.firstRange(of: Array("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard rest.endIndex - start >= size else { throw HarnessError("GET \(target): chunk cut short") }
            out += rest[start..<(start + size)]
            rest = rest[(start + size)...].dropFirst(2)
        }
        body = out
    }
    return SocketHTTPResponse(status: status, headers: headers, body: body)
}

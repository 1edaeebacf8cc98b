import CasefileHTTP
import Foundation

/// What went wrong talking to the daemon. `casefilectl` maps these to its
/// exit codes: `unreachable` → 3, `refused` → 1.
public enum ControlClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing answers on the socket.
    case unreachable(socket: String, reason: String)
    /// The daemon answered with an error body.
    case refused(status: Int, code: String, message: String)
    /// The daemon answered something this client cannot read.
    case badResponse(String)

    public var description: String {
        switch self {
        case .unreachable(let socket, let reason):
            return "cannot reach casefiled at \(socket) — is it running? (\(reason))"
        case .refused(let status, let code, let message):
            return "casefiled refused (\(status) \(code)): \(message)"
        case .badResponse(let why):
            return "unexpected answer from casefiled: \(why)"
        }
    }
}

/// The control API's client: HTTP/1.1 over the daemon's Unix socket, through
/// libcurl (`CURLOPT_UNIX_SOCKET_PATH`), the same way `curl --unix-socket` talks.
public struct ControlClient: Sendable {
    public let socketPath: String
    /// Seconds to wait for an answer; a `sync --wait` can take a while.
    public var timeout: Double

    /// `--socket PATH`, else `CASEFILE_SOCKET`, else the system default.
    public static func defaultSocketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let env = environment["CASEFILE_SOCKET"], !env.isEmpty { return env }
        return "/run/casefiled/control.sock"
    }

    public init(socketPath: String, timeout: Double = 600) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    public func get<T: Decodable>(_ path: String, query: [(String, String?)] = [], as type: T.Type = T.self) throws(ControlClientError) -> T {
        try send("GET", path, query: query, as: type)
    }

    public func post<T: Decodable>(_ path: String, query: [(String, String?)] = [], as type: T.Type = T.self) throws(ControlClientError) -> T {
        try send("POST", path, query: query, as: type)
    }

    /// A request to the daemon over its socket, and nowhere else.
    private func request(_ method: String, _ path: String, query: [(String, String?)]) -> HTTPRequest {
        var request = HTTPRequest(url: "http://casefiled" + ControlAPI.prefix + path + Self.encodeQuery(query))
        request.method = method
        request.unixSocketPath = socketPath
        request.timeout = timeout
        request.connectTimeout = 5
        request.followRedirects = false
        request.protocols = "http"
        if method == "POST" { request.body = [] }
        return request
    }

    /// Raw bytes of a GET, for `--json` pass-through and tests.
    public func raw(_ method: String, _ path: String, query: [(String, String?)] = []) throws(ControlClientError) -> (status: Int, body: [UInt8]) {
        let request = request(method, path, query: query)
        let response: HTTPResponse
        do {
            response = try HTTPClient.perform(request)
        } catch {
            throw .unreachable(socket: socketPath, reason: error.message)
        }
        return (response.status, response.body)
    }

    /// A streamed answer of newline-delimited JSON: `onLine` sees each line
    /// as it arrives; every line is returned at the end.
    public func streamLines<T: Decodable & Sendable>(
        _ method: String, _ path: String, query: [(String, String?)] = [], as type: T.Type, keep: Bool = true,
        onLine: @escaping @Sendable (T) -> Void
    ) throws(ControlClientError) -> [T] {
        let request = request(method, path, query: query)
        let collector = LineCollector<T>(onLine: onLine, keep: keep)
        let status: Int
        do {
            status = try HTTPClient.stream(request) { chunk in
                collector.feed(chunk)
                return true
            }
        } catch {
            throw .unreachable(socket: socketPath, reason: error.message)
        }
        guard (200..<300).contains(status) else {
            let body = collector.start
            if let err = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body)) {
                throw .refused(status: status, code: err.error.code, message: err.error.message)
            }
            throw .refused(status: status, code: "http_\(status)", message: String(decoding: body.prefix(200), as: UTF8.self))
        }
        return collector.lines
    }

    private func send<T: Decodable>(_ method: String, _ path: String, query: [(String, String?)], as type: T.Type) throws(ControlClientError) -> T {
        let (status, body) = try raw(method, path, query: query)
        let data = Data(body)
        guard (200..<300).contains(status) else {
            if let err = try? JSONDecoder().decode(APIErrorBody.self, from: data) {
                throw .refused(status: status, code: err.error.code, message: err.error.message)
            }
            throw .refused(status: status, code: "http_\(status)", message: String(decoding: body.prefix(200), as: UTF8.self))
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .badResponse("\(error)")
        }
    }

    static func encodeQuery(_ query: [(String, String?)]) -> String {
        let pairs = query.compactMap { k, v in v.map { "\(k)=\(percentEncode($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// Percent-encodes one path segment (a slug typed by a user).
    public static func percentEncodePath(_ s: String) -> String { percentEncode(s) }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(b >> 4)])\(hex[Int(b & 0xf)])"
            }
        }
        return out
    }
}

/// Splits a byte stream into lines and decodes each as JSON.
final class LineCollector<T: Decodable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private(set) var lines: [T] = []
    private let onLine: @Sendable (T) -> Void
    /// False for an endless stream: lines go to `onLine` only.
    private let keep: Bool

    init(onLine: @escaping @Sendable (T) -> Void, keep: Bool = true) {
        self.onLine = onLine
        self.keep = keep
    }

    /// The first bytes of the answer as they came: an error body (which is
    /// one JSON line too) is read from here.
    private var head: [UInt8] = []
    var start: [UInt8] { lock.withLock { head } }

    func feed(_ chunk: [UInt8]) {
        lock.lock()
        if head.count < 65536 { head += chunk.prefix(65536 - head.count) }
        buffer += chunk
        var decoded: [T] = []
        while let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(buffer[..<nl])
            buffer.removeSubrange(...nl)
            if let value = try? JSONDecoder().decode(T.self, from: Data(line)) { decoded.append(value) }
        }
        if keep { lines += decoded }
        lock.unlock()
        for value in decoded { onLine(value) }
    }
}

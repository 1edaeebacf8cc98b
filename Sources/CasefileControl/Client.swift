import CasefileHTTP
import Foundation

/// What went wrong talking to the daemon. `casefilectl` maps these to its
/// exit codes: `unreachable` → 3, `refused` and `badResponse` → 1.
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

    /// The one reading of a failed answer: an `{"error": {"code", "message"}}`
    /// body, or (from something that is not casefiled) the first bytes as they came.
    static func refused(status: Int, body: some Collection<UInt8>) -> ControlClientError {
        if let err = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body)) {
            return .refused(status: status, code: err.error.code, message: err.error.message)
        }
        return .refused(status: status, code: "http_\(status)", message: String(decoding: body.prefix(200), as: UTF8.self))
    }
}

/// A decoded answer and the bytes it came in: `--json` prints the daemon's
/// JSON as it came, a table is drawn from `value`.
public struct ControlReply<Value: Sendable>: Sendable {
    public var value: Value
    /// The answer's body, byte for byte (the daemon ends it with a newline).
    public var body: [UInt8]

    public init(value: Value, body: [UInt8]) {
        self.value = value
        self.body = body
    }
}

/// The control API's client: HTTP/1.1 over the daemon's Unix socket, through
/// libcurl (`CURLOPT_UNIX_SOCKET_PATH`), the same way `curl --unix-socket` talks.
///
/// `get`, `post` and `streamLines` are the only ways in; each failure, of the
/// transport or of the daemon, becomes a `ControlClientError` in one place.
public struct ControlClient: Sendable {
    public let socketPath: String
    /// Seconds to wait for an answer; a `sync --wait` can take a while. 0: no limit.
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

    /// `GET /v1PATH?QUERY`, decoded as `type`; a nil query value is left out.
    public func get<T: Decodable & Sendable>(_ path: String, query: [(String, String?)] = [], as type: T.Type = T.self)
        throws(ControlClientError) -> ControlReply<T>
    {
        try send("GET", path, query: query, as: type)
    }

    /// `GET /v1PATH?QUERY`'s body as it came, for an answer that is not JSON
    /// (the dashboard's HTML, the metrics' text).
    public func getBytes(_ path: String, query: [(String, String?)] = []) throws(ControlClientError) -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try HTTPClient.perform(request("GET", path, query: query))
        } catch {
            throw .unreachable(socket: socketPath, reason: error.message)
        }
        guard (200..<300).contains(response.status) else { throw .refused(status: response.status, body: response.body) }
        return response.body
    }

    /// `POST /v1PATH?QUERY` with an empty body, decoded as `type`.
    public func post<T: Decodable & Sendable>(_ path: String, query: [(String, String?)] = [], as type: T.Type = T.self)
        throws(ControlClientError) -> ControlReply<T>
    {
        try send("POST", path, query: query, as: type)
    }

    /// A streamed answer of newline-delimited JSON: `onLine` sees each line
    /// as it arrives, decoded and as it came (without its line break); every
    /// line is returned at the end (none when `keep` is false, for an endless
    /// stream). An error line (`{"error": …}`, sent when the failure came
    /// after the stream began) ends it with `.refused`.
    public func streamLines<T: Decodable & Sendable>(
        _ method: String, _ path: String, query: [(String, String?)] = [], as type: T.Type, keep: Bool = true,
        onLine: @escaping @Sendable (ControlReply<T>) -> Void
    ) throws(ControlClientError) -> [T] {
        let collector = LineCollector<T>(onLine: onLine, keep: keep)
        let status: Int
        do {
            status = try HTTPClient.stream(request(method, path, query: query)) { chunk in collector.feed(chunk) }
        } catch {
            throw .unreachable(socket: socketPath, reason: error.message)
        }
        guard (200..<300).contains(status) else { throw .refused(status: status, body: collector.start) }
        if let error = collector.error {
            throw .refused(status: error.status, code: error.code, message: error.message)
        }
        return collector.lines
    }

    /// `GET /v1PATH` into `file`: written to `FILE.part` as it arrives,
    /// renamed to `file` once whole (a failed download leaves no `file`).
    /// Returns the bytes written.
    public func download(_ path: String, to file: String) throws(ControlClientError) -> Int {
        let part = file + ".part"
        guard
            let out = FileHandle(forWritingAtPath: part)
                ?? {
                    FileManager.default.createFile(atPath: part, contents: nil, attributes: [.posixPermissions: 0o600])
                        ? FileHandle(forWritingAtPath: part) : nil
                }()
        else {
            throw .badResponse("cannot write \(part)")
        }
        let sink = DownloadSink(out)
        let status: Int
        do {
            status = try HTTPClient.stream(request("GET", path, query: [])) { chunk in sink.take(chunk) }
        } catch {
            try? out.close()
            unlink(part)
            throw .unreachable(socket: socketPath, reason: error.message)
        }
        try? out.close()
        guard (200..<300).contains(status), sink.failure == nil else {
            unlink(part)
            if let failure = sink.failure { throw .badResponse("cannot write \(part): \(failure)") }
            throw .refused(status: status, body: sink.head)
        }
        guard rename(part, file) == 0 else {
            unlink(part)
            throw .badResponse("cannot rename \(part) to \(file): \(String(cString: strerror(errno)))")
        }
        return sink.count
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

    private func send<T: Decodable & Sendable>(_ method: String, _ path: String, query: [(String, String?)], as type: T.Type)
        throws(ControlClientError) -> ControlReply<T>
    {
        let response: HTTPResponse
        do {
            response = try HTTPClient.perform(request(method, path, query: query))
        } catch {
            throw .unreachable(socket: socketPath, reason: error.message)
        }
        guard (200..<300).contains(response.status) else { throw .refused(status: response.status, body: response.body) }
        do {
            return ControlReply(value: try JSONDecoder().decode(T.self, from: Data(response.body)), body: response.body)
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
    /// An error line, after which nothing more is read.
    private(set) var error: (status: Int, code: String, message: String)?
    private let onLine: @Sendable (ControlReply<T>) -> Void
    /// False for an endless stream: lines go to `onLine` only.
    private let keep: Bool

    init(onLine: @escaping @Sendable (ControlReply<T>) -> Void, keep: Bool = true) {
        self.onLine = onLine
        self.keep = keep
    }

    /// The first bytes of the answer as they came: an error body (which is
    /// one JSON line too) is read from here.
    private var head: [UInt8] = []
    var start: [UInt8] { lock.withLock { head } }

    /// Takes one chunk; false once an error line came, which ends the transfer.
    func feed(_ chunk: [UInt8]) -> Bool {
        lock.lock()
        if head.count < 65536 { head += chunk.prefix(65536 - head.count) }
        buffer += chunk
        var decoded: [ControlReply<T>] = []
        while error == nil, let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(buffer[..<nl])
            buffer.removeSubrange(...nl)
            if let failure = try? JSONDecoder().decode(APIErrorBody.self, from: Data(line)) {
                error = (failure.error.status, failure.error.code, failure.error.message)
            } else if let value = try? JSONDecoder().decode(T.self, from: Data(line)) {
                decoded.append(ControlReply(value: value, body: line))
            }
        }
        if keep { lines += decoded.map(\.value) }
        let goOn = error == nil
        lock.unlock()
        for value in decoded { onLine(value) }
        return goOn
    }
}

/// Where a download goes: the file, and the first bytes in case they are an
/// error body rather than the file.
final class DownloadSink: @unchecked Sendable {
    private let out: FileHandle
    private(set) var head: [UInt8] = []
    private(set) var count = 0
    private(set) var failure: String?

    init(_ out: FileHandle) { self.out = out }

    func take(_ chunk: [UInt8]) -> Bool {
        if head.count < 4096 { head += chunk.prefix(4096 - head.count) }
        do {
            try out.write(contentsOf: chunk)
        } catch {
            failure = "\(error)"
            return false
        }
        count += chunk.count
        return true
    }
}

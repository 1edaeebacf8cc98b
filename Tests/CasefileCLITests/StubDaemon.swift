import CasefileControl
import CasefileModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for casefiled on a real Unix socket: it answers each request
/// whose method and target (`GET /v1/changes?limit=100`) it was given with
/// that status and body, as the daemon would (closing the connection after
/// each), and anything else with the daemon's 404 body. It keeps every
/// request line it saw. Bodies of a streamed answer go out with no length,
/// ended by the close, as a stream does.
final class StubDaemon: @unchecked Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    let socket: String
    private let fd: Int32
    private let answers: [String: Answer]
    private let lock = NSLock()
    private var seen: [String] = []
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// `answers`: request line without the version (`POST /v1/pause`) → answer.
    init(_ answers: [String: Answer]) throws {
        self.answers = answers
        socket = "/tmp/cfcli-\(UUID().uuidString.prefix(8).lowercased()).sock"
        fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StubError("socket(): errno \(errno)") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { dst in
            for (i, b) in socket.utf8.enumerated() { dst[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw StubError("bind/listen \(socket): errno \(errno)")
        }
        Thread.detachNewThread { [self] in serve() }
    }

    /// The request lines answered so far, in order.
    var requests: [String] { lock.withLock { seen } }

    func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        done.wait()
        close(fd)
        unlink(socket)
    }

    deinit { stop() }

    private func serve() {
        while !lock.withLock({ stopped }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let conn = accept(fd, nil, nil)
            guard conn >= 0 else { continue }
            answer(conn)
            close(conn)
        }
        done.signal()
    }

    private func answer(_ conn: Int32) {
        // Headers, then the body its Content-Length announces (a POST's is empty).
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.contains(subsequence: Array("\r\n\r\n".utf8)) {
            let n = recv(conn, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            request += buffer[0..<n]
        }
        let head = String(decoding: request, as: UTF8.self)
        let requestLine = head.prefix { $0 != "\r" }
        let key = requestLine.split(separator: " ").prefix(2).joined(separator: " ")
        lock.withLock { seen.append(key) }
        let answer =
            answers[key]
            ?? Answer(status: 404, body: Array(#"{"error":{"code":"not_found","message":"no route for \#(key)"}}"#.utf8) + [10])
        let header = "HTTP/1.1 \(answer.status) Stub\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        let bytes = Array(header.utf8) + answer.body
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(conn, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }
}

struct StubError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension StubDaemon.Answer {
    /// A value as the daemon sends it: its one JSON style, and a line break.
    static func json<T: Encodable>(_ value: T, status: Int = 200) -> Self {
        Self(status: status, body: [UInt8](try! CasefileJSON.encode(value)) + [10])
    }

    /// Newline-delimited JSON, one value a line, as a streamed answer.
    static func lines<T: Encodable>(_ values: [T]) -> Self {
        Self(status: 200, body: values.flatMap { [UInt8](try! CasefileJSON.encode($0)) + [10] })
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> Self {
        json(APIErrorBody(code: code, message: message), status: status)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard count >= subsequence.count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}

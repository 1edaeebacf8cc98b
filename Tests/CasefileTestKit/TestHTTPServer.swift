import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real HTTP server on 127.0.0.1 (`Tests/Support/httpserver.py`), serving
/// the files under `root` with ETag and Last-Modified, plus test routes
/// (`/__sleep?s=N`, `/__status?code=N`, `/__redirect?to=URL`, `/__bytes?n=N`,
/// `/__stream?n=N`; see the script). Stopped by `stop()` or when released;
/// it also exits by itself if the test process dies (its stdin closes).
public final class TestHTTPServer: @unchecked Sendable {
    public let root: URL
    public let port: Int
    /// "http://127.0.0.1:PORT"
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let process: Process
    private let stdin: Pipe
    private let lock = NSLock()
    private var stopped = false

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The Unix socket the server also listens on, when asked for one.
    public let unixSocketPath: String?

    /// `unixSocketPath`: also answer on that socket file (keep it short:
    /// 107 bytes at most).
    public init(root: URL, unixSocketPath: String? = nil) throws {
        self.root = root
        self.unixSocketPath = unixSocketPath
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/Support/httpserver.py")
        let (process, stdin, port) = try startServerPrintingItsPort(
            ["python3", script.path, "--root", root.path, "--exit-on-stdin-eof"] + (unixSocketPath.map { ["--unix", $0] } ?? []),
            name: "httpserver.py")
        self.process = process
        self.stdin = stdin
        self.port = port
    }

    deinit { stop() }

    /// `baseURL` + path, e.g. `url("/a.txt")`.
    public func url(_ path: String) -> String {
        baseURL + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Stops the server and waits for it to exit. Safe to call twice.
    public func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        // Closing its stdin ends the server (--exit-on-stdin-eof) whatever
        // signal mask it inherited; SIGTERM, then SIGKILL, if it lingers.
        try? stdin.fileHandleForWriting.close()
        if !exited(within: 2) {
            process.terminate()
            if !exited(within: 2) { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        // Python leaves the socket file behind.
        if let unixSocketPath { unlink(unixSocketPath) }
    }

    private func exited(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    // MARK: Stats

    /// What the server has answered since it started or was last reset.
    public struct Stats: Decodable, Sendable {
        public struct Request: Decodable, Sendable {
            public var method: String
            /// Path and query as sent.
            public var path: String
            public var status: Int
            /// The request's headers, names as sent.
            public var headers: [String: String]
            /// The request body as UTF-8 (invalid bytes replaced).
            public var body: String?
            /// When the server read the request: seconds on its monotonic clock.
            public var started: Double?

            public func header(_ name: String) -> String? {
                headers.first { $0.key.lowercased() == name.lowercased() }?.value
            }
        }

        /// Status ("200", "304", …) → number of answers.
        public var counts: [String: Int]
        public var requests: [Request]
        /// The most requests the server was answering at once.
        public var maxInFlight: Int?

        public func count(_ status: Int) -> Int { counts[String(status)] ?? 0 }
        public var total: Int { requests.count }

        /// Requests whose path (query included) is `path`.
        public func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }
    }

    public func stats() throws -> Stats {
        let (status, body) = try request("GET", "/__stats")
        guard status == 200 else { throw StartError(description: "GET /__stats answered \(status)") }
        return try JSONDecoder().decode(Stats.self, from: Data(body))
    }

    public func resetStats() throws {
        let (status, _) = try request("POST", "/__reset")
        guard status == 200 else { throw StartError(description: "POST /__reset answered \(status)") }
    }

    /// A minimal HTTP/1.0 client over a POSIX socket, so the test kit needs
    /// neither libcurl (the code under test) nor FoundationNetworking.
    private func request(_ method: String, _ path: String) throws -> (Int, [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw StartError(description: "connect 127.0.0.1:\(port): errno \(errno)") }

        let head = Array("\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 0\r\n\r\n".utf8)
        var sent = 0
        while sent < head.count {
            let n = head[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw StartError(description: "send: errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw StartError(description: "recv: errno \(errno)") }
            if n == 0 { break }
            response.append(contentsOf: buffer[..<n])
        }
        let separator = Array("\r\n\r\n".utf8)
        guard let split = (0...max(0, response.count - 4)).first(where: { Array(response[$0..<min($0 + 4, response.count)]) == separator })
        else {
            throw StartError(description: "malformed response from the test server")
        }
        let statusLine = String(decoding: response[..<split], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        let status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        return (status, Array(response[(split + 4)...]))
    }
}

/// A real FTP server on 127.0.0.1 (`Tests/Support/ftpserver.py`, on
/// pyftpdlib), serving `root` read-only to one user. `init` returns nil when
/// no Python here has pyftpdlib (Debian: python3-pyftpdlib), so a test can
/// skip and say why.
public final class TestFTPServer: @unchecked Sendable {
    public let root: URL
    public let port: Int
    public let user: String
    public let password: String
    /// "ftp://127.0.0.1:PORT"
    public var baseURL: String { "ftp://127.0.0.1:\(port)" }

    private let process: Process
    private let stdin: Pipe

    /// The Python that has pyftpdlib: Debian's, else the one on PATH.
    public static let python: String? = {
        for candidate in ["/usr/bin/python3", "python3"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [candidate, "-c", "import pyftpdlib"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { continue }
            p.waitUntilExit()
            if p.terminationStatus == 0 { return candidate }
        }
        return nil
    }()

    public static var isAvailable: Bool { python != nil }

    public init?(root: URL, user: String = "casefile", password: String = "s3cret:pass") throws {
        guard let python = Self.python else { return nil }
        self.root = root
        self.user = user
        self.password = password
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/Support/ftpserver.py")
        let (process, stdin, port) = try startServerPrintingItsPort(
            [python, script.path, "--root", root.path, "--user", user, "--password", password], name: "ftpserver.py")
        self.process = process
        self.stdin = stdin
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Starts a test server script (through /usr/bin/env) that prints its port
/// as the first line of stdout and exits when its stdin closes; returns the
/// process, the stdin pipe to close, and the port.
func startServerPrintingItsPort(_ arguments: [String], name: String) throws -> (Process, Pipe, Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let stdout = Pipe()
    let stdin = Pipe()
    // Children started at the same time by other tests would inherit the
    // write end and keep the server's stdin open after stop() closes it.
    _ = fcntl(stdin.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
    _ = fcntl(stdout.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
    process.standardOutput = stdout
    process.standardInput = stdin
    try process.run()

    // The first stdout line is the port; read byte by byte so nothing after
    // it is swallowed.
    var line: [UInt8] = []
    let reader = stdout.fileHandleForReading
    while line.last != UInt8(ascii: "\n") {
        let byte = reader.readData(ofLength: 1)
        if byte.isEmpty { break }
        line.append(contentsOf: byte)
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard let port = Int(text), port > 0 else {
        process.terminate()
        process.waitUntilExit()
        throw TestHTTPServer.StartError(
            description: "\(name) did not print its port (got \(text.debugDescription), exit \(process.terminationStatus))")
    }
    return (process, stdin, port)
}

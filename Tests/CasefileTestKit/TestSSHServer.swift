import Foundation

/// A real OpenSSH server on 127.0.0.1 (Debian's openssh-server), run by the
/// test from a temporary folder: its own host key, one authorized client
/// key, sftp through `internal-sftp`, no passwords. `init` returns nil when
/// there is no /usr/sbin/sshd, so a test can skip and say why.
///
/// It logs in the user running the tests: sshd authenticates system
/// accounts only, and a test should not add one to the machine. Run as
/// root, sshd needs its privilege-separation folder, /run/sshd, which the
/// package's service would create; the test creates it when missing.
public final class TestSSHServer: @unchecked Sendable {
    public static let sshd = "/usr/sbin/sshd"
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: sshd) }

    public let port: Int
    public let user: String
    /// The client's private key (mode 0600).
    public let clientKey: String
    /// A known_hosts file holding this server's host key.
    public let knownHosts: String
    /// A known_hosts file holding another key for the same address: what a
    /// client sees when someone else answers in the server's place.
    public let wrongKnownHosts: String
    private var pid: Int32?

    /// "sftp://USER@127.0.0.1:PORT"
    public var baseURL: String { "sftp://\(user)@127.0.0.1:\(port)" }

    public init?(folder: URL) throws {
        guard Self.isAvailable else { return nil }
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        for name in ["host", "client", "other"] {
            let r = try runCommand(
                URL(fileURLWithPath: "/usr/bin/ssh-keygen"),
                ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path("\(name)_key")])
            guard r.status == 0 else { throw HarnessError("ssh-keygen: \(r)") }
        }
        user = String(cString: getpwuid(geteuid()).pointee.pw_name)
        port = try Self.freePort()
        try fm.copyItem(atPath: path("client_key.pub"), toPath: path("authorized_keys"))
        let hostKey = try String(contentsOfFile: path("host_key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(
            separator: " ")
        let otherKey = try String(contentsOfFile: path("other_key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(
            separator: " ")
        try "[127.0.0.1]:\(port) \(hostKey)\n".write(toFile: path("known_hosts"), atomically: true, encoding: .utf8)
        try "[127.0.0.1]:\(port) \(otherKey)\n".write(toFile: path("wrong_known_hosts"), atomically: true, encoding: .utf8)
        clientKey = path("client_key")
        knownHosts = path("known_hosts")
        wrongKnownHosts = path("wrong_known_hosts")
        try """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(path("host_key"))
        PidFile \(path("sshd.pid"))
        AuthorizedKeysFile \(path("authorized_keys"))
        AllowUsers \(user)
        PermitRootLogin prohibit-password
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        Subsystem sftp internal-sftp
        LogLevel ERROR

        """.write(toFile: path("sshd_config"), atomically: true, encoding: .utf8)
        if geteuid() == 0, !fm.fileExists(atPath: "/run/sshd") {
            try fm.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        // sshd runs as a daemon (no -D): it forks, and the process we start
        // exits once the server is up, so the server is never a child of the
        // test process. Kept as a child (sshd -D), it stopped the test
        // runner's other children from being reaped: the next casefilectl
        // stayed a zombie and its runCommand never returned.
        let start = try runCommand(URL(fileURLWithPath: Self.sshd), ["-f", path("sshd_config"), "-E", path("sshd.log")])
        guard start.status == 0 else {
            throw HarnessError("sshd: \(start)\n\((try? String(contentsOfFile: path("sshd.log"), encoding: .utf8)) ?? "")")
        }
        // The pid is read now: the folder may be gone by the time stop() runs.
        _ = waitFor(10, interval: 0.05) { FileManager.default.fileExists(atPath: path("sshd.pid")) }
        pid = (try? String(contentsOfFile: path("sshd.pid"), encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard waitFor(10, interval: 0.05, { Self.accepts(port) }) else {
            stop()
            throw HarnessError(
                "sshd did not listen on 127.0.0.1:\(port): \((try? String(contentsOfFile: path("sshd.log"), encoding: .utf8)) ?? "")")
        }
    }

    deinit { stop() }

    public func stop() {
        guard let pid, pid > 1 else { return }
        kill(pid, SIGTERM)
        self.pid = nil
    }

    /// A port nothing listens on now: bound to 0, read, closed.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw HarnessError("cannot find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

import Foundation

/// systemd socket activation (sd_listen_fds(3)) without libsystemd: the
/// listening socket arrives as fd 3 when `LISTEN_PID` is our pid.
enum SocketActivation {
    static let firstFD: Int32 = 3

    /// The inherited control socket, if systemd passed one. With
    /// `LISTEN_FDNAMES`, the one named `control` (the socket unit's
    /// FileDescriptorName=) is taken, else the first. The variables are
    /// removed so that notifier commands do not inherit them.
    static func inheritedSocket(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32? {
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
        guard let pidText = environment["LISTEN_PID"], let pid = Int32(pidText), pid == getpid(),
            let countText = environment["LISTEN_FDS"], let count = Int32(countText), count >= 1
        else { return nil }
        var index: Int32 = 0
        if let names = environment["LISTEN_FDNAMES"]?.split(separator: ":", omittingEmptySubsequences: false),
            let i = names.firstIndex(of: "control")
        {
            index = Int32(i)
        }
        guard index < count else { return nil }
        let fd = firstFD + index
        guard isListeningUnixStream(fd) else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// True when `fd` is a Unix stream socket.
    static func isListeningUnixStream(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK else { return false }
        var type: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0, type == Int32(SOCK_STREAM.rawValue) else { return false }
        var addr = sockaddr_storage()
        var alen = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &alen) }
        }
        return rc == 0 && Int32(addr.ss_family) == AF_UNIX
    }
}

import Foundation

/// sd_notify(3) without libsystemd: one datagram to `$NOTIFY_SOCKET`.
/// Silent (returns false) when the variable is unset, as outside systemd.
public enum SDNotify {
    @discardableResult
    public static func send(_ state: String) -> Bool {
        guard let env = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !env.isEmpty else { return false }
        var bytes = Array(env.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if first == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract namespace
        guard var addr = UnixAddress(bytes) else { return false }
        let msg = Array(state.utf8)
        let sent = addr.withSockaddr { sa, len in
            msg.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, len) }
        }
        return sent == msg.count
    }
}

import Foundation

/// Care for the control socket's path before binding it.
///
/// Unix sockets hang around in the filesystem even after nobody is listening
/// on them, but a live daemon may still own the file: dial it first, and only
/// remove it when nothing answers.
enum SocketGuard {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    static func prepare(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw Refusal(description: "cannot create the socket's folder \(dir): \(error.localizedDescription)")
            }
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { return }  // nothing there
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw Refusal(description: "\(path) exists and is not a socket: refusing to replace it")
        }
        if dial(path) {
            throw Refusal(description: "another casefiled is already listening on \(path)")
        }
        unlink(path)
    }

    /// True when something accepts a connection on the socket.
    static func dial(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard var addr = UnixAddress(Array(path.utf8)) else { return false }
        return addr.withSockaddr { connect(fd, $0, $1) } == 0
    }
}

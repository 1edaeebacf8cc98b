import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a file could not be written: the file and the system's reason.
struct FileWriteError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }

    static func errno(_ what: String, _ path: String) -> FileWriteError {
        FileWriteError("cannot \(what) \(path): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// Files that readers (a web server, node_exporter) see either whole and
/// old or whole and new, never half written.
enum AtomicFile {
    /// Writes `bytes` to `path` through a hidden temporary file in the same
    /// folder (same file system), given `mode` and, when set, `group`, synced,
    /// then renamed over `path`. On failure `path` is untouched and the
    /// temporary file removed.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, group: gid_t? = nil) throws(FileWriteError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        ).path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .errno("create", temporary) }
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        do throws(FileWriteError) {
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw .errno("write", temporary) }
                written += n
            }
            // The umask does not apply to fchmod: the mode is exactly `mode`.
            guard fchmod(fd, mode) == 0 else { throw .errno("set the mode of", temporary) }
            if let group, fchown(fd, uid_t.max, group) != 0 {
                let reason = String(cString: strerror(errno))
                throw FileWriteError(
                    "cannot give \(temporary) to group \(group): \(reason) (the daemon's user must be a member of the group)")
            }
            guard fsync(fd) == 0 else { throw .errno("sync", temporary) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw .errno("close", temporary) }
        guard rename(temporary, path) == 0 else { throw .errno("rename \(temporary) to", path) }
        done = true
    }

    /// Makes the renames in `folder` durable (a crash after this keeps them).
    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// The id of the group named `name`; nil when there is none.
    static func groupID(_ name: String) -> gid_t? {
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &group, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return group.gr_gid
    }
}

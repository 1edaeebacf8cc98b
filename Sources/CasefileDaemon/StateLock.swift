import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One daemon per state folder: an exclusive `flock` on `casefiled.lock` in
/// `state_dir`, held for the daemon's life (the kernel drops it when the
/// process ends, however it ends). Two daemons on one store would deliver
/// every change twice.
struct StateLock {
    let fd: Int32

    /// Takes the lock, or throws naming the daemon that holds it.
    static func acquire(stateDir: String) throws(StateLockError) -> StateLock {
        let path = (stateDir as NSString).appendingPathComponent("casefiled.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw StateLockError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let why = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            if why == EWOULDBLOCK {
                throw StateLockError(
                    "another casefiled\(pid.isEmpty ? "" : " (pid \(pid))") is running on the state folder \(stateDir); "
                        + "stop it first, or give this one another state_dir")
            }
            throw StateLockError("cannot lock \(path): \(String(cString: strerror(why)))")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        return StateLock(fd: fd)
    }
}

struct StateLockError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

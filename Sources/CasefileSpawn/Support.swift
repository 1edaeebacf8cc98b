import CSpawnShim
import Glibc
import Synchronization

/// Runs blocking work on a thread of its own, never on Swift's cooperative
/// pool, and resumes with its result.
///
/// The thread starts with every signal blocked: signals meant for the
/// process go to the threads that handle them, and a write to a pipe whose
/// reader is gone leaves a SIGPIPE pending on this thread, where it is
/// harmless and dropped when the thread ends, instead of killing a process
/// that does not ignore SIGPIPE. The write itself fails with EPIPE.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws(SpawnError) -> T {
    let result: Result<T, SpawnError> = await withCheckedContinuation { continuation in
        let rc = startThread { continuation.resume(returning: .success(body())) }
        if rc != 0 {
            continuation.resume(returning: .failure(SpawnError(.cannotStart, "cannot start a thread: \(errnoText(rc))")))
        }
    }
    return try result.get()
}

/// Starts a detached thread with every signal blocked; 0 or an errno.
func startThread(_ body: @escaping @Sendable () -> Void) -> Int32 {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    // A new thread inherits the creator's mask: block all for the moment of
    // creation, so no signal can reach the new thread before it runs.
    var all = sigset_t()
    var saved = sigset_t()
    sigfillset(&all)
    pthread_sigmask(SIG_SETMASK, &all, &saved)
    var thread = pthread_t()
    let rc = pthread_create(
        &thread, &attributes,
        { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
    pthread_sigmask(SIG_SETMASK, &saved, nil)
    if rc != 0 { Unmanaged<ThreadBody>.fromOpaque(context).release() }
    return rc
}

private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// `strerror` for an errno value.
func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }

/// NUL-terminated copies of strings for `posix_spawn`, freed by `free()`.
struct CStrings {
    private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for p in pointers { Glibc.free(p) }
    }
}

/// Waits for any of the descriptors, at most until `deadline` (nil: no
/// limit). Returns the number ready (0 when the deadline passed).
func pollUntil(_ fds: inout [pollfd], deadline: ContinuousClock.Instant?) -> Int32 {
    while true {
        var timeout: Int32 = -1
        if let deadline {
            let left = deadline - .now
            if left <= .zero {
                timeout = 0
            } else {
                // Round up: a deadline 0.4 ms away is not "now".
                let ms = left.components.seconds * 1000 + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
                timeout = Int32(clamping: ms)
            }
        }
        let n = poll(&fds, nfds_t(fds.count), timeout)
        if n >= 0 || errno != EINTR { return max(n, 0) }
    }
}

/// How a child ended, from `waitpid`'s status word (the W* macros are not
/// imported into Swift).
func termination(fromWaitStatus status: Int32) -> Termination {
    let low = status & 0x7f
    if low == 0 { return .exited((status >> 8) & 0xff) }
    return .signalled(low)
}

/// Reaps a child that has exited (or is about to: the caller knows it).
/// `-1` as the status means it was reaped elsewhere in the process.
func reap(_ pid: pid_t) -> Termination {
    var status: Int32 = 0
    while true {
        let rc = waitpid(pid, &status, 0)
        if rc == pid { return termination(fromWaitStatus: status) }
        if rc < 0 && errno == EINTR { continue }
        return .exited(-1)
    }
}

/// Creates a close-on-exec pipe; the parent's end made non-blocking.
func makePipe(parentEnd: Int) throws(SpawnError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    let rc = cspawn_pipe(&fds)
    if rc != 0 { throw SpawnError(.cannotStart, "cannot make a pipe: \(errnoText(rc))") }
    let nb = cspawn_set_nonblocking(fds[parentEnd])
    if nb != 0 {
        close(fds[0])
        close(fds[1])
        throw SpawnError(.cannotStart, "cannot make a pipe non-blocking: \(errnoText(nb))")
    }
    return (fds[0], fds[1])
}

/// A descriptor that several calls may use at once and one may close: it is
/// closed only when the last user is done, so a number is never reused
/// under a read or write still in progress.
final class SharedFD: Sendable {
    private struct State {
        var fd: Int32
        var users = 0
        var closing = false
    }
    private let state: Mutex<State>

    init(_ fd: Int32) { state = Mutex(State(fd: fd)) }

    /// The descriptor, counted as in use until `release()`; nil once closed.
    func lease() -> Int32? {
        state.withLock { s -> Int32? in
            guard !s.closing, s.fd >= 0 else { return nil }
            s.users += 1
            return s.fd
        }
    }

    func release() {
        let toClose = state.withLock { s -> Int32 in
            s.users -= 1
            return s.closing && s.users == 0 ? s.fd : -1
        }
        if toClose >= 0 { Glibc.close(toClose) }
    }

    /// Closes now, or when the last user releases it.
    func close() {
        let toClose = state.withLock { s -> Int32 in
            guard !s.closing else { return -1 }
            s.closing = true
            return s.users == 0 ? s.fd : -1
        }
        if toClose >= 0 { Glibc.close(toClose) }
    }
}

/// Sends a signal to a child's process group, and to the child itself if
/// it has left that group (a program may call setsid or setpgid). Only for
/// a child not yet reaped: its pid, and so its group id, cannot have been
/// reused.
func signalGroup(of pid: pid_t, _ signal: Int32) {
    kill(-pid, signal)
    if getpgid(pid) != pid { kill(pid, signal) }
}

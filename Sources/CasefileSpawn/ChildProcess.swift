import CSpawnShim
import Glibc
import Synchronization

/// A long-lived child with a pipe to its stdin and one from its stdout: a
/// helper that takes requests and answers them.
///
/// One writer and one reader at a time; each call has a deadline. Its
/// signals go to its whole process group. Dropping the last reference to a
/// child that has not been waited for kills its group and reaps it.
public final class ChildProcess: Sendable {
    /// Where the child's stderr goes.
    public enum Stderr: Sendable {
        case discard
        /// The parent's own stderr (the journal, under systemd).
        case inherit
    }

    public let pid: pid_t
    private let input: SharedFD
    private let output: SharedFD
    private let pidfd: Int32
    /// Set once the child is reaped; signals are sent only before that.
    private let ended = Mutex<Termination?>(nil)

    private init(pid: pid_t, pidfd: Int32, input: Int32, output: Int32) {
        self.pid = pid
        self.pidfd = pidfd
        self.input = SharedFD(input)
        self.output = SharedFD(output)
    }

    /// Starts the command with pipes for its stdin and stdout.
    public static func start(_ command: Command, stderr: Stderr = .discard) async throws(SpawnError) -> ChildProcess {
        let outcome: Result<ChildProcess, SpawnError> = try await onOwnThread {
            do throws(SpawnError) {
                return .success(try startBlocking(command, stderr: stderr))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// `start`, on the calling thread (a synchronous caller's: never one of
    /// the concurrency pool's).
    public static func startBlocking(_ command: Command, stderr: Stderr = .discard) throws(SpawnError) -> ChildProcess {
        let toChild = try makePipe(parentEnd: 1)
        let fromChild: (read: Int32, write: Int32)
        do throws(SpawnError) {
            fromChild = try makePipe(parentEnd: 0)
        } catch {
            close(toChild.read)
            close(toChild.write)
            throw error
        }
        defer {
            close(toChild.read)
            close(fromChild.write)
        }
        do throws(SpawnError) {
            let started = try command.spawn(
                stdin: toChild.read, stdout: fromChild.write, stderr: stderr == .inherit ? CSPAWN_INHERIT : CSPAWN_DEVNULL)
            return ChildProcess(pid: started.pid, pidfd: started.pidfd, input: toChild.write, output: fromChild.read)
        } catch {
            close(toChild.write)
            close(fromChild.read)
            throw error
        }
    }

    /// Writes all of `bytes` to the child's stdin.
    public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws(SpawnError) {
        let failure: SpawnError? = try await onOwnThread {
            do throws(SpawnError) {
                try self.writeBlocking(bytes, deadline: deadline)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// `write`, on the calling thread. SIGPIPE is blocked on this thread
    /// while it writes, and one raised by a child that has gone is taken
    /// here: the write fails with EPIPE instead of the signal ending a
    /// process that does not ignore it (`casefilectl parse`, the tests).
    public func writeBlocking(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(SpawnError) {
        guard let fd = input.lease() else { throw SpawnError(.closed, "the child's input is closed") }
        defer { input.release() }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &saved)
        defer {
            var pending = sigset_t()
            if sigpending(&pending) == 0, sigismember(&pending, SIGPIPE) == 1, sigismember(&saved, SIGPIPE) == 0 {
                var now = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &saved, nil)
        }
        var written = 0
        while written < bytes.count {
            var fds = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
            if pollUntil(&fds, deadline: deadline) == 0 { throw SpawnError(.timedOut, "writing to the child timed out") }
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n >= 0 {
                written += n
            } else if errno == EPIPE {
                throw SpawnError(.closed, "the child closed its input")
            } else if errno != EAGAIN && errno != EINTR {
                throw SpawnError(.failed, "writing to the child: \(errnoText(errno))")
            }
        }
    }

    /// Closes the child's stdin: it reads the end of its input.
    public func closeInput() { input.close() }

    /// Reads what the child has written, at most `maximum` bytes and at
    /// least one; an empty array at the end of its output.
    public func read(upTo maximum: Int, deadline: ContinuousClock.Instant) async throws(SpawnError) -> [UInt8] {
        let outcome: Result<[UInt8], SpawnError> = try await onOwnThread {
            do throws(SpawnError) {
                return .success(try self.readBlocking(upTo: maximum, deadline: deadline))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// `read(upTo:deadline:)`, on the calling thread.
    public func readBlocking(upTo maximum: Int, deadline: ContinuousClock.Instant) throws(SpawnError) -> [UInt8] {
        guard let fd = output.lease() else { return [] }
        defer { output.release() }
        var buffer = [UInt8](repeating: 0, count: max(1, maximum))
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if pollUntil(&fds, deadline: deadline) == 0 { throw SpawnError(.timedOut, "reading from the child timed out") }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return Array(buffer[0..<n]) }
            if errno != EAGAIN && errno != EINTR {
                throw SpawnError(.failed, "reading from the child: \(errnoText(errno))")
            }
        }
    }

    /// Reads exactly `count` bytes; `.closed` if its output ends first.
    public func read(exactly count: Int, deadline: ContinuousClock.Instant) async throws(SpawnError) -> [UInt8] {
        let outcome: Result<[UInt8], SpawnError> = try await onOwnThread {
            do throws(SpawnError) {
                return .success(try self.readBlocking(exactly: count, deadline: deadline))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// `read(exactly:deadline:)`, on the calling thread.
    public func readBlocking(exactly count: Int, deadline: ContinuousClock.Instant) throws(SpawnError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let more = try readBlocking(upTo: min(count - bytes.count, 1 << 20), deadline: deadline)
            if more.isEmpty { throw SpawnError(.closed, "the child's output ended after \(bytes.count) of \(count) bytes") }
            bytes += more
        }
        return bytes
    }

    /// Sends a signal to the child's process group, unless it has been reaped.
    public func signalGroup(_ signal: Int32) {
        ended.withLock { ended in
            if ended == nil { CasefileSpawn.signalGroup(of: pid, signal) }
        }
    }

    /// Waits until the child exits, reaps it and says how it ended.
    public func wait() async -> Termination {
        if let done = ended.withLock({ $0 }) { return done }
        let pidfd = self.pidfd
        // Without a thread, the group is killed: nothing else can end the wait.
        let ready =
            (try? await onOwnThread {
                var fds = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
                return pollUntil(&fds, deadline: nil) > 0
            }) ?? false
        if !ready { signalGroup(SIGKILL) }
        return reapOnce()
    }

    /// Stops the child's process group: SIGTERM, and SIGKILL if it has not
    /// exited `grace` later. Returns how the child ended.
    public func terminate(grace: Duration = .seconds(2)) async -> Termination {
        (try? await onOwnThread { self.terminateBlocking(grace: grace) })
            ?? {
                signalGroup(SIGKILL)
                return reapOnce()
            }()
    }

    /// `terminate`, on the calling thread.
    public func terminateBlocking(grace: Duration = .seconds(2)) -> Termination {
        if let done = ended.withLock({ $0 }) { return done }
        signalGroup(SIGTERM)
        var fds = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
        _ = pollUntil(&fds, deadline: ContinuousClock.now + grace)
        // Anything left in its group (a grandchild that ignored SIGTERM) goes too.
        signalGroup(SIGKILL)
        var wait = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
        _ = pollUntil(&wait, deadline: nil)
        return reapOnce()
    }

    private func reapOnce() -> Termination {
        ended.withLock { ended in
            if let done = ended { return done }
            let done = reap(pid)
            ended = done
            return done
        }
    }

    deinit {
        input.close()
        output.close()
        let (pid, pidfd) = (self.pid, self.pidfd)
        if ended.withLock({ $0 }) != nil {
            close(pidfd)
            return
        }
        CasefileSpawn.signalGroup(of: pid, SIGKILL)
        // Reaped off this thread, which may be one of the cooperative pool's.
        let rc = startThread {
            _ = reap(pid)
            close(pidfd)
        }
        if rc != 0 {
            _ = reap(pid)
            close(pidfd)
        }
    }
}

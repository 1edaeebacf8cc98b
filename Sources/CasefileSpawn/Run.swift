import CSpawnShim
import Glibc
import Synchronization

/// What running a command to completion came to.
public struct RunResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// It exited by itself with this status.
        case exited(Int32)
        /// A signal it did not get from us ended it.
        case signalled(Int32)
        /// It ran past its timeout; its process group was stopped.
        case timedOut
        /// The calling task was cancelled; its process group was stopped.
        case cancelled
        /// It never ran; the reason.
        case cannotStart(String)
    }

    public var outcome: Outcome
    /// The child's pid, nil when it never ran.
    public var pid: pid_t?
    /// The first `stdoutLimit` bytes it wrote to stdout.
    public var stdout: [UInt8] = []
    public var stdoutTruncated = false
    /// The last `stderrTail` bytes it wrote to stderr.
    public var stderrTail: [UInt8] = []
    public var stderrTruncated = false

    /// The stderr tail as text, without surrounding white space.
    public var stderrText: String {
        let text = String(decoding: stderrTail, as: UTF8.self)
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(text[first...last])
    }
}

extension Command {
    /// Runs the program to the end, or to its timeout.
    ///
    /// `stdin` is written to it (a program that does not read it is fine);
    /// up to `stdoutLimit` bytes of stdout are kept (0: stdout is
    /// /dev/null) and the last `stderrTail` bytes of stderr. At the timeout,
    /// or when the calling task is cancelled, its whole process group gets
    /// SIGTERM and, `grace` later, SIGKILL. Output that a process it left
    /// behind goes on writing after it exits is read for at most half a
    /// second more.
    public func run(
        stdin: [UInt8] = [], timeout: Duration, grace: Duration = .seconds(2), stdoutLimit: Int = 1 << 20,
        stderrTail: Int = 4096
    ) async -> RunResult {
        if Task.isCancelled { return RunResult(outcome: .cancelled) }
        let wake: WakePipe
        do throws(SpawnError) {
            wake = try WakePipe()
        } catch {
            return RunResult(outcome: .cannotStart(error.message))
        }
        defer { wake.close() }
        let job = RunJob(
            command: self, input: stdin, timeout: timeout, grace: grace, stdoutLimit: stdoutLimit, stderrTail: stderrTail,
            wakeFD: wake.readFD)
        return await withTaskCancellationHandler {
            do throws(SpawnError) {
                return try await onOwnThread { job.run() }
            } catch {
                return RunResult(outcome: .cannotStart(error.message))
            }
        } onCancel: {
            wake.fire()
        }
    }
}

/// A pipe that ends a run's poll from another thread (task cancellation).
private final class WakePipe: Sendable {
    let readFD: Int32
    private let writeFD: Mutex<Int32>

    init() throws(SpawnError) {
        let fds = try makePipe(parentEnd: 1)
        readFD = fds.read
        writeFD = Mutex(fds.write)
    }

    func fire() {
        writeFD.withLock { fd in
            var byte: UInt8 = 1
            if fd >= 0 { _ = write(fd, &byte, 1) }
        }
    }

    func close() {
        writeFD.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
        Glibc.close(readFD)
    }
}

/// One run to completion, on its own thread.
private struct RunJob: Sendable {
    let command: Command
    let input: [UInt8]
    let timeout: Duration
    let grace: Duration
    let stdoutLimit: Int
    let stderrTail: Int
    let wakeFD: Int32

    /// After the child exits, how long output from what it left behind is
    /// still read.
    static let drainAfterExit: Duration = .milliseconds(500)

    private enum Stop { case timeout, cancel }

    func run() -> RunResult {
        var pipes: [Int32] = []  // every descriptor to close at the end
        defer { for fd in pipes where fd >= 0 { close(fd) } }
        var inFD: Int32 = -1, outFD: Int32 = -1, errFD: Int32 = -1
        var childIn = CSPAWN_DEVNULL, childOut = CSPAWN_DEVNULL, childErr = CSPAWN_DEVNULL
        let started: (pid: pid_t, pidfd: Int32)
        do throws(SpawnError) {
            if !input.isEmpty {
                let p = try makePipe(parentEnd: 1)
                (childIn, inFD) = (p.read, p.write)
                pipes += [p.read, p.write]
            }
            if stdoutLimit > 0 {
                let p = try makePipe(parentEnd: 0)
                (outFD, childOut) = (p.read, p.write)
                pipes += [p.read, p.write]
            }
            let e = try makePipe(parentEnd: 0)
            (errFD, childErr) = (e.read, e.write)
            pipes += [e.read, e.write]
            started = try command.spawn(stdin: childIn, stdout: childOut, stderr: childErr)
        } catch {
            return RunResult(outcome: .cannotStart(error.message))
        }
        let pid = started.pid
        pipes.append(started.pidfd)
        // The child's ends are its own now: while we hold them, no EOF comes.
        for fd in [childIn, childOut, childErr] where fd >= 0 {
            close(fd)
            pipes = pipes.map { $0 == fd ? -1 : $0 }
        }
        var result = RunResult(outcome: .exited(0), pid: pid)
        var written = 0
        var stop: Stop?
        var killed = false
        var exitedAt: ContinuousClock.Instant?
        var deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)

        func closeInput() {
            if inFD >= 0 {
                close(inFD)
                pipes = pipes.map { $0 == inFD ? -1 : $0 }
                inFD = -1
            }
        }
        func stopGroup(_ why: Stop) {
            stop = why
            signalGroup(of: pid, SIGTERM)
            deadline = .now + grace
        }

        while true {
            let now = ContinuousClock.now
            if let exitedAt {
                // Done when its output has ended, or no one is worth waiting for.
                if outFD < 0 && errFD < 0 { break }
                if stop == nil && now >= exitedAt + Self.drainAfterExit { break }
                if stop != nil && now >= deadline { break }
            } else if now >= deadline {
                if stop == nil {
                    stopGroup(.timeout)
                } else if !killed {
                    signalGroup(of: pid, SIGKILL)
                    killed = true
                }
            }
            var fds: [pollfd] = []
            if inFD >= 0 { fds.append(pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0)) }
            if outFD >= 0 { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
            if errFD >= 0 { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
            if exitedAt == nil { fds.append(pollfd(fd: started.pidfd, events: Int16(POLLIN), revents: 0)) }
            if stop == nil { fds.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)) }
            var until: ContinuousClock.Instant? = killed ? nil : deadline
            if let exitedAt, stop == nil { until = exitedAt + Self.drainAfterExit }
            _ = pollUntil(&fds, deadline: until)
            for p in fds where p.revents != 0 {
                switch p.fd {
                case inFD:
                    let n = input.withUnsafeBytes { write(inFD, $0.baseAddress! + written, $0.count - written) }
                    if n > 0 { written += n }
                    // EPIPE: it does not read its input, which is its business.
                    if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) { closeInput() }
                case outFD:
                    if !readSome(outFD, &buffer, into: &result.stdout, truncated: &result.stdoutTruncated, keepTail: false) {
                        outFD = -1
                    }
                case errFD:
                    if !readSome(errFD, &buffer, into: &result.stderrTail, truncated: &result.stderrTruncated, keepTail: true) {
                        errFD = -1
                    }
                case started.pidfd:
                    exitedAt = .now
                    closeInput()
                default:
                    stopGroup(.cancel)
                }
            }
        }
        // Whatever is left of its group goes now, while the unreaped leader
        // still holds the group id.
        if stop != nil && !killed { signalGroup(of: pid, SIGKILL) }
        let ended = reap(pid)
        if result.stderrTail.count > stderrTail { result.stderrTail.removeFirst(result.stderrTail.count - stderrTail) }
        switch (stop, ended) {
        case (.timeout?, _): result.outcome = .timedOut
        case (.cancel?, _): result.outcome = .cancelled
        case (nil, .exited(let code)): result.outcome = .exited(code)
        case (nil, .signalled(let signal)): result.outcome = .signalled(signal)
        }
        return result
    }

    /// Reads what is there; false at the end of the stream (or an error).
    /// Keeps the head (up to `stdoutLimit`) or the tail (`stderrTail`).
    private func readSome(
        _ fd: Int32, _ buffer: inout [UInt8], into kept: inout [UInt8], truncated: inout Bool, keepTail: Bool
    ) -> Bool {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { return errno == EAGAIN || errno == EINTR }
        if n == 0 { return false }
        if keepTail {
            kept.append(contentsOf: buffer[0..<n])
            // Trim in batches, not on every read.
            if kept.count > 2 * stderrTail + 65536 {
                kept.removeFirst(kept.count - stderrTail)
                truncated = true
            } else if kept.count > stderrTail {
                truncated = true
            }
        } else {
            let room = max(0, stdoutLimit - kept.count)
            kept.append(contentsOf: buffer[0..<min(n, room)])
            if n > room { truncated = true }
        }
        return true
    }
}

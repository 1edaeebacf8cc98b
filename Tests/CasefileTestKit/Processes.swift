import Foundation

/// Starts a process with an empty signal mask.
///
/// The test runner's threads block signals, and a child inherits the mask of
/// the thread that spawns it: a shell would then wait forever for a SIGCHLD
/// it never sees, and a daemon would ignore what systemd sends. Spawning
/// from a thread whose mask is empty gives the child what it would get from
/// systemd or a login shell.
public func launch(_ process: Process) throws {
    var empty = sigset_t()
    var saved = sigset_t()
    sigemptyset(&empty)
    pthread_sigmask(SIG_SETMASK, &empty, &saved)
    defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
    try process.run()
}

/// Decodes a command's JSON answer, or fails with everything it printed.
public func decode<T: Decodable>(_ type: T.Type, _ r: CommandResult) throws -> T {
    do {
        return try JSONDecoder().decode(T.self, from: r.stdoutData)
    } catch {
        throw HarnessError("cannot decode \(T.self) (\(error)) from \(r)")
    }
}

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data

    public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs a command to the end (with a time limit) and captures its output.
public func runCommand(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 120
) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    // Close-on-exec for all four ends: a long-lived child spawned meanwhile
    // by another test (a server) would otherwise inherit the write ends and
    // keep the pipes open after this command exits, so reading them to the
    // end would never finish. This command gets its ends as 1 and 2, which
    // posix_spawn's dup2 leaves open across exec.
    for fd in [out.fileHandleForReading, out.fileHandleForWriting, err.fileHandleForReading, err.fileHandleForWriting] {
        _ = fcntl(fd.fileDescriptor, F_SETFD, FD_CLOEXEC)
    }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try launch(process)
    // Drain both pipes while the process runs, so a chatty child never blocks.
    let outBox = DataBox()
    let errBox = DataBox()
    let group = DispatchGroup()
    for (pipe, box) in [(out, outBox), (err, errBox)] {
        group.enter()
        DispatchQueue.global().async {
            box.data = pipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
    }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
    }
    process.waitUntilExit()
    group.wait()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self),
        stderr: String(decoding: errBox.data, as: UTF8.self), stdoutData: outBox.data)
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A `casefiled` started from the built binary, its stderr kept in a file.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    public let logFile: URL
    public let socket: String

    public init(config: URL, socket: String, logFile: URL, environment: [String: String] = [:]) throws {
        self.logFile = logFile
        self.socket = socket
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.executableURL = TestPaths.binary("casefiled")
        process.arguments = ["--config", config.path]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try launch(process)
    }

    public var pid: Int32 { process.processIdentifier }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Waits until `casefilectl status` answers, or the daemon dies.
    public func waitUntilReady(timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { throw HarnessError("casefiled exited with \(process.terminationStatus):\n\(log)") }
            let r = try ctl(["status", "--json"])
            if r.status == 0 { return }
            usleep(100_000)
        }
        throw HarnessError("casefiled did not answer on \(socket) within \(timeout) s:\n\(log)")
    }

    /// Runs the built `casefilectl` against this daemon's socket.
    public func ctl(_ args: [String], timeout: Double = 120) throws -> CommandResult {
        var r = try runCommand(TestPaths.binary("casefilectl"), args + ["--socket", socket], timeout: timeout)
        if r.status == 3 {
            // The daemon should have answered: keep its log with the failure.
            r.stderr += "\n--- casefiled log (running: \(process.isRunning)) ---\n" + log
        }
        return r
    }

    /// Sends a signal; returns how long the process took to exit and its status, or nil if it did not within `timeout`.
    public func signalAndWait(_ sig: Int32, timeout: Double = 10) -> (seconds: Double, status: Int32)? {
        let start = Date()
        kill(process.processIdentifier, sig)
        while process.isRunning && Date().timeIntervalSince(start) < timeout { usleep(10_000) }
        guard !process.isRunning else { return nil }
        return (Date().timeIntervalSince(start), process.terminationStatus)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Polls until `condition` holds or the time is up.
public func waitFor(_ timeout: Double, interval: Double = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(useconds_t(interval * 1_000_000))
    }
    return try condition()
}

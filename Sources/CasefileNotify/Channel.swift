import CasefileModel
import Foundation

/// Why one delivery attempt failed: kept as the outbox row's last error.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A place changes are announced to. A delivery succeeds or throws; the
/// outbox retries what throws, so a channel never retries by itself.
public protocol NotificationChannel: Sendable {
    var name: String { get }
    /// Attempts before a delivery is parked as failed.
    var maxAttempts: Int { get }
    /// One attempt that has not finished after this (plus a few seconds of
    /// grace for the channel to stop itself) is a failed attempt.
    var timeout: Duration { get }
    /// The wait after a first failed attempt (the outbox doubles it with
    /// each failure); nil: the outbox's default.
    var retryDelay: Duration? { get }
    /// `json` is the change exactly as `casefilectl changes --json` shows it.
    func deliver(_ change: ChangeRecord, json: Data) async throws(DeliveryError)
}

extension NotificationChannel {
    public var retryDelay: Duration? { nil }
}

/// Runs a command with the change's JSON on stdin (DESIGN.md): exit 0 means
/// delivered. `CASEFILE_CHANGE_ID`, `CASEFILE_CHANGE_KIND` and
/// `CASEFILE_AUTHORITY` are set in its environment, plus `CASEFILE_STATE_DIR`.
public struct CommandChannel: NotificationChannel {
    public let name: String
    public let maxAttempts: Int
    public let argv: [String]
    public let timeout: Duration
    public let environment: [String: String]
    public let retryDelay: Duration?

    public init(
        name: String, argv: [String], maxAttempts: Int, timeout: Duration, retryDelay: Duration? = nil,
        environment: [String: String]
    ) {
        self.retryDelay = retryDelay
        self.name = name
        self.argv = argv
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.environment = environment
    }

    public func deliver(_ change: ChangeRecord, json: Data) async throws(DeliveryError) {
        var env = environment
        env["CASEFILE_CHANGE_ID"] = change.id
        env["CASEFILE_CHANGE_KIND"] = change.kind.rawValue
        env["CASEFILE_AUTHORITY"] = change.authority.slug
        env["CASEFILE_CHANGE_SEQ"] = String(change.seq)
        let result = await CommandRunner.run(argv: argv, stdin: json, environment: env, timeout: timeout)
        switch result {
        case .exited(0, _):
            return
        case .exited(let code, let stderr):
            throw DeliveryError("command \(argv[0]) exited with status \(code)\(stderr.isEmpty ? "" : ": " + stderr)")
        case .killed(let why):
            throw DeliveryError("command \(argv[0]) \(why)")
        case .cannotStart(let why):
            throw DeliveryError("cannot run \(argv[0]): \(why)")
        }
    }
}

/// Runs a child process off the cooperative thread pool, feeding stdin,
/// keeping the end of stderr for the error message, killing it at the timeout.
enum CommandRunner {
    enum Result: Sendable {
        case exited(Int32, String)
        case killed(String)
        case cannotStart(String)
    }

    static func run(argv: [String], stdin: Data, environment: [String: String], timeout: Duration) async -> Result {
        await withCheckedContinuation { (cont: CheckedContinuation<Result, Never>) in
            DispatchQueue.global().async {
                cont.resume(returning: runBlocking(argv: argv, stdin: stdin, environment: environment, timeout: timeout))
            }
        }
    }

    private static func runBlocking(argv: [String], stdin: Data, environment: [String: String], timeout: Duration) -> Result {
        guard let first = argv.first else { return .cannotStart("empty command") }
        let process = Process()
        if first.contains("/") {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(argv.dropFirst())
        } else {
            // A bare name is looked up on PATH, as a shell would.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = argv
        }
        process.environment = environment
        let inPipe = Pipe()
        let errPipe = Pipe()
        process.standardInput = inPipe
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .cannotStart("\(error.localizedDescription)")
        }
        // Write stdin on its own thread: a command that does not read it must
        // not block us past the timeout.
        let writer = Thread {
            // The throwing API: a command that exits without reading stdin gives
            // EPIPE here, which the old write(_:) turns into a crash.
            try? inPipe.fileHandleForWriting.write(contentsOf: stdin)
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        let errBox = ErrBox()
        let reader = Thread {
            errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            errBox.done.signal()
        }
        reader.start()
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline {
            usleep(10_000)
        }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return .killed("did not finish within \(Int(seconds)) s and was stopped")
        }
        process.waitUntilExit()
        _ = errBox.done.wait(timeout: .now() + 2)
        let stderr = String(decoding: errBox.data.suffix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            return .killed("was killed by signal \(process.terminationStatus)")
        }
        return .exited(process.terminationStatus, stderr)
    }

    private final class ErrBox: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}

import CasefileModel
import CasefileSpawn
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

/// Runs a command with the change's JSON on stdin: exit 0 means delivered.
/// `CASEFILE_CHANGE_ID`, `CASEFILE_CHANGE_KIND`, `CASEFILE_AUTHORITY` and
/// `CASEFILE_CHANGE_SEQ` are set in its environment, on top of `environment`
/// (the daemon passes its own, plus `CASEFILE_STATE_DIR`). A command that
/// overruns its timeout is stopped with its whole process group.
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
        let program = argv.first ?? ""
        // Its stdout is not read; the end of stderr explains a failure. It
        // gets 200 ms to stop after SIGTERM, as it always has.
        let result = await Command(argv, environment: env).run(
            stdin: Array(json), timeout: timeout, grace: .milliseconds(200), stdoutLimit: 0, stderrTail: 300)
        switch result.outcome {
        case .exited(0):
            return
        case .exited(let code):
            let stderr = result.stderrText
            throw DeliveryError("command \(program) exited with status \(code)\(stderr.isEmpty ? "" : ": " + stderr)")
        case .signalled(let signal):
            throw DeliveryError("command \(program) was killed by signal \(signal)")
        case .timedOut:
            throw DeliveryError("command \(program) did not finish within \(timeout.components.seconds) s and was stopped")
        case .cancelled:
            throw DeliveryError("command \(program) was stopped: the delivery was cancelled")
        case .cannotStart(let why):
            throw DeliveryError("cannot run \(program): \(why)")
        }
    }
}

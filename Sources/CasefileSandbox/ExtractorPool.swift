import CasefileExtractWire
import CasefileParse
import CasefileSpawn
import Foundation

/// Why a document's extraction gave no text.
public struct ExtractorFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The document as it is cannot be read (damaged, encrypted, …).
        case refused
        /// `parse_timeout` passed (or the helper's CPU limit): the helper was killed.
        case timedOut
        /// Over `parse_max_memory`.
        case overMemory
        /// Over `parse_max_pages`.
        case overPages
        /// The helper died of a signal (SIGSYS: the seccomp filter), exited,
        /// or answered garbage (a helper the document took over, perhaps).
        case crashed
        /// No helper could be started, or the pool was stopped under the
        /// document: not the document's fault.
        case unavailable
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }

    /// Whether the document, not the machinery, is the cause: such a
    /// document is quarantined (not extracted again until its bytes or the
    /// parser change). A helper that could not start is not the document's
    /// fault.
    public var isDocumentsFault: Bool { kind != .unavailable }
}

/// Long-lived sandboxed helpers (`casefile-extract`), at most
/// `settings.workers` of them, each extracting one document at a time.
///
/// A helper is started when a document needs one and none is idle, and is
/// kept for the next. One that times out is killed (its whole process
/// group); one that crashes, is killed by its seccomp filter or runs over a
/// limit ends; either way the next document gets a fresh one, and the
/// document gets a reason: `extraction timed out after 60s`, `extraction
/// exceeded 512MB`, `extractor crashed (signal 31)`.
public actor ExtractorPool {
    private var settings: SandboxSettings
    /// Changes with the settings: a helper of an older generation is
    /// retired when it comes back.
    private var generation = 0
    private var idle: [Helper] = []
    /// Helpers alive or being started (idle, busy or starting).
    private var live = 0
    /// Waiting for a helper: given one, or nil (a slot: start your own).
    private var waiting: [CheckedContinuation<Helper?, Never>] = []
    private var closed = false

    public init(settings: SandboxSettings) {
        self.settings = settings
    }

    public var currentSettings: SandboxSettings { settings }

    /// New limits or a new number of helpers: helpers started from now on
    /// use them; the running ones finish their document and are retired.
    public func update(_ new: SandboxSettings) async {
        guard new != settings else { return }
        settings = new
        generation += 1
        let old = idle
        idle = []
        live -= old.count
        for helper in old { await helper.stop() }
        handOnSlots()
    }

    /// The pids of the helpers alive now (for tests and `status`).
    public var helperPIDs: [pid_t] { idle.map(\.child.pid) + busy.map(\.child.pid) }
    private var busy: [Helper] = []

    /// Stops every helper (their stdin closed; killed if they do not end).
    public func shutdown() async {
        closed = true
        let all = idle + busy
        idle = []
        for helper in all { await helper.stop() }
        for w in waiting { w.resume(returning: nil) }
        waiting = []
    }

    /// The document's text, or why there is none.
    public func extract(_ document: [UInt8]) async throws(ExtractorFailure) -> ExtractedText {
        let helper = try await checkOut()
        let timeout = settings.timeout
        let (result, healthy) = await helper.extract(document, timeout: timeout, settings: settings)
        await checkIn(helper, healthy: healthy)
        // Helpers stopped under a document (the daemon is stopping): not the
        // document's fault, so it is not quarantined; the next start reads it.
        if closed, case .failure = result, !healthy {
            throw ExtractorFailure(.unavailable, "the extraction helpers were stopped")
        }
        return try result.get()
    }

    // MARK: Helpers in and out

    private func checkOut() async throws(ExtractorFailure) -> Helper {
        if closed { throw ExtractorFailure(.unavailable, "the extraction helpers are stopped") }
        if let helper = idle.popLast() {
            busy.append(helper)
            return helper
        }
        if live < settings.workers {
            live += 1
        } else {
            let handed = await withCheckedContinuation { waiting.append($0) }
            if let handed {
                busy.append(handed)
                return handed
            }
            if closed { throw ExtractorFailure(.unavailable, "the extraction helpers are stopped") }
            // A slot was handed on: `live` already counts it.
        }
        do throws(ExtractorFailure) {
            let helper = try await Helper.start(settings, generation: generation)
            busy.append(helper)
            return helper
        } catch {
            live -= 1
            handOnSlots()
            throw error
        }
    }

    private func checkIn(_ helper: Helper, healthy: Bool) async {
        busy.removeAll { $0 === helper }
        if healthy, !closed, helper.generation == generation, !helper.nearCPULimit(settings) {
            if waiting.isEmpty {
                idle.append(helper)
            } else {
                busy.append(helper)
                waiting.removeFirst().resume(returning: helper)
            }
            return
        }
        live -= 1
        if healthy { await helper.stop() }
        handOnSlots()
    }

    /// Wakes waiters for whom a helper may be started.
    private func handOnSlots() {
        while !waiting.isEmpty, live < settings.workers {
            live += 1
            waiting.removeFirst().resume(returning: nil)
        }
    }
}

/// One helper process.
final class Helper: Sendable {
    let child: ChildProcess
    let generation: Int

    private init(child: ChildProcess, generation: Int) {
        self.child = child
        self.generation = generation
    }

    static func start(_ settings: SandboxSettings, generation: Int) async throws(ExtractorFailure) -> Helper {
        let path = try path(settings)
        do throws(SpawnError) {
            // An empty environment: nothing of the daemon's reaches it.
            let child = try await ChildProcess.start(Command([path] + settings.arguments, environment: [:]), stderr: .inherit)
            return Helper(child: child, generation: generation)
        } catch {
            throw ExtractorFailure(.unavailable, "cannot start the extraction helper \(path): \(error.message)")
        }
    }

    /// `start`, on the calling thread (a synchronous caller: `casefilectl parse`).
    static func startBlocking(_ settings: SandboxSettings) throws(ExtractorFailure) -> Helper {
        let path = try path(settings)
        do throws(SpawnError) {
            let child = try ChildProcess.startBlocking(Command([path] + settings.arguments, environment: [:]), stderr: .inherit)
            return Helper(child: child, generation: 0)
        } catch {
            throw ExtractorFailure(.unavailable, "cannot start the extraction helper \(path): \(error.message)")
        }
    }

    static func path(_ settings: SandboxSettings) throws(ExtractorFailure) -> String {
        guard let path = settings.helperPath ?? HelperLocation.find() else {
            throw ExtractorFailure(
                .unavailable,
                "the extraction helper \(HelperLocation.name) is not installed (looked in "
                    + HelperLocation.candidates().map { ($0 as NSString).deletingLastPathComponent }.joined(separator: ", ") + ")")
        }
        return path
    }

    /// One document: the result, and whether the helper may serve another.
    /// The pipe work runs on a thread of its own, never on the concurrency pool.
    func extract(_ document: [UInt8], timeout: Duration, settings: SandboxSettings) async
        -> (Result<ExtractedText, ExtractorFailure>, Bool)
    {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: self.extractBlocking(document, timeout: timeout, settings: settings))
            }
        }
    }

    /// `extract`, on the calling thread.
    func extractBlocking(_ document: [UInt8], timeout: Duration, settings: SandboxSettings)
        -> (Result<ExtractedText, ExtractorFailure>, Bool)
    {
        let deadline = ContinuousClock.now + timeout
        do throws(SpawnError) {
            try child.writeBlocking(ExtractWire.request(document), deadline: deadline)
            let length = ExtractWire.length(try child.readBlocking(exactly: 4, deadline: deadline))
            // The helper is not trusted either: an answer longer than any
            // text it may produce is not buffered.
            guard length <= max(settings.maxMemory, 64 << 20) else {
                _ = child.terminateBlocking(grace: .milliseconds(100))
                return (.failure(ExtractorFailure(.crashed, "extractor answered garbage (a \(length)-byte answer)")), false)
            }
            let body = try child.readBlocking(exactly: length, deadline: deadline)
            let decoded: Result<ExtractedText, ExtractWire.Failure>
            do throws(ExtractWire.Malformed) {
                decoded = try ExtractWire.decode(body)
            } catch {
                _ = child.terminateBlocking(grace: .milliseconds(100))
                return (.failure(ExtractorFailure(.crashed, "extractor answered garbage (\(error))")), false)
            }
            switch decoded {
            case .success(let text):
                return (.success(text), true)
            case .failure(let f):
                let failure: ExtractorFailure =
                    switch f.status {
                    case .ok, .refused: ExtractorFailure(.refused, f.reason)
                    case .overMemory: ExtractorFailure(.overMemory, "extraction exceeded \(formatBytes(settings.maxMemory))")
                    case .overPages:
                        ExtractorFailure(.overPages, "extraction refused: \(f.reason) (parse_max_pages)")
                    }
                return (.failure(failure), true)
            }
        } catch {
            if error.kind == .timedOut {
                child.signalGroup(SIGKILL)
                _ = child.terminateBlocking(grace: .zero)
                return (.failure(ExtractorFailure(.timedOut, "extraction timed out after \(formatDuration(timeout))")), false)
            }
            // Its pipe closed: it died, or is dying.
            let end = child.terminateBlocking(grace: .seconds(1))
            return (.failure(Self.failure(end, settings: settings)), false)
        }
    }

    static func failure(_ end: Termination, settings: SandboxSettings) -> ExtractorFailure {
        switch end {
        case .signalled(SIGXCPU):
            return ExtractorFailure(.timedOut, "extraction timed out (the helper's CPU limit, \(settings.cpuBudget)s)")
        case .signalled(let signal):
            return ExtractorFailure(.crashed, "extractor crashed (signal \(signal))")
        case .exited(2):
            // Status 2 is the helper's own refusal to start (bad arguments,
            // the sandbox could not be entered), before any document.
            return ExtractorFailure(.unavailable, "the extraction helper could not start (its reason is on its stderr, the daemon's log)")
        case .exited(let code):
            return ExtractorFailure(.crashed, "extractor exited with status \(code)")
        }
    }

    /// Whether the helper has used so much CPU time that the next document
    /// could run into its RLIMIT_CPU (which would kill it mid-document).
    func nearCPULimit(_ settings: SandboxSettings) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(child.pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        // Fields after the name: state is field 3; utime and stime are 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return false }
        let ticks = max(1, sysconf(Int32(_SC_CLK_TCK)))
        let used = (user + system) / ticks
        return used + Int(settings.timeout.components.seconds) + 2 >= settings.cpuBudget
    }

    /// Closes its stdin (it exits at the end of its input); killed if it
    /// has not ended a second later.
    func stop() async {
        child.closeInput()
        _ = await child.terminate(grace: .seconds(1))
    }

    /// `stop`, on the calling thread.
    func stopBlocking() {
        child.closeInput()
        _ = child.terminateBlocking(grace: .seconds(1))
    }
}

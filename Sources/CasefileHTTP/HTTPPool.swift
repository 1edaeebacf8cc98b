import CCurl
import CCurlShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many transfers an `HTTPPool` runs at once, and how politely.
public struct HTTPPoolLimits: Sendable, Hashable {
    /// Transfers at once over all hosts.
    public var concurrency: Int
    /// Transfers at once to one host (scheme, host and port).
    public var perHostConcurrency: Int
    /// Seconds between the starts of two requests to the same host. file://
    /// transfers have neither this delay nor the per-host limit.
    public var perHostDelay: Double

    public init(concurrency: Int = 8, perHostConcurrency: Int = 2, perHostDelay: Double = 0.5) {
        self.concurrency = max(1, concurrency)
        self.perHostConcurrency = max(1, perHostConcurrency)
        self.perHostDelay = max(0, perHostDelay)
    }
}

/// Many transfers at once through one libcurl multi handle, driven by one
/// dedicated thread (curl_multi_perform and curl_multi_poll): connections,
/// TLS sessions and HTTP/2 streams are reused between transfers, and every
/// limit of `HTTPPoolLimits` is kept by the same loop that starts transfers,
/// so none of them needs a timer or a lock per host.
///
/// Async callers wait without holding a thread; cancelling the calling task
/// stops its transfer (queued or running) at once.
public final class HTTPPool: Sendable {
    public let limits: HTTPPoolLimits
    private let engine: MultiEngine

    public init(limits: HTTPPoolLimits = HTTPPoolLimits()) {
        self.limits = limits
        engine = MultiEngine(limits: limits)
    }

    deinit { engine.shutdown() }

    /// One request. Waits for a free slot (overall, for its host, and the
    /// host's delay), then for the transfer. An HTTP error status is a
    /// response, as with `HTTPClient`.
    public func perform(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let cancellation = HTTPCancellation()
        let engine = self.engine
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                engine.submit(request, cancellation: cancellation) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            cancellation.cancel()
            engine.wake()
        }
        return try result.get()
    }

    /// Starts no new request to the host of `url` for `seconds` (a server's
    /// Retry-After applies to the whole host, not only to the one request).
    public func pause(hostOf url: String, for seconds: Double) {
        guard seconds > 0 else { return }
        engine.pause(host: Self.hostKey(url), until: monotonicNow() + seconds)
    }

    /// "scheme://host:port", lowercased, from a URL; what the per-host
    /// limits count by. The port is the scheme's default when absent.
    public static func hostKey(_ url: String) -> String {
        guard let colon = url.firstIndex(of: ":") else { return url.lowercased() }
        let scheme = url[..<colon].lowercased()
        var rest = url[url.index(after: colon)...]
        guard rest.hasPrefix("//") else { return scheme + ":" }
        rest = rest.dropFirst(2)
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        let hasPort: Bool
        if host.hasPrefix("[") {
            hasPort = host.contains("]:")
        } else {
            hasPort = host.contains(":")
        }
        if !hasPort {
            let ports = ["http": "80", "https": "443", "ftp": "21", "ftps": "990", "sftp": "22", "smb": "445"]
            if let port = ports[scheme] { host += ":" + port }
        }
        return scheme + "://" + host
    }
}

/// Seconds on the monotonic clock.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The multi handle and its thread. Everything below `// Thread-owned` is
/// touched by the loop thread only; the rest is guarded by `lock`.
final class MultiEngine: @unchecked Sendable {
    struct Job {
        let transfer: Transfer
        let host: String
        /// file:// transfers skip the per-host limits.
        let polite: Bool
        let cancellation: HTTPCancellation
        let done: @Sendable (Result<HTTPResponse, HTTPError>) -> Void
    }

    struct HostState {
        var inFlight = 0
        var nextStart = 0.0
    }

    let limits: HTTPPoolLimits
    private let multi: UnsafeMutableRawPointer?

    private let lock = Lock()
    private var incoming: [Job] = []
    private var pauses: [(host: String, until: Double)] = []
    private var stopping = false
    private var started = false

    // Thread-owned.
    private var pending: [Job] = []
    private var active: [UnsafeMutableRawPointer: Job] = [:]
    private var hosts: [String: HostState] = [:]

    init(limits: HTTPPoolLimits) {
        self.limits = limits
        _ = CurlGlobal.initialised
        multi = curl_multi_init()
        if let multi {
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, limits.perHostConcurrency)
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, limits.concurrency)
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(limits.concurrency * 2, 8))
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        }
    }

    func submit(
        _ request: HTTPRequest, cancellation: HTTPCancellation,
        done: @escaping @Sendable (Result<HTTPResponse, HTTPError>) -> Void
    ) {
        guard multi != nil else {
            done(.failure(HTTPError(url: request.url, code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed")))
            return
        }
        let scheme = request.url.prefix { $0 != ":" }.lowercased()
        let job = Job(
            transfer: Transfer(request: request, onData: nil, cancellation: nil),
            host: HTTPPool.hostKey(request.url), polite: scheme != "file", cancellation: cancellation, done: done)
        let refused: Bool = lock.withLock {
            if stopping { return true }
            incoming.append(job)
            if !started {
                started = true
                startThread()
            }
            return false
        }
        if refused {
            done(
                .failure(
                    HTTPError(
                        url: request.url, code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "transfer cancelled", isCancelled: true)))
            return
        }
        wake()
    }

    func pause(host: String, until: Double) {
        lock.withLock { pauses.append((host, until)) }
        wake()
    }

    func wake() {
        if let multi { _ = curl_multi_wakeup(multi) }
    }

    func shutdown() {
        let running: Bool = lock.withLock {
            stopping = true
            return started
        }
        if running {
            wake()
        } else if let multi {
            curl_multi_cleanup(multi)
        }
    }

    private func startThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { arg in
                guard let arg else { return nil }
                let engine = Unmanaged<MultiEngine>.fromOpaque(arg).takeRetainedValue()
                engine.loop()
                return nil
            }, context)
        if rc == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<MultiEngine>.fromOpaque(context).release()
            fatalError("HTTPPool: pthread_create failed: \(rc)")
        }
    }

    // MARK: The loop (its own thread)

    private func loop() {
        guard let multi else { return }
        while true {
            let (stop, newJobs, newPauses): (Bool, [Job], [(host: String, until: Double)]) = lock.withLock {
                defer {
                    incoming = []
                    pauses = []
                }
                return (stopping, incoming, pauses)
            }
            pending.append(contentsOf: newJobs)
            for pause in newPauses {
                hosts[pause.host, default: HostState()].nextStart = max(hosts[pause.host]?.nextStart ?? 0, pause.until)
            }
            if stop {
                for job in pending { job.done(.failure(cancelled(job))) }
                pending = []
                for (handle, job) in active {
                    curl_multi_remove_handle(multi, handle)
                    _ = job.transfer.finish(CURLE_ABORTED_BY_CALLBACK)
                    job.done(.failure(cancelled(job)))
                }
                active = [:]
                curl_multi_cleanup(multi)
                return
            }

            // Cancelled while queued or running.
            pending.removeAll { job in
                guard job.cancellation.isCancelled else { return false }
                job.done(.failure(cancelled(job)))
                return true
            }
            for (handle, job) in active where job.cancellation.isCancelled {
                curl_multi_remove_handle(multi, handle)
                active[handle] = nil
                release(job)
                _ = job.transfer.finish(CURLE_ABORTED_BY_CALLBACK)
                job.done(.failure(cancelled(job)))
            }

            startEligible(multi)

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)

            var finished = 0
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let rc = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, handle)
                guard let job = active.removeValue(forKey: handle) else { continue }
                release(job)
                job.done(job.transfer.finish(rc))
                finished += 1
            }

            let wait = finished > 0 ? 0 : nextWakeMilliseconds()
            _ = curl_multi_poll(multi, nil, 0, Int32(wait), nil)
        }
    }

    private func startEligible(_ multi: UnsafeMutableRawPointer) {
        guard !pending.isEmpty else { return }
        let now = monotonicNow()
        var kept: [Job] = []
        kept.reserveCapacity(pending.count)
        for job in pending {
            guard active.count < limits.concurrency else {
                kept.append(job)
                continue
            }
            if job.polite {
                let state = hosts[job.host] ?? HostState()
                guard state.inFlight < limits.perHostConcurrency, now >= state.nextStart else {
                    kept.append(job)
                    continue
                }
            }
            let handle: UnsafeMutableRawPointer
            do {
                handle = try job.transfer.prepare()
            } catch {
                job.done(.failure(error))
                continue
            }
            guard curl_multi_add_handle(multi, handle) == CURLM_OK else {
                job.done(job.transfer.finish(CURLE_FAILED_INIT))
                continue
            }
            active[handle] = job
            if job.polite {
                hosts[job.host, default: HostState()].inFlight += 1
                hosts[job.host]!.nextStart = max(hosts[job.host]!.nextStart, now + limits.perHostDelay)
            }
        }
        pending = kept
    }

    private func release(_ job: Job) {
        guard job.polite else { return }
        hosts[job.host, default: HostState()].inFlight -= 1
        if let state = hosts[job.host], state.inFlight <= 0, state.nextStart <= monotonicNow() {
            hosts[job.host] = nil
        }
    }

    /// How long the loop may sleep: until the next queued job's host delay
    /// ends, at most a second (cancellations are checked at least that often;
    /// curl_multi_poll returns earlier for its own timeouts and on wake).
    private func nextWakeMilliseconds() -> Int {
        var wait = 1.0
        let now = monotonicNow()
        for job in pending where job.polite {
            if let state = hosts[job.host], state.inFlight < limits.perHostConcurrency, state.nextStart > now {
                wait = min(wait, state.nextStart - now)
            }
        }
        return max(0, Int((wait * 1000).rounded(.up)))
    }

    private func cancelled(_ job: Job) -> HTTPError {
        HTTPError(
            url: job.transfer.request.url, code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "transfer cancelled", isCancelled: true)
    }
}

import CCurl
import CCurlShim
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request, one response, through libcurl's easy interface. Each call
/// owns its own easy handle, so calls may run on any number of threads.
///
/// Retries, backoff and many transfers at once (the multi interface) belong
/// above or beside this: `Transfer` holds the per-transfer state that a multi
/// driver would need as well.
public enum HTTPClient {
    /// Blocks the calling thread until the transfer ends.
    public static func perform(_ request: HTTPRequest, cancellation: HTTPCancellation? = nil) throws(HTTPError) -> HTTPResponse {
        let transfer = Transfer(request: request, onData: nil, cancellation: cancellation)
        return try transfer.run()
    }

    /// `perform` on a dispatch queue, so the blocking call never holds a
    /// thread of Swift's cooperative pool. Cancelling the task stops the
    /// transfer within about a second (libcurl's progress callback).
    public static func performAsync(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let cancellation = HTTPCancellation()
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async {
                    continuation.resume(
                        returning: Result { () throws(HTTPError) in
                            try perform(request, cancellation: cancellation)
                        })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    /// Hands each chunk of the body to `onData` as it arrives (for
    /// server-sent events and other long responses); `onData` returning false
    /// ends the transfer quietly. Returns the status. `maxBytes` still
    /// applies to the total; set `timeout` to 0 for an endless stream.
    @discardableResult
    public static func stream(
        _ request: HTTPRequest, cancellation: HTTPCancellation? = nil,
        onData: @escaping @Sendable ([UInt8]) -> Bool
    ) throws(HTTPError) -> Int {
        let transfer = Transfer(request: request, onData: onData, cancellation: cancellation)
        return try transfer.run().status
    }

    /// Blocking transfers run here rather than on the cooperative pool.
    private static let queue = DispatchQueue(label: "casefile.http", qos: .utility, attributes: .concurrent)
}

/// Stops a transfer from another thread. libcurl checks it in its progress
/// callback, at least once a second.
public final class HTTPCancellation: @unchecked Sendable {
    private let lock = Lock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }
    public var isCancelled: Bool { lock.withLock { cancelled } }
}

/// libcurl's global state, set up once before the first handle. Swift runs a
/// static's initialiser exactly once, thread-safely.
enum CurlGlobal {
    static let initialised: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}

/// A pthread mutex: Synchronization.Mutex needs macOS 15 and the package
/// still declares macOS 14.
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

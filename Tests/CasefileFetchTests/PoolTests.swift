import CasefileFetch
import CasefileHTTP
import CasefileTestKit
import Foundation
import Testing

/// Politeness and throughput of the multi-transfer fetcher, measured by the
/// server.
@Suite struct PoolTests {
    let dir: TempDir
    let server: TestHTTPServer

    init() throws {
        dir = try TempDir("cf-pool")
        for i in 0..<6 { try dir.write("r\(i).txt", "report \(i)\n") }
        server = try TestHTTPServer(root: dir.url)
    }

    @Test func neverMoreThanPerHostConcurrencyAtOnce() async throws {
        let fetcher = Fetcher(settings: FetchSettings(concurrency: 8, perHostConcurrency: 2, perHostDelay: 0))
        let requests = (0..<8).map { FetchRequest(url: server.url("/__sleep?s=0.3&i=\($0)")) }
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = await fetcher.fetchAll(requests)
        let elapsed = clock.now - started
        #expect(outcomes.allSatisfy { if case .fetched = $0 { true } else { false } })
        let stats = try server.stats()
        #expect(stats.maxInFlight == 2, "the server saw \(stats.maxInFlight ?? -1) requests at once")
        // 8 requests of 0.3 s, 2 at a time: at least 1.2 s (all at once
        // would be 0.3 s). (No upper bound: other tests share the 2 cores.)
        #expect(elapsed >= .milliseconds(1150))
        // The server answered two at a time: some start within 0.3 s of another.
        let starts = stats.requests.compactMap(\.started).sorted()
        #expect(zip(starts, starts.dropFirst()).contains { $1 - $0 < 0.25 }, "\(starts)")
    }

    @Test func concurrencyBoundsAllHostsTogether() async throws {
        // Two host names for the same server: 127.0.0.1 and localhost.
        let fetcher = Fetcher(settings: FetchSettings(concurrency: 3, perHostConcurrency: 2, perHostDelay: 0))
        let other = "http://localhost:\(server.port)"
        let requests = (0..<4).flatMap { i in
            [FetchRequest(url: server.url("/__sleep?s=0.3&a=\(i)")), FetchRequest(url: "\(other)/__sleep?s=0.3&b=\(i)")]
        }
        _ = await fetcher.fetchAll(requests)
        #expect(try server.stats().maxInFlight == 3)
    }

    @Test func perHostDelaySpacesTheRequests() async throws {
        let fetcher = Fetcher(settings: FetchSettings(concurrency: 8, perHostConcurrency: 2, perHostDelay: 0.3))
        let requests = (0..<4).map { FetchRequest(url: server.url("/r\($0).txt")) }
        var seen: [String] = []
        let progress = SeenURLs()
        let outcomes = await fetcher.fetchAll(requests) { progress.add($0.url) }
        seen = progress.urls
        #expect(Set(seen) == Set(requests.map(\.url)), "progress saw every outcome")
        #expect(outcomes.map(\.url) == requests.map(\.url), "outcomes in request order")
        let starts = try server.stats().requests.compactMap(\.started).sorted()
        #expect(starts.count == 4)
        for (a, b) in zip(starts, starts.dropFirst()) {
            #expect(b - a >= 0.28, "two requests to one host \(b - a) s apart")
        }
    }

    @Test func fetchEachHandsOutcomesOneAtATime() async throws {
        let fetcher = Fetcher(settings: FetchSettings(concurrency: 2, perHostConcurrency: 2, perHostDelay: 0))
        let requests = (0..<6).map { FetchRequest(url: server.url("/r\($0).txt")) }
        let seen = SeenURLs()
        await fetcher.fetchEach(requests) { outcome in
            #expect(seen.enter() == 1, "body called while another call was running")
            try? await Task.sleep(for: .milliseconds(20))
            seen.add(outcome.url)
            seen.leave()
        }
        #expect(Set(seen.urls) == Set(requests.map(\.url)))
        #expect(seen.urls.count == 6)
    }

    @Test func cancellingTheTaskStopsQueuedAndRunningTransfers() async throws {
        let fetcher = Fetcher(settings: FetchSettings(timeout: 30, concurrency: 1, perHostConcurrency: 1, perHostDelay: 0, retries: 0))
        let task = Task {
            // Three transfers of a minute each, one at a time: three minutes if
            // the cancellation did nothing.
            await fetcher.fetchAll((0..<3).map { FetchRequest(url: server.url("/__sleep?s=60&i=\($0)")) })
        }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let started = clock.now
        task.cancel()
        let outcomes = await task.value
        // Generous: other tests may hold the cooperative threads for a while
        // on a loaded 2-core machine; an ignored cancel would take minutes.
        #expect(clock.now - started < .seconds(45))
        #expect(outcomes.allSatisfy { $0.failure?.kind == .cancelled }, "\(outcomes)")
    }

    @Test func hostKeys() {
        #expect(HTTPPool.hostKey("https://Files.Ofsted.gov.uk/v1/file/1") == "https://files.ofsted.gov.uk:443")
        #expect(HTTPPool.hostKey("http://127.0.0.1:8080/x?y") == "http://127.0.0.1:8080")
        #expect(HTTPPool.hostKey("sftp://user@host.example/dir/") == "sftp://host.example:22")
        #expect(HTTPPool.hostKey("http://[::1]/x") == "http://[::1]:80")
    }
}

/// What a progress callback saw, from any thread.
final class SeenURLs: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    private var inside = 0

    func add(_ url: String) { lock.withLock { list.append(url) } }
    var urls: [String] { lock.withLock { list } }
    func enter() -> Int {
        lock.withLock {
            inside += 1; return inside
        }
    }
    func leave() { lock.withLock { inside -= 1 } }
}

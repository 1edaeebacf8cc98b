import CasefileFetch
import CasefileTestKit
import Foundation
import Testing

/// Each way a server can misbehave gives its own clear failure, and only
/// those worth it are retried.
@Suite struct MisbehavingServerTests {
    let dir: TempDir
    let server: TestHTTPServer

    init() throws {
        dir = try TempDir("cf-bad")
        try dir.write("report.txt", "Redbridge: outstanding\n")
        try dir.write(".content-types", "/v1/file/ application/pdf\n")
        try dir.write(
            "v1/file/404",
            "<!DOCTYPE html><html><head><title>Report not found</title></head><body><h1>Report not found</h1></body></html>\n")
        server = try TestHTTPServer(root: dir.url)
    }

    /// Quick retries so the tests stay short.
    func fetcher(retries: Int = 3, timeout: Double = 5, maxBytes: Int = 1_000_000) -> Fetcher {
        Fetcher(
            settings: FetchSettings(
                timeout: timeout, connectTimeout: 2, maxBytes: maxBytes, perHostDelay: 0, retries: retries,
                retryBaseDelay: 0.05, retryMaxDelay: 0.2))
    }

    func failure(_ outcome: FetchOutcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> FetchFailure {
        guard case .failed(let failure) = outcome else {
            Issue.record("expected a failure, got \(outcome)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return failure
    }

    @Test func slowFirstByteTimesOutAndIsRetried() async throws {
        let f = try failure(await fetcher(retries: 1, timeout: 0.5).fetch(server.url("/__slowfirst?s=3"), validators: nil))
        #expect(f.kind == .timeout)
        #expect(f.reason == "timed out after 0.5 s (after 2 attempts)")
        #expect(f.attempts == 2)
    }

    @Test func aBodyThatStopsHalfWayIsIncomplete() async throws {
        let f = try failure(await fetcher(retries: 0).fetch(server.url("/__truncated?n=1000&send=100"), validators: nil))
        #expect(f.kind == .incomplete)
        #expect(f.reason.hasPrefix("incomplete response: "), "\(f.reason)")
        #expect(f.reason.contains("900 bytes remaining"), "\(f.reason)")
    }

    @Test func fiveHundredThenTwoHundredIsRetriedAndSucceeds() async throws {
        let outcome = await fetcher().fetch(server.url("/__flaky?key=a&fail=2&code=500"), validators: nil)
        guard case .fetched(let document) = outcome else {
            Issue.record("expected .fetched, got \(outcome)")
            return
        }
        #expect(document.bytes == Array("ok a\n".utf8))
        #expect(document.attempts == 3)
        let stats = try server.stats()
        #expect(stats.count(500) == 2)
        #expect(stats.count(200) == 1)
    }

    @Test func fiveHundredsGiveUpAfterTheRetries() async throws {
        let f = try failure(await fetcher(retries: 2).fetch(server.url("/__status?code=502"), validators: nil))
        #expect(f.reason == "HTTP 502 Bad Gateway (after 3 attempts)")
        #expect(f.status == 502)
        #expect(try server.stats().count(502) == 3)
    }

    @Test func retryAfterIsHonoured() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await fetcher().fetch(server.url("/__flaky?key=r&fail=1&code=429&retry_after=2"), validators: nil)
        let elapsed = clock.now - started
        guard case .fetched = outcome else {
            Issue.record("expected .fetched after the 429, got \(outcome)")
            return
        }
        #expect(elapsed >= .seconds(2), "retried after \(elapsed), before the server's Retry-After: 2")
        // No client-side upper bound: on a loaded 2-core machine other tests
        // can hold the cooperative threads for tens of seconds. The server's
        // own timestamps below bound the wait.
        let requests = try server.stats().requests
        #expect(requests.map(\.status) == [429, 200])
        if let a = requests.first?.started, let b = requests.last?.started {
            #expect(b - a >= 1.95, "the server saw the retry \(b - a) s later")
        }
    }

    @Test func aRetryAfterLongerThanTheCapIsNotWaitedFor() async throws {
        var settings = FetchSettings(timeout: 5, perHostDelay: 0, retries: 3)
        settings.maxRetryAfter = 10
        let f = try failure(
            await Fetcher(settings: settings).fetch(server.url("/__flaky?key=c&fail=5&code=503&retry_after=3600"), validators: nil))
        #expect(f.reason == "HTTP 503 Service Unavailable; the server asked to wait 3600 s, longer than the 10 s a sync waits")
        #expect(try server.stats().count(503) == 1)
    }

    @Test(arguments: [403, 404])
    func forbiddenAndNotFoundAreNotRetried(code: Int) async throws {
        let f = try failure(await fetcher().fetch(server.url("/__status?code=\(code)"), validators: nil))
        #expect(f.status == code)
        #expect(f.kind == .httpStatus)
        #expect(f.attempts == 1)
        #expect(f.reason == (code == 403 ? "HTTP 403 Forbidden" : "HTTP 404 Not Found"))
        #expect(try server.stats().total == 1)
    }

    @Test func aRedirectLoopStopsAtTheLimit() async throws {
        let f = try failure(await fetcher().fetch(server.url("/__loop?n=0"), validators: nil))
        #expect(f.kind == .tooManyRedirects)
        #expect(f.reason == "too many redirects (more than 5)")
        #expect(try server.stats().total == 6)
    }

    @Test func aRedirectToAFileURLIsRefused() async throws {
        let f = try failure(await fetcher().fetch(server.url("/__redirect?to=file:///etc/passwd"), validators: nil))
        #expect(f.kind == .protocolNotAllowed)
        #expect(f.reason == "redirected to file:///etc/passwd, which this source may not reach (allowed: http, https)")
    }

    @Test(arguments: [false, true])
    func aBodyBiggerThanMaxBytesIsAborted(chunked: Bool) async throws {
        let f = try failure(
            await fetcher(maxBytes: 100_000).fetch(server.url("/__bytes?n=5000000&chunked=\(chunked ? 1 : 0)"), validators: nil))
        #expect(f.kind == .tooLarge)
        #expect(f.reason == "response is larger than 100000 bytes")
        #expect(f.attempts == 1)
    }

    @Test func anHTMLErrorPageServedAsPDFIsReturnedHonestly() async throws {
        let outcome = await fetcher().fetch(server.url("/v1/file/404"), validators: nil)
        guard case .fetched(let document) = outcome else {
            Issue.record("expected .fetched, got \(outcome)")
            return
        }
        #expect(document.contentType == "application/pdf")
        #expect(String(decoding: document.bytes, as: UTF8.self).contains("Report not found"))
        #expect(document.status == 200)
    }

    @Test func aConnectionRefusedIsAConnectionError() async throws {
        let url = server.url("/report.txt")
        server.stop()
        let f = try failure(await fetcher(retries: 1).fetch(url, validators: nil))
        #expect(f.kind == .connection)
        #expect(f.attempts == 2)
        #expect(f.reason.contains("onnect"), "\(f.reason)")
    }

    @Test func aCredentialsFileOthersCanReadIsRefused() async throws {
        let file = try dir.write("creds", "user:pass\n")
        chmod(file.path, 0o644)
        let outcome = await fetcher().fetch(FetchRequest(url: "ftp://127.0.0.1:1/x", credentialsFile: file.path))
        let f = try failure(outcome)
        #expect(f.kind == .configuration)
        #expect(f.reason == "the credentials file \(file.path) is readable by group or others (mode 644); run chmod 600 \(file.path)")
    }

    @Test func userAgentCarriesTheContact() async throws {
        let fetcher = Fetcher(settings: FetchSettings(userAgent: "casefiled/0.1", contact: "mailto:qa@example.org", perHostDelay: 0))
        _ = await fetcher.fetch(server.url("/report.txt"), validators: nil)
        #expect(try server.stats().requests.first?.header("User-Agent") == "casefiled/0.1 (+mailto:qa@example.org)")
    }
}

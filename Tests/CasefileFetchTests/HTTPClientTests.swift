import CasefileDigest
import CasefileHTTP
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// HTTPClient against a real server on 127.0.0.1, one server per test so the
/// counts never mix.
@Suite struct HTTPClientTests {
    let dir: TempDir
    let server: TestHTTPServer

    init() throws {
        dir = try TempDir("cf-http")
        try dir.write("a.txt", "hello, casefile\n")
        server = try TestHTTPServer(root: dir.url)
    }

    @Test func getReturnsStatusBodyAndHeaders() throws {
        var request = HTTPRequest(url: server.url("/a.txt"), headers: [HTTPHeader("X-Casefile-Test", "yes")])
        request.userAgent = "casefile-tests/1"
        let response = try HTTPClient.perform(request)

        #expect(response.status == 200)
        #expect(response.reason == "OK")
        #expect(String(decoding: response.body, as: UTF8.self) == "hello, casefile\n")
        #expect(response.header("content-type") == "text/plain; charset=utf-8")
        #expect(response.header("ETAG") == "\"\(SHA256.hex(Array("hello, casefile\n".utf8)))\"")
        #expect(response.header("Last-Modified")?.hasSuffix(" GMT") == true)
        // Names as sent, not lowercased.
        #expect(response.headers.contains { $0.name == "Content-Length" && $0.value == "16" })
        #expect(response.effectiveURL == server.url("/a.txt"))

        let seen = try #require(try server.stats().requests.first)
        #expect(seen.header("X-Casefile-Test") == "yes")
        #expect(seen.header("User-Agent") == "casefile-tests/1")
    }

    @Test func errorStatusIsAResponseNotAnError() throws {
        let response = try HTTPClient.perform(HTTPRequest(url: server.url("/missing.txt")))
        #expect(response.status == 404)
        #expect(response.reason == "Not Found")
        #expect(try server.stats().count(404) == 1)
    }

    @Test func connectionRefusedGivesCurlsMessage() throws {
        let url = server.url("/a.txt")
        server.stop()  // nobody listens on that port any more
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient.perform(HTTPRequest(url: url))
        }
        #expect(error?.code == 7)  // CURLE_COULDNT_CONNECT
        #expect(error?.message.contains("onnect") == true, "\(String(describing: error))")
        #expect(error?.isTimeout == false)
        #expect(error?.url == url)
    }

    @Test(arguments: [false, true])
    func maxBytesAbortsTheTransfer(chunked: Bool) throws {
        // With Content-Length libcurl refuses up front (CURLOPT_MAXFILESIZE);
        // chunked, the write callback stops it.
        var request = HTTPRequest(url: server.url("/__bytes?n=200000&chunked=\(chunked ? 1 : 0)"))
        request.maxBytes = 1000
        let error = #expect(throws: HTTPError.self) { try HTTPClient.perform(request) }
        #expect(error?.isTooLarge == true)
        #expect(error?.message.contains("larger than 1000 bytes") == true, "\(String(describing: error))")

        request.maxBytes = 200_000  // exactly the size: allowed
        #expect(try HTTPClient.perform(request).body.count == 200_000)
    }

    @Test func redirectsAreFollowedWithinHTTP() throws {
        let response = try HTTPClient.perform(HTTPRequest(url: server.url("/__redirect?to=/a.txt")))
        #expect(response.status == 200)
        #expect(response.effectiveURL == server.url("/a.txt"))
        #expect(String(decoding: response.body, as: UTF8.self) == "hello, casefile\n")
        // The final response's headers only: the redirect's Location is gone.
        #expect(response.header("Location") == nil)
    }

    @Test func redirectToAFileURLIsRefused() throws {
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient.perform(HTTPRequest(url: self.server.url("/__redirect?to=file:///etc/passwd")))
        }
        #expect(error?.code == 1)  // CURLE_UNSUPPORTED_PROTOCOL
        #expect(error?.message.contains("file") == true, "\(String(describing: error))")
    }

    @Test func redirectsStayWithinTheAllowedProtocols() throws {
        // ftp is in libcurl's own default redirect list: only our protocol
        // list refuses it (CURLE_UNSUPPORTED_PROTOCOL, before any connection).
        let toFTP = server.url("/__redirect?to=ftp://127.0.0.1:1/report.pdf")
        let error = #expect(throws: HTTPError.self) { try HTTPClient.perform(HTTPRequest(url: toFTP)) }
        #expect(error?.code == 1)

        // And the list is what decides: allow file, and the redirect lands.
        let target = dir.file("a.txt").absoluteString
        var request = HTTPRequest(url: server.url("/__redirect?to=\(target)"))
        request.protocols = "http,https,file"
        let response = try HTTPClient.perform(request)
        #expect(response.status == 0)
        #expect(response.effectiveURL == target)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello, casefile\n")
    }

    @Test func tooManyRedirects() throws {
        var request = HTTPRequest(url: server.url("/__redirect?to=/__redirect%3Fto%3D/a.txt"))
        // Two hops: /__redirect → /__redirect?to=/a.txt → /a.txt.
        request.maxRedirects = 2
        #expect(try HTTPClient.perform(request).status == 200)
        request.maxRedirects = 1
        let error = #expect(throws: HTTPError.self) { try HTTPClient.perform(request) }
        #expect(error?.code == 47)  // CURLE_TOO_MANY_REDIRECTS
    }

    @Test func timeoutIsReportedAsSuch() throws {
        var request = HTTPRequest(url: server.url("/__sleep?s=5"))
        request.timeout = 0.5
        let start = Date()
        let error = #expect(throws: HTTPError.self) { try HTTPClient.perform(request) }
        #expect(error?.isTimeout == true)
        #expect(error?.code == 28)
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func performAsyncReturnsTheResponse() async throws {
        let response = try await HTTPClient.performAsync(HTTPRequest(url: server.url("/a.txt")))
        #expect(response.status == 200)
        #expect(response.body.count == 16)
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        // The server would answer after two minutes; a cancelled transfer ends
        // long before. The bound is generous because other tests may hold
        // the cooperative threads for a while on a loaded 2-core machine.
        let url = server.url("/__sleep?s=120")
        let start = Date()
        let task = Task {
            try await HTTPClient.performAsync(HTTPRequest(url: url))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else {
            Issue.record("a cancelled transfer completed: \(result)")
            return
        }
        #expect((error as? HTTPError)?.isCancelled == true, "\(error)")
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func postSendsTheBody() throws {
        // The file server answers 405 to POST on a file, but the request and
        // its body still reach it: what matters here is the method and headers.
        var request = HTTPRequest(url: server.url("/a.txt"), method: "POST", body: Array("x=1".utf8))
        request.setHeader("Content-Type", "application/x-www-form-urlencoded")
        let response = try HTTPClient.perform(request)
        #expect(response.status == 405)
        let seen = try #require(try server.stats().requests.last)
        #expect(seen.method == "POST")
        #expect(seen.header("Content-Length") == "3")
        #expect(seen.body == "x=1")
        #expect(seen.header("Expect") == nil)
    }

    @Test func streamHandsOverChunksAsTheyCome() throws {
        let chunks = Chunks()
        let status = try HTTPClient.stream(HTTPRequest(url: server.url("/__stream?n=3&delay=0.05"))) { chunk in
            chunks.append(chunk)
            return true
        }
        #expect(status == 200)
        #expect(String(decoding: chunks.all.joined(), as: UTF8.self) == "event 0\nevent 1\nevent 2\n")
        #expect(chunks.all.count >= 2)  // more than one delivery: it did stream
    }

    @Test func streamStopsWhenTheConsumerSaysSo() throws {
        let chunks = Chunks()
        let start = Date()
        var request = HTTPRequest(url: server.url("/__stream?n=100&delay=0.1"))
        request.timeout = 0  // streams have no overall limit
        let status = try HTTPClient.stream(request) { chunk in
            chunks.append(chunk)
            return false
        }
        #expect(status == 200)
        #expect(chunks.all.count == 1)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func unixSocketCarriesHTTP() throws {
        let socketDir = try TempDir("cf-sock")
        let socketPath = socketDir.file("http.sock").path
        let unixServer = try TestHTTPServer(root: dir.url, unixSocketPath: socketPath)
        defer { unixServer.stop() }

        var request = HTTPRequest(url: "http://localhost/a.txt")
        request.unixSocketPath = socketPath
        // Bound and listening before the server prints its port.
        let response = try HTTPClient.perform(request)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello, casefile\n")
        let seen = try #require(try unixServer.stats().requests.last)
        #expect(seen.path == "/a.txt")
        #expect(seen.header("Host") == "localhost")

        request.unixSocketPath = socketDir.file("nobody.sock").path
        let error = #expect(throws: HTTPError.self) { try HTTPClient.perform(request) }
        #expect(error?.code == 7)
    }

    @Test func fileURLsHaveStatusZero() throws {
        var request = HTTPRequest(url: dir.file("a.txt").absoluteString)
        request.protocols = "file"
        let response = try HTTPClient.perform(request)
        #expect(response.status == 0)
        #expect(response.headers.isEmpty)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello, casefile\n")
    }

    @Test func httpOnlyProtocolsRefuseAFileURL() throws {
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient.perform(HTTPRequest(url: self.dir.file("a.txt").absoluteString))
        }
        #expect(error?.code == 1)
    }
}

/// Collects stream chunks from libcurl's thread.
final class Chunks: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[UInt8]] = []
    func append(_ chunk: [UInt8]) { lock.withLock { chunks.append(chunk) } }
    var all: [[UInt8]] { lock.withLock { chunks } }
}

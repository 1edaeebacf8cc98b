import CasefileDigest
import CasefileFetch
import CasefileHTTP
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

@Suite struct FetcherConditionalGETTests {
    let dir: TempDir
    let server: TestHTTPServer
    let fetcher = Fetcher(settings: FetchSettings(timeout: 5, connectTimeout: 2))

    init() throws {
        dir = try TempDir("cf-fetch")
        try dir.write("report.txt", "Redbridge: outstanding\n")
        server = try TestHTTPServer(root: dir.url)
    }

    private func document(_ outcome: FetchOutcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> FetchedDocument {
        guard case .fetched(let document) = outcome else {
            Issue.record("expected .fetched, got \(outcome)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return document
    }

    @Test func firstFetchReturnsTheDocumentAndItsValidators() async throws {
        let url = server.url("/report.txt")
        let doc = try document(await fetcher.fetch(url, validators: nil))
        #expect(doc.url == url)
        #expect(doc.status == 200)
        #expect(doc.bytes == Array("Redbridge: outstanding\n".utf8))
        #expect(doc.contentType == "text/plain; charset=utf-8")
        #expect(doc.etag == "\"\(SHA256.hex(doc.bytes))\"")
        #expect(doc.lastModified?.hasSuffix(" GMT") == true)

        let seen = try #require(try server.stats().requests.first)
        #expect(seen.header("If-None-Match") == nil)
        #expect(seen.header("If-Modified-Since") == nil)
        #expect(seen.header("User-Agent") == "casefiled/0.1")
    }

    @Test func secondFetchWithValidatorsIsNotModified() async throws {
        let url = server.url("/report.txt")
        let first = try document(await fetcher.fetch(url, validators: nil))
        let second = await fetcher.fetch(url, validators: first.validators)

        guard case .notModified(let u, let etag, let lastModified) = second else {
            Issue.record("expected .notModified, got \(second)")
            return
        }
        #expect(u == url)
        #expect(etag == first.etag)
        #expect(lastModified == first.lastModified)

        let stats = try server.stats()
        #expect(stats.count(200) == 1)
        #expect(stats.count(304) == 1)
        // The validators go back exactly as the server sent them.
        let conditional = try #require(stats.requests.last)
        #expect(conditional.header("If-None-Match") == first.etag)
        #expect(conditional.header("If-Modified-Since") == first.lastModified)
    }

    @Test func lastModifiedAloneIsEnoughForA304() async throws {
        let url = server.url("/report.txt")
        let first = try document(await fetcher.fetch(url, validators: nil))
        let validators = Validators(etag: nil, lastModified: first.lastModified)
        guard case .notModified = await fetcher.fetch(url, validators: validators) else {
            Issue.record("expected .notModified with If-Modified-Since alone")
            return
        }
        // A newer file on the server: fetched again.
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(120)],
            ofItemAtPath: dir.file("report.txt").path)
        _ = try document(await fetcher.fetch(url, validators: validators))
        #expect(try server.stats().count(304) == 1)
    }

    @Test func changedFileIsFetchedAgain() async throws {
        let url = server.url("/report.txt")
        let first = try document(await fetcher.fetch(url, validators: nil))
        try dir.write("report.txt", "Redbridge: good\n")
        let second = try document(await fetcher.fetch(url, validators: first.validators))
        #expect(second.bytes == Array("Redbridge: good\n".utf8))
        #expect(second.etag != first.etag)
        #expect(second.etag == "\"\(SHA256.hex(second.bytes))\"")
        #expect(try server.stats().count(200) == 2)
    }

    @Test func httpErrorStatusFailsWithTheStatusLine() async throws {
        let outcome = await fetcher.fetch(server.url("/gone.pdf"), validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(failure.reason == "HTTP 404 Not Found")
        #expect(failure.status == 404)
        #expect(failure.kind == .httpStatus)
    }

    @Test func serverErrorFails() async throws {
        let once = Fetcher(settings: FetchSettings(timeout: 5, connectTimeout: 2, retries: 0))
        let outcome = await once.fetch(server.url("/__status?code=503"), validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(failure.reason == "HTTP 503 Service Unavailable")
    }

    @Test func timeoutFailsWithTheLimit() async throws {
        let quick = Fetcher(settings: FetchSettings(timeout: 1, retries: 0))
        let outcome = await quick.fetch(server.url("/__sleep?s=4"), validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(failure.reason == "timed out after 1 s")
        #expect(failure.kind == .timeout)
    }

    @Test func oversizedDocumentFails() async throws {
        let small = Fetcher(settings: FetchSettings(maxBytes: 10))
        let outcome = await small.fetch(server.url("/report.txt"), validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(failure.reason.contains("larger than 10 bytes"))
    }

    @Test func redirectToAFileURLFails() async throws {
        let outcome = await fetcher.fetch(server.url("/__redirect?to=file:///etc/passwd"), validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("an http document reached file:// through a redirect: \(outcome)")
            return
        }
        #expect(failure.reason.contains("file"))
    }
}

@Suite struct FetcherLocalTests {
    let fetcher = Fetcher(settings: FetchSettings())

    @Test func documentSourceListsItsURL() async throws {
        let source = SourceSpec(name: "one", kind: .document, url: "https://files.ofsted.gov.uk/v1/file/50080512")
        #expect(try await fetcher.list(source) == ["https://files.ofsted.gov.uk/v1/file/50080512"])
    }

    @Test func directoryListsExactlyItsRegularFilesSorted() async throws {
        let dir = try TempDir("cf-dir")
        try dir.write("b.txt", "b")
        try dir.write("a.pdf", "a")
        try dir.write("c d.txt", "c")
        try dir.write(".hidden.txt", "h")
        try dir.write("sub/inner.txt", "i")
        try FileManager.default.createDirectory(at: dir.file("empty"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: dir.file("link-to-sub"), withDestinationURL: dir.file("sub"))

        let source = SourceSpec(name: "share", kind: .directory, url: dir.url.absoluteString)
        let urls = try await fetcher.list(source)
        let base = URL(fileURLWithPath: dir.path, isDirectory: true)
        #expect(urls == ["a.pdf", "b.txt", "c d.txt"].map { base.appendingPathComponent($0).absoluteString })
        #expect(urls.allSatisfy { $0.hasPrefix("file:///") })

        // Each listed URL fetches through libcurl, the space included.
        for (url, text) in zip(urls, ["a", "b", "c"]) {
            guard case .fetched(let doc) = await fetcher.fetch(url, validators: nil) else {
                Issue.record("could not fetch \(url)")
                continue
            }
            #expect(doc.bytes == Array(text.utf8))
        }
    }

    @Test func missingDirectoryThrows() async throws {
        let dir = try TempDir("cf-dir")
        let source = SourceSpec(name: "gone", kind: .directory, url: dir.file("nope").absoluteString)
        let error = await #expect(throws: FetchError.self) { try await fetcher.list(source) }
        #expect(error?.reason.contains(dir.file("nope").path) == true, "\(String(describing: error))")
    }

    @Test func smbDirectoryCannotBeListed() async throws {
        let source = SourceSpec(name: "smb", kind: .directory, url: "smb://example.org/share/reports/")
        let error = await #expect(throws: FetchError.self) { try await fetcher.list(source) }
        #expect(error?.reason.contains("cannot list a smb:// folder") == true, "\(String(describing: error))")
    }

    @Test func directoryListingLabelsAreFileNames() async throws {
        let dir = try TempDir("cf-dir")
        try dir.write("b.txt", "b")
        let listing = try await fetcher.listing(SourceSpec(name: "d", kind: .directory, url: dir.url.absoluteString))
        #expect(listing.documents.map(\.label) == ["b.txt"])
        #expect(listing.documents.first?.protocols == ["file"])
        #expect(listing.isComplete)
    }

    @Test func fileDocumentFetchesThroughLibcurl() async throws {
        let dir = try TempDir("cf-file")
        let url = try dir.write("redbridge.txt", "Overall effectiveness: Outstanding\n").absoluteString
        let outcome = await fetcher.fetch(url, validators: Validators(etag: "\"x\"", lastModified: nil))
        guard case .fetched(let doc) = outcome else {
            Issue.record("expected .fetched, got \(outcome)")
            return
        }
        #expect(doc.status == 0)
        #expect(doc.url == url)
        #expect(doc.bytes == Array("Overall effectiveness: Outstanding\n".utf8))
        #expect(doc.etag == nil)
    }

    @Test func missingFileFailsNamingThePath() async throws {
        let dir = try TempDir("cf-file")
        let path = dir.file("missing.pdf").path
        let outcome = await fetcher.fetch(dir.file("missing.pdf").absoluteString, validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(failure.reason.contains(path), "\(failure.reason)")
    }

    @Test func folderIsNotADocument() async throws {
        let dir = try TempDir("cf-file")
        let outcome = await fetcher.fetch(dir.url.absoluteString, validators: nil)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(failure.reason.contains("is a folder"))
    }

    /// Why `Fetcher.list` reads a file:// folder with FileManager: libcurl
    /// 7.88 "fetches" a folder as an empty document. If this test starts
    /// failing, libcurl has learnt to list folders and `list` could use it.
    @Test(arguments: [true, false])
    func libcurlDoesNotListFileFolders(trailingSlash: Bool) throws {
        let dir = try TempDir("cf-dir")
        try dir.write("a.txt", "a")
        var request = HTTPRequest(url: "file://" + dir.path + (trailingSlash ? "/" : ""))
        request.protocols = "file"
        let response = try HTTPClient.perform(request)
        #expect(response.body.isEmpty)
    }
}

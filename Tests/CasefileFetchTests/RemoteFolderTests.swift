import CasefileFetch
import CasefileTestKit
import Foundation
import Testing

/// A directory source on a real FTP server on 127.0.0.1 (pyftpdlib, Debian's
/// python3-pyftpdlib), through libcurl, with a credentials file.
@Suite(.enabled(if: TestFTPServer.isAvailable, "needs pyftpdlib: apt-get install python3-pyftpdlib"))
struct FTPFolderTests {
    let dir: TempDir
    let share: URL
    let server: TestFTPServer
    let credentials: String
    let fetcher = Fetcher(settings: FetchSettings(timeout: 10, connectTimeout: 5, perHostDelay: 0, retries: 0))

    init() throws {
        dir = try TempDir("cf-ftp")
        try dir.write("share/b report.pdf", "%PDF-1.4 b\n")
        try dir.write("share/a.txt", "Redbridge: outstanding\n")
        try dir.write("share/.hidden", "h")
        try dir.write("share/sub/inner.txt", "i")
        share = dir.file("share")
        server = try #require(try TestFTPServer(root: share))
        let file = try dir.write("ftp.credentials", "\(server.user):\(server.password)\n")
        chmod(file.path, 0o600)
        credentials = file.path
    }

    @Test func listsTheRegularFilesAndFetchesThem() async throws {
        let source = SourceSpec(name: "share", kind: .directory, url: server.baseURL + "/", credentialsFile: credentials)
        let listing = try await fetcher.listing(source)
        #expect(listing.documents.map(\.url) == [server.baseURL + "/a.txt", server.baseURL + "/b%20report.pdf"])
        #expect(listing.documents.map(\.label) == ["a.txt", "b report.pdf"])

        let outcomes = await fetcher.fetchAll(listing.documents.map { $0.request(validators: nil) })
        let bodies = outcomes.map { outcome -> String in
            guard case .fetched(let document) = outcome else { return "\(outcome)" }
            return String(decoding: document.bytes, as: UTF8.self)
        }
        #expect(bodies == ["Redbridge: outstanding\n", "%PDF-1.4 b\n"])
    }

    @Test func aSubfolderIsListedToo() async throws {
        let source = SourceSpec(name: "share", kind: .directory, url: server.baseURL + "/sub", credentialsFile: credentials)
        #expect(try await fetcher.list(source) == [server.baseURL + "/sub/inner.txt"])
    }

    @Test func wrongCredentialsFailClearly() async throws {
        let bad = try dir.write("bad.credentials", "\(server.user):wrong\n")
        chmod(bad.path, 0o600)
        let source = SourceSpec(name: "share", kind: .directory, url: server.baseURL + "/", credentialsFile: bad.path)
        let error = await #expect(throws: FetchError.self) { try await fetcher.listing(source) }
        #expect(error?.reason.hasPrefix("cannot list the folder: ") == true, "\(String(describing: error))")
        #expect(error?.reason.contains("Access denied") == true || error?.reason.contains("login") == true, "\(String(describing: error))")
    }

    @Test func credentialsReadableByOthersAreRefusedBeforeAnyTransfer() async throws {
        chmod(credentials, 0o640)
        let source = SourceSpec(name: "share", kind: .directory, url: server.baseURL + "/", credentialsFile: credentials)
        let error = await #expect(throws: FetchError.self) { try await fetcher.listing(source) }
        #expect(error?.reason == "the credentials file \(credentials) is readable by group or others (mode 640); run chmod 600 \(credentials)")
    }
}

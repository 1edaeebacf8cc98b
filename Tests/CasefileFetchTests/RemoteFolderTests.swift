import CasefileFetch
import CasefileTestKit
import Foundation
import Testing

/// A directory source on a real FTP server on 127.0.0.1 (pyftpdlib, Debian's
/// python3-pyftpdlib), through libcurl, with a credentials file.
/// The folder both servers share: two documents (one with a space in its
/// name), a hidden file and a subfolder, which a listing leaves out.
func writeShare(_ dir: TempDir) throws -> URL {
    try dir.write("share/b report.pdf", "%PDF-1.4 b\n")
    try dir.write("share/a.txt", "Redbridge: outstanding\n")
    try dir.write("share/.hidden", "h")
    try dir.write("share/sub/inner.txt", "i")
    return dir.file("share")
}

@Suite(.enabled(if: TestFTPServer.isAvailable, "needs pyftpdlib: apt-get install python3-pyftpdlib"))
struct FTPFolderTests {
    let dir: TempDir
    let share: URL
    let server: TestFTPServer
    let credentials: String
    let fetcher = Fetcher(settings: FetchSettings(timeout: 10, connectTimeout: 5, perHostDelay: 0, retries: 0))

    init() throws {
        dir = try TempDir("cf-ftp")
        share = try writeShare(dir)
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
        #expect(
            error?.reason == "the credentials file \(credentials) is readable by group or others (mode 640); run chmod 600 \(credentials)")
    }
}

/// A directory source on a real OpenSSH server on 127.0.0.1 (Debian's
/// openssh-server), through libcurl and libssh2: a key login, and the
/// server's host key checked against a known_hosts file.
@Suite(.serialized, .enabled(if: TestSSHServer.isAvailable, "needs sshd: apt-get install openssh-server (CI installs it)"))
struct SFTPFolderTests {
    let dir: TempDir
    let share: URL
    let server: TestSSHServer
    let fetcher = Fetcher(settings: FetchSettings(timeout: 10, connectTimeout: 5, perHostDelay: 0, retries: 0))

    init() throws {
        dir = try TempDir("cf-sftp")
        share = try writeShare(dir)
        server = try #require(try TestSSHServer(folder: dir.file("sshd")))
    }

    var folderURL: String { server.baseURL + share.path + "/" }

    @Test func listsTheRegularFilesAndFetchesThemWithAKey() async throws {
        let ssh = SSHSettings(knownHosts: server.knownHosts, keyFile: server.clientKey)
        let listing = try await fetcher.listing(SourceSpec(name: "share", kind: .directory, url: folderURL, ssh: ssh))
        #expect(listing.documents.map(\.url) == [folderURL + "a.txt", folderURL + "b%20report.pdf"])
        #expect(listing.documents.map(\.label) == ["a.txt", "b report.pdf"])
        let outcomes = await fetcher.fetchAll(listing.documents.map { $0.request(validators: nil) })
        let bodies = outcomes.map { outcome -> String in
            guard case .fetched(let document) = outcome else { return "\(outcome)" }
            return String(decoding: document.bytes, as: UTF8.self)
        }
        #expect(bodies == ["Redbridge: outstanding\n", "%PDF-1.4 b\n"])
    }

    @Test func anotherHostKeyIsRefusedAndNothingIsListed() async throws {
        let ssh = SSHSettings(knownHosts: server.wrongKnownHosts, keyFile: server.clientKey)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(SourceSpec(name: "share", kind: .directory, url: folderURL, ssh: ssh))
        }
        #expect(error?.reason.contains("SSH host key is not in \(server.wrongKnownHosts)") == true, "\(String(describing: error))")
    }

    @Test func aHostMissingFromKnownHostsIsRefused() async throws {
        let empty = try dir.write("empty_known_hosts", "")
        let ssh = SSHSettings(knownHosts: empty.path, keyFile: server.clientKey)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(SourceSpec(name: "share", kind: .directory, url: folderURL, ssh: ssh))
        }
        #expect(error?.reason.contains("SSH host key is not in \(empty.path)") == true, "\(String(describing: error))")
    }

    @Test func noKnownHostsFileNoTransfer() async throws {
        let missing = dir.file("no_known_hosts").path
        let ssh = SSHSettings(knownHosts: missing, keyFile: server.clientKey)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(SourceSpec(name: "share", kind: .directory, url: folderURL, ssh: ssh))
        }
        #expect(
            error?.reason.contains("cannot read the known_hosts file \(missing) (No such file or directory)") == true,
            "\(String(describing: error))")
    }

    @Test func aKeyReadableByOthersIsRefusedBeforeAnyTransfer() async throws {
        chmod(server.clientKey, 0o644)
        let ssh = SSHSettings(knownHosts: server.knownHosts, keyFile: server.clientKey)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(SourceSpec(name: "share", kind: .directory, url: folderURL, ssh: ssh))
        }
        #expect(error?.reason.contains("readable by group or others (mode 644)") == true, "\(String(describing: error))")
    }
}

import CasefileHTTP
import Foundation

/// Lists sources and fetches documents. Every transfer goes through libcurl
/// (`CasefileHTTP`), whatever the protocol.
///
/// Retries with backoff, per-host politeness and many transfers at once come
/// later; they wrap `fetch` (one attempt, one outcome) rather than change it.
public struct Fetcher: Sendable {
    public var settings: FetchSettings

    public init(settings: FetchSettings = FetchSettings()) {
        self.settings = settings
    }

    /// The document URLs a source lists now: `document` → [url]; `directory`
    /// → every regular file in the folder (not hidden, not in subfolders),
    /// sorted by name, as file:// URLs.
    public func list(_ source: SourceSpec) async throws(FetchError) -> [String] {
        switch source.kind {
        case .document:
            return [source.url]
        case .directory:
            guard let url = URL(string: source.url), let scheme = url.scheme?.lowercased() else {
                throw FetchError(url: source.url, reason: "not a URL")
            }
            guard scheme == "file" else {
                throw FetchError(url: source.url, reason: "listing a \(scheme):// folder is not supported yet")
            }
            return try Self.listFolder(url)
        }
    }

    /// One document, with a conditional GET when there are validators:
    /// `If-None-Match` with the stored ETag, `If-Modified-Since` with the
    /// server's own Last-Modified text as stored (never a date made here,
    /// whose clock and format the server may not share). 304 → `.notModified`,
    /// 2xx → `.fetched`, anything else → `.failed` with a reason for people.
    public func fetch(_ url: String, validators: Validators?) async -> FetchOutcome {
        guard let scheme = Self.scheme(of: url) else {
            return .failed(url: url, reason: "not a URL")
        }
        let isHTTP = scheme == "http" || scheme == "https"

        var request = HTTPRequest(url: url)
        request.timeout = settings.timeout
        request.connectTimeout = settings.connectTimeout
        request.maxBytes = settings.maxBytes
        request.maxRedirects = settings.maxRedirects
        request.userAgent = settings.userAgent
        // An http document may redirect to https and back, never to file://
        // or another protocol; any other source keeps to its own protocol.
        request.protocols = isHTTP ? "http,https" : scheme

        if isHTTP, let validators {
            if let etag = validators.etag { request.setHeader("If-None-Match", etag) }
            if let date = validators.lastModified { request.setHeader("If-Modified-Since", date) }
        }

        if scheme == "file", let path = URL(string: url)?.path, Self.isDirectory(path) {
            // libcurl "reads" a folder as an empty file with no error.
            return .failed(url: url, reason: "\(path) is a folder, not a document")
        }

        let response: HTTPResponse
        do {
            response = try await HTTPClient.performAsync(request)
        } catch {
            return .failed(url: url, reason: reason(for: error))
        }

        guard isHTTP else {
            // No status outside HTTP: a completed transfer is the document.
            return .fetched(FetchedDocument(url: url, bytes: response.body, status: response.status))
        }
        switch response.status {
        case 304:
            return .notModified(
                url: url,
                etag: response.header("ETag") ?? validators?.etag,
                lastModified: response.header("Last-Modified") ?? validators?.lastModified
            )
        case 200..<300:
            return .fetched(FetchedDocument(
                url: url,
                bytes: response.body,
                contentType: response.header("Content-Type"),
                etag: response.header("ETag"),
                lastModified: response.header("Last-Modified"),
                status: response.status
            ))
        default:
            let reason = response.reason.isEmpty ? "" : " \(response.reason)"
            return .failed(url: url, reason: "HTTP \(response.status)\(reason)")
        }
    }

    // MARK: -

    private func reason(for error: HTTPError) -> String {
        if error.isTimeout { return "timed out after \(Self.seconds(settings.timeout)) s" }
        return error.message
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let scheme = url[..<colon].lowercased()
        guard let first = scheme.first, first.isLetter,
              scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        return scheme
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// libcurl 7.88 cannot list a local folder: a file:// URL of a folder,
    /// with or without a trailing slash and with or without
    /// CURLOPT_DIRLISTONLY, completes with CURLE_OK and an empty body
    /// (DIRLISTONLY is for FTP and SFTP only). So the folder is listed here;
    /// the documents themselves are still fetched through libcurl. (The
    /// test `libcurlDoesNotListFileFolders` notices if that ever changes.)
    private static func listFolder(_ folder: URL) throws(FetchError) -> [String] {
        let path = folder.path
        guard isDirectory(path) else {
            let what = FileManager.default.fileExists(atPath: path) ? "is not a folder" : "no such folder"
            throw FetchError(url: folder.absoluteString, reason: "\(path): \(what)")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw FetchError(url: folder.absoluteString, reason: "cannot list \(path): \(error.localizedDescription)")
        }
        let base = URL(fileURLWithPath: path, isDirectory: true)
        return names
            .filter { !$0.hasPrefix(".") && isRegularFile(base.appendingPathComponent($0).path) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { base.appendingPathComponent($0, isDirectory: false).absoluteString }
    }

    /// A regular file, or a symbolic link to one (stat follows links).
    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// Folders on sftp://, ftp:// and ftps:// servers, listed through libcurl.
///
/// libcurl lists a folder when the URL ends with '/'. The long listing
/// (LIST for FTP, libssh2's `ls -l` style lines for SFTP) is read rather
/// than the names-only one (CURLOPT_DIRLISTONLY, NLST), because only the
/// long form tells files from subfolders and links; a subfolder listed as a
/// document would fail on every sync.
enum RemoteFolder {
    static func list(_ source: SourceSpec, fetcher: Fetcher) async throws(FetchError) -> SourceListing {
        guard let scheme = Fetcher.scheme(of: source.url) else { throw FetchError(url: source.url, reason: "not a URL") }
        let folder = source.url.hasSuffix("/") ? source.url : source.url + "/"
        if let file = source.credentialsFile {
            _ = try Credentials.read(file)  // a clear error before any transfer
        }
        if let key = source.ssh.keyFile {
            try Credentials.checkPrivate(key, what: "SSH key file")
        }
        let request = FetchRequest(url: folder, protocols: [scheme], credentialsFile: source.credentialsFile, ssh: source.ssh)
        let listing: FetchedDocument
        switch await fetcher.fetch(request) {
        case .fetched(let document): listing = document
        case .failed(let failure): throw FetchError(url: source.url, reason: "cannot list the folder: \(failure.reason)")
        case .notModified: throw FetchError(url: source.url, reason: "unexpected 304")
        }
        let text = String(decoding: listing.bytes, as: UTF8.self)
        let names: [String]
        do {
            names = try parse(text)
        } catch {
            throw FetchError(url: source.url, reason: error.description)
        }
        let documents =
            names
            .filter { !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map {
                ListedDocument(
                    url: folder + percentEncoded($0), label: $0, protocols: [scheme], credentialsFile: source.credentialsFile,
                    ssh: source.ssh)
            }
        return SourceListing(documents: documents, pagesRead: 1)
    }

    struct ListingError: Error, CustomStringConvertible {
        var description: String
    }

    /// The names of the regular files in a long listing. Unix lines
    /// (`-rw-r--r-- 1 user group 1234 May  9 10:00 name with spaces`) and
    /// DOS/IIS lines (`05-09-25  10:00AM  1234 name`, `<DIR>` for folders).
    static func parse(_ text: String) throws(ListingError) -> [String] {
        var names: [String] = []
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = String(raw)
            if line.trimmingCharactersSpaces().isEmpty || line.hasPrefix("total ") { continue }
            if let first = line.first, "-dlbcps".contains(first), line.count > 10 {
                // type+perms, links, owner, group, size, month, day, time|year, name
                guard let name = field(line, after: 8) else {
                    throw ListingError(description: "cannot read this line of the folder listing: \(line)")
                }
                if first == "-", name != ".", name != ".." { names.append(name) }
                continue
            }
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            if parts.count == 4, parts[0].contains("-"), parts[1].hasSuffix("M") {
                if parts[2] != "<DIR>" { names.append(String(parts[3])) }
                continue
            }
            throw ListingError(description: "cannot read this line of the folder listing: \(line)")
        }
        return names
    }

    /// What follows the first `count` space-separated fields of `line`.
    private static func field(_ line: String, after count: Int) -> String? {
        var rest = Substring(line)
        for _ in 0..<count {
            rest = rest.drop { $0 == " " }
            guard !rest.isEmpty else { return nil }
            rest = rest.drop { $0 != " " }
        }
        guard rest.first == " " else { return nil }
        let name = rest.dropFirst()
            .drop { $0 == " " }
        return name.isEmpty ? nil : String(name)
    }

    /// A file name as a URL path segment.
    static func percentEncoded(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

private extension String {
    func trimmingCharactersSpaces() -> Substring {
        drop { $0 == " " || $0 == "\t" }
    }
}

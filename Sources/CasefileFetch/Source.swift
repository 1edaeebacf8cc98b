/// What a source is, as the config file's `kind` names it. `index`, `crawl`
/// and `feed` sources come later.
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
    /// One document at a URL.
    case document
    /// Every regular file in a folder (a `file://` URL; sftp, ftp and smb later).
    case directory
}

/// One `[[source]]` of the config file, as far as fetching needs it.
public struct SourceSpec: Sendable, Hashable {
    public var name: String
    public var kind: SourceKind
    public var url: String

    public init(name: String, kind: SourceKind, url: String) {
        self.name = name
        self.kind = kind
        self.url = url
    }
}

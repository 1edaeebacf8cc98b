/// Why a config file was refused, and where.
///
/// `description` is the message for people and the log, in the
/// `file:line: key: reason` form compilers use, so editors can jump to it:
///
///     /etc/casefiled/casefiled.toml:12: fetch.timeout: invalid duration "30 seconds" (use e.g. 500ms, 30s, 5m, 6h, 1d)
///
/// Loading stops at the first error: the file is read top to bottom and each
/// section is checked in a fixed order (unknown keys first, then each key),
/// so the same file always gives the same message.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file, as given to `load(path:)` (made absolute) or `parse`.
    public var file: String
    /// 1-based line; nil for errors about the whole file (missing, unreadable).
    public var line: Int?
    /// 1-based column, for TOML syntax errors only.
    public var column: Int?
    /// Dotted path of the key: `fetch.timeout`, `source[2].url` (arrays of
    /// tables are numbered from 1, in file order), or a table name.
    public var key: String?
    public var reason: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        s += ": "
        if let key { s += "\(key): " }
        return s + reason
    }
}

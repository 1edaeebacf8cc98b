// CasefileConfig: the TOML config file → typed settings (docs/CONFIG.md).
//
// Reading TOML: the reader is our own (TOMLTree, TOMLParser and TOMLValues
// .swift), not TOMLKit 0.6.0, because what this module is for is saying
// where a mistake is, and TOMLKit cannot (measured; docs/CONFIG.md has the
// figures and how they were taken). TOMLKit wraps toml++ and gives a line
// and column only for a syntax error: a parsed key or value carries none, so
// "fetch.timeout at line 12" could not be said without reading the text a
// second time with a reader of our own. Its tables are std::maps, so keys
// come back sorted, not in file order, and the first mistake in the file
// would not be the one reported. Of the 69 syntax errors our tests check it
// refuses 66 (it accepts dates, which no key takes) and points at the same
// line and column for 40. A clean build of it costs 21 to 24 s of CPU
// (toml++ is a 17,700-line C++ header, compiled in five files); our reader
// is about 840 lines of Swift.

import CasefileModel

/// The daemon's configuration, read from one TOML file: `Config/casefiled.toml`
/// documents every key, the README's "Configuration reference" lists them
/// (generated from the keys' descriptions, `ConfigKey`).
///
/// The file is strict: an unknown key or table, a value of the wrong type
/// or out of range, or a missing required key refuses the whole file with
/// its path, line and key (see `ConfigError`). Relative paths are resolved
/// against the folder of the config file, never the working directory, so a
/// config means the same wherever the daemon is started from.
///
/// What is decoded cannot be wrong: a source is one `SourceConfig.Kind`
/// carrying exactly that kind's settings, a notifier one
/// `NotifierConfig.Kind`, and every value has been checked.
public struct CasefileConfig: Sendable, Equatable {
    /// Absolute path of the file read (as given to `parse`).
    public var file: String
    public var daemon = DaemonConfig()
    public var fetch = FetchConfig()
    /// `[[source]]` tables, in file order. May be empty: the daemon then
    /// serves its API and fetches nothing.
    public var sources: [SourceConfig] = []
    /// `[[notify]]` tables, in file order.
    public var notifiers: [NotifierConfig] = []
    /// `[publish]`; nil when the file has no such table (nothing is published).
    public var publish: PublishConfig? = nil
    /// `[metrics]`.
    public var metrics = MetricsConfig()

    public init(file: String) {
        self.file = file
    }

    /// The tables of the file, in the order they are checked (and listed in
    /// the README). A new table is a `ConfigTable` struct, a field above and
    /// one entry here, e.g. `.table("metrics", \.metrics)`.
    static let tables: [TableSchema] = [
        .table("daemon", \.daemon),
        .table("fetch", \.fetch),
        .array("source", \.sources, SourceConfig.form),
        .array("notify", \.notifiers, NotifierConfig.form),
        .optionalTable("publish", \.publish),
        .table("metrics", \.metrics),
    ]

    /// How often `source` is synced: its own `interval`, else `daemon.interval`.
    public func interval(for source: SourceConfig) -> Duration {
        source.interval ?? daemon.interval
    }

    /// Reads and checks the config file at `path` (relative paths are taken
    /// from the working directory; `file` is then the absolute path).
    ///
    /// A missing, unreadable or non-UTF-8 file is a `ConfigError` naming it.
    public static func load(path: String) throws(ConfigError) -> CasefileConfig {
        let absolute = ConfigPaths.absolute(path)
        let bytes = try FileReader.read(absolute)
        let text = try FileReader.utf8(bytes, file: absolute)
        return try parse(text: text, file: absolute, baseDirectory: ConfigPaths.directory(of: absolute))
    }

    /// Checks config `text`. `file` is used in messages and kept in `file`;
    /// relative paths in the text resolve against `baseDirectory` (itself
    /// taken from the working directory if relative).
    ///
    /// Order of checks, so that the first error is the most useful one: the
    /// top-level tables, then each table of `tables` in turn (arrays of
    /// tables in file order). Within a table: unknown keys first (a typo's
    /// "did you mean" beats a "missing" for the key it was meant to be),
    /// then each key in the order of its description.
    public static func parse(text: String, file: String, baseDirectory: String) throws(ConfigError) -> CasefileConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.position.line, column: error.position.column, reason: error.message)
        }
        try checkTopLevel(root, file: file)
        var config = CasefileConfig(file: file)
        let base = ConfigPaths.absolute(baseDirectory)
        for table in tables {
            try table.read(&config, root[table.key]?.value, file, base)
        }
        return config
    }

    /// Only the known tables, each of its form (`[daemon]` a table,
    /// `[[source]]` an array of tables), in file order.
    private static func checkTopLevel(_ root: TOMLTable, file: String) throws(ConfigError) {
        let titles = tables.map(\.title)
        for entry in root.entries {
            let v = entry.value
            let key = displayKey([entry.key])
            if let table = tables.first(where: { $0.key == entry.key }) {
                if !table.isArray, v.table == nil {
                    throw ConfigError(file: file, line: v.line, key: key, reason: "expected a table [\(entry.key)], found \(v.typeName)")
                }
                if table.isArray, !(v.array.map { $0.allSatisfy { $0.table != nil } } ?? false) {
                    let hint = v.table != nil ? " (write [[\(entry.key)]], not [\(entry.key)])" : ""
                    throw ConfigError(
                        file: file, line: v.line, key: key,
                        reason: "expected [[\(entry.key)]] (an array of tables), found \(v.typeName)\(hint)")
                }
                continue
            }
            // "notifier", "notifications": too far for an edit distance, plainly meant.
            let guessKey = entry.key.lowercased().hasPrefix("notif") ? "notify" : suggestion(for: entry.key, among: tables.map(\.key))
            let guess = tables.first { $0.key == guessKey }?.title
            if v.table != nil || v.typeName == "an array of tables" {
                let shown = v.table != nil ? "[\(key)]" : "[[\(key)]]"
                var reason = "unknown table \(shown)"
                if let guess { reason += " (did you mean \(guess)?)" } else { reason += " (known: \(titles.joined(separator: ", ")))" }
                throw ConfigError(file: file, line: entry.keyPosition.line, key: key, reason: reason)
            }
            var reason = "unknown key '\(key)' at the top level"
            if let home = tables.first(where: { $0.keyNames.contains(entry.key) }) {
                reason += " (it belongs in \(home.title): put it after that header)"
            } else if let guess {
                reason += " (did you mean \(guess)?)"
            } else {
                reason += " (settings go in \(titles.joined(separator: ", ")))"
            }
            throw ConfigError(file: file, line: entry.keyPosition.line, key: key, reason: reason)
        }
    }
}

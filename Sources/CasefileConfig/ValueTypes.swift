#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a kind of value is written in the file, checked, and shown as a
/// default: `duration`, `path`, `integer, 1–64`. A `ConfigKey` pairs one
/// with a field.
///
/// Each error names the line of the value (or of the item in a list) and
/// says what was expected, so the messages read the same for every key of a
/// type. A new type is a static member here (or beside the keys that use it).
struct ValueType<Value>: Sendable {
    /// The README's type column.
    let name: String
    /// The values a choice takes, for the README.
    let choices: [String]
    /// A default as it is written in the file, or nil for none (an empty list).
    let show: @Sendable (Value) -> String?
    let read: @Sendable (TOMLValue, KeySite) throws(ConfigError) -> Value

    init(
        _ name: String, choices: [String] = [], show: @escaping @Sendable (Value) -> String? = { "\($0)" },
        read: @escaping @Sendable (TOMLValue, KeySite) throws(ConfigError) -> Value
    ) {
        self.name = name
        self.choices = choices
        self.show = show
        self.read = read
    }
}

/// A list as a default: nil (none) when it is empty.
func listed<Item>(_ items: [Item], _ text: (Item) -> String = { "\($0)" }) -> String? {
    items.isEmpty ? nil : items.map(text).joined(separator: ", ")
}

extension ValueType where Value == String {
    static var string: Self { string { _ in nil } }

    /// A string that `check` accepts (it returns the reason when not).
    static func string(_ check: @escaping @Sendable (String) -> String?) -> Self {
        ValueType("string") { v, site throws(ConfigError) in
            let s = try site.string(v)
            if let reason = check(s) { throw site.fail(v.line, reason) }
            return s
        }
    }

    static var path: Self { path { _ in nil } }

    /// A path, not empty, no `~`, made absolute against the config file's
    /// folder, that `check` accepts.
    static func path(_ check: @escaping @Sendable (String) -> String?) -> Self {
        ValueType("path") { v, site throws(ConfigError) in
            let path = try Self.resolvePath(site.string(v), v.line, site)
            if let reason = check(path) { throw site.fail(v.line, reason) }
            return path
        }
    }

    /// A path to a file only its owner may read (`what`: "credentials
    /// file"). One that exists is checked now, so a config naming one that
    /// others can read is refused at start and on reload (its user checks
    /// again before each use); one that does not exist yet is allowed, and
    /// using it then fails with the reason.
    static func secretFile(_ what: String) -> Self {
        ValueType("path (mode 0600)") { v, site throws(ConfigError) in
            let path = try Self.resolvePath(site.string(v), v.line, site)
            var info = stat()
            guard stat(path, &info) == 0 else { return path }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw site.fail(v.line, "\(what) \(quoted(path)) is not a regular file")
            }
            let mode = info.st_mode & 0o777
            guard mode & 0o077 == 0 else {
                throw site.fail(
                    v.line, "\(what) \(quoted(path)) is readable by group or others (mode \(String(mode, radix: 8))); run chmod 600 on it")
            }
            return path
        }
    }

    static func resolvePath(_ path: String, _ line: Int, _ site: KeySite) throws(ConfigError) -> String {
        guard !path.isEmpty else { throw site.fail(line, "invalid path \"\": it must not be empty") }
        guard !path.hasPrefix("~") else {
            throw site.fail(line, "invalid path \(quoted(path)): '~' is not expanded; write the full path")
        }
        guard !path.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw site.fail(line, "invalid path: it contains a NUL character")
        }
        return ConfigPaths.resolve(path, against: site.base)
    }

    /// A regular expression, compiled as the fetcher will compile it.
    static var pattern: Self {
        ValueType("pattern") { v, site throws(ConfigError) in
            try checkPattern(site.string(v), v.line, site)
        }
    }

    static func checkPattern(_ pattern: String, _ line: Int, _ site: KeySite) throws(ConfigError) -> String {
        guard !pattern.isEmpty else {
            throw site.fail(line, "an empty pattern matches everything; leave \(site.key) out instead")
        }
        do {
            _ = try Regex(pattern)
        } catch {
            throw site.fail(line, "invalid regular expression \(quoted(pattern)): \(error)")
        }
        return pattern
    }
}

extension ValueType where Value == [String] {
    /// Regular expressions; the line of each bad one.
    static var patterns: Self {
        ValueType("list of patterns", show: { listed($0) }) { v, site throws(ConfigError) in
            var out: [String] = []
            for item in try site.strings(v) { out.append(try ValueType<String>.checkPattern(item.value, item.line, site)) }
            return out
        }
    }
}

extension ValueType where Value == Bool {
    static var bool: Self {
        ValueType("bool") { v, site throws(ConfigError) in
            guard let b = v.boolean else { throw site.wrongType(v, "a boolean (true or false)") }
            return b
        }
    }
}

extension ValueType where Value == Int {
    static func integer(_ range: ClosedRange<Int>) -> Self {
        ValueType("integer, \(range.lowerBound)–\(range.upperBound)") { v, site throws(ConfigError) in
            guard let n = v.integer else { throw site.wrongType(v, "an integer") }
            guard range.contains(n) else {
                throw site.fail(v.line, "\(n) is out of range: \(site.key) must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return n
        }
    }

    /// Bytes: an integer, or a string with a unit (`parseByteSize`); at least 1.
    static var size: Self {
        ValueType("size", show: formatByteSize) { v, site throws(ConfigError) in
            let n: Int
            if let i = v.integer {
                n = i
            } else if let s = v.string {
                guard let parsed = parseByteSize(s) else {
                    throw site.fail(v.line, "invalid size \(quoted(s)) (use e.g. 50MB, 512KiB, 1GB, or an integer number of bytes)")
                }
                n = parsed
            } else {
                throw site.wrongType(v, "a size (an integer number of bytes, or a string such as \"50MB\")")
            }
            guard n >= 1 else { throw site.fail(v.line, "\(site.key) must be at least 1 byte, found \(n)") }
            return n
        }
    }
}

extension ValueType where Value == Duration {
    /// A string such as `30s` (`parseDuration`), at least `minimum`.
    static func duration(atLeast minimum: Duration) -> Self {
        ValueType("duration", show: formatDuration) { v, site throws(ConfigError) in
            let s = try site.string(v, expected: "a duration string such as \"30s\"")
            guard let d = parseDuration(s) else {
                throw site.fail(v.line, "invalid duration \(quoted(s)) (use e.g. 500ms, 30s, 5m, 6h, 1d)")
            }
            guard d >= minimum else {
                throw site.fail(v.line, "duration \(quoted(s)) is too short: \(site.key) must be at least \(formatDuration(minimum))")
            }
            return d
        }
    }
}

extension ValueType {
    /// One of `Value`'s cases, by its raw value ("invalid `what` "x" (use one of: …)").
    static func choice(_ what: String) -> Self where Value: RawRepresentable<String> & CaseIterable & Sendable {
        let names = Value.allCases.map(\.rawValue)
        return ValueType("string", choices: names, show: { $0.rawValue }) { v, site throws(ConfigError) in
            let s = try site.string(v)
            guard let value = Value(rawValue: s) else {
                throw site.fail(v.line, "invalid \(what) \(quoted(s)) (use one of: \(names.joined(separator: ", ")))")
            }
            return value
        }
    }
}

/// The scheme of `scheme://…`, lowercased; nil for a path.
func urlScheme(of s: String) -> String? {
    guard let r = s.firstRange(of: "://") else { return nil }
    let scheme = s[..<r.lowerBound]
    guard let first = scheme.first, first.isASCII, first.isLetter else { return nil }
    for c in scheme {
        let ok = c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".")
        if !ok { return nil }
    }
    return scheme.lowercased()
}

/// Spaces and control characters in a URL are a mistake, never meant.
func checkURLText(_ url: String, _ line: Int, _ site: KeySite) throws(ConfigError) {
    if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
        throw site.fail(line, "invalid url \(quoted(url)): spaces and control characters must be percent-encoded (a space is %20)")
    }
}

/// One key of the config file, described once: its name, the type of value
/// it takes, its default, what it means, and the field it fills.
///
/// Everything about a key comes from its entry: the decoder reads the value
/// with the type's checks and writes it to the field; "unknown key … (did
/// you mean …?)", "missing required key" and "expected …, found …" come from
/// the list the entry is in; the README's configuration reference is
/// generated from it (`ConfigReference`; a test fails when the README's
/// tables differ). The default is the field's initial value, read through
/// the key path, so it is written once too.
///
/// ## Adding a key
///
/// Add the field, with its default, to the table's struct, and one entry to
/// its `keys` (the entry's position is its place in the order of checks and
/// in the README). Then `CASEFILE_WRITE_README=1 swift test --filter
/// ReferenceTests` writes the README's table, and `Config/casefiled.toml`
/// gets a commented line for the key (a test checks both). For instance,
/// in `DaemonConfig` (or in a new table, see `CasefileConfig.tables`):
///
///     public var parseTimeout: Duration = .seconds(60)
///     public var parseMaxMemory = 512_000_000
///     /// nil: one per core.
///     public var parseWorkers: Int? = nil
///     public var parseMaxPages = 2_000
///
///     .init(
///         "parse_timeout", .duration(atLeast: .seconds(1)), \.parseTimeout,
///         doc: "one document's extraction is stopped after this"),
///     .init("parse_max_memory", .size, \.parseMaxMemory, doc: "the extraction helper's memory limit"),
///     .init(
///         "parse_workers", .integer(1...64), \.parseWorkers, default: "the number of cores",
///         doc: "documents extracted at once"),
///     .init("parse_max_pages", .integer(1...100_000), \.parseMaxPages, doc: "a longer document is refused"),
///
/// and in `NotifierConfig.Webhook`, a kind's own key (refused on the other
/// kinds with "headers_file is for "webhook" notifiers, not …"):
///
///     public var headersFile: String? = nil
///
///     .init(
///         "headers_file", .secretFile("headers file"), \.headersFile,
///         doc: "extra headers, one `Name: value` a line, kept out of the config"),
///
/// A new table is a `ConfigTable` struct like `FetchConfig`, a field of
/// `CasefileConfig` and one line in `CasefileConfig.tables` (`.table`, or
/// `.optionalTable` for one that is there or not, as `[publish]`); its
/// README section is a `### \`[name]\`` heading the test then fills.
///
/// A value that needs another check gets a new `ValueType` (ValueTypes.swift
/// has the common ones); a key that applies only when a key read before it
/// has some value says so with `when:`, as `credentials_file` does.
struct ConfigKey<Root>: Sendable {
    /// As written in the file: `state_dir`.
    let name: String
    /// The README's type column: `duration`, `path (mode 0600)`, `integer, 1–64`.
    let type: String
    /// The values a choice takes, listed after `doc` in the README.
    let choices: [String]
    /// The README's meaning column (Markdown, one line, no `|`).
    let doc: String
    /// A missing required key refuses the table ("missing required key").
    let isRequired: Bool
    /// The README's default column from a default `Root`: the default as it
    /// is written in the file, in backquotes; a phrase; or nil for none.
    let defaultText: @Sendable (Root) -> String?
    /// Why the key cannot be used, given the keys read before it (in `keys`
    /// order), or nil when it can.
    let when: (@Sendable (Root) -> String?)?
    /// Reads the value (checks included) into `Root`.
    let read: @Sendable (inout Root, TOMLValue, KeySite) throws(ConfigError) -> Void

    /// A key filling `field`. `default` replaces the README's default (for
    /// one that is not a plain value, such as "the system's").
    init<Value>(
        _ name: String, _ type: ValueType<Value>, _ field: WritableKeyPath<Root, Value> & Sendable, required: Bool = false,
        default fixed: String? = nil, doc: String, when: (@Sendable (Root) -> String?)? = nil
    ) {
        self.name = name
        self.type = type.name
        self.choices = type.choices
        self.doc = doc
        self.isRequired = required
        self.defaultText = { root in fixed ?? type.show(root[keyPath: field]).map { "`\($0)`" } }
        self.when = when
        self.read = { root, value, site throws(ConfigError) in root[keyPath: field] = try type.read(value, site) }
    }

    /// An optional key filling an optional `field`: left out, the field
    /// stays nil, which the README shows as "none" unless `default` says
    /// what nil means.
    init<Value>(
        _ name: String, _ type: ValueType<Value>, _ field: WritableKeyPath<Root, Value?> & Sendable, default fixed: String? = nil,
        doc: String, when: (@Sendable (Root) -> String?)? = nil
    ) {
        self.name = name
        self.type = type.name
        self.choices = type.choices
        self.doc = doc
        self.isRequired = false
        self.defaultText = { _ in fixed }
        self.when = when
        self.read = { root, value, site throws(ConfigError) in root[keyPath: field] = try type.read(value, site) }
    }
}

/// What the README says of one key, with `Root`'s defaults filled in.
struct KeyInfo: Sendable, Equatable {
    var name: String
    var type: String
    var choices: [String]
    var doc: String
    var isRequired: Bool
    var defaultText: String?
}

/// A table of the config file, or one kind's part of a `[[source]]` or
/// `[[notify]]`: a struct whose initial field values are the defaults and
/// whose `keys` describe how the file fills it.
protocol ConfigTable: Sendable, Equatable {
    /// Every default. A required field holds a placeholder that no decoded
    /// config keeps: a table without the key is refused.
    init()
    /// In the order they are checked and listed in the README.
    static var keys: [ConfigKey<Self>] { get }
}

extension ConfigTable {
    static var keyInfo: [KeyInfo] {
        let defaults = Self()
        return keys.map { key in
            KeyInfo(
                name: key.name, type: key.type, choices: key.choices, doc: key.doc, isRequired: key.isRequired,
                defaultText: key.isRequired ? nil : key.defaultText(defaults))
        }
    }

    /// Reads `keys` from `section` into `root`, in order. Unknown keys are
    /// the caller's to refuse, before this: a typo is better reported as
    /// itself than as the key it was meant to be going missing.
    static func read(_ section: Section, into root: inout Self) throws(ConfigError) {
        for key in keys {
            guard let entry = section.table[key.name] else {
                if key.isRequired { throw section.missing(key.name) }
                continue
            }
            let site = KeySite(section: section, key: key.name)
            if let reason = key.when?(root) { throw site.fail(entry.value.line, reason) }
            try key.read(&root, entry.value, site)
        }
    }
}

/// A kind of `[[source]]` or `[[notify]]`: its name (the `kind` value), what
/// it is, its own keys, and how its settings become the table's.
struct KindSchema<Root>: Sendable {
    let name: String
    /// The README's words for it, after the name: "(one URL)".
    let doc: String
    let keys: [KeyInfo]
    let read: @Sendable (inout Root, Section) throws(ConfigError) -> Void

    /// The kind `name`, whose settings are a `Settings` that `store` puts in the table.
    init<Settings: ConfigTable>(
        _ name: String, _: Settings.Type, doc: String, store: @escaping @Sendable (inout Root, Settings) -> Void
    ) {
        self.name = name
        self.doc = doc
        self.keys = Settings.keyInfo
        self.read = { root, section throws(ConfigError) in
            var settings = Settings()
            try Settings.read(section, into: &settings)
            store(&root, settings)
        }
    }
}

/// A table of several kinds (`[[source]]`, `[[notify]]`): a unique `name`, a
/// `kind`, the kind's own keys, then `Root.keys`, which every kind has.
///
/// Order of checks: `kind` (so that a kind from a newer config is named as
/// such rather than through its keys), unknown keys, `name`, a missing
/// `kind`, keys of another kind, the kind's keys, the common keys.
struct KindedTable<Root: ConfigTable>: Sendable {
    /// "source": in "invalid source name".
    let what: String
    let nameDoc: String
    let kinds: [KindSchema<Root>]
    let name: WritableKeyPath<Root, String> & Sendable
    let line: WritableKeyPath<Root, Int> & Sendable
    /// The reason for a `kind` that is none of `kinds`.
    let invalidKind: @Sendable (_ value: String, _ kinds: [String]) -> String
    /// The reason for `key`, which only `owners` take, in a table of `kind`.
    let wrongKind: @Sendable (_ key: String, _ owners: [String], _ kind: String) -> String

    /// Every key name, in README order: name, kind, the kinds' keys (each
    /// once, in order of first appearance), the common keys.
    var keyNames: [String] {
        var names = ["name", "kind"]
        for kind in kinds { for key in kind.keys where !names.contains(key.name) { names.append(key.name) } }
        return names + Root.keys.map(\.name)
    }

    func read(_ s: Section) throws(ConfigError) -> Root {
        var kind: KindSchema<Root>?
        if let v = s.table["kind"]?.value {
            let site = KeySite(section: s, key: "kind")
            let value = try site.string(v)
            kind = kinds.first { $0.name == value }
            if kind == nil { throw site.fail(v.line, invalidKind(value, kinds.map(\.name))) }
        }
        try s.rejectUnknownKeys(keyNames)

        guard let nameValue = s.table["name"]?.value else { throw s.missing("name") }
        let name = try KeySite(section: s, key: "name").string(nameValue)
        try checkName(name, line: nameValue.line, s)
        guard let kind else { throw s.missing("kind") }
        for entry in s.table.entries where !kind.keys.contains(where: { $0.name == entry.key }) {
            let owners = kinds.filter { $0.keys.contains { $0.name == entry.key } }.map(\.name)
            if !owners.isEmpty { throw s.fail(entry.key, entry.keyPosition.line, wrongKind(entry.key, owners, kind.name)) }
        }

        var root = Root()
        root[keyPath: self.name] = name
        root[keyPath: line] = s.table.position.line
        try kind.read(&root, s)
        try Root.read(s, into: &root)
        return root
    }

    /// Sources and notifiers name things the CLI and the store refer to.
    private func checkName(_ name: String, line: Int, _ s: Section) throws(ConfigError) {
        let bytes = Array(name.utf8)
        let ok =
            !bytes.isEmpty && bytes.count <= 64
            && bytes.enumerated().allSatisfy { i, c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || (i > 0 && (c == UInt8(ascii: "_") || c == UInt8(ascii: "-")))
            }
        guard ok else {
            throw s.fail(
                "name", line,
                "invalid \(what) name \(quoted(name)): use lowercase letters, digits, '_' and '-', "
                    + "starting with a letter or digit, at most 64 characters"
            )
        }
    }
}

/// One top-level table of the file (`[daemon]`, `[[source]]`), where it goes
/// in `CasefileConfig`, and its keys.
struct TableSchema: Sendable {
    /// `daemon`, `source`.
    let key: String
    /// `[[source]]` rather than `[daemon]`.
    let isArray: Bool
    /// Every key name, in the order of the README.
    let keyNames: [String]
    /// The README's rows.
    let reference: @Sendable () -> [ConfigReference.Row]
    let read: @Sendable (inout CasefileConfig, TOMLValue?, _ file: String, _ base: String) throws(ConfigError) -> Void

    var title: String { isArray ? "[[\(key)]]" : "[\(key)]" }

    /// `[key]`, read into `field`.
    static func table<T: ConfigTable>(_ key: String, _ field: WritableKeyPath<CasefileConfig, T> & Sendable) -> TableSchema {
        TableSchema(
            key: key, isArray: false, keyNames: T.keys.map(\.name), reference: { ConfigReference.rows(T.keyInfo) },
            read: { config, value, file, base throws(ConfigError) in
                guard let table = value?.table else { return }
                let s = Section(file: file, table: table, path: key, title: "[\(key)]", base: base)
                try s.rejectUnknownKeys(T.keys.map(\.name))
                var settings = T()
                try T.read(s, into: &settings)
                config[keyPath: field] = settings
            })
    }

    /// `[key]` that is there or not (`[publish]`): nil without the table,
    /// and with it, its required keys are required.
    static func optionalTable<T: ConfigTable>(_ key: String, _ field: WritableKeyPath<CasefileConfig, T?> & Sendable) -> TableSchema {
        TableSchema(
            key: key, isArray: false, keyNames: T.keys.map(\.name), reference: { ConfigReference.rows(T.keyInfo) },
            read: { config, value, file, base throws(ConfigError) in
                guard let table = value?.table else { return }
                let s = Section(file: file, table: table, path: key, title: "[\(key)]", base: base)
                try s.rejectUnknownKeys(T.keys.map(\.name))
                var settings = T()
                try T.read(s, into: &settings)
                config[keyPath: field] = settings
            })
    }

    /// `[[key]]`, each read as `form` says, into `field` in file order; names are unique.
    static func array<T: ConfigTable>(
        _ key: String, _ field: WritableKeyPath<CasefileConfig, [T]> & Sendable, _ form: KindedTable<T>
    ) -> TableSchema {
        TableSchema(
            key: key, isArray: true, keyNames: form.keyNames, reference: { ConfigReference.rows(form) },
            read: { config, value, file, base throws(ConfigError) in
                var result: [T] = []
                var seen: [String: Int] = [:]
                for (i, element) in (value?.array ?? []).enumerated() {
                    guard let table = element.table else { continue }  // checked at the top level
                    let start = table.position.line
                    let s = Section(
                        file: file, table: table, path: "\(key)[\(i + 1)]", title: "[[\(key)]] starting at line \(start)", base: base)
                    let item = try form.read(s)
                    let name = item[keyPath: form.name]
                    if let first = seen[name] {
                        let line = table["name"]?.value.line ?? start
                        let reason = "duplicate \(form.what) name \(quoted(name)): the [[\(key)]] starting at line \(first) already uses it"
                        throw s.fail("name", line, reason)
                    }
                    seen[name] = start
                    result.append(item)
                }
                config[keyPath: field] = result
            })
    }
}

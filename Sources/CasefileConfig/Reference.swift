/// The README's configuration reference, made from the keys' descriptions:
/// one Markdown table per table of the file (`CasefileConfig.tables`). The
/// README test fails when the README's tables are not these.
enum ConfigReference {
    /// One row: `| key | type | default | meaning |`.
    struct Row: Sendable, Equatable {
        var key: String
        var type: String
        var defaultText: String
        var meaning: String
    }

    /// The Markdown table of the file's table `key` (`daemon`, `source`).
    static func markdown(for key: String) -> String? {
        guard let table = CasefileConfig.tables.first(where: { $0.key == key }) else { return nil }
        var lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
        for row in table.reference() {
            lines.append("| `\(row.key)` | \(row.type) | \(row.defaultText) | \(row.meaning) |")
        }
        return lines.joined(separator: "\n")
    }

    /// A plain table's rows, in `keys` order.
    static func rows(_ keys: [KeyInfo]) -> [Row] {
        keys.map { key in
            Row(key: key.name, type: key.type, defaultText: defaultText(key), meaning: meaning(key.doc, key))
        }
    }

    /// A kinded table's rows: `name`, `kind`, each kind's keys (one row for a
    /// key several kinds take, saying which), then the keys every kind has.
    static func rows<Root>(_ form: KindedTable<Root>) -> [Row] {
        var rows = [
            Row(key: "name", type: "string", defaultText: "required", meaning: form.nameDoc),
            Row(
                key: "kind", type: "string", defaultText: "required",
                meaning: list(form.kinds.map { "`\($0.name)` (\($0.doc))" }, or: true)),
        ]
        var names: [String] = []
        for kind in form.kinds { for key in kind.keys where !names.contains(key.name) { names.append(key.name) } }
        for name in names {
            let takers = form.kinds.compactMap { kind in kind.keys.first { $0.name == name }.map { (kind: kind.name, key: $0) } }
            rows.append(kindRow(name, takers, all: takers.count == form.kinds.count))
        }
        return rows + self.rows(Root.keyInfo)
    }

    /// A key's row when `takers` (some or all kinds) take it: the default and
    /// the meaning say which kind each part is for, when that matters.
    private static func kindRow(_ name: String, _ takers: [(kind: String, key: KeyInfo)], all: Bool) -> Row {
        var types: [String] = []
        for t in takers where !types.contains(t.key.type) { types.append(t.key.type) }

        let requiredBy = takers.filter(\.key.isRequired).map { "`\($0.kind)`" }
        var defaults: [(kinds: [String], text: String)] = []
        for t in takers {
            let text = defaultText(t.key)
            if let i = defaults.firstIndex(where: { $0.text == text }) {
                defaults[i].kinds.append("`\(t.kind)`")
            } else {
                defaults.append((["`\(t.kind)`"], text))
            }
        }
        let defaultText: String
        if requiredBy.count == takers.count, all {
            defaultText = "required"
        } else if !requiredBy.isEmpty {
            defaultText = "required for \(requiredBy.joined(separator: ", "))"
        } else if defaults.count == 1 {
            defaultText = defaults[0].text
        } else {
            defaultText = defaults.map { "\($0.kinds.joined(separator: ", ")): \($0.text)" }.joined(separator: "; ")
        }

        // Kinds with the same words share them: "`crawl`, `feed`: links that are reports".
        var meanings: [(kinds: [String], text: String)] = []
        for t in takers {
            let text = meaning(t.key.doc, t.key)
            if let i = meanings.firstIndex(where: { $0.text == text }) {
                meanings[i].kinds.append("`\(t.kind)`")
            } else {
                meanings.append((["`\(t.kind)`"], text))
            }
        }
        let meaning =
            all && meanings.count == 1
            ? meanings[0].text
            : meanings.map { "\($0.kinds.joined(separator: ", ")): \($0.text)" }.joined(separator: "; ")
        return Row(key: name, type: types.joined(separator: " or "), defaultText: defaultText, meaning: meaning)
    }

    private static func defaultText(_ key: KeyInfo) -> String {
        key.isRequired ? "required" : key.defaultText ?? "none"
    }

    /// `doc`, and the values a choice takes: "(`auto`, `atom`, `rss` or `json`)".
    private static func meaning(_ doc: String, _ key: KeyInfo) -> String {
        guard !key.choices.isEmpty else { return doc }
        let isList = key.type.hasPrefix("array") || key.type.hasPrefix("list")
        let choices = list(key.choices.map { "`\($0)`" }, or: !isList)
        return doc.isEmpty ? choices : "\(doc) (\(choices))"
    }

    /// "a, b or c" (or "a, b, c" for values that may all be given).
    private static func list(_ items: [String], or: Bool) -> String {
        guard or, items.count > 1 else { return items.joined(separator: ", ") }
        return items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1]
    }
}

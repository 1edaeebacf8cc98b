/// One table being read, for messages: every error names the file, the
/// line, the key's dotted path and the reason.
struct Section {
    let file: String
    let table: TOMLTable
    /// `daemon`, `source[2]`: the prefix of key paths in errors.
    let path: String
    /// `[daemon]`, `[[source]] starting at line 14`: the table in messages.
    let title: String
    /// Absolute folder that relative paths resolve against.
    let base: String

    func keyPath(_ key: String) -> String { "\(path).\(displayKey([key]))" }

    func fail(_ key: String, _ line: Int, _ reason: String) -> ConfigError {
        ConfigError(file: file, line: line, key: keyPath(key), reason: reason)
    }

    /// At the table's header: the key is not anywhere to point at.
    func missing(_ key: String) -> ConfigError {
        fail(key, table.position.line, "missing required key '\(key)' in \(title)")
    }

    /// The first key (in file order) that is not in `known`, with the known
    /// key it is most likely a typo of, or the whole list.
    func rejectUnknownKeys(_ known: [String]) throws(ConfigError) {
        for entry in table.entries where !known.contains(entry.key) {
            let shown = displayKey([entry.key])
            var reason = "unknown key '\(shown)' in \(title)"
            if let guess = suggestion(for: entry.key, among: known) {
                reason += " (did you mean '\(guess)'?)"
            } else {
                reason += " (known keys: \(known.joined(separator: ", ")))"
            }
            throw fail(entry.key, entry.keyPosition.line, reason)
        }
    }
}

/// One key of a `Section` being read: what value types check against.
struct KeySite {
    let section: Section
    let key: String

    /// The folder relative paths are taken from.
    var base: String { section.base }

    func fail(_ line: Int, _ reason: String) -> ConfigError {
        section.fail(key, line, reason)
    }

    /// "expected an integer, found a string (write 8 without quotes)".
    func wrongType(_ value: TOMLValue, _ expected: String) -> ConfigError {
        var reason = "expected \(expected), found \(value.typeName)"
        // A number or boolean in quotes is the commonest slip.
        if let s = value.string, expected == "an integer" || expected.hasPrefix("a boolean"),
            Int(s) != nil || s == "true" || s == "false"
        {
            reason += " (write \(s) without quotes)"
        }
        return fail(value.line, reason)
    }

    func string(_ value: TOMLValue, expected: String = "a string") throws(ConfigError) -> String {
        guard let s = value.string else { throw wrongType(value, expected) }
        return s
    }

    /// Each string with its own line, so a bad item in a long list is found.
    func strings(_ value: TOMLValue) throws(ConfigError) -> [Located<String>] {
        guard let items = value.array else {
            var reason = "expected an array of strings, found \(value.typeName)"
            if let s = value.string { reason += " (write \(key) = [\(quoted(s))])" }
            throw fail(value.line, reason)
        }
        var out: [Located<String>] = []
        for item in items {
            guard let s = item.string else {
                throw fail(item.line, "expected an array of strings, found \(item.typeName) in it")
            }
            out.append(Located(value: s, line: item.line))
        }
        return out
    }
}

/// A value and the line it starts on.
struct Located<Value> {
    var value: Value
    var line: Int
}

/// A value from the file as a TOML basic string, escapes and all, so a
/// stray newline or quote cannot break the message (or the log line).
func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20 || u.value == 0x7F:
            let hex = String(u.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

// MARK: - Did you mean

/// The closest of `candidates` to `key` when it is close enough to be a
/// typo: a small edit distance (ignoring case, `-` for `_` and camelCase),
/// or one a prefix of the other.
func suggestion(for key: String, among candidates: [String]) -> String? {
    var k = ""
    for ch in key {
        if ch.isUppercase, !k.isEmpty, k.last != "_" { k += "_" }
        k += ch == "-" ? "_" : ch.lowercased()
    }
    let limit = k.count <= 3 ? 1 : k.count <= 9 ? 2 : 3
    var best: (candidate: String, distance: Int)?
    for c in candidates {
        let d = editDistance(k, c)
        if d <= limit, d < (best?.distance ?? .max) { best = (c, d) }
    }
    if let best { return best.candidate }
    // A key cut short or run on: "notify_initial" for "notify_initial_sync".
    if k.count >= 4 { return candidates.first { $0.count >= 4 && ($0.hasPrefix(k) || k.hasPrefix($0)) } }
    return nil
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

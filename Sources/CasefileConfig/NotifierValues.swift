import CasefileModel

// The value types only `[[notify]]` keys take.

extension NotifierConfig {
    /// `["/path/to/program", "argument", …]`: a program argv[0] with a '/'
    /// that is not absolute is taken from the config file's folder.
    static var program: ValueType<[String]> {
        ValueType("array of strings", show: { listed($0) }) { v, site throws(ConfigError) in
            var argv = try site.strings(v).map(\.value)
            guard let program = argv.first, !program.isEmpty else {
                throw site.fail(v.line, "command must name a program: [\"/path/to/program\", \"argument\", …]")
            }
            if !program.hasPrefix("/"), program.contains("/") { argv[0] = ConfigPaths.resolve(program, against: site.base) }
            return argv
        }
    }

    static var webhookURL: ValueType<String> {
        ValueType("string") { v, site throws(ConfigError) in
            let url = try site.string(v)
            // A webhook URL is a secret (Slack's, Teams'): an error shows its
            // scheme and host only, never its path or query.
            let shown = quoted(Redaction.shownURL(url))
            if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
                throw site.fail(
                    v.line, "invalid webhook url \(shown): spaces and control characters must be percent-encoded (a space is %20)")
            }
            guard let scheme = urlScheme(of: url), ["http", "https"].contains(scheme), url.count > scheme.count + 3 else {
                throw site.fail(v.line, "invalid webhook url \(shown) (use http://… or https://…)")
            }
            return url
        }
    }

    static var emailURL: ValueType<String> {
        ValueType("string") { v, site throws(ConfigError) in
            let url = try site.string(v)
            try checkURLText(url, v.line, site)
            guard let scheme = urlScheme(of: url), ["smtp", "smtps"].contains(scheme), url.count > scheme.count + 3 else {
                throw site.fail(v.line, "invalid email url \(quoted(url)) (use smtp://host:port or smtps://host:port)")
            }
            return url
        }
    }

    /// A bare address, `name@host`: no display name, no angle brackets.
    static var address: ValueType<String> {
        ValueType("string") { v, site throws(ConfigError) in
            let s = try site.string(v)
            try checkAddress(s, v.line, site)
            return s
        }
    }

    static var addresses: ValueType<[String]> {
        ValueType("array of strings", show: { listed($0) }) { v, site throws(ConfigError) in
            let items = try site.strings(v)
            guard !items.isEmpty else { throw site.fail(v.line, "to = [] sends to nobody; list at least one address") }
            for item in items { try checkAddress(item.value, item.line, site) }
            return items.map(\.value)
        }
    }

    private static func checkAddress(_ s: String, _ line: Int, _ site: KeySite) throws(ConfigError) {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        let bad = s.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || "<>,;\"".unicodeScalars.contains($0) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !bad else {
            throw site.fail(line, "invalid email address \(quoted(s)) (write a bare address: team@example.org)")
        }
    }

    /// `{ Name = "value", … }`, in file order; the headers the daemon sets are refused.
    static var headerTable: ValueType<[Header]> {
        ValueType("table of strings", show: { listed($0) { "\($0.name) = \(quoted($0.value))" } }) { v, site throws(ConfigError) in
            guard let table = v.table else {
                throw site.fail(
                    v.line,
                    "expected a table of header names and values (headers = { Authorization = \"Bearer …\" }), "
                        + "found \(v.typeName)")
            }
            var headers: [Header] = []
            for h in table.entries {
                guard let value = h.value.string else {
                    throw site.fail(h.value.line, "header \(quoted(h.key)) must be a string, found \(h.value.typeName)")
                }
                guard !h.key.isEmpty, h.key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
                    throw site.fail(h.keyPosition.line, "invalid header name \(quoted(h.key))")
                }
                guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0.value == 0 }) else {
                    throw site.fail(h.value.line, "header \(quoted(h.key)) contains a line break")
                }
                let reserved = ["content-type", "idempotency-key", "x-casefile-signature", "content-length", "host"]
                guard !reserved.contains(h.key.lowercased()) else {
                    throw site.fail(h.keyPosition.line, "header \(quoted(h.key)) is set by the daemon itself")
                }
                headers.append(Header(name: h.key, value: value))
            }
            return headers
        }
    }

    /// `on`: change kinds, at least one, each once.
    static var changeKinds: ValueType<[ChangeKind]> {
        let known = ChangeKind.allCases.map(\.rawValue)
        return ValueType("array of strings", choices: known, show: { listed($0, \.rawValue) }) { v, site throws(ConfigError) in
            let items = try site.strings(v)
            guard !items.isEmpty else {
                throw site.fail(v.line, "on = [] would deliver nothing; list change kinds, or leave 'on' out for all of them")
            }
            var kinds: [ChangeKind] = []
            for item in items {
                guard let kind = ChangeKind(rawValue: item.value) else {
                    if let guess = suggestion(for: item.value, among: known) {
                        throw site.fail(item.line, "invalid change kind \(quoted(item.value)) (did you mean \"\(guess)\"?)")
                    }
                    throw site.fail(item.line, "invalid change kind \(quoted(item.value)) (use: \(known.joined(separator: ", ")))")
                }
                guard !kinds.contains(kind) else { throw site.fail(item.line, "change kind \(quoted(item.value)) is listed twice") }
                kinds.append(kind)
            }
            return kinds
        }
    }

    /// `authorities`: slugs such as `east-sussex`, at least one.
    static var slugs: ValueType<[String]> {
        ValueType("array of strings", show: { listed($0) }) { v, site throws(ConfigError) in
            let items = try site.strings(v)
            guard !items.isEmpty else {
                throw site.fail(v.line, "authorities = [] would deliver nothing; list slugs, or leave it out for every authority")
            }
            for item in items where !isSlug(item.value) {
                throw site.fail(
                    item.line,
                    "invalid authority slug \(quoted(item.value)) "
                        + "(lower-case, hyphenated, as in `casefilectl grades`: \"redbridge\", \"east-sussex\")")
            }
            return items.map(\.value)
        }
    }

    static func isSlug(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("-") && !s.hasSuffix("-")
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The regions of the authority list (CasefileParse's data, column `region`).
    static let knownRegions = [
        "East Midlands", "East of England", "London", "North East", "North West", "South East", "South West",
        "West Midlands", "Yorkshire and The Humber",
    ]

    /// `regions`: at least one, each as the authority list spells it (case aside).
    static var regions: ValueType<[String]> {
        ValueType("array of strings", choices: knownRegions, show: { listed($0) }) { v, site throws(ConfigError) in
            let items = try site.strings(v)
            guard !items.isEmpty else {
                throw site.fail(v.line, "regions = [] would deliver nothing; list regions, or leave it out for every region")
            }
            var regions: [String] = []
            for item in items {
                guard let region = knownRegions.first(where: { $0.lowercased() == item.value.lowercased() }) else {
                    throw site.fail(
                        item.line, "unknown region \(quoted(item.value)) (use one of: \(knownRegions.joined(separator: ", ")))")
                }
                regions.append(region)
            }
            return regions
        }
    }

    /// `areas`: judgement areas, at least one; repeats are dropped.
    static var areas: ValueType<[Area]> {
        let known = Area.allCases.map(\.rawValue)
        return ValueType("array of strings", choices: known, show: { listed($0, \.rawValue) }) { v, site throws(ConfigError) in
            let items = try site.strings(v)
            guard !items.isEmpty else {
                throw site.fail(v.line, "areas = [] would deliver no grade change; list areas, or leave it out for every area")
            }
            var areas: [Area] = []
            for item in items {
                guard let area = Area(rawValue: item.value) else {
                    if let guess = suggestion(for: item.value, among: known) {
                        throw site.fail(item.line, "invalid judgement area \(quoted(item.value)) (did you mean \"\(guess)\"?)")
                    }
                    throw site.fail(item.line, "invalid judgement area \(quoted(item.value)) (use: \(known.joined(separator: ", ")))")
                }
                if !areas.contains(area) { areas.append(area) }
            }
            return areas
        }
    }
}

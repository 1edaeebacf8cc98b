/// Parses a duration written as one or more `<integer><unit>` groups, largest
/// unit first: `500ms`, `30s`, `5m`, `6h`, `1d`, `1h30m`.
///
/// Units: `ms`, `s`, `m`, `h`, `d` (24 hours). No spaces, signs, fractions or
/// repeated units; a bare number is refused because it says nothing about
/// its unit. Returns nil when `s` is not such a duration.
public func parseDuration(_ s: String) -> Duration? {
    // (suffix, milliseconds, rank): ranks must strictly decrease along the string.
    let units: [(String, Int64, Int)] = [("ms", 1, 0), ("s", 1_000, 1), ("m", 60_000, 2), ("h", 3_600_000, 3), ("d", 86_400_000, 4)]
    var rest = Substring(s)
    var total: Int64 = 0
    var lastRank = Int.max
    guard !rest.isEmpty else { return nil }
    while !rest.isEmpty {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int64(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        // "ms" before "m", so the longest suffix wins.
        guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
        rest = rest.dropFirst(unit.0.count)
        guard unit.2 < lastRank else { return nil }
        lastRank = unit.2
        let (product, o1) = n.multipliedReportingOverflow(by: unit.1)
        let (sum, o2) = total.addingReportingOverflow(product)
        guard !o1, !o2 else { return nil }
        total = sum
    }
    return .milliseconds(total)
}

/// Parses a size in bytes: a plain number of bytes (`1048576`), or a number
/// and a unit, optionally separated by spaces: `B`, decimal `KB` `MB` `GB`
/// (powers of 1000) or binary `KiB` `MiB` `GiB` (powers of 1024). Units are
/// matched without regard to case. Returns nil for anything else, negative
/// numbers, fractions and overflow.
public func parseByteSize(_ s: String) -> Int? {
    let digits = s.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, let n = Int(digits) else { return nil }
    let unit = s.dropFirst(digits.count).drop { $0 == " " }.lowercased()
    let multipliers: [String: Int] = [
        "": 1, "b": 1,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
    ]
    // "50 " (a space and no unit) is a typo, not bytes.
    if unit.isEmpty, digits.count != s.count { return nil }
    guard let m = multipliers[unit] else { return nil }
    let (bytes, overflow) = n.multipliedReportingOverflow(by: m)
    return overflow ? nil : bytes
}

/// `1h30m`, `500ms`, `0s`: the shortest form `parseDuration` reads back.
func formatDuration(_ d: Duration) -> String {
    let (seconds, attoseconds) = d.components
    var ms = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    if ms == 0 { return "0s" }
    var out = ms < 0 ? "-" : ""
    ms = abs(ms)
    for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] where ms >= size {
        out += "\(ms / size)\(suffix)"
        ms %= size
    }
    return out
}

/// `50MB`, `512KiB`, `1234B`: a readable form of a byte count.
func formatByteSize(_ n: Int) -> String {
    for (suffix, size) in [("GiB", 1 << 30), ("GB", 1_000_000_000), ("MiB", 1 << 20), ("MB", 1_000_000), ("KiB", 1 << 10), ("KB", 1_000)]
    where n >= size && n % size == 0 {
        return "\(n / size)\(suffix)"
    }
    return "\(n)B"
}

import Foundation

/// ISO 8601 UTC to the second, `2026-11-27T09:00:00Z`: the one form every
/// timestamp column holds and every answer of the control API shows.
///
/// Written by hand rather than with `ISO8601DateFormatter`: a fixed format
/// needs no locale or calendar, and the text must sort in time order, which
/// only holds when every row has exactly this shape (the schema checks it).
public enum Timestamp {
    /// The second `date` falls in (rounded down), or, with `roundingUp`, the
    /// first whole second at or after it: a retry time is never moved earlier.
    public static func string(_ date: Date) -> String {
        string(date, roundingUp: false)
    }

    public static func string(_ date: Date, roundingUp: Bool) -> String {
        let t = date.timeIntervalSince1970
        let seconds = Int64(roundingUp ? t.rounded(.up) : t.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(secOfDay / 3600, 2) + ":"
            + pad(secOfDay / 60 % 60, 2) + ":" + pad(secOfDay % 60, 2) + "Z"
    }

    /// Parses the form `string(_:)` writes; nil for anything else.
    public static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A
        else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var n: Int64 = 0
            for i in r {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                n = n * 10 + Int64(b[i] - 0x30)
            }
            return n
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10),
            let h = num(11..<13), let mi = num(14..<16), let s = num(17..<19),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        let days = days(fromCivil: y, mo, d)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + h * 3600 + mi * 60 + s))
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    // Howard Hinnant's civil_from_days / days_from_civil.
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

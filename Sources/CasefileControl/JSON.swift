import Foundation

/// The one JSON style of Casefile: keys sorted (stable output a test or a
/// `diff` can compare), slashes unescaped, dates as ISO 8601 strings made by
/// `Timestamp`.
public enum CasefileJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}

/// Timestamps on the wire: ISO 8601 in UTC to the second, `2026-11-27T09:00:00Z`.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        var tm = tm()
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        gmtime_r(&t, &tm)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T"
            + "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))Z"
    }

    public static func parse(_ s: String) -> Date? {
        let parts = s.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int32($0) }
        guard parts.count == 6, s.hasSuffix("Z") else { return nil }
        var tm = tm()
        tm.tm_year = parts[0] - 1900
        tm.tm_mon = parts[1] - 1
        tm.tm_mday = parts[2]
        tm.tm_hour = parts[3]
        tm.tm_min = parts[4]
        tm.tm_sec = parts[5]
        let t = timegm(&tm)
        return Date(timeIntervalSince1970: TimeInterval(t))
    }
}

import CasefileModel

/// The inspection dates as the title page writes them.
struct InspectionDates {
    /// On-site periods, first to last.
    var periods: [DateSpan]
    var span: DateSpan { DateSpan(start: periods.first!.start, end: periods.last!.end) }
    /// Days on site: the sum of the periods' calendar days.
    var daysOnSite: Int { periods.reduce(0) { $0 + $1.days } }

    static let months: [String: Int] = [
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
        "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
        "oct": 10, "nov": 11, "dec": 12,
    ]

    private struct Partial {
        var day: Int
        var month: Int?
        var year: Int?
    }

    private enum Token: Equatable {
        case number(Int, digits: Int)
        case month(Int)
        case separator
        case other(String)
    }

    /// Splits into numbers, month names, separators (to, and, dashes, commas) and anything else.
    private static func tokens(_ s: String) -> [Token] {
        var result: [Token] = []
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            defer { word = "" }
            if word.allSatisfy({ $0.isASCII && $0.isNumber }) {
                result.append(.number(Int(word) ?? -1, digits: word.count))
                return
            }
            // "1st", "22nd", "3rd", "4th"
            let lower = word.lowercased()
            for suffix in ["st", "nd", "rd", "th"] where lower.hasSuffix(suffix) {
                let digits = lower.dropLast(2)
                if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) {
                    result.append(.number(n, digits: digits.count))
                    return
                }
            }
            if let m = months[lower] {
                result.append(.month(m))
            } else if ["to", "and", "until", "from", "&"].contains(lower) {
                result.append(.separator)
            } else {
                result.append(.other(word))
            }
        }
        for ch in Text.fold(s) {
            if ch.isLetter || ch.isNumber {
                word.append(ch)
            } else if ch == "/" && !word.isEmpty && word.allSatisfy({ $0.isNumber }) {
                // 12/09/2016: keep the numeric date together.
                word.append(ch)
            } else {
                flush()
                if ch == "-" || ch == "," || ch == "&" { result.append(.separator) }
            }
        }
        flush()
        // Numeric dates were kept as one word; split them now.
        var expanded: [Token] = []
        for t in result {
            if case .other(let w) = t, Text.contains(w, "/") {
                let parts = w.split(separator: "/")
                if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 {
                    expanded += [.number(d, digits: parts[0].count), .month(m), .number(y, digits: 4)]
                    continue
                }
            }
            expanded.append(t)
        }
        return expanded
    }

    /// Parses "29 April 2019 to 3 May 2019", "9 May to 20 May 2022",
    /// "11 – 22 July 2022", "19 November–30 November 2018",
    /// "5 to 9 December 2022 and 14 to 15 February 2023", "12/09/2016 to 06/10/2016".
    /// Nil when the text is not only dates.
    static func parse(_ s: String) -> InspectionDates? {
        var partials: [Partial] = []
        for t in tokens(s) {
            switch t {
            case .number(let n, let digits):
                if digits == 4 {
                    guard !partials.isEmpty, partials[partials.count - 1].year == nil else { return nil }
                    partials[partials.count - 1].year = n
                } else if digits <= 2 {
                    partials.append(Partial(day: n))
                } else {
                    return nil
                }
            case .month(let m):
                guard !partials.isEmpty, partials[partials.count - 1].month == nil,
                    partials[partials.count - 1].year == nil
                else { return nil }
                partials[partials.count - 1].month = m
            case .separator:
                continue
            case .other:
                return nil
            }
        }
        guard !partials.isEmpty else { return nil }
        // A day without month or year takes them from the next day that has them.
        var month: Int?, year: Int?
        for i in partials.indices.reversed() {
            if let m = partials[i].month { month = m } else { partials[i].month = month }
            if let y = partials[i].year {
                year = y
            } else {
                // "29 December to 2 January 2019": the first day is in the year before.
                if let y = year, let m = partials[i].month, let nextMonth = partials[(i + 1)...].first?.month, m > nextMonth {
                    partials[i].year = y - 1
                } else {
                    partials[i].year = year
                }
            }
        }
        var dates: [LocalDate] = []
        for p in partials {
            guard let m = p.month, let y = p.year, let d = LocalDate(year: y, month: m, day: p.day) else { return nil }
            dates.append(d)
        }
        var periods: [DateSpan] = []
        if dates.count == 1 {
            periods = [DateSpan(start: dates[0], end: dates[0])]
        } else if dates.count % 2 == 0 {
            for i in stride(from: 0, to: dates.count, by: 2) {
                periods.append(DateSpan(start: dates[i], end: dates[i + 1]))
            }
        } else {
            return nil
        }
        for (i, p) in periods.enumerated() {
            guard p.start <= p.end else { return nil }
            if i > 0, periods[i - 1].end >= p.start { return nil }
        }
        return InspectionDates(periods: periods)
    }

    /// True when the text is a date expression and nothing else (a footer's second line).
    static func isDateLine(_ s: String) -> Bool {
        guard s.count <= 80, s.contains(where: { $0.isNumber }) else { return false }
        var sawMonth = false, sawYear = false
        for t in tokens(s) {
            switch t {
            case .month: sawMonth = true
            case .number(_, let digits): if digits == 4 { sawYear = true } else if digits > 2 { return false }
            case .separator: continue
            case .other: return false
            }
        }
        return sawMonth && sawYear
    }
}

// MARK: - Dates in letters and in SIF reports (frameworks other than ILACS)

/// A month of a year ("judged inadequate in June 2018"): written `YYYY-MM`.
public struct YearMonth: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        let p = s.split(separator: "-")
        guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]),
            let v = YearMonth(year: y, month: m)
        else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM month: \(s)")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Date phrases of letters (focused visits, monitoring visits, JTAIs) and of
/// SIF title pages: single dates ("24 May 2019", "25/11/2016"), visit days
/// with the year left out ("on 30 April and 1 May"), months of a year.
enum LetterDates {
    enum Token: Equatable {
        case day(Int)
        case month(Int)
        case year(Int)
        /// "to", "and", "until", "from", "between", dashes (– ─ -), commas, "&".
        case separator
        case other
    }

    /// One word of a date phrase, or nil when the word is not one (a numeric
    /// date "12/09/2016" is three tokens).
    static func tokens(ofWord raw: Substring) -> [Token]? {
        var w = Text.fold(raw)
        while let l = w.last, ".,;:)".contains(l) { w.removeLast() }
        while let f = w.first, "(".contains(f) { w.removeFirst() }
        if w.isEmpty { return [] }
        if ["-", "to", "and", "until", "till", "from", "between", "&", "--"].contains(w) { return [.separator] }
        if Text.contains(w, "/") {
            let p = w.split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == 3, let d = Int(p[0]), let m = Int(p[1]), let y = Int(p[2]),
                p[2].count == 4, (1...31).contains(d), (1...12).contains(m)
            else { return nil }
            return [.day(d), .month(m), .year(y)]
        }
        if let m = InspectionDates.months[w] { return [.month(m)] }
        var digits = Substring(w)
        for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) && digits.count > 2 {
            digits = digits.dropLast(2)
        }
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) {
            if digits.count == 4 { return [.year(n)] }
            if digits.count <= 2, (1...31).contains(n) { return [.day(n)] }
            return nil
        }
        // "20-22", "28–30": days joined by a dash.
        if Text.contains(w, "-") {
            var out: [Token] = []
            for (i, part) in w.split(separator: "-", omittingEmptySubsequences: false).enumerated() {
                if i > 0 { out.append(.separator) }
                if part.isEmpty { continue }
                guard let t = tokens(ofWord: part) else { return nil }
                out += t
            }
            return out
        }
        return nil
    }

    /// The tokens of a whole phrase; nil when a word is not part of a date.
    static func tokens(_ s: String) -> [Token]? {
        var out: [Token] = []
        for word in s.split(whereSeparator: { $0 == " " }) {
            guard let t = tokens(ofWord: word) else { return nil }
            out += t
        }
        return out
    }

    /// The date phrase at the start of `s`: date words up to the first word
    /// that is not one, or up to the end of the sentence.
    static func leadingPhrase(_ s: String) -> String {
        var taken: [Substring] = []
        for word in s.split(whereSeparator: { $0 == " " }) {
            guard let t = tokens(ofWord: word), !t.isEmpty || word.allSatisfy({ "–─-,".contains($0) }) else { break }
            taken.append(word)
            if word.hasSuffix(".") { break }
        }
        // Trailing separators ("and", "to", commas) belong to the next words.
        while let last = taken.last, tokens(ofWord: last) == [.separator] || tokens(ofWord: last) == [] { taken.removeLast() }
        return taken.joined(separator: " ")
    }

    /// One day and nothing else: "24 May 2019", "1st May 2019", "25/11/2016".
    static func single(_ s: String) -> LocalDate? {
        guard let t = tokens(s.trimmingSpaces), t.count == 3,
            case .day(let d) = t[0], case .month(let m) = t[1], case .year(let y) = t[2]
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// The first and last days a phrase names ("19 and 20 February 2020",
    /// "30 April and 1 May 2019", "22 to 26 January 2024",
    /// "12/09/2016 to 06/10/2016", "20 June 2017 ─ 13 July 2017"). A phrase
    /// without a year takes the year of `letterDate` (the year before when its
    /// month comes after the letter's), and says so. Nil when the phrase is
    /// not only dates, names no day, or its days go backwards.
    static func span(_ s: String, letterDate: LocalDate?) -> (span: DateSpan, yearFromLetter: Bool)? {
        guard let toks = tokens(s) else { return nil }
        var parts: [(day: Int, month: Int?, year: Int?)] = []
        for t in toks {
            switch t {
            case .day(let d): parts.append((d, nil, nil))
            case .month(let m):
                guard !parts.isEmpty, parts[parts.count - 1].month == nil else { return nil }
                parts[parts.count - 1].month = m
            case .year(let y):
                guard !parts.isEmpty, parts[parts.count - 1].year == nil, parts[parts.count - 1].month != nil else { return nil }
                parts[parts.count - 1].year = y
            case .separator: continue
            case .other: return nil
            }
        }
        guard !parts.isEmpty, parts.last?.month != nil else { return nil }
        var fromLetter = false
        if parts.last?.year == nil {
            guard let letter = letterDate, let m = parts.last?.month else { return nil }
            parts[parts.count - 1].year = m > letter.month ? letter.year - 1 : letter.year
            fromLetter = true
        }
        // Days without month or year take them from the next day that has them.
        var month: Int?, year: Int?
        for i in parts.indices.reversed() {
            if let m = parts[i].month { month = m } else { parts[i].month = month }
            if let y = parts[i].year {
                year = y
            } else if let y = year, let m = parts[i].month {
                let nextMonth = parts[(i + 1)...].first?.month ?? m
                parts[i].year = m > nextMonth ? y - 1 : y
            }
        }
        var dates: [LocalDate] = []
        for p in parts {
            guard let m = p.month, let y = p.year, let d = LocalDate(year: y, month: m, day: p.day) else { return nil }
            if let last = dates.last, d < last { return nil }
            dates.append(d)
        }
        return (DateSpan(start: dates[0], end: dates[dates.count - 1]), fromLetter)
    }

    /// "June 2018", "14 June 2018": the month and year; nil otherwise.
    static func yearMonth(_ s: String) -> YearMonth? {
        guard let t = tokens(s.trimmingSpaces) else { return nil }
        var rest = t[...]
        if case .day = rest.first { rest = rest.dropFirst() }
        guard rest.count == 2, case .month(let m) = rest.first, case .year(let y) = rest.last else { return nil }
        return YearMonth(year: y, month: m)
    }
}

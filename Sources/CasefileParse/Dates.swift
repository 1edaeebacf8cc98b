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
            if case .other(let w) = t, w.contains("/") {
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
                      partials[partials.count - 1].year == nil else { return nil }
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
            if let y = partials[i].year { year = y } else {
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

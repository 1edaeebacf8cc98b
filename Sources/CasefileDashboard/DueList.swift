import CasefileModel

/// One line of `casefilectl due`: an authority whose next ILACS inspection
/// window is open, overdue, or opens soon. Its JSON (through `JSONEncoder`)
/// is the `--json` output: fields may be added, never renamed.
public struct DueEntry: Sendable, Hashable, Codable {
    public var slug: String
    public var name: String
    public var region: String
    public var window: DueWindow
    /// Days from the data's date to the window's first day: negative once it
    /// has opened.
    public var daysToOpen: Int

    public init(slug: String, name: String, region: String, window: DueWindow, daysToOpen: Int) {
        self.slug = slug
        self.name = name
        self.region = region
        self.window = window
        self.daysToOpen = daysToOpen
    }
}

/// The answer of `casefilectl due`: the entries, and what they were chosen by.
public struct DueListing: Sendable, Hashable, Codable {
    /// The day the windows are measured against (`DashboardData.asOf`).
    public var asOf: LocalDate
    /// Windows opening up to this many months after `asOf` are listed.
    public var withinMonths: Int
    /// The region filter, when one was given.
    public var region: String?
    /// Overdue first, then open, then opening soon; by first day, then name.
    public var entries: [DueEntry]

    public init(asOf: LocalDate, withinMonths: Int, region: String?, entries: [DueEntry]) {
        self.asOf = asOf
        self.withinMonths = withinMonths
        self.region = region
        self.entries = entries
    }
}

extension DueWindows {
    /// Authorities whose window is open or overdue on `data.asOf`, or opens
    /// within `withinMonths` months of it, optionally in one region (compared
    /// without regard to case). Former authorities and those with no window
    /// are left out.
    public static func due(_ data: DashboardData, withinMonths: Int = 6, region: String? = nil) -> DueListing {
        let horizon = data.asOf.adding(months: max(0, withinMonths))
        let wanted = region.map { $0.lowercased() }
        var entries: [DueEntry] = []
        for a in data.authorities where !a.former {
            if let wanted, a.region.lowercased() != wanted { continue }
            let w = window(reports: a.reports, asOf: data.asOf)
            guard let earliest = w.earliest, w.status != .unknown else { continue }
            guard w.status != .notYet || earliest <= horizon else { continue }
            entries.append(
                DueEntry(
                    slug: a.slug, name: a.name, region: a.region, window: w,
                    daysToOpen: earliest.dayNumber - data.asOf.dayNumber))
        }
        func rank(_ s: DueStatus) -> Int { s == .overdue ? 0 : s == .open ? 1 : 2 }
        entries.sort {
            (rank($0.window.status), $0.daysToOpen, $0.name, $0.slug) < (rank($1.window.status), $1.daysToOpen, $1.name, $1.slug)
        }
        return DueListing(asOf: data.asOf, withinMonths: withinMonths, region: region, entries: entries)
    }

    /// The listing as lines for a terminal: "Barnet (London): open, short
    /// inspection, 2026-10-29 to 2027-10-29".
    public static func lines(_ listing: DueListing) -> [String] {
        listing.entries.map { e in
            let w = e.window
            let state: String
            switch w.status {
            case .overdue: state = "overdue"
            case .open: state = "open"
            case .notYet: state = "opens in \(e.daysToOpen) days"
            case .unknown: state = "unknown"
            }
            let span = "\(w.earliest.map { "\($0)" } ?? "?") to \(w.latest.map { "\($0)" } ?? "?")"
            return "\(e.name) (\(e.region)): \(state), \(w.next ?? "inspection"), \(span)"
        }
    }
}

import ArgumentParser
import CasefileControl
import CasefileDashboard
import CasefileModel

// The dashboard's figures in a terminal: when each authority's next ILACS
// inspection is likely. (The page itself is `export --format html`.)

struct Due: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Authorities whose next ILACS inspection window is open, past, or opens soon.",
        discussion: """
            The window is an estimate from the authority's latest graded ILACS or SIF inspection, its \
            grade and the framework's cycle (the README's "The next-inspection window"); Ofsted does \
            not publish dates. Windows are measured on the day of the daemon's last successful sync.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "List windows opening within this long: months (6m, 6) or years (1y).") var within: Months = Months(6)
    @Option(help: "Only this region, e.g. London or \"North West\" (any case).") var region: String?

    /// `6m`, `6`, `1y`: a number of months, 0 to 120.
    struct Months: ExpressibleByArgument, Sendable {
        var count: Int
        init(_ count: Int) { self.count = count }
        init?(argument: String) {
            var text = argument.lowercased()
            var factor = 1
            if text.hasSuffix("y") {
                factor = 12
                text.removeLast()
            } else if text.hasSuffix("m") {
                text.removeLast()
            }
            guard let n = Int(text), n >= 0, n * factor <= 120 else { return nil }
            count = n * factor
        }
        var defaultValueDescription: String { "\(count)m" }
    }

    func run(_ console: Console) throws {
        let reply = try options.client.get(
            "/due", query: [("within", String(within.count)), ("region", region)], as: DueListing.self)
        console.show(reply, json: options.json, Self.render)
    }

    static func render(_ listing: DueListing) -> String {
        let place = listing.region.map { " in \($0)" } ?? ""
        let scope = "open, past, or opening within \(listing.withinMonths) month\(listing.withinMonths == 1 ? "" : "s")"
        guard !listing.entries.isEmpty else {
            return "No next ILACS inspection window on \(listing.asOf)\(place) is \(scope).\n"
        }
        let rows = listing.entries.map { e -> [String] in
            let w = e.window
            let state: String
            switch w.status {
            case .overdue: state = "past"
            case .open: state = "open"
            case .notYet: state = "in \(e.daysToOpen) days"
            case .unknown: state = "–"
            }
            let last =
                w.from.map { b in
                    "\(Render.framework(b.framework)) \(b.inspection.start) \(b.grade.map(Render.grade) ?? "–")"
                } ?? "–"
            let span = "\(w.earliest.map { "\($0)" } ?? "?")…\(w.latest.map { "\($0)" } ?? "?")"
            return [e.name, e.region, state, span, w.next ?? "–", last]
        }
        return "Next ILACS inspection windows on \(listing.asOf)\(place), \(scope):\n"
            + Render.table(["authority", "region", "window", "from…to", "expected", "latest graded inspection"], rows) + "\n"
    }
}

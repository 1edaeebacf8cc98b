import ArgumentParser
import CasefileControl
import CasefileModel

// What is on file per authority: current grades (as a table or an export),
// the newest report, the history.

struct Grades: CLICommand {
    static let configuration = CommandConfiguration(abstract: "Every authority's current grades (its latest graded inspection).")
    @OptionGroup var options: GlobalOptions

    func run(_ console: Console) throws {
        console.show(try options.client.get("/grades", as: GradesResponse.self), json: options.json, Self.render)
    }

    static func render(_ r: GradesResponse) -> String {
        let areas: [Area] = [.overall, .leadership, .helpAndProtection, .childrenInCare, .careLeavers]
        return Render.table(
            ["authority", "framework", "inspection"] + areas.map(\.rawValue),
            r.authorities.map { a in
                [a.name, Render.framework(a.framework), Render.span(a.inspection)]
                    + areas.map { (a.missing ?? []).contains($0.rawValue) ? Render.missing : Render.grade(a.grades[$0.rawValue]) }
            })
            + (r.authorities.contains { !($0.missing ?? []).isEmpty }
                ? "\n\(Render.missing) a judgement the report should give and does not (incomplete: see casefilectl show SLUG)\n" : "\n")
    }
}

struct Export: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Every authority's current grades, for a spreadsheet (CSV) or a program (JSON); or the dashboard (HTML).",
        discussion: """
            --format html writes the dashboard: one self-contained page (map, table, each authority's \
            history, due windows, recent changes) that asks for nothing when opened, e.g. \
            casefilectl export --format html > casefile.html
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "csv, json or html.") var format: ExportFormat = .csv

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case csv, json, html }

    func validate() throws {
        if format == .html && options.json { throw ValidationError("--json means --format json; it cannot go with --format html") }
    }

    func run(_ console: Console) throws {
        if format == .html {
            console.out(try options.client.getBytes("/dashboard"))
            return
        }
        // --json is --format json, as its help says.
        console.show(try options.client.get("/grades", as: GradesResponse.self), json: format == .json || options.json, Self.csv)
    }

    static var areas: [Area] { GradesExport.areas }

    /// RFC 4180 (`GradesExport`): the daemon publishes the same bytes as `grades.csv`.
    static func csv(_ r: GradesResponse) -> String { GradesExport.csv(r) }
}

struct Show: CLICommand {
    static let configuration = CommandConfiguration(abstract: "An authority's newest report.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The authority's slug, e.g. redbridge.") var slug: String

    func run(_ console: Console) throws {
        let path = "/authorities/\(ControlClient.percentEncodePath(slug))"
        console.show(try options.client.get(path, as: ShowResponse.self), json: options.json, Self.render)
    }

    static func render(_ r: ShowResponse) -> String {
        guard let report = r.report else { return "\(r.authority.name): no report on file\n" }
        return "report \(r.reportID.map(String.init) ?? "?")\n" + Render.report(report) + "\n"
    }
}

struct History: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "An authority's reports, oldest first.",
        discussion: """
            A page at a time: by default the daemon's page of 1000 reports, which holds the whole \
            history of every real authority (a few dozen reports since 2013). When more follow, \
            says so on stderr with the --cursor that continues; --all fetches every page.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The authority's slug, e.g. redbridge.") var slug: String
    @Option(help: "At most this many reports a page (1–10000; default: the daemon's, 1000).") var limit: Int?
    @Option(help: "Only the reports after this cursor: the one a page before gave (`next` in --json).") var cursor: String?
    @Flag(help: "Fetch every page and print them as one (with --json, one answer holding every report).") var all = false

    func validate() throws {
        if let limit, !(1...10_000).contains(limit) { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run(_ console: Console) throws {
        let path = "/authorities/\(ControlClient.percentEncodePath(slug))/history"
        func page(after cursor: String?) throws -> ControlReply<HistoryResponse> {
            try options.client.get(path, query: [("limit", limit.map(String.init)), ("cursor", cursor)], as: HistoryResponse.self)
        }
        let first = try page(after: cursor)
        guard all else {
            console.show(first, json: options.json, Self.render)
            if !options.json, let next = first.value.next {
                console.error(
                    "more reports follow: casefilectl history \(slug)\(limit.map { " --limit \($0)" } ?? "") --cursor \(next) (or --all)\n")
            }
            return
        }
        var whole = first.value
        while let next = whole.next {
            let more = try page(after: next).value
            whole.reports += more.reports
            whole.next = more.next
        }
        let reply = ControlReply(value: whole, body: Array(try CasefileJSON.encode(whole)) + [10])
        console.show(reply, json: options.json, Self.render)
    }

    static func render(_ r: HistoryResponse) -> String {
        func others(_ grades: [String: Grade]) -> String {
            grades.sorted { $0.key < $1.key }.filter { $0.key != "overall" }.map { "\($0.key)=\($0.value.rawValue)" }
                .joined(separator: " ")
        }
        var rows: [[String]] = []
        for h in r.reports {
            // What the report states of an earlier inspection no report on
            // file gives: a row of its own before it, marked as stated.
            let years = Dictionary(grouping: h.statedPrevious ?? [], by: \.year)
            for year in years.keys.sorted() {
                var grades: [String: Grade] = [:]
                for s in years[year]! { grades[s.area.rawValue] = s.grade }
                rows.append([
                    "stated", "–", "–", "\(year)", Render.grade(grades["overall"]),
                    [others(grades), "(stated in report \(h.id), not inspected on file)"].filter { !$0.isEmpty }.joined(separator: " "),
                ])
            }
            rows.append([
                String(h.id), Render.framework(h.framework), h.kind?.rawValue ?? "–", Render.span(h.inspection),
                Render.grade(h.grades["overall"]), others(h.grades),
            ])
        }
        return "\(r.authority.name) (\(r.authority.slug))\n"
            + Render.table(["report", "framework", "kind", "inspection", "overall", "grades"], rows) + "\n"
    }
}

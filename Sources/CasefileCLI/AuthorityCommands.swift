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
                [a.name, Render.framework(a.framework), Render.span(a.inspection)] + areas.map { Render.grade(a.grades[$0.rawValue]) }
            }) + "\n"
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
    static let configuration = CommandConfiguration(abstract: "An authority's reports, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The authority's slug, e.g. redbridge.") var slug: String

    func run(_ console: Console) throws {
        let path = "/authorities/\(ControlClient.percentEncodePath(slug))/history"
        console.show(try options.client.get(path, as: HistoryResponse.self), json: options.json, Self.render)
    }

    static func render(_ r: HistoryResponse) -> String {
        "\(r.authority.name) (\(r.authority.slug))\n"
            + Render.table(
                ["report", "framework", "kind", "inspection", "overall", "grades"],
                r.reports.map { h in
                    [
                        String(h.id), Render.framework(h.framework), h.kind?.rawValue ?? "–", Render.span(h.inspection),
                        Render.grade(h.grades["overall"]),
                        h.grades.sorted { $0.key < $1.key }.filter { $0.key != "overall" }.map { "\($0.key)=\($0.value.rawValue)" }
                            .joined(separator: " "),
                    ]
                }) + "\n"
    }
}

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
        abstract: "Every authority's current grades, for a spreadsheet (CSV) or a program (JSON).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "csv or json.") var format: ExportFormat = .csv

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case csv, json }

    func run(_ console: Console) throws {
        // --json is --format json, as its help says.
        console.show(try options.client.get("/grades", as: GradesResponse.self), json: format == .json || options.json, Self.csv)
    }

    static let areas: [Area] = [.overall, .leadership, .helpAndProtection, .childrenInCare, .careLeavers, .adoption, .lscb]

    /// RFC 4180: fields with a comma, quote or line break are quoted; lines end in CRLF.
    static func csv(_ r: GradesResponse) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let header = ["slug", "name", "framework", "inspection_start", "inspection_end"] + areas.map(\.rawValue) + ["report"]
        var lines = [header.joined(separator: ",")]
        for a in r.authorities {
            let cells =
                [a.slug, a.name, a.framework.rawValue, a.inspection.start.description, a.inspection.end.description]
                + areas.map { a.grades[$0.rawValue]?.rawValue ?? "" } + [String(a.report)]
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
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

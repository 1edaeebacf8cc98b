import CasefileModel

/// The dashboard: one self-contained HTML page (inline CSS, script and SVG;
/// it asks for nothing when opened, from `file://` or from a web server).
///
/// The table, the counts, the map (coloured by overall effectiveness) and the
/// recent changes are HTML, readable without JavaScript; the script adds the
/// choice of judgement, hover and focus details, sorting and filtering, and
/// each authority's detail view, drawn from a JSON copy of the data in the page.
public enum DashboardPage {
    /// The page for a snapshot, as UTF-8 text. Deterministic: the same
    /// snapshot gives the same bytes (no clock is read; every list is sorted).
    public static func render(_ data: DashboardData) -> String {
        let model = PageModel(data)
        var out = ""
        out.reserveCapacity(600_000 + data.authorities.reduce(0) { $0 + $1.reports.count } * 200)
        head(&out, model)
        out += "<body>\n<a class=\"skip\" href=\"#table\">Skip to the table</a>\n"
        out += "<header><h1>Children’s services inspections in England</h1>\n<p>Ofsted’s judgements on the "
        out += "\(model.authorities.count) local authorities’ children’s services, as Casefile holds them on "
        out += "<time datetime=\"\(data.asOf)\">\(Words.date(data.asOf))</time>.</p></header>\n<main>\n"
        // Wide screens: the map on the left; the detail (when open) and the
        // headline figures beside it.
        out += "<div class=\"atlas\">\n"
        PageMap.write(&out, model)
        out += "<div class=\"side\">\n"
        out += "<section id=\"detail\" class=\"detail\" hidden aria-labelledby=\"detail-title\"></section>\n"
        headline(&out, model)
        out += "</div>\n</div>\n"
        PageTable.write(&out, model)
        changes(&out, model)
        about(&out, model)
        out += "</main>\n"
        footer(&out, model)
        out += "<script type=\"application/json\" id=\"data\">"
        PageJSON.write(&out, model)
        out += "</script>\n<script>\n" + PageScript.source + "</script>\n</body>\n</html>\n"
        return out
    }

    /// The page as bytes (UTF-8), for an HTTP body or a file.
    public static func renderBytes(_ data: DashboardData) -> [UInt8] {
        Array(render(data).utf8)
    }

    static func head(_ out: inout String, _ model: PageModel) {
        let v = Escape.html(model.data.version)
        out += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"Casefile \(v)\">\n"
        // An empty icon: no browser asks a server (or file://) for favicon.ico.
        out += "<link rel=\"icon\" href=\"data:,\">\n"
        out += "<title>Children’s services inspections in England, \(Words.date(model.data.asOf)) · Casefile</title>\n"
        out += "<style>\n" + PageStyle.css + "</style>\n</head>\n"
    }

    static func headline(_ out: inout String, _ model: PageModel) {
        out += "<section id=\"headline\" aria-labelledby=\"h-headline\">\n<h2 id=\"h-headline\">At a glance</h2>\n"
        out += "<table class=\"counts\">\n<caption>Authorities by their current grade in each judgement "
        out += "(from each authority’s latest graded inspection)</caption>\n<thead><tr><th scope=\"col\">Judgement</th>"
        let heads = ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not judged", "No graded inspection on file"]
        let classes = ["go", "gg", "gr", "gi", "gn", "gx"]
        for (h, c) in zip(heads, classes) {
            out += "<th scope=\"col\"><span class=\"sw \(c)\" aria-hidden=\"true\"></span> \(h)</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for area in pageAreas {
            let counts = model.counts(area)
            out += "<tr><th scope=\"row\">\(Codes.title(area))</th>"
            for n in counts { out += "<td class=\"num\">\(n)</td>" }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        out += "<p class=\"note\">Ofsted no longer gives an overall effectiveness grade to inspections from April 2026: "
        out += "an authority inspected since then counts as “not judged” in that row.</p>\n<ul class=\"recent\">\n"
        for days in [30, 90] {
            out += "<li><strong>Last \(days) days:</strong> " + changeSummary(model.changes(lastDays: days)) + "</li>\n"
        }
        let due = DueWindows.due(model.data, withinMonths: 6)
        let overdue = due.entries.filter { $0.window.status == .overdue }.count
        let open = due.entries.filter { $0.window.status == .open }.count
        out += "<li><strong>Next inspections:</strong> \(Words.count(open, "window")) open now, "
        out += "\(due.entries.count - open - overdue) opening within six months, \(overdue) past their window "
        out += "with no newer inspection on file.</li>\n</ul>\n</section>\n"
    }

    /// "2 new reports; 3 grade changes (2 improved, 1 declined); 1 report revised."
    static func changeSummary(_ changes: [ChangeRecord]) -> String {
        let added = changes.filter { $0.kind == .reportAdded }.count
        let moved = changes.filter { $0.kind == .gradeChanged }
        let moves = moved.flatMap { $0.grades ?? [] }
        let improved = moves.filter { $0.direction == .improved }.count
        let declined = moves.filter { $0.direction == .declined }.count
        let revised = changes.filter { $0.kind == .reportRevised }.count
        let withdrawn = changes.filter { $0.kind == .reportWithdrawn }.count
        var parts = [Words.count(added, "new report")]
        parts.append(
            "\(Words.count(moved.count, "grade change")) (\(Words.count(moves.count, "judgement")) moved: "
                + "\(improved) improved, \(declined) declined)")
        if revised > 0 { parts.append("\(Words.count(revised, "report")) revised") }
        if withdrawn > 0 { parts.append("\(Words.count(withdrawn, "report")) withdrawn") }
        return parts.joined(separator: "; ") + "."
    }

    static func changes(_ out: inout String, _ model: PageModel) {
        out += "<section id=\"changes\" aria-labelledby=\"h-changes\">\n<h2 id=\"h-changes\">Recent changes</h2>\n"
        let recent = model.recentChanges
        if recent.isEmpty {
            out += "<p>No change is on file yet.</p>\n</section>\n"
            return
        }
        out += "<ol class=\"changes\">\n"
        for c in recent {
            let day = Words.day(ofTimestamp: c.at)
            out += "<li class=\"k-\(c.kind.rawValue)\"><time datetime=\"\(Escape.html(c.at))\">"
            out += Escape.html(day.map(Words.date) ?? c.at) + "</time> "
            out += Escape.html(Words.sentence(c))
            if model.bySlug[c.authority.slug] != nil {
                out += " <a href=\"#a-\(Escape.html(c.authority.slug))\">Details of \(Escape.html(c.authority.name))</a>"
            }
            if let url = Escape.link(c.report.url) {
                out += " <a href=\"\(Escape.html(url))\" rel=\"noopener noreferrer\">Report</a>"
            }
            out += "</li>\n"
        }
        out += "</ol>\n</section>\n"
    }

    static func about(_ out: inout String, _ model: PageModel) {
        out += "<section id=\"about\" aria-labelledby=\"h-about\">\n<h2 id=\"h-about\">How to read this page</h2>\n<ul>\n"
        out += "<li>Current grades are those of each authority’s latest graded inspection (ILACS since 2018, SIF before).</li>\n"
        out += "<li>“Days since” counts from the first day on site of that inspection to \(Words.date(model.data.asOf)); "
        out += "“days to publication” from its last day on site to the report’s publication, where that date is known.</li>\n"
        out += "<li>The next-inspection window is an estimate, not a date Ofsted has given. Rule: "
        out += DueWindows.rules.map { Escape.html($0.basis) }.joined(separator: " ")
        out += " Without an overall grade (inspections from April 2026) the lowest grade of the report stands in for it. "
        out += "Source: Ofsted’s framework for inspecting local authority children’s services (ILACS).</li>\n"
        out += "<li>Statistical neighbours are the Department for Education’s ten closest authorities for children’s "
        out += "services benchmarking.</li>\n</ul>\n</section>\n"
    }

    static func footer(_ out: inout String, _ model: PageModel) {
        out += "<footer>\n<p>Data of <time datetime=\"\(model.data.asOf)\">\(Words.date(model.data.asOf))</time> · "
        out += "Casefile \(Escape.html(model.data.version))</p>\n"
        out += "<p>Inspection reports and grades: Ofsted, © Crown copyright, Open Government Licence v3.0. "
        out += "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
        out += "Contains OS data © Crown copyright and database right 2025. "
        out += "Statistical neighbours: Department for Education; contains public sector information licensed under "
        out += "the Open Government Licence v3.0.</p>\n</footer>\n"
    }
}

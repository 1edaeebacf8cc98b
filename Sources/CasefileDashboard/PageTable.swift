import CasefileModel

/// The table of every authority: plain HTML, complete without JavaScript.
/// Each sortable cell carries its sort value in `data-v`; each row its
/// region and window status for the filters.
enum PageTable {
    static func write(_ out: inout String, _ model: PageModel) {
        out += "<section id=\"table-section\" aria-labelledby=\"h-table\">\n<h2 id=\"h-table\">Every authority</h2>\n"
        controls(&out, model)
        out += "<div class=\"scroll\">\n<table id=\"table\" class=\"authorities\">\n"
        out += "<caption>Current grades, last graded inspection and the estimated window of the next ILACS inspection, "
        out += "as of \(Words.date(model.data.asOf))</caption>\n<thead><tr>"
        out += "<th scope=\"col\" data-type=\"text\">Authority</th><th scope=\"col\" data-type=\"text\">Region</th>"
        for area in pageAreas {
            out += "<th scope=\"col\" data-type=\"num\" data-area=\"\(area.rawValue)\">\(Codes.title(area))</th>"
        }
        out += "<th scope=\"col\" data-type=\"text\">Last inspection</th>"
        out += "<th scope=\"col\" data-type=\"num\" id=\"col-days\">Days since</th>"
        out += "<th scope=\"col\" data-type=\"num\">Days to publication</th>"
        out += "<th scope=\"col\" data-type=\"num\">Next inspection window</th>"
        out += "<th scope=\"col\" data-type=\"text\">Last grade change</th></tr></thead>\n<tbody>\n"
        for a in model.authorities { row(&out, a, model) }
        out += "</tbody>\n</table>\n</div>\n"
        if !model.former.isEmpty {
            out += "<h3>Former authorities</h3>\n<p>Abolished authorities whose reports are on file; their areas "
            out += "belong to today’s authorities above.</p>\n<ul class=\"former\">\n"
            for a in model.former {
                out += "<li><a href=\"#a-\(Escape.html(a.slug))\">\(Escape.html(a.name))</a>: "
                out += "\(Words.count(a.reports.count, "report")) on file"
                if let c = a.current { out += ", last graded \(Words.span(c.inspection))" }
                out += "</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n"
    }

    static func controls(_ out: inout String, _ model: PageModel) {
        let regions = Set(model.authorities.map(\.region).filter { !$0.isEmpty }).sorted()
        out += "<div class=\"controls js-only\" id=\"filters\">\n"
        out += "<label>Region <select id=\"f-region\"><option value=\"\">All regions</option>"
        for r in regions { out += "<option>\(Escape.html(r))</option>" }
        out += "</select></label>\n"
        out += "<label>Grade (<span id=\"f-area\">overall effectiveness</span>) <select id=\"f-grade\">"
        out += "<option value=\"\">Any grade</option><option value=\"go\">Outstanding</option><option value=\"gg\">Good</option>"
        out += "<option value=\"gr\">Requires improvement</option><option value=\"gi\">Inadequate</option>"
        out += "<option value=\"gn\">Not judged</option><option value=\"gx\">No graded inspection on file</option></select></label>\n"
        out += "<label>Next inspection <select id=\"f-window\"><option value=\"\">Any window</option>"
        out += "<option value=\"overdue\">Past its window</option><option value=\"open\">Window open now</option>"
        out += "<option value=\"6\">Open or opening within 6 months</option>"
        out += "<option value=\"12\">Open or opening within 12 months</option>"
        out += "<option value=\"unknown\">No window</option></select></label>\n"
        out += "<output id=\"f-count\" aria-live=\"polite\"></output>\n</div>\n"
    }

    static func row(_ out: inout String, _ a: AuthorityView, _ model: PageModel) {
        let slug = Escape.html(a.slug)
        let asOf = model.data.asOf
        let w = a.due
        let toOpen = w.earliest.map { String($0.dayNumber - asOf.dayNumber) } ?? ""
        out += "<tr id=\"r-\(slug)\" data-slug=\"\(slug)\" data-region=\"\(Escape.html(a.region))\" "
        out += "data-w=\"\(w.status.rawValue)\">"
        out += "<th scope=\"row\"><a href=\"#a-\(slug)\">\(Escape.html(a.name))</a></th>"
        out += "<td>\(Escape.html(a.region))</td>"
        for area in pageAreas {
            let g = a.grade(area)
            out += "<td class=\"g \(Codes.cssClass(g))\" data-v=\"\(Codes.rank(g))\">\(g == nil ? "—" : Codes.words(g))</td>"
        }
        if let c = a.current {
            out += "<td data-v=\"\(c.inspection.start)\">\(Words.span(c.inspection)) <span class=\"fw\">"
            out += "\(Words.label(c.framework, c.kind))</span></td>"
        } else {
            out += "<td data-v=\"\">None on file</td>"
        }
        out += "<td class=\"num\" data-v=\"\(a.daysSince.map(String.init) ?? "")\">\(a.daysSince.map(String.init) ?? "—")</td>"
        out += "<td class=\"num\" data-v=\"\(a.publicationLag.map(String.init) ?? "")\">"
        out += "\(a.publicationLag.map(String.init) ?? "—")</td>"
        out += "<td data-v=\"\(toOpen)\">" + windowText(w) + "</td>"
        if let (r, moves) = a.lastMove {
            let first = moves[0]
            out += "<td data-v=\"\(r.inspection.start)\">\(Words.month(r.inspection.start)): \(first.area.words) "
            out += "\(first.from.words) → \(first.to.words)"
            if moves.count > 1 { out += " (and \(moves.count - 1) more)" }
            out += "</td>"
        } else {
            out += "<td data-v=\"\">—</td>"
        }
        out += "</tr>\n"
    }

    /// "Open: May 2026 to May 2027 (short inspection)".
    static func windowText(_ w: DueWindow) -> String {
        guard let e = w.earliest, let l = w.latest else { return "<span class=\"w w-unknown\">No window</span>" }
        let state: String
        switch w.status {
        case .open: state = "Open"
        case .overdue: state = "Past"
        case .notYet: state = "Opens"
        case .unknown: state = "No window"
        }
        return "<span class=\"w w-\(w.status.rawValue)\">\(state)</span> \(Words.month(e)) to \(Words.month(l))"
            + (w.next.map { " <span class=\"fw\">(\(Escape.html($0)))</span>" } ?? "")
    }
}

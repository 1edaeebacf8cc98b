import CasefileModel

/// The JSON copy of the data that the page's script draws the detail views,
/// the tooltips and the recolouring from. Written by hand, compactly: reports
/// are arrays, grades short codes (`Codes`), keys in a fixed order.
///
/// Shape: `{"asOf": "YYYY-MM-DD", "a": {slug: authority}}`, authority =
/// `{"n": name, "r": region, "c": DfE code|null, "f": former 0|1, "cur": index of
/// the current report in "h" or -1, "w": [status, earliest, latest, next, note],
/// "ds": days since|null, "pl": days to publication|null, "nb": [neighbour slugs],
/// "imr": index of the report the improvements are from or -1, "im": [points],
/// "h": [[framework, kind, start, end, published, grades, url, flags], …]}`,
/// reports oldest first; flags: "u" unreadable, "w" withdrawn.
enum PageJSON {
    static func write(_ out: inout String, _ model: PageModel) {
        out += "{\"asOf\":\"\(model.data.asOf)\",\"a\":{"
        var first = true
        for a in model.authorities + model.former {
            if !first { out += "," }
            first = false
            authority(&out, a)
        }
        out += "}}"
    }

    static func authority(_ out: inout String, _ a: AuthorityView) {
        out += Escape.json(a.slug) + ":{\"n\":" + Escape.json(a.name) + ",\"r\":" + Escape.json(a.region)
        out += ",\"c\":" + (a.code.map(Escape.json) ?? "null") + ",\"f\":\(a.former ? 1 : 0)"
        let cur = a.current.flatMap { c in a.reports.lastIndex(of: c) } ?? -1
        out += ",\"cur\":\(cur)"
        let w = a.due
        out += ",\"w\":[" + Escape.json(w.status.rawValue) + "," + (w.earliest.map { "\"\($0)\"" } ?? "null") + ","
        out += (w.latest.map { "\"\($0)\"" } ?? "null") + "," + (w.next.map(Escape.json) ?? "null") + ","
        out += Escape.json(w.note) + "]"
        out += ",\"ds\":" + (a.daysSince.map(String.init) ?? "null")
        out += ",\"pl\":" + (a.publicationLag.map(String.init) ?? "null")
        out += ",\"nb\":" + Escape.jsonArray(a.former ? [] : Reference.neighbours[a.slug] ?? [])
        let imr = a.reports.lastIndex(where: { !$0.improvements.isEmpty }) ?? -1
        out += ",\"imr\":\(imr),\"im\":" + Escape.jsonArray(imr >= 0 ? a.reports[imr].improvements : [])
        out += ",\"h\":["
        for (i, r) in a.reports.enumerated() {
            if i > 0 { out += "," }
            out += "[\"\(r.framework.rawValue)\"," + (r.kind.map { "\"\($0.rawValue)\"" } ?? "null")
            out += ",\"\(r.inspection.start)\",\"\(r.inspection.end)\","
            out += (r.published.map { "\"\($0)\"" } ?? "null") + ",\"" + Codes.grades(r.unreadable ? [:] : r.grades) + "\","
            out += (Escape.link(r.url).map(Escape.json) ?? "null") + ",\""
            out += (r.unreadable ? "u" : "") + (r.withdrawn ? "w" : "") + "\"]"
        }
        out += "]}"
    }
}

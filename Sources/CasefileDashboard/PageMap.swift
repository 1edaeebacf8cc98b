import CasefileModel

/// The map: one SVG path per authority (projected at build time, see
/// `Data/generate.py`), coloured by overall effectiveness in the HTML itself,
/// and London's boroughs again, larger, in an inset (`<use>` copies, so they
/// take their colour from the same paths).
enum PageMap {
    /// Room added east of England for the London inset, in map units.
    static let insetRoom = 1500
    static let insetScale = 3.4

    static func write(_ out: inout String, _ model: PageModel) {
        let width = GeneratedData.mapWidth + insetRoom, height = GeneratedData.mapHeight
        out += "<section id=\"map-section\" aria-labelledby=\"h-map\">\n<h2 id=\"h-map\">Map</h2>\n"
        out += "<div class=\"controls js-only\"><label for=\"pick\">Colour by</label> <select id=\"pick\">"
        for area in pageAreas {
            out += "<option value=\"\(area.rawValue)\"\(area == .overall ? " selected" : "")>\(Codes.title(area))</option>"
        }
        out += "</select></div>\n<div class=\"map-wrap\">\n"
        out += "<svg id=\"map\" viewBox=\"0 0 \(width) \(height)\" role=\"group\" "
        out += "aria-label=\"Map of England’s local authorities, coloured by their current grade\">\n"
        patterns(&out)
        out += "<g id=\"areas\">\n"
        let features = Reference.features
        for f in features {
            let a = model.bySlug[f.slug]
            let g = a?.grade(.overall)
            let label = "\(a?.name ?? f.name): overall effectiveness \(g?.words ?? "no graded inspection on file")"
            out += "<path id=\"m-\(f.slug)\" class=\"\(Codes.cssClass(g))\" data-slug=\"\(f.slug)\" role=\"img\" "
            out += "aria-label=\"\(Escape.html(label))\" d=\"\(f.path)\"/>\n"
        }
        out += "</g>\n"
        inset(&out, features.filter(\.isLondon))
        out += "</svg>\n<div id=\"tip\" class=\"tip\" role=\"tooltip\" hidden></div>\n</div>\n"
        legend(&out, model)
        out += "<p class=\"note\">Hover over or tab to an authority for its grades; select it for its detail. "
        out += "London’s boroughs are drawn again, larger, in the inset.</p>\n</section>\n"
    }

    /// Fill patterns: inadequate is hatched and requires improvement dotted,
    /// so that the two lower grades differ by more than colour.
    static func patterns(_ out: inout String) {
        out += "<defs>"
        out += "<pattern id=\"pi\" width=\"60\" height=\"60\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        out += "<rect width=\"60\" height=\"60\" fill=\"#b2182b\"/><rect width=\"18\" height=\"60\" fill=\"#f7f7f7\"/></pattern>"
        out += "<pattern id=\"pr\" width=\"50\" height=\"50\" patternUnits=\"userSpaceOnUse\">"
        out += "<rect width=\"50\" height=\"50\" fill=\"#f4a582\"/><circle cx=\"25\" cy=\"25\" r=\"9\" fill=\"#6b3a1f\"/></pattern>"
        out += "<pattern id=\"px\" width=\"150\" height=\"150\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(-45)\">"
        out += "<rect width=\"150\" height=\"150\" fill=\"#fff\"/><rect width=\"24\" height=\"150\" fill=\"#9a9a9a\"/></pattern>"
        out += "</defs>\n"
    }

    static func inset(_ out: inout String, _ london: [Reference.Feature]) {
        let (minX, minY, maxX, maxY) = GeneratedData.londonBox
        let pad = 30
        let w = Double(maxX - minX + 2 * pad) * insetScale, h = Double(maxY - minY + 2 * pad) * insetScale
        let left = Double(GeneratedData.mapWidth + insetRoom) - w - 60, top = 60.0
        let tx = left - Double(minX - pad) * insetScale, ty = top - Double(minY - pad) * insetScale
        out += "<g id=\"inset\">"
        out += "<rect class=\"frame\" x=\"\(Int(left))\" y=\"\(Int(top))\" width=\"\(Int(w))\" height=\"\(Int(h))\"/>"
        out += "<text x=\"\(Int(left) + 60)\" y=\"\(Int(top) + 260)\" class=\"inset-label\">London</text>\n"
        out += "<g transform=\"translate(\(Int(tx)) \(Int(ty))) scale(\(insetScale))\">\n"
        for f in london {
            out += "<use href=\"#m-\(f.slug)\" data-slug=\"\(f.slug)\"/>\n"
        }
        out += "</g></g>\n"
    }

    static func legend(_ out: inout String, _ model: PageModel) {
        let counts = model.counts(.overall)
        let grades: [Grade?] = [.outstanding, .good, .requiresImprovement, .inadequate, .notJudged, nil]
        out += "<ul class=\"legend\" id=\"legend\" aria-label=\"Key\">\n"
        for (i, g) in grades.enumerated() {
            out += "<li><span class=\"sw \(Codes.cssClass(g))\" aria-hidden=\"true\"></span> \(Codes.words(g)) "
            out += "(<span class=\"n\" data-i=\"\(i)\">\(counts[i])</span>)</li>\n"
        }
        out += "</ul>\n"
    }
}

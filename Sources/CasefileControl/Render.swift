import CasefileModel

/// Tables and summaries for people. Machine output is `--json`; these may
/// change layout between versions.
public enum Render {
    /// Left-aligned columns separated by two spaces; the header in capitals.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                out += last ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return out
        }
        return ([line(header.map { $0.uppercased() })] + rows.map(line)).joined(separator: "\n")
    }

    public static func span(_ s: DateSpan) -> String { "\(s.start)…\(s.end)" }

    public static func grade(_ g: Grade?) -> String { g?.words ?? "–" }

    /// What a table shows for a judgement the report should give and does
    /// not (an incomplete report), where `–` means none was due.
    public static let missing = "?"

    /// One line that says what a change is.
    public static func describe(_ c: ChangeRecord) -> String {
        let when = span(c.report.inspection)
        switch c.kind {
        case .reportAdded:
            return "\(c.authority.name): \(framework(c.report.framework)) report of \(when) added"
        case .gradeChanged:
            let moves = (c.grades ?? []).map {
                "\($0.area.words) \($0.from.words) → \($0.to.words)" + ($0.fromReport.map { " (from report \($0))" } ?? "")
            }.joined(separator: "; ")
            return "\(c.authority.name): \(moves) (\(framework(c.report.framework)) \(when))"
        case .reportRevised:
            let f = (c.fields ?? []).joined(separator: ", ")
            return "\(c.authority.name): \(framework(c.report.framework)) report of \(when) revised\(f.isEmpty ? "" : " (\(f))")"
        case .reportWithdrawn:
            return "\(c.authority.name): \(framework(c.report.framework)) report of \(when) withdrawn by its source"
        }
    }

    public static func framework(_ f: Framework) -> String {
        switch f {
        case .ilacs: return "ILACS"
        case .sif: return "SIF"
        case .focusedVisit: return "focused visit"
        case .monitoringVisit: return "monitoring visit"
        case .jtai: return "JTAI"
        case .other: return "other"
        }
    }

    /// A parsed report for people: the facts, then the judgements.
    public static func report(_ r: Report) -> String {
        var lines = [
            "authority:   \(r.authority.name) (\(r.authority.slug))",
            "framework:   \(framework(r.framework))\(r.kind.map { " (\($0.rawValue), inferred from the dates)" } ?? "")",
            "inspection:  \(span(r.inspection))",
            "inspector:   \(r.leadInspectors.isEmpty ? "–" : r.leadInspectors.joined(separator: "; "))",
            "hash:        \(r.contentHash)",
            "",
        ]
        if r.judgements.isEmpty && r.missing.isEmpty {
            lines.append("no grades")
        } else {
            lines.append(
                table(
                    ["area", "grade", "judgement"],
                    r.judgements.map { [$0.area.rawValue, $0.grade.words, $0.title] }
                        + r.missing.map { [$0.area.rawValue, missing, "missing: \($0.reason)"] }))
        }
        if r.incomplete || !r.missing.isEmpty {
            lines.append("")
            lines.append(
                "INCOMPLETE: \(r.missing.count) judgement\(r.missing.count == 1 ? "" : "s") this report should give "
                    + "(by its framework and dates) \(r.missing.count == 1 ? "is" : "are") missing: "
                    + r.missing.map(\.area.rawValue).joined(separator: ", "))
        }
        if !r.improvements.isEmpty {
            lines.append("")
            lines.append("what needs to improve:")
            lines += r.improvements.map { "  - \($0)" }
        }
        let paragraphs = r.sections.reduce(0) { $0 + $1.paragraphs.count }
        lines.append("")
        lines.append("\(r.sections.count) sections, \(paragraphs) numbered paragraphs")
        for w in r.warnings { lines.append("warning: \(w)") }
        return lines.joined(separator: "\n")
    }
}

import CasefileModel
import Foundation

/// Every authority's current grades as a spreadsheet's CSV: what
/// `casefilectl export` prints and what the daemon publishes as `grades.csv`
/// (one writer, so both are the same bytes).
public enum GradesExport {
    /// The judgement columns, in order.
    public static let areas: [Area] = [.overall, .leadership, .helpAndProtection, .childrenInCare, .careLeavers, .adoption, .lscb]

    /// RFC 4180: fields with a comma, quote or line break are quoted; lines end in CRLF.
    public static func csv(_ r: GradesResponse) -> String {
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

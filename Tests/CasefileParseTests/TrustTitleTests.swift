import CasefileModel
import CasefileTestKit
import Testing

@testable import CasefileParse

/// ILACS reports of authorities whose children's services a trust runs are
/// titled with the trust's name; the report belongs to the authority.
struct TrustTitleTests {
    @Test func aTrustTitleIsPlacedOnItsAuthority() throws {
        var text = try TestPaths.fixtureText("redbridge-2019-ilacs.txt")
        // Synthetic: the Redbridge text under a trust's title.
        text = text.replacingOccurrences(
            of: "London Borough of Redbridge\n\nInspection of children's social care services",
            with: "Inspection of Bradford Children and Families Trust")
        #expect(text.contains("Inspection of Bradford Children and Families Trust"))
        let report = try ReportParser().parse(text: text)
        #expect(report.framework == .ilacs)
        #expect(report.authority.slug == "bradford")
        #expect(report.grades[.overall] == .outstanding)
    }

    @Test func anUnknownTrustIsRefusedNamingIt() {
        var text = (try? TestPaths.fixtureText("redbridge-2019-ilacs.txt")) ?? ""
        text = text.replacingOccurrences(
            of: "London Borough of Redbridge\n\nInspection of children's social care services",
            with: "Inspection of Nowhere Children and Families Trust")
        #expect(throws: ParseError.self) { try ReportParser().parse(text: text) }
        do {
            _ = try ReportParser().parse(text: text)
        } catch {
            #expect(error.reason.contains("Nowhere"), "\(error.reason)")
        }
    }
}

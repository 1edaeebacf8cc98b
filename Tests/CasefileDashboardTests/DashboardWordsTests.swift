import CasefileModel
import CasefileTestKit
import Foundation
import Testing

@testable import CasefileDashboard

/// The page words a change as the notifications do (`CasefileNotify`'s
/// `ChangeMessage.sentence`): these are the sentences a subscriber got.
@Suite struct DashboardWordsTests {
    static let redbridge = Authority(name: "Redbridge", slug: "redbridge")
    static func span(_ a: String, _ b: String) -> DateSpan { DateSpan(start: LocalDate(iso: a)!, end: LocalDate(iso: b)!) }
    static let report = ReportRef(id: 2, framework: .ilacs, inspection: span("2019-04-29", "2019-05-03"), url: nil)

    @Test func gradeChangedOverallFirst() {
        let c = ChangeRecord(
            seq: 1, id: "x", kind: .gradeChanged, at: "2026-11-27T09:00:00Z", authority: Self.redbridge, report: Self.report,
            grades: [
                GradeMove(area: .careLeavers, from: .good, to: .requiresImprovement),
                GradeMove(area: .overall, from: .requiresImprovement, to: .good),
                GradeMove(area: .leadership, from: .requiresImprovement, to: .outstanding),
            ],
            previous: ReportRef(id: 1, framework: .sif, inspection: Self.span("2016-03-07", "2016-03-31"), url: nil))
        #expect(
            Words.sentence(c) == "Ofsted's ILACS inspection of Redbridge children's services (29 April to 3 May 2019) moved "
                + "overall effectiveness from requires improvement to good, leadership from requires improvement to outstanding "
                + "and care leavers from good to requires improvement, since the previous inspection (7 to 31 March 2016).")
    }

    @Test func otherKinds() {
        let visit = ReportRef(id: 3, framework: .focusedVisit, inspection: Self.span("2021-12-31", "2022-01-01"), url: nil)
        let added = ChangeRecord(
            seq: 2, id: "y", kind: .reportAdded, at: "2026-11-27T09:00:00Z", authority: Self.redbridge, report: visit)
        #expect(
            Words.sentence(added)
                == "Ofsted's report on its focused visit of Redbridge children's services (31 December 2021 to 1 January 2022) is now on file."
        )
        var revised = added
        revised.kind = .reportRevised
        revised.fields = ["improvements", "lead_inspector"]
        #expect(
            Words.sentence(revised) == "Ofsted has republished its report on the focused visit of Redbridge children's services "
                + "(31 December 2021 to 1 January 2022) with changes to improvements and lead inspector.")
        var withdrawn = added
        withdrawn.kind = .reportWithdrawn
        withdrawn.report.inspection = Self.span("2022-01-11", "2022-01-11")
        #expect(
            Words.sentence(withdrawn) == "Ofsted no longer lists its report on the focused visit of Redbridge children's services "
                + "(11 January 2022); the report stays on file and the grades are unchanged.")
        #expect(Words.span(Self.span("2019-04-03", "2019-04-17")) == "3 to 17 April 2019")
    }
}

/// The bundled map and neighbour list.
@Suite struct DashboardReferenceTests {
    @Test func everyAuthorityOnceWithTenNeighboursOnTheMap() {
        let map = DashboardReference.mapAuthorities
        #expect(map.count == 153)
        let slugs = Set(map.map(\.slug))
        #expect(slugs.count == 153)
        #expect(map.filter { $0.gssCode.hasPrefix("E09") }.count == 33)
        for a in map {
            let n = DashboardReference.neighbours(of: a.slug)
            #expect(n.count == 10, "\(a.slug)")
            #expect(Set(n).count == 10 && !n.contains(a.slug) && n.allSatisfy(slugs.contains), "\(a.slug): \(n)")
        }
        #expect(DashboardReference.neighbours(of: "barnet").prefix(3) == ["waltham-forest", "reading", "harrow"])
    }

    /// The generated Swift file is what `Data/generate.py` makes of the bundled data.
    @Test func generatedDataIsUpToDate() throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            print("skipped: /usr/bin/python3 is not installed (make deps installs it)")
            return
        }
        let script = TestPaths.packageRoot.appendingPathComponent("Sources/CasefileDashboard/Data/generate.py")
        let r = try runCommand(python, [script.path, "--check"])
        #expect(r.status == 0, "\(r)")
    }
}

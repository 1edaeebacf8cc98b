import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// Which judgements a report must give follows from its framework and
/// dates; one that gives fewer is marked incomplete, naming each missing
/// judgement and why, never silently. And ILACS rows are read by what they
/// mean, not by their exact label.
@Suite struct CompletenessTests {
    static let redbridge = (try? TestPaths.fixtureText("redbridge-2019-ilacs.txt")) ?? ""
    static let five = (try? TestPaths.fixtureText("synthetic-ilacs-2023-five-judgements.txt")) ?? ""
    static let noOverall = (try? TestPaths.fixtureText("synthetic-ilacs-2026-no-overall.txt")) ?? ""
    static let sif = (try? TestPaths.fixtureText("synthetic-sif-with-lscb.txt")) ?? ""
    static let reinspection = (try? TestPaths.fixtureText("synthetic-sif-reinspection.txt")) ?? ""
    static let careLeaversRow = "The experiences and progress of care\nleavers\n\nOutstanding\n"

    func parse(_ text: String) throws(ParseError) -> ParsedReport { try ReportParser().parseDetailed(text: text) }

    func edit(_ text: String, _ old: String, _ new: String) throws -> String {
        try #require(text.contains(old), "fixture lacks '\(old)'")
        return text.replacingOccurrences(of: old, with: new)
    }

    func missing(_ r: Report) -> [String] { r.missing.map { "\($0.area.rawValue): \($0.reason)" } }

    // MARK: ILACS by its dates

    @Test func before2023ThreeJudgementsAndOverallAreComplete() throws {
        let r = try parse(Self.redbridge).report
        #expect(r.missing.isEmpty)
        #expect(!r.incomplete)
        #expect(!r.warnings.contains { $0.hasPrefix("incomplete") })
    }

    @Test func from2023CareLeaversAreJudgedApart() throws {
        let r = try parse(Self.five).report
        #expect(!r.incomplete, "\(missing(r))")
        let without = try parse(try edit(Self.five, Self.careLeaversRow, "")).report
        #expect(without.grades[.careLeavers] == nil)
        #expect(without.grades.count == 4)
        #expect(without.incomplete)
        #expect(missing(without) == ["care_leavers: no row in the judgement table"])
        #expect(without.warnings.contains { $0.hasPrefix("incomplete") && $0.contains("care_leavers") }, "\(without.warnings)")
    }

    @Test func from2023AStillCombinedCareRowNeedsNoCareLeaversRow() throws {
        let text = try edit(
            Self.redbridge, "Inspection dates: 29 April 2019 to 3 May 2019", "Inspection dates: 16 January 2023 to 27 January 2023")
        let r = try parse(text).report
        #expect(r.grades[.childrenInCare] == .good)
        #expect(!r.incomplete, "\(missing(r))")
    }

    @Test func fromApril2026ThereIsNoOverall() throws {
        let r = try parse(Self.noOverall).report
        #expect(r.grades[.overall] == nil)
        #expect(!r.incomplete, "\(missing(r))")
        // The same report dated before April 2026 lacks its overall judgement.
        let march = try parse(try edit(Self.noOverall, "Inspection dates: 13 – 17 April 2026", "Inspection dates: 9 – 13 March 2026"))
            .report
        #expect(march.incomplete)
        #expect(missing(march) == ["overall: no row in the judgement table"])
    }

    @Test func aDroppedRowIsNamedWithItsReason() throws {
        let noGrade = try parse(try edit(Self.redbridge, "children in care and care leavers\tGood", "children in care and care leavers"))
            .report
        #expect(missing(noGrade) == ["children_in_care: no grade read with certainty"])
        let conflict = try parse(
            try edit(
                Self.redbridge, "children who need help and protection\tOutstanding", "children who need help and protection\tGood")
        ).report
        #expect(missing(conflict) == ["help_and_protection: the judgement table and the body heading disagree"])
        #expect(conflict.incomplete)
    }

    @Test func anUnreadableReportMissesEveryJudgement() throws {
        var text = Self.redbridge
        for row in [
            "social work practice with children and families\tOutstanding", "children who need help and protection\tOutstanding",
            "children in care and care leavers\tGood",
        ] {
            text = try edit(text, row, String(row.split(separator: "\t")[0]))
        }
        let p = try parse(text)
        #expect(p.isUnreadable)
        #expect(p.report.unreadable != nil)
        #expect(p.report.incomplete)
        #expect(
            missing(p.report) == [
                "leadership: no grade read with certainty", "help_and_protection: no grade read with certainty",
                "children_in_care: no grade read with certainty", "overall: not kept: the report is unreadable",
            ])
    }

    // MARK: ILACS rows by meaning

    /// The late-2025 template's "children care leavers" (sic), and other
    /// wordings of the same rows.
    @Test(arguments: [
        ("The experiences and progress of care\nleavers", "The experiences and progress of\nchildren care leavers"),
        ("The experiences and progress of care\nleavers", "Experiences and progress of care leavers"),
        ("The experiences and progress of\nchildren in care", "The experiences and progress of children looked after"),
        (
            "The experiences and progress of\nchildren who need help and protection",
            "The experiences and progress of\nchildren in need of help and protection"
        ),
        (
            "The impact of leaders on social work\npractice with children and families",
            "The impact of leaders on practice with\nchildren and families"
        ),
    ])
    func rowsReadByMeaning(old: String, new: String) throws {
        let r = try parse(try edit(Self.five, old, new)).report
        #expect(
            r.grades == [
                .leadership: .good, .helpAndProtection: .requiresImprovement, .childrenInCare: .good,
                .careLeavers: .outstanding, .overall: .good,
            ], "\(r.warnings)")
        #expect(!r.incomplete, "\(missing(r))")
    }

    @Test func aLabelThatMeansTwoJudgementsIsNoRow() throws {
        let text = try edit(
            Self.five, "The experiences and progress of\nchildren in care\n",
            "The experiences and progress of\nchildren in care and help and protection\n")
        let r = try parse(text).report
        #expect(r.grades[.childrenInCare] == nil)
        #expect(r.grades[.helpAndProtection] == nil || r.grades[.helpAndProtection] == .requiresImprovement)
        #expect(r.incomplete)
        #expect(r.missing.contains { $0.area == .childrenInCare })
    }

    // MARK: SIF and LSCB reviews

    @Test func sifWithItsLSCBReviewIsComplete() throws {
        let r = try parse(Self.sif).report
        #expect(r.grades.count == 7)
        #expect(!r.incomplete, "\(missing(r))")
    }

    @Test func sifWhoseTitleNamesTheLSCBNeedsItsGrade() throws {
        var text = try edit(Self.sif, "Children Board (LSCB) is\ngood.", "Children Board (LSCB) was\nreviewed.")
        text = try edit(text, "The Local Safeguarding Children Board is good", "The Local Safeguarding Children Board was reviewed")
        let r = try parse(text).report
        #expect(r.grades[.lscb] == nil)
        #expect(r.incomplete)
        #expect(missing(r) == ["lscb: not found in the report"], "\(r.warnings)")
    }

    @Test func aReinspectionNeedsNoLSCB() throws {
        let r = try parse(Self.reinspection).report
        #expect(r.grades[.lscb] == nil)
        #expect(!r.missing.contains { $0.area == .lscb })
    }

    @Test func lettersAndOlderFrameworksMissNothing() throws {
        for fixture in [
            "synthetic-focused-visit.txt", "synthetic-monitoring-visit.txt", "synthetic-jtai.txt", "synthetic-looked-after-2013.txt",
        ] {
            let r = try parse(try TestPaths.fixtureText(fixture)).report
            #expect(r.missing.isEmpty && !r.incomplete, "\(fixture)")
        }
    }

    @Test func anLSCBReviewWithoutItsGradeMissesIt() throws {
        let p = try parse(
            "Surrey Safeguarding Children Board\nReview of the effectiveness of the Local Safeguarding Children\nBoard\nInspection date: 15 June 2015 – 17 June 2015\n"
        )
        #expect(p.isUnreadable)
        #expect(missing(p.report) == ["lscb: not found in the report"])
    }
}

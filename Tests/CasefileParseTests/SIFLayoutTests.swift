import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// SIF layouts beyond the common one: the overall judgement worded
/// otherwise, judgement-list grades printed apart from their rows, and LSCB
/// judgements stated otherwise. From the synthetic SIF fixture, edited.
@Suite struct SIFLayoutTests {
    static let combined = (try? TestPaths.fixtureText("synthetic-sif-with-lscb.txt")) ?? ""
    static let list = """
        1. Children who need help and protection

        Requires
        improvement

        2. Children looked after and achieving permanence

        Good

        2.1 Adoption performance

        Not judged

        2.2 Experiences and progress of care leavers

        Outstanding

        3. Leadership, management and governance

        Requires
        improvement

        """
    static let expected: [Area: Grade] = [
        .overall: .requiresImprovement, .helpAndProtection: .requiresImprovement, .childrenInCare: .good,
        .adoption: .notJudged, .careLeavers: .outstanding, .leadership: .requiresImprovement, .lscb: .good,
    ]

    func parse(_ text: String) throws(ParseError) -> ParsedReport { try ReportParser().parseDetailed(text: text) }

    func combined(replacing old: String, with new: String) throws -> String {
        try #require(Self.combined.contains(old), "fixture lacks '\(old)'")
        return Self.combined.replacingOccurrences(of: old, with: new)
    }

    // MARK: The judgement list

    @Test func gradesPrintedUnderTheLabelsInTheirOrder() throws {
        let apart = """
            1. Children who need help and protection
            2. Children looked after and achieving permanence
            2.1 Adoption performance
            2.2 Experiences and progress of care leavers
            3. Leadership, management and governance
            Requires improvement
            Good
            Not judged
            Outstanding
            Requires improvement

            """
        let p = try parse(try combined(replacing: Self.list, with: apart))
        #expect(p.report.grades == Self.expected, "\(p.report.warnings)")
        #expect(!p.report.incomplete)
        #expect(p.report.warnings.contains { $0.contains("printed after their labels") })
    }

    @Test func someGradesPrintedApart() throws {
        let apart = """
            1. Children who need help and protection
            Requires improvement
            2. Children looked after and achieving permanence
            Good
            2.1 Adoption performance
            2.2 Experiences and progress of care leavers
            Not judged
            Outstanding
            3. Leadership, management and governance
            Requires improvement

            """
        let p = try parse(try combined(replacing: Self.list, with: apart))
        #expect(p.report.grades == Self.expected, "\(p.report.warnings)")
    }

    @Test func gradesThatDoNotCountOutAreNotGuessed() throws {
        // Five labels, four grades after them: which is which is not known.
        let apart = """
            1. Children who need help and protection
            2. Children looked after and achieving permanence
            2.1 Adoption performance
            2.2 Experiences and progress of care leavers
            3. Leadership, management and governance
            Requires improvement
            Good
            Outstanding
            Requires improvement

            """
        let p = try parse(try combined(replacing: Self.list, with: apart))
        for area in [Area.helpAndProtection, .childrenInCare, .adoption, .careLeavers] {
            #expect(p.report.grades[area] == nil || p.report.grades[area] == Self.expected[area], "\(area)")
        }
        #expect(p.report.incomplete || p.isUnreadable)
    }

    // MARK: The overall judgement

    @Test(arguments: [
        ("The overall judgement for Somerset is that children’s services require\nimprovement", Grade.requiresImprovement),
        ("The overall effectiveness of children’s services in Somerset is judged to\nrequire improvement", .requiresImprovement),
        ("Overall, children’s services in Somerset require improvement", .requiresImprovement),
        ("The overall effectiveness of children’s services is inadequate", .inadequate),
        ("Overall effectiveness\tInadequate", .inadequate),
        ("Overall effectiveness\nGood", .good),
    ])
    func overallWordedOtherwise(sentence: String, grade: Grade) throws {
        var text = try combined(replacing: "The overall judgement is requires improvement", with: sentence)
        text = text.replacingOccurrences(of: "Children’s services in Somerset require improvement because:\n", with: "")
        let p = try parse(text)
        #expect(p.report.grades[.overall] == grade, "\(p.report.warnings)")
        #expect(!p.isUnreadable)
    }

    @Test func aNegatedOrPastStatementIsNoOverallJudgement() throws {
        var text = try combined(
            replacing: "The overall judgement is requires improvement", with: "Children’s services in Somerset are no longer inadequate")
        text = text.replacingOccurrences(of: "Children’s services in Somerset require improvement because:\n", with: "")
        let p = try parse(text)
        #expect(p.report.grades[.overall] == nil)
        #expect(p.isUnreadable)
        #expect(p.report.missing.contains { $0.area == .overall })
    }

    // MARK: The LSCB

    @Test(arguments: [
        "The LSCB is good.",
        "The LSCB is judged to be good.",
        "The effectiveness of Somerset Safeguarding Children Board is good.",
        "The effectiveness of the LSCB\nGood",
    ])
    func lscbStatedOtherwise(sentence: String) throws {
        var text = try combined(replacing: "The effectiveness of the Local Safeguarding Children Board (LSCB) is\ngood.", with: sentence)
        text = text.replacingOccurrences(of: "The Local Safeguarding Children Board is good\n", with: "")
        let p = try parse(text)
        #expect(p.report.grades[.lscb] == .good, "\(p.report.warnings)")
        #expect(!p.report.incomplete)
    }
}

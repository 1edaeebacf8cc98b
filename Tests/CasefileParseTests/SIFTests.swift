import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// SIF reports (2013–2018), their re-inspections and LSCB reviews, from the
/// synthetic fixtures (made-up texts about real authorities of the list)
/// edited one wording at a time.
@Suite struct SIFTests {
    static let combined = (try? TestPaths.fixtureText("synthetic-sif-with-lscb.txt")) ?? ""
    static let reinspection = (try? TestPaths.fixtureText("synthetic-sif-reinspection.txt")) ?? ""
    static let datesLine = "Inspection date: 20 January 2015 – 11 February 2015"
    static let helpRow = "1. Children who need help and protection\n\nRequires\nimprovement\n"

    func parse(_ text: String) throws(ParseError) -> ParsedReport { try ReportParser().parseDetailed(text: text) }

    func combined(replacing old: String, with new: String) throws -> String {
        try #require(Self.combined.contains(old), "fixture lacks '\(old)'")
        return Self.combined.replacingOccurrences(of: old, with: new)
    }

    /// Version 3: authorities by normalised name, ILACS rows by meaning,
    /// completeness, stated previous grades, more SIF and letter layouts.
    @Test func versionIsThree() {
        #expect(ReportParser.version == 3)
    }

    @Test func combinedReportWithItsLSCBReview() throws {
        let p = try parse(Self.combined)
        let r = p.report
        #expect(r.framework == .sif)
        #expect(r.kind == nil)
        #expect(r.authority.slug == "somerset")
        #expect(r.authority.name == "Somerset County Council")
        #expect(r.inspection.start.description == "2015-01-20")
        #expect(r.inspection.end.description == "2015-02-11")
        #expect(r.leadInspectors == ["Alex Example"])
        #expect(r.parserVersion == ReportParser.version)
        let expected: [Area: Grade] = [
            .overall: .requiresImprovement, .helpAndProtection: .requiresImprovement, .childrenInCare: .good,
            .adoption: .notJudged, .careLeavers: .outstanding, .leadership: .requiresImprovement, .lscb: .good,
        ]
        #expect(r.grades == expected)
        #expect(p.details.published?.description == "2015-04-03")
        #expect(p.details.reinspection == false)
        #expect(p.details.lscbJudged == true)
        #expect(!p.isUnreadable)
        // The previous inspection's grades quoted in a bullet are no statement of this one's.
        #expect(!r.warnings.contains { $0.contains("conflict") }, "\(r.warnings)")
        // `parse(text:)` gives the same report.
        #expect(try ReportParser().parse(text: Self.combined) == r)
    }

    @Test(arguments: [
        ("Inspection date: 20 January 2015 – 11 February 2015", "2015-01-20", "2015-02-11"),
        ("Inspection date: 12/09/2016 to 06/10/2016", "2016-09-12", "2016-10-06"),
        ("Inspection date: 20 June 2017 ─ 13 July 2017", "2017-06-20", "2017-07-13"),
        ("Inspection date: 18 November – 10 December 2014", "2014-11-18", "2014-12-10"),
        ("Inspection date: 12 September to 6 October 2016", "2016-09-12", "2016-10-06"),
        ("Inspection dates: 19 November-11 December 2013 and 28 – 30\nJanuary 2014", "2013-11-19", "2014-01-30"),
        ("Inspection dates:\n\n8 – 12 July 2013", "2013-07-08", "2013-07-12"),
        ("Inspection date: 2 June 2014 –\n25 June 2014", "2014-06-02", "2014-06-25"),
    ])
    func dateFormats(line: String, start: String, end: String) throws {
        let r = try parse(try combined(replacing: Self.datesLine, with: line)).report
        #expect(r.inspection.start.description == start)
        #expect(r.inspection.end.description == end)
    }

    @Test func unreadableDatesAreAnError() throws {
        let text = try combined(replacing: Self.datesLine, with: "Inspection date: early in 2015")
        #expect(throws: ParseError.self) { try parse(text) }
        let backwards = try combined(replacing: Self.datesLine, with: "Inspection date: 11 February 2015 – 20 January 2015")
        #expect(throws: ParseError.self) { try parse(backwards) }
    }

    @Test func publicationDateNumericOrAbsent() throws {
        let numeric = try parse(try combined(replacing: "Report published: 3 April 2015", with: "Report published: 03/04/2015"))
        #expect(numeric.details.published?.description == "2015-04-03")
        let none = try parse(try combined(replacing: "Report published: 3 April 2015\n", with: ""))
        #expect(none.details.published == nil)
        #expect(none.report.warnings.contains("no publication date found"))
        #expect(none.report.grades.count == 7)
    }

    @Test(arguments: [
        ("Requires\nimprovement", Grade.requiresImprovement),
        ("Require improvement", .requiresImprovement),
        ("Requires improvement", .requiresImprovement),
        ("Requires Improvement", .requiresImprovement),
        ("Requires improvement to be good", .requiresImprovement),
        ("Requires improvement\nto be good", .requiresImprovement),
    ])
    func gradeSpellings(written: String, grade: Grade) throws {
        let text = try combined(replacing: Self.helpRow, with: "1. Children who need help and protection\n\n\(written)\n")
        let r = try parse(text).report
        #expect(r.grades[.helpAndProtection] == grade)
        #expect(r.grades.count == 7)
    }

    @Test(arguments: ["Not judged", "Not Judged", "Not\nJudged"])
    func notJudged(written: String) throws {
        let text = try combined(replacing: "2.1 Adoption performance\n\nNot judged", with: "2.1 Adoption performance\n\n\(written)")
        #expect(try parse(text).report.grades[.adoption] == .notJudged)
    }

    /// MuPDF-style layouts: the number alone above its label, and the label
    /// and its grade on one line.
    @Test func numberAloneAndLabelWithGradeOnOneLine() throws {
        var text = try combined(
            replacing: "2.2 Experiences and progress of care leavers\n\nOutstanding",
            with: "2.2\nExperiences and progress of care leavers\nOutstanding")
        text = text.replacingOccurrences(
            of: "2. Children looked after and achieving permanence\n\nGood",
            with: "2. Children looked after and achieving permanence Good")
        let r = try parse(text).report
        #expect(r.grades[.careLeavers] == .outstanding)
        #expect(r.grades[.childrenInCare] == .good)
        #expect(r.grades.count == 7)
    }

    /// A justified label whose words are scattered around its grade (pdftotext on Kirklees 2016).
    @Test func scatteredLabelWords() throws {
        let text = try combined(
            replacing: "2. Children looked after and achieving permanence\n\nGood\n",
            with: "2. Children looked\npermanence\n\nGood\n\nafter\n\nand\n\nachieving\n")
        #expect(try parse(text).report.grades[.childrenInCare] == .good)
    }

    @Test(arguments: [
        ("The overall judgement is requires improvement", Grade.requiresImprovement),
        ("The overall judgement is that children’s services require\nimprovement", .requiresImprovement),
        ("Children’s services in Somerset require improvement to be good", .requiresImprovement),
        ("Children’s services in Somerset require\nimprovement to be good", .requiresImprovement),
    ])
    func overallSentences(sentence: String, grade: Grade) throws {
        let text = try combined(replacing: "The overall judgement is requires improvement", with: sentence)
        let p = try parse(text)
        #expect(p.report.grades[.overall] == grade)
        #expect(!p.isUnreadable)
    }

    @Test(arguments: [
        ("The overall judgement is that children’s services are inadequate", Grade.inadequate),
        ("Children’s services in Somerset are good", .good),
        ("Children’s services in Somerset are outstanding.", .outstanding),
    ])
    func overallSentencesOtherGrades(sentence: String, grade: Grade) throws {
        // Without the summary's "require improvement because", the first page alone says the grade.
        var text = try combined(replacing: "The overall judgement is requires improvement", with: sentence)
        text = text.replacingOccurrences(of: "Children’s services in Somerset require improvement because:\n", with: "")
        #expect(try parse(text).report.grades[.overall] == grade)
    }

    @Test func lscbSentenceWrappedOnTheFirstPage() throws {
        // Only the first page's sentence: "… (LSCB) is" / "requires improvement".
        var text = try combined(replacing: "(LSCB) is\ngood.", with: "(LSCB) is\nrequires improvement")
        text = text.replacingOccurrences(of: "The Local Safeguarding Children Board is good\n", with: "")
        #expect(try parse(text).report.grades[.lscb] == .requiresImprovement)
    }

    @Test func improvementsUnderTheirHeading() throws {
        #expect(try parse(Self.combined).report.improvements.isEmpty)
        let block =
            "Section 1: The local authority\nWhat does the local authority need to improve?\nPriority and immediate action\n"
            + "The inspection did not find any areas for priority and immediate action.\nAreas for improvement\n"
            + "10. Made-up improvement one, wrapped\nover two lines.\n\n4\n\n11. Made-up improvement two.\n"
            + "The local authority has the following strengths:\n12. A made-up strength.\n"
        let r = try parse(try combined(replacing: "Section 1: The local authority\n", with: block)).report
        #expect(r.improvements == ["Made-up improvement one, wrapped over two lines.", "Made-up improvement two."])
        #expect(r.grades.count == 7)
    }

    // MARK: Nothing guessed

    @Test func conflictingLSCBGradesAreLeftOut() throws {
        let text = try combined(
            replacing: "The Local Safeguarding Children Board is good", with: "The Local Safeguarding Children Board is inadequate")
        let p = try parse(text)
        #expect(p.report.grades[.lscb] == nil)
        #expect(p.report.warnings.contains { $0.hasPrefix("conflict for lscb") })
        // The core grades are there: the report stays readable.
        #expect(!p.isUnreadable)
        #expect(p.report.grades.count == 6)
    }

    @Test func bodyHeadingThatDisagreesMakesTheReportUnreadable() throws {
        let text = try combined(replacing: "permanence\n\nGood\n\n4.", with: "permanence\n\nInadequate\n\n4.")
        let p = try parse(text)
        #expect(p.report.warnings.contains { $0.hasPrefix("conflict for children_in_care") }, "\(p.report.warnings)")
        #expect(p.isUnreadable)
        #expect(p.details.unreadableReason?.contains("children_in_care") == true)
        #expect(p.report.judgements.isEmpty, "an unreadable report keeps no grades")
        #expect(p.details.gradesRead.contains { $0.area == .overall })
        #expect(!p.details.gradesRead.contains { $0.area == .childrenInCare })
        // `parse(text:)` (what the daemon calls) returns no grades either.
        #expect(try ReportParser().parse(text: text).judgements.isEmpty)
    }

    @Test func overallSentencesThatDisagreeMakeTheReportUnreadable() throws {
        let text = try combined(replacing: "The overall judgement is requires improvement", with: "The overall judgement is good")
        let p = try parse(text)
        #expect(p.report.warnings.contains { $0.hasPrefix("conflict for overall") })
        #expect(p.isUnreadable)
        #expect(p.report.judgements.isEmpty)
    }

    @Test func twoGradesForOneLabelAreLeftOut() throws {
        let text = try combined(
            replacing: "2.2 Experiences and progress of care leavers\n\nOutstanding",
            with: "2.2 Experiences and progress of care leavers\n\nOutstanding\n\nGood")
        let p = try parse(text)
        #expect(p.report.grades[.careLeavers] == nil)
        #expect(p.report.warnings.contains { $0.hasPrefix("conflict for care_leavers") })
    }

    @Test func missingListGradeIsLeftOutWithAWarning() throws {
        let text = try combined(
            replacing: "2.2 Experiences and progress of care leavers\n\nOutstanding\n",
            with: "2.2 Experiences and progress of care leavers\n\n")
        let p = try parse(text)
        #expect(p.report.grades[.careLeavers] == nil)
        #expect(p.report.warnings.contains { $0.contains("no grade for '2.2.") })
        #expect(!p.isUnreadable)
    }

    @Test func noOverallSentenceMakesTheReportUnreadable() throws {
        var text = try combined(replacing: "The overall judgement is requires improvement\n", with: "")
        text = text.replacingOccurrences(of: "Children’s services in Somerset require improvement because:\n", with: "")
        let p = try parse(text)
        #expect(p.isUnreadable)
        #expect(p.report.warnings.contains("no overall judgement sentence found"))
    }

    // MARK: LSCB

    @Test func lscbFromASeparateReportInTheSamePDF() throws {
        // The SIF title without the review; the LSCB's own report follows in the PDF.
        var text = try combined(replacing: "and\nReview of the effectiveness of the Local Safeguarding Children\nBoard1\n", with: "")
        text = text.replacingOccurrences(of: "The effectiveness of the Local Safeguarding Children Board (LSCB) is\ngood.\n", with: "")
        text = text.replacingOccurrences(of: "The Local Safeguarding Children Board is good\n", with: "")
        text +=
            "\nSomerset Safeguarding\nChildren Board\nInspection of the effectiveness of the local safeguarding\nchildren board\n"
            + "Inspection date: 20 January 2015 – 11 February 2015\nReport published: 10 April 2015\n\n"
            + "The Local Safeguarding Children Board requires improvement\n"
        let p = try parse(text)
        #expect(p.report.framework == .sif)
        #expect(p.report.grades[.lscb] == .requiresImprovement, "\(p.report.warnings)")
        #expect(p.report.leadInspectors == ["Alex Example"])
    }

    @Test func sifWithoutTheReviewHasNoLSCBGrade() throws {
        var text = try combined(replacing: "and\nReview of the effectiveness of the Local Safeguarding Children\nBoard1\n", with: "")
        text = text.replacingOccurrences(of: "The effectiveness of the Local Safeguarding Children Board (LSCB) is\ngood.\n", with: "")
        text = text.replacingOccurrences(of: "The Local Safeguarding Children Board is good\n", with: "")
        let p = try parse(text)
        #expect(p.report.grades[.lscb] == nil)
        #expect(p.details.lscbJudged == false)
        #expect(p.report.grades.count == 6)
    }

    @Test func reinspectionHasNoLSCBGrade() throws {
        let p = try parse(Self.reinspection)
        let r = p.report
        #expect(r.framework == .sif)
        #expect(r.authority.slug == "knowsley")
        #expect(r.inspection.start.description == "2016-09-12")
        #expect(r.inspection.end.description == "2016-10-06")
        #expect(p.details.published?.description == "2016-11-25")
        #expect(p.details.reinspection == true)
        #expect(
            r.grades == [
                .overall: .requiresImprovement, .helpAndProtection: .requiresImprovement, .childrenInCare: .requiresImprovement,
                .adoption: .good, .careLeavers: .good, .leadership: .good,
            ])
        #expect(r.leadInspectors == ["Robin Example"])
    }

    @Test func reinspectionIgnoresAnLSCBSentence() throws {
        let text = Self.reinspection.replacingOccurrences(
            of: "Executive summary\n", with: "Executive summary\nThe Local Safeguarding Children Board is good\n")
        let p = try parse(text)
        #expect(p.report.grades[.lscb] == nil)
        #expect(p.report.warnings.contains { $0.contains("re-inspection has no LSCB review") })
    }

    @Test func reinspectionSaidInTheSummary() throws {
        var text = Self.reinspection.replacingOccurrences(of: "Re-inspection of services", with: "Inspection of services")
        text = text.replacingOccurrences(
            of: "Services for children have improved",
            with: "This is a re-inspection of children’s services in Knowsley. Services have improved")
        #expect(try parse(text).details.reinspection == true)
        let plain = Self.reinspection.replacingOccurrences(of: "Re-inspection of services", with: "Inspection of services")
        #expect(try parse(plain).details.reinspection == false)
    }

    @Test func standaloneLSCBReview() throws {
        let p = try parse(try TestPaths.fixtureText("synthetic-lscb-review.txt"))
        let r = p.report
        #expect(r.framework == .other)
        #expect(r.authority.slug == "hampshire")
        #expect(r.judgements.map(\.area) == [.lscb])
        #expect(r.grades[.lscb] == .requiresImprovement)
        #expect(r.leadInspectors == ["Jo Example"])
        #expect(r.inspection.start.description == "2015-06-15")
        #expect(p.details.published?.description == "2015-08-03")
    }

    /// Fragments that parser version 1 refused: now read, and marked
    /// unreadable where their grades cannot be read with certainty.
    @Test func fragmentsOfOtherFrameworks() throws {
        let sif = try parse(
            "Kirklees\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nInspection date: 12 September to 6 October 2016\n1. Children who need help and protection\nInadequate\n"
        )
        #expect(sif.report.framework == .sif)
        #expect(sif.report.authority.slug == "kirklees")
        #expect(sif.isUnreadable)
        #expect(sif.report.judgements.isEmpty)
        #expect(
            sif.details.gradesRead == [
                Judgement(area: .helpAndProtection, grade: .inadequate, title: "Children who need help and protection")
            ])
        let lscb = try parse(
            "Surrey Safeguarding Children Board\nReview of the effectiveness of the Local Safeguarding Children\nBoard\nInspection date: 15 June 2015 – 17 June 2015\n"
        )
        #expect(lscb.report.framework == .other)
        #expect(lscb.report.authority.slug == "surrey")
        #expect(lscb.isUnreadable, "an LSCB review without its grade")
        let lac = try parse("Inspection of looked after children\nservices\nNorfolk County Council\nInspection dates:\n8 – 12 July 2013\n")
        #expect(lac.report.framework == .other)
        #expect(lac.report.judgements.isEmpty)
        #expect(lac.report.warnings.contains("older framework: no record of main findings found"))
    }

    // MARK: The authority

    @Test func preApril2019DorsetIsTheFormerCounty() throws {
        let r = try parse(try combined(replacing: "Somerset County Council\nInspection", with: "Dorset\nInspection")).report
        #expect(r.authority.slug == "dorset-county")
        #expect(r.warnings.contains { $0.contains("former Dorset County Council") })
    }

    @Test func unplaceableNameIsRejectedNamingIt() throws {
        let text = try combined(replacing: "Somerset County Council\nInspection", with: "Barsetshire County Council\nInspection")
        do {
            _ = try parse(text)
            Issue.record("an authority not on the list was placed")
        } catch {
            #expect(error.reason.contains("Barsetshire County Council"), "\(error.reason)")
        }
    }

    @Test func footnoteNumberAboveTheNameIsSkipped() throws {
        let r = try parse(try combined(replacing: "Somerset County Council\nInspection", with: "1\n\nSomerset County Council\nInspection"))
            .report
        #expect(r.authority.slug == "somerset")
    }
}

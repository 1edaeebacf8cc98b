import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// Focused visits, monitoring visits and JTAIs (letters, no grades), and the
/// 2013 looked-after-children inspections, from synthetic fixtures.
@Suite struct LetterTests {
    static let focused = (try? TestPaths.fixtureText("synthetic-focused-visit.txt")) ?? ""
    static let monitoring = (try? TestPaths.fixtureText("synthetic-monitoring-visit.txt")) ?? ""
    static let jtai = (try? TestPaths.fixtureText("synthetic-jtai.txt")) ?? ""
    static let visitSentence = "on 30 April and 1 May. This visit was carried out by Her Majesty’s Inspectors Pat\nExample and Lee Sample."

    func parse(_ text: String) throws(ParseError) -> ParsedReport { try ReportParser().parseDetailed(text: text) }

    func edit(_ text: String, _ old: String, _ new: String) throws -> String {
        try #require(text.contains(old), "fixture lacks '\(old)'")
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func focusedVisitWithTheYearLeftOut() throws {
        let p = try parse(Self.focused)
        let r = p.report
        #expect(r.framework == .focusedVisit)
        #expect(r.kind == nil)
        #expect(r.judgements.isEmpty)
        #expect(r.authority.slug == "liverpool")
        #expect(r.authority.name == "Liverpool")
        #expect(r.inspection.start.description == "2019-04-30")
        #expect(r.inspection.end.description == "2019-05-01")
        #expect(r.warnings.contains { $0.hasPrefix("the visit's year is not written") })
        #expect(r.leadInspectors == ["Pat Example", "Lee Sample"])
        #expect(p.details.letterDate?.description == "2019-05-24")
        #expect(p.details.theme?.hasPrefix("the local authority’s arrangements for children in need") == true)
        #expect(p.details.priorityActionsNamed == true)
        #expect(r.improvements.count == 3)
        #expect(r.improvements.last == "Management oversight of made-up cases.")
        #expect(!p.isUnreadable)
        #expect(try ReportParser().parse(text: Self.focused) == r)
    }

    @Test func yearFromALetterOfTheNextYear() throws {
        var text = try edit(Self.focused, "24 May 2019", "10 January 2020")
        text = try edit(text, "on 30 April and 1 May.", "on 16 and 17 December.")
        let r = try parse(text).report
        #expect(r.inspection.start.description == "2019-12-16")
        #expect(r.inspection.end.description == "2019-12-17")
    }

    @Test func noPriorityActions() throws {
        let text = try edit(Self.focused, "Areas for priority action\n◼ The timeliness of made-up assessments.\n", "")
        let p = try parse(text)
        #expect(p.details.priorityActionsNamed == false)
        #expect(p.report.improvements.count == 2)
    }

    @Test(arguments: [
        "on 30 April and 1 May 2019. The inspectors were Pat Example, HMI, and Lee Sample, HMI.",
        "on 30 April and 1 May 2019. The inspectors were Pat Example, Her Majesty’s Inspector, and\nLee Sample, Her Majesty’s Inspector.",
        "on 30 April and 1 May 2019. His Majesty’s Inspectors for this visit were Pat Example\nand Lee Sample.",
        "on 30 April and 1 May. This visit was carried out by Her Majesty’s Inspectors Pat\nExample and Lee Sample.",
        "on 30 April and 1 May 2019. The inspectors were Pat Example HMI and Lee Sample HMI.",
    ])
    func inspectorSpellings(sentence: String) throws {
        let r = try parse(try edit(Self.focused, Self.visitSentence, sentence)).report
        #expect(r.leadInspectors == ["Pat Example", "Lee Sample"])
        #expect(r.inspection.start.description == "2019-04-30")
    }

    @Test(arguments: [
        ("on 13 October 2020.", "2020-10-13", "2020-10-13"),
        ("on 1st and 2nd May 2019.", "2019-05-01", "2019-05-02"),
        ("on 30 April and 1 May 2019.", "2019-04-30", "2019-05-01"),
        ("on 17, 18 and 19 July 2018.", "2018-07-17", "2018-07-19"),
        ("between 3 and 5 June 2019.", "2019-06-03", "2019-06-05"),
    ])
    func visitDateFormats(phrase: String, start: String, end: String) throws {
        let r = try parse(try edit(Self.focused, "on 30 April and 1 May.", phrase)).report
        #expect(r.inspection.start.description == start)
        #expect(r.inspection.end.description == end)
    }

    @Test func visitWithoutDatesIsRejected() throws {
        let text = try edit(Self.focused, "on 30 April and 1 May.", "recently.")
        #expect(throws: ParseError.self) { try parse(text) }
    }

    // MARK: Monitoring visits

    @Test func monitoringVisit() throws {
        let p = try parse(Self.monitoring)
        let r = p.report
        #expect(r.framework == .monitoringVisit)
        #expect(r.judgements.isEmpty)
        #expect(r.authority.slug == "torbay")
        #expect(r.inspection.start.description == "2019-03-12")
        #expect(r.inspection.end.description == "2019-03-13")
        #expect(r.leadInspectors == ["Kim Example", "Ash Sample"])
        #expect(p.details.monitoringVisitNumber == 3)
        #expect(p.details.judgedInadequate?.description == "2018-06")
        #expect(p.details.priorityActionsNamed == false)
        #expect(p.details.theme?.hasPrefix("the progress made in") == true)
    }

    @Test(arguments: [
        ("This visit was the third monitoring visit since the\nlocal authority was judged inadequate in June 2018.", 3, "2018-06"),
        ("This was the fourth monitoring visit since the local\nauthority was judged to be inadequate in January 2018.", 4, "2018-01"),
        (
            "This was the 5th monitoring visit since the local authority\nwas judged inadequate for overall effectiveness in 14 March 2017.",
            5, "2017-03"
        ),
        ("This was the first monitoring visit since the local\nauthority was judged inadequate in November 2019.", 1, "2019-11"),
    ])
    func monitoringVisitNumbers(sentence: String, number: Int, judged: String) throws {
        let old = "This visit was the third monitoring visit since the\nlocal authority was judged inadequate in June 2018."
        let p = try parse(try edit(Self.monitoring, old, sentence))
        #expect(p.details.monitoringVisitNumber == number)
        #expect(p.details.judgedInadequate?.description == judged)
    }

    @Test func monitoringVisitThatDoesNotSayWhich() throws {
        let old = "This visit was the third monitoring visit since the\nlocal authority was judged inadequate in June 2018. "
        let p = try parse(try edit(Self.monitoring, old, ""))
        #expect(p.details.monitoringVisitNumber == nil)
        #expect(p.details.judgedInadequate == nil)
        #expect(p.report.warnings.contains { $0.contains("which visit it is is not said") })
    }

    // MARK: JTAIs

    @Test func jtai() throws {
        let p = try parse(Self.jtai)
        let r = p.report
        #expect(r.framework == .jtai)
        #expect(r.judgements.isEmpty)
        #expect(r.leadInspectors.isEmpty)
        #expect(r.authority.slug == "salford")
        #expect(r.inspection.start.description == "2016-09-12")
        #expect(r.inspection.end.description == "2016-09-16")
        #expect(p.details.theme == "the multi-agency response to abuse and neglect")
        #expect(p.details.deepDive == "the response to children living with domestic abuse")
    }

    @Test func jtaiOfANamedArea() throws {
        var text = try edit(
            Self.jtai, "Joint targeted area inspection of the multi-agency response to abuse and\nneglect in Salford",
            "Joint targeted area inspection of Salford")
        text = try edit(
            text, "Between 12 and 16 September 2016, Ofsted,",
            "This letter summarises the findings of the joint targeted area inspection (JTAI) of the\nmulti-agency response to identification of initial need and risk in Salford.\nThis inspection took place from 12 to 16 September 2016. Ofsted,"
        )
        let p = try parse(text)
        #expect(p.report.authority.slug == "salford")
        #expect(p.report.inspection.end.description == "2016-09-16")
        #expect(p.details.theme == "the multi-agency response to identification of initial need and risk")
    }

    // MARK: Trusts and places in letters

    @Test(arguments: [
        ("Bradford Children and Families Trust", "bradford"),
        ("Sunderland Together for Children", "sunderland"),
        ("Birmingham Children’s Trust", "birmingham"),
        ("Liverpool local authority children’s services", "liverpool"),
        ("ST. HELENS children’s services", "st-helens"),
        ("Stoke on Trent Children’s Services", "stoke-on-trent"),
        ("Barking & Dagenham children’s services", "barking-and-dagenham"),
    ])
    func namesInTheSubjectLine(name: String, slug: String) throws {
        let text = try edit(Self.focused, "Focused visit to Liverpool children’s services\n", "Focused visit to \(name)\n")
        #expect(try parse(text).report.authority.slug == slug)
    }

    @Test func trustServingSeveralAuthorities() throws {
        let subject = "Focused visit to Liverpool children’s services\n"
        // The address names which authority: placed there.
        var text = try edit(Self.focused, subject, "Focused visit to Achieving for Children\n")
        text = try edit(text, "Liverpool City Council\n", "Royal Borough of Windsor and Maidenhead\n")
        let p = try parse(text)
        #expect(p.report.authority.slug == "windsor-and-maidenhead")
        #expect(p.report.warnings.contains { $0.contains("serves several authorities") })
        // Nothing says which: rejected, naming the trust.
        let unsure = try edit(Self.focused, subject, "Focused visit to Achieving for Children\n")
        do {
            _ = try parse(unsure)
            Issue.record("a trust of several authorities was placed without saying which")
        } catch {
            #expect(error.reason.contains("Achieving for Children"), "\(error.reason)")
        }
    }

    @Test func dorsetVisitedBeforeApril2019() throws {
        var text = try edit(
            Self.focused, "Focused visit to Liverpool children’s services\n", "Focused visit to Dorset children’s services\n")
        text = try edit(text, "24 May 2019", "24 May 2018")
        #expect(try parse(text).report.authority.slug == "dorset-county")
        let after = try edit(
            Self.focused, "Focused visit to Liverpool children’s services\n", "Focused visit to Dorset children’s services\n")
        #expect(try parse(after).report.authority.slug == "dorset")
    }

    @Test func unplaceableNameIsRejectedNamingIt() throws {
        let text = try edit(
            Self.focused, "Focused visit to Liverpool children’s services\n", "Focused visit to Barsetshire children’s services\n")
        do {
            _ = try parse(text)
            Issue.record("an authority not on the list was placed")
        } catch {
            #expect(error.reason.contains("Barsetshire"), "\(error.reason)")
        }
    }

    @Test func aLetterThatIsNoVisitIsStillRefused() throws {
        let text = "# SYNTHETIC: a made-up letter.\n12 April 2019\n\nDear Jamie\nYour annual conversation\nThank you for meeting us.\n"
        #expect(throws: ParseError.self) { try parse(text) }
    }

    // MARK: Older frameworks

    @Test func lookedAfterChildrenInspection2013() throws {
        let p = try parse(try TestPaths.fixtureText("synthetic-looked-after-2013.txt"))
        let r = p.report
        #expect(r.framework == .other)
        #expect(r.authority.slug == "norfolk")
        #expect(r.inspection.start.description == "2013-07-08")
        #expect(r.inspection.end.description == "2013-07-12")
        #expect(r.leadInspectors == ["Gary Example"])
        // Its grades are never compared with ILACS/SIF areas.
        #expect(r.judgements.isEmpty)
        #expect(
            p.details.writtenGrades == [
                WrittenGrade(title: "Overall effectiveness", grade: "Inadequate", number: 4),
                WrittenGrade(title: "Capacity to improve", grade: "Adequate", number: 3),
                WrittenGrade(title: "Leadership and management", grade: "Good", number: 2),
            ])
        #expect(p.details.published?.description == "2013-08-16")
        #expect(r.warnings.contains { $0.hasPrefix("older framework") })
        #expect(!p.isUnreadable)
    }
}

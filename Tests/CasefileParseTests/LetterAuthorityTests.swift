import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// Letters name their authority in the subject line, the opening sentence or
/// the addressee, and their visit's days in the opening paragraph or later:
/// each read from where the letter says it, never from an arbitrary phrase.
@Suite struct LetterAuthorityTests {
    static let focused = (try? TestPaths.fixtureText("synthetic-focused-visit.txt")) ?? ""
    static let monitoring = (try? TestPaths.fixtureText("synthetic-monitoring-visit.txt")) ?? ""
    static let jtai = (try? TestPaths.fixtureText("synthetic-jtai.txt")) ?? ""
    static let subject = "Focused visit to Liverpool children’s services\n"
    static let jtaiSubject = "Joint targeted area inspection of the multi-agency response to abuse and\nneglect in Salford\n"

    func parse(_ text: String) throws(ParseError) -> ParsedReport { try ReportParser().parseDetailed(text: text) }

    func edit(_ text: String, _ old: String, _ new: String) throws -> String {
        try #require(text.contains(old), "fixture lacks '\(old)'")
        return text.replacingOccurrences(of: old, with: new)
    }

    // MARK: Subject lines

    @Test(arguments: [
        ("Focused visit to the Royal Borough of Windsor and\nMaidenhead children’s services\n", "windsor-and-maidenhead"),
        ("Focused visit to\nTower Hamlets\nchildren’s services\n", "tower-hamlets"),
        ("Focused visit to Stockton-on-\nTees children’s services\n", "stockton-on-tees"),
        ("Focused visit to Durham’s children’s services\n", "county-durham"),
        ("Focused visit to East Riding local authority children’s services\n", "east-riding-of-yorkshire"),
        ("Focused visit to Dudley MBC children’s services\n", "dudley"),
    ])
    func wrappedAndCouncilTypeSubjects(subject: String, slug: String) throws {
        let p = try parse(try edit(Self.focused, Self.subject, subject))
        #expect(p.report.authority.slug == slug, "\(p.report.warnings)")
    }

    @Test func monitoringVisitOf() throws {
        let text = try edit(Self.monitoring, "Monitoring visit to Torbay children’s services", "Monitoring visit of Torbay")
        #expect(try parse(text).report.authority.slug == "torbay")
    }

    @Test func aSubjectThatNamesNoAuthorityIsStillRefusedNamingIt() throws {
        let text = try edit(Self.focused, Self.subject, "Focused visit to Borsetshire children’s services\n")
        do {
            let r = try parse(text).report
            Issue.record("placed as \(r.authority.slug)")
        } catch {
            #expect(error.reason.contains("Borsetshire"), "\(error.reason)")
        }
    }

    // MARK: JTAIs

    @Test func aJTAIWhoseSubjectNamesNoAreaIsReadFromItsOpeningSentence() throws {
        let p = try parse(try edit(Self.jtai, Self.jtaiSubject, "Joint targeted area inspection\n"))
        #expect(p.report.authority.slug == "salford")
        #expect(p.report.warnings.contains { $0.contains("taken from the opening sentence") })
        #expect(p.details.theme == "the multi-agency response to abuse and neglect")
    }

    @Test func aPhraseOfTheBodyIsNeverTakenForTheAuthority() throws {
        var text = try edit(Self.jtai, Self.jtaiSubject, "Joint targeted area inspection\n")
        text = try edit(text, "neglect in Salford. This inspection", "neglect in Greater Manchester. This inspection")
        let p = try parse(text)
        // "Greater Manchester" is no authority: the addressee names Salford.
        #expect(p.report.authority.slug == "salford")
        #expect(p.report.warnings.contains { $0.contains("taken from the addressee") })
        text = try edit(
            text, "Alex Example, Director of Children’s Services, Salford City Council", "Alex Example, Director of Children’s Services")
        do {
            let r = try parse(text).report
            Issue.record("placed as \(r.authority.slug)")
        } catch {
            #expect(error.reason.contains("no authority named"), "\(error.reason)")
        }
    }

    @Test func aJTAIAddressedToThePartnership() throws {
        var text = try edit(Self.jtai, Self.jtaiSubject, "Joint targeted area inspection\n")
        text = try edit(text, "neglect in Salford. This inspection", "neglect in the area. This inspection")
        text = try edit(text, "Alex Example, Director of Children’s Services, Salford City Council\n", "")
        text = try edit(text, "Dear local partnership", "Dear Salford Safeguarding Children Partnership")
        #expect(try parse(text).report.authority.slug == "salford")
    }

    // MARK: The visit's days

    static let filler = Array(repeating: "Made-up findings about the quality of practice, for a test.", count: 16).joined(separator: "\n")

    @Test func datesLaterInTheLetterAreTakenAndSaidSo() throws {
        var text = try edit(Self.focused, "on 30 April and 1 May. This visit", "recently. This visit")
        text = try edit(
            text, "Main findings\nMade-up text.\n", "Main findings\n\(Self.filler)\nThe visit took place on 30 April and 1 May 2019.\n")
        let r = try parse(text).report
        #expect(r.inspection.start.description == "2019-04-30")
        #expect(r.inspection.end.description == "2019-05-01")
        #expect(r.warnings.contains { $0.contains("not in the opening paragraph") }, "\(r.warnings)")
    }

    @Test func datesOfAnEarlierVisitAreNeverTaken() throws {
        var text = try edit(Self.focused, "on 30 April and 1 May. This visit", "recently. This visit")
        text = try edit(
            text, "Main findings\nMade-up text.\n", "Main findings\n\(Self.filler)\nThe previous visit took place on 3 and 4 May 2018.\n")
        do {
            let r = try parse(text).report
            Issue.record("dates taken: \(r.inspection)")
        } catch {
            #expect(error.reason.contains("dates were not found"), "\(error.reason)")
        }
    }
}

import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// The previous inspection's grades as a report states them in its text
/// (`statedPrevious`): read only from a sentence that leaves no doubt.
@Suite struct StatedPreviousTests {
    static let redbridge = (try? TestPaths.fixtureText("redbridge-2019-ilacs.txt")) ?? ""
    static let sentence =
        "The appointment of the current director of children's services (DCS) in October 2016 led to the further strengthening of services following the previous inspection in 2016, when services were judged to be good."
    static let later = "Discernible progress is evident from the inspection in 2016, when the service overall was judged to be good."

    func parse(_ text: String) throws(ParseError) -> Report { try ReportParser().parse(text: text) }

    /// The Redbridge text with its two statements of 2016 replaced.
    func redbridge(saying sentence: String) throws -> Report {
        try #require(Self.redbridge.contains(Self.sentence) && Self.redbridge.contains(Self.later))
        let text = Self.redbridge.replacingOccurrences(of: Self.sentence, with: sentence)
            .replacingOccurrences(of: Self.later, with: "Discernible progress is evident.")
        return try parse(text)
    }

    @Test func redbridgeStatesItsGoodOf2016Once() throws {
        let r = try parse(Self.redbridge)
        #expect(r.statedPrevious.count == 1)
        let s = try #require(r.statedPrevious.first)
        #expect(s.year == 2016 && s.area == .overall && s.grade == .good)
        #expect(s.sentence == Self.sentence)
        // Stated, never a judgement of this report.
        #expect(r.grades[.overall] == .outstanding)
    }

    @Test(arguments: [
        (
            "Services have improved since the inspection in 2016, when overall effectiveness was judged to be inadequate.", 2016,
            Area.overall, Grade.inadequate
        ),
        (
            "At the last inspection, in May 2016, the local authority was judged to be ‘requires improvement to be good’.", 2016, .overall,
            .requiresImprovement
        ),
        (
            "Since a judgement of inadequate for overall effectiveness at the last inspection in 2015, services have improved.", 2015,
            .overall, .inadequate
        ),
        (
            "Services have improved since the previous inspection in 2016, when the judgement for overall effectiveness was ‘requires improvement to be good’.",
            2016, .overall, .requiresImprovement
        ),
        (
            "This is a re-inspection of children’s services in Redbridge, after they were judged to be inadequate in 2016.", 2016, .overall,
            .inadequate
        ),
        (
            "Children’s services were judged to require improvement to be good at the inspection in 2015.", 2015, .overall,
            .requiresImprovement
        ),
        (
            "Since the last inspection of Redbridge in February 2016, when services for children were judged to be good, much has changed.",
            2016, .overall, .good
        ),
        (
            "At the inspection in 2016, when the experiences and progress of care leavers were judged to be inadequate, leaders acted.",
            2016, .careLeavers, .inadequate
        ),
        (
            "In 2016, when help and protection was judged good and overall effectiveness was judged to be outstanding, leaders planned.",
            2016, .helpAndProtection, .good
        ),
    ])
    func statements(sentence: String, year: Int, area: Area, grade: Grade) throws {
        let r = try redbridge(saying: sentence)
        let s = try #require(r.statedPrevious.first { $0.area == area }, "\(sentence)")
        #expect(s.year == year && s.grade == grade)
        #expect(s.sentence == sentence)
    }

    @Test func twoAreasInOneSentence() throws {
        let r = try redbridge(
            saying:
                "In 2016, when help and protection was judged good and overall effectiveness was judged to be outstanding, leaders planned."
        )
        #expect(
            Set(r.statedPrevious.map { "\($0.area.rawValue) \($0.grade.rawValue)" }) == ["help_and_protection good", "overall outstanding"])
    }

    /// Sentences that must give nothing: another service, another sentence's
    /// year, two years, a year after this inspection, a pronoun that names no
    /// service, a present tense.
    @Test(arguments: [
        "The fostering service was judged to be good in 2016.",
        "The local authority was judged to be good. The chief executive has been in post since 2016.",
        "In 2016 and 2018, services were judged to be good.",
        "In 2020, services were judged to be good.",
        "Since the inspection in 2016, when it was judged to be good, leaders have changed.",
        "Services are judged to be good in 2016 by the council's own audit.",
        "The regional adoption agency was judged outstanding in 2017.",
        "Services have improved since the inspection in 2016, when overall effectiveness was judged to be inadequate and overall effectiveness was judged to be good.",
    ])
    func nothingStated(sentence: String) throws {
        let r = try redbridge(saying: sentence)
        #expect(r.statedPrevious.isEmpty, "\(r.statedPrevious)")
    }

    @Test func twoSentencesThatDisagreeAreBothDropped() throws {
        let text = Self.redbridge.replacingOccurrences(
            of: Self.later,
            with: "Discernible progress is evident from the inspection in 2016, when the service overall was judged to be inadequate.")
        let r = try parse(text)
        #expect(r.statedPrevious.isEmpty, "\(r.statedPrevious)")
    }

    @Test func aMonitoringVisitStatesWhenTheAuthorityWasJudgedInadequate() throws {
        let r = try parse(try TestPaths.fixtureText("synthetic-monitoring-visit.txt"))
        #expect(r.statedPrevious.map { "\($0.year) \($0.area.rawValue) \($0.grade.rawValue)" } == ["2018 overall inadequate"])
    }
}

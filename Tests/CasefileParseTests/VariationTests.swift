import CasefileModel
import CasefileParse
import CasefileTestKit
import Foundation
import Testing

/// Variations of the report layout: the Redbridge text edited, and the
/// synthetic fixtures (`Tests/Fixtures/synthetic-*.txt`, made-up texts marked
/// as such in their first line, about real authorities of the list).
@Suite struct VariationTests {
    static let redbridge = (try? TestPaths.fixtureText("redbridge-2019-ilacs.txt")) ?? ""
    static let datesLine = "Inspection dates: 29 April 2019 to 3 May 2019"

    func parse(_ text: String) throws(ParseError) -> Report { try ReportParser().parse(text: text) }

    func redbridge(replacing old: String, with new: String) throws -> String {
        let text = Self.redbridge
        try #require(text.contains(old), "fixture lacks '\(old)'")
        return text.replacingOccurrences(of: old, with: new)
    }

    // MARK: Dates

    @Test(arguments: [
        ("Inspection dates: 15 October 2018 to 19 October 2018", "2018-10-15", "2018-10-19", InspectionKind?.some(.short)),
        ("Inspection dates: 9 May to 20 May 2022", "2022-05-09", "2022-05-20", .standard),
        ("Inspection dates: 19 November–30 November 2018", "2018-11-19", "2018-11-30", .standard),
        ("Inspection date: 11 – 22 July 2022", "2022-07-11", "2022-07-22", .standard),
        ("Inspection dates: 5 to 9 December 2022 and 14 to 15 February 2023", "2022-12-05", "2023-02-15", .short),
        ("Inspection dates: 2 to 13 December 2019", "2019-12-02", "2019-12-13", .standard),
        ("Inspection dates: 30 January to 3 February 2023", "2023-01-30", "2023-02-03", .short),
        ("Inspection dates: 29 December 2025 to 2 January 2026", "2025-12-29", "2026-01-02", .short),
        ("Inspection dates: 1 to 8 March 2021", "2021-03-01", "2021-03-08", nil),
    ])
    func dateFormats(line: String, start: String, end: String, kind: InspectionKind?) throws {
        let r = try parse(try redbridge(replacing: Self.datesLine, with: line))
        #expect(r.inspection.start.description == start)
        #expect(r.inspection.end.description == end)
        #expect(r.kind == kind)
        if kind == nil {
            #expect(r.warnings.contains { $0.hasPrefix("kind not inferred") })
        } else {
            #expect(r.warnings.contains { $0.hasPrefix("kind inferred from the inspection dates") })
        }
    }

    @Test func unreadableDatesAreAnError() throws {
        let text = try redbridge(replacing: Self.datesLine, with: "Inspection dates: sometime in spring")
        #expect(throws: ParseError.self) { try parse(text) }
        let backwards = try redbridge(replacing: Self.datesLine, with: "Inspection dates: 3 May 2019 to 29 April 2019")
        #expect(throws: ParseError.self) { try parse(backwards) }
    }

    // MARK: Grades and the cross-check

    @Test func changedOverallGrade() throws {
        let r = try parse(
            try redbridge(replacing: "Overall effectiveness\tOutstanding", with: "Overall effectiveness\tRequires Improvement to be good"))
        #expect(r.grades[.overall] == .requiresImprovement)
        #expect(r.judgements.count == 4)
    }

    @Test func tableDisagreeingWithHeadingLeavesTheJudgementOut() throws {
        let text = try redbridge(
            replacing: "children who need help and protection\tOutstanding",
            with: "children who need help and protection\tGood")
        let r = try parse(text)
        #expect(r.grades[.helpAndProtection] == nil)
        #expect(r.judgements.map(\.area) == [.leadership, .childrenInCare, .overall])
        #expect(r.warnings.contains { $0.contains("conflict for help_and_protection") })
    }

    @Test func changedGradesInTableAndHeadingTogether() throws {
        var text = try redbridge(
            replacing: "children in care and care leavers\tGood",
            with: "children in care and care leavers\tInadequate")
        text = text.replacingOccurrences(
            of: "children in care and care leavers are: Good", with: "children in care and care leavers are: Inadequate")
        let r = try parse(text)
        #expect(r.grades[.childrenInCare] == .inadequate)
        #expect(!r.warnings.contains { $0.contains("conflict") })
    }

    @Test func aTableRowWithoutGradeIsLeftOut() throws {
        let r = try parse(try redbridge(replacing: "children in care and care leavers\tGood", with: "children in care and care leavers"))
        #expect(r.grades[.childrenInCare] == nil)
        #expect(r.grades[.helpAndProtection] == .outstanding)
        #expect(r.warnings.contains { $0.contains("no grade could be read") })
    }

    // MARK: Inspectors

    @Test(arguments: [
        ("Lead inspector: Louise Hocking\nHer Majesty's Inspector", ["Louise Hocking"]),
        ("Lead inspector: Andy Waugh, His Majesty\u{2019}s Inspector", ["Andy Waugh"]),
        ("Lead inspector: Paula Thomson-Jones HMI", ["Paula Thomson-Jones"]),
        ("Lead inspector: Máire Atherton, His Majesty’s Inspector", ["Máire Atherton"]),
        (
            "Lead inspectors: Rebecca Quested, His Majesty’s Inspector, and Matthew Reed,\nHis Majesty’s Inspector",
            ["Rebecca Quested", "Matthew Reed"]
        ),
        ("Lead inspectors: Jo Bloggs and Sam Smith, His Majesty's Inspectors", ["Jo Bloggs", "Sam Smith"]),
        ("", []),
    ])
    func inspectors(block: String, names: [String]) throws {
        let r = try parse(try redbridge(replacing: "Lead inspector: Louise Hocking\nHer Majesty's Inspector", with: block))
        #expect(r.leadInspectors == names)
        #expect(r.leadInspector == names.first)
    }

    // MARK: Synthetic fixtures

    @Test func fiveJudgements2023WithPdftotextFurniture() throws {
        let r = try parse(try TestPaths.fixtureText("synthetic-ilacs-2023-five-judgements.txt"))
        #expect(r.authority == Authority(name: "Leeds", slug: "leeds"))
        #expect(r.kind == .standard)
        #expect(r.inspection.start.description == "2023-05-09")
        #expect(r.inspection.end.description == "2023-05-20")
        #expect(r.leadInspectors == ["Jane Doe", "Máire O’Neill"])
        #expect(
            r.grades == [
                .leadership: .good, .helpAndProtection: .requiresImprovement, .childrenInCare: .good,
                .careLeavers: .outstanding, .overall: .good,
            ])
        #expect(r.judgements.map(\.title)[2] == "The experiences and progress of children in care")
        #expect(
            r.improvements == [
                "The timeliness of made-up assessments for children who need help and protection.",
                "The quality of made-up plans.",
            ])
        #expect(r.sections.map(\.grade) == [.requiresImprovement, .good, .outstanding, .good])
        let paragraphs = r.sections.flatMap(\.paragraphs)
        #expect(paragraphs.map(\.number) == Array(1...7))
        #expect(paragraphs[1].text == "Second made-up paragraph, which a page break interrupts in the middle of its text.")
        #expect(paragraphs[4].text == "Fifth made-up paragraph: its number came out as a bare \"5\".")
        #expect(!paragraphs.contains { $0.text.contains("Inspection of Leeds") || $0.text.contains("Ofsted") })
    }

    @Test func april2026WithoutOverall() throws {
        let r = try parse(try TestPaths.fixtureText("synthetic-ilacs-2026-no-overall.txt"))
        #expect(r.authority.slug == "cornwall")
        #expect(r.kind == .short)
        #expect(r.judgements.map(\.area) == [.leadership, .helpAndProtection, .childrenInCare, .careLeavers])
        #expect(r.grades[.overall] == nil)
        #expect(r.grades[.leadership] == .requiresImprovement)
        #expect(r.judgements[0].title == "The impact of leaders on practice with children and families")
        #expect(r.grades[.careLeavers] == .good)
        #expect(r.improvements == ["The made-up sufficiency of homes for children in care."])
        #expect(r.sections.count == 4)
        #expect(!r.warnings.contains { $0.contains("conflict") || $0.contains("judgement table") })
    }

    @Test func headingConflictInCleanText() throws {
        let r = try parse(try TestPaths.fixtureText("synthetic-ilacs-conflict.txt"))
        #expect(r.authority == Authority(name: "Royal Borough of Greenwich", slug: "greenwich"))
        #expect(r.inspection.start.description == "2022-12-05")
        #expect(r.inspection.end.description == "2023-02-15")
        #expect(r.kind == .short)  // 5 + 2 days on site
        #expect(r.leadInspectors == ["Alex Example"])
        #expect(r.grades == [.leadership: .inadequate, .childrenInCare: .requiresImprovement, .overall: .inadequate])
        #expect(r.warnings.contains { $0.contains("conflict for help_and_protection") && $0.contains("good") && $0.contains("inadequate") })
        #expect(
            r.improvements == [
                "The made-up quality of assessments.",
                "The made-up stability of the workforce, which is a long improvement that wraps onto a second line.",
            ])
        #expect(r.sections.flatMap(\.paragraphs).map(\.number) == [1, 2, 3, 4])
    }

    @Test func gradeAboveAndBelowAndAMissingGrade() throws {
        let r = try parse(try TestPaths.fixtureText("synthetic-ilacs-grade-above-below.txt"))
        #expect(r.authority.slug == "wigan")
        #expect(r.leadInspectors == ["Chris Example"])
        #expect(r.grades == [.leadership: .requiresImprovement, .childrenInCare: .good, .overall: .requiresImprovement])
        #expect(r.warnings.contains { $0.contains("no grade could be read") && $0.contains("help and protection") })
        #expect(r.improvements == ["The made-up consistency of supervision."])
    }

    // MARK: Not ILACS
    // (Fragments of SIF reports, LSCB reviews and 2013 inspections are read
    // since parser version 2: see SIFTests.fragmentsOfOtherFrameworks.)

    @Test(arguments: [
        ("", "empty document"),
        ("   \n\t\n", "empty document"),
        ("<!DOCTYPE html>\n<html><head><title>Report not found</title></head></html>", "HTML page"),
        ("Just some notes\nabout nothing in particular.\n", "no title"),
        (
            "Ofsted\nPiccadilly Gate\n13 March 2020\nDear Tim\nFocused visit to Birmingham Children’s Services\nThis letter summarises the findings of a focused visit to Birmingham.\n",
            "focused visit letter"
        ),
        (
            "Ofsted\n1 May 2021\nDear Ms Smith\nMonitoring visit to Leeds children’s services\nThis letter summarises the findings of the monitoring visit.\n",
            "monitoring visit letter"
        ),
        (
            "14 March 2024\nDear Partnership\nJoint targeted area inspection of Buckinghamshire\nThis letter summarises the findings of the joint targeted area inspection (JTAI).\n",
            "joint targeted area inspection"
        ),
    ])
    func refusedWithAReason(text: String, reason: String) {
        do {
            let r = try parse(text)
            Issue.record("parsed as \(r.framework) with grades \(r.grades)")
        } catch {
            #expect(error.reason.contains(reason), "reason was: \(error.reason)")
        }
    }

    @Test func unknownAuthorityIsRefused() throws {
        let text = try redbridge(replacing: "London Borough of Redbridge", with: "London Borough of Atlantis")
        #expect(throws: ParseError("authority not in the authority list: 'London Borough of Atlantis'")) { try parse(text) }
    }

    @Test func ligaturesAndFormFeedsAreHarmless() throws {
        var text = try redbridge(replacing: "Overall effectiveness\tOutstanding", with: "Overall e\u{FB00}ectiveness\tOutstanding")
        text = text.replacingOccurrences(of: "\n\n2. The front door", with: "\n\n4\n\n\u{0C}2. The front door")
        let r = try parse(text)
        #expect(r.grades[.overall] == .outstanding)
        #expect(r.sections[0].paragraphs.map(\.number).prefix(3) == [1, 2, 3])
    }
}

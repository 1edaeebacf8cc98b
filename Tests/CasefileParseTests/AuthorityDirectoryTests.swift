import CasefileParse
import CasefileTestKit
import Foundation
import Testing

@Suite struct AuthorityDirectoryTests {
    let directory = AuthorityDirectory.bundled

    @Test func bundledListIsComplete() {
        #expect(directory.all.filter { !$0.former }.count == 153)
        #expect(directory.all.filter(\.former).count == 5)
        #expect(directory.entry(slug: "redbridge")?.name == "Redbridge")
        #expect(directory.entry(slug: "redbridge")?.region == "London")
        #expect(directory.entry(slug: "redbridge")?.dfeCode == "317")
        #expect(directory.entry(slug: "poole")?.former == true)
        #expect(directory.entry(slug: "atlantis") == nil)
    }

    @Test(arguments: [
        ("London Borough of Redbridge", "redbridge"),
        ("london borough of redbridge", "redbridge"),
        ("London Borough of Redbridge Council", "redbridge"),
        ("Redbridge", "redbridge"),
        ("The Royal Borough of Windsor and Maidenhead", "windsor-and-maidenhead"),
        ("Royal Borough of Windsor & Maidenhead", "windsor-and-maidenhead"),
        ("Bristol City of", "bristol"),
        ("City of Bristol", "bristol"),
        ("Bristol, City of", "bristol"),
        ("Southend-on-Sea city council", "southend-on-sea"),
        ("Southend on Sea Borough Council", "southend-on-sea"),
        ("Medway Children’s Services", "medway"),
        ("Medway Children's Services", "medway"),
        ("Leicestershire County Council", "leicestershire"),
        ("Hull", "kingston-upon-hull"),
        ("Kingston-upon-Hull City Council", "kingston-upon-hull"),
        ("Nottingham City", "nottingham"),
        ("St Helens", "st-helens"),
        ("St. Helens Council", "st-helens"),
        ("Bournemouth, Christchurch and Poole", "bournemouth-christchurch-and-poole"),
        ("Bournemouth, Christchurch & Poole", "bournemouth-christchurch-and-poole"),
        ("Rochdale Borough Council", "rochdale"),
        ("Metropolitan Borough of Barnsley Council", "barnsley"),
        ("Barnsley Metropolitan Borough Council", "barnsley"),
        ("City of London", "city-of-london"),
        ("Stoke-on-Trent", "stoke-on-trent"),
        ("Stoke on Trent City Council", "stoke-on-trent"),
        ("Herefordshire, County of", "herefordshire"),
        ("County Durham", "county-durham"),
        ("Dorset", "dorset"),
        ("Dorset County Council", "dorset-county"),
        ("Bournemouth Borough Council", "bournemouth"),
        ("  Isles   of Scilly ", "isles-of-scilly"),
    ])
    func resolves(name: String, slug: String) {
        #expect(directory.resolve(name)?.slug == slug, "\(name)")
    }

    @Test(arguments: ["Atlantis", "London Borough of Atlantis", "", "Council", "Inspection of children's services", "Borough"])
    func unknownNamesAreNil(name: String) {
        #expect(directory.resolve(name) == nil)
    }

    /// AuthorityData.swift is generated from the CSVs by Data/generate.sh: it must match them.
    @Test func embeddedDataMatchesTheCSVs() throws {
        let data = TestPaths.packageRoot.appendingPathComponent("Sources/CasefileParse/Data")
        let local = try String(contentsOf: data.appendingPathComponent("local-authorities.csv"), encoding: .utf8)
        let former = try String(contentsOf: data.appendingPathComponent("former-authorities.csv"), encoding: .utf8)
        let fromFiles = try AuthorityDirectory(localCSV: local, formerCSV: former)
        #expect(fromFiles.all == directory.all, "run Sources/CasefileParse/Data/generate.sh")
    }

    @Test func customListsAndBadCSV() throws {
        let local = """
            slug,name,dfe_code,gss_code,region,aliases
            testshire,Testshire,999,E1,Nowhere,"Testshire|Testshire, County of|Test Shire Council"
            """
        let former = "slug,name,dfe_code,gss_code,region,aliases,succeeded_by\nold-test,Old Test,,E2,Nowhere,Old Test,testshire\n"
        let d = try AuthorityDirectory(localCSV: local, formerCSV: former)
        #expect(d.resolve("Test Shire Council")?.slug == "testshire")
        #expect(d.resolve("Testshire County Council")?.slug == "testshire")
        #expect(d.resolve("Old Test")?.former == true)
        #expect(d.resolve("Old Test")?.dfeCode == nil)
        #expect(throws: ParseError.self) { try AuthorityDirectory(localCSV: "slug,name\nx,y\n", formerCSV: former) }
        #expect(throws: ParseError.self) {
            try AuthorityDirectory(localCSV: local + "\nbad,\"unterminated", formerCSV: former)
        }
    }
}

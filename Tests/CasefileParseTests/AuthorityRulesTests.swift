import CasefileModel
import CasefileParse
import Testing

/// `AuthorityDirectory.place`: the list's names, trusts, boards and Dorset.
@Suite struct AuthorityRulesTests {
    let directory = AuthorityDirectory.bundled

    func place(_ name: String, _ date: String? = nil, context: [String] = []) throws(ParseError) -> String {
        var warnings: [String] = []
        return try directory.place(name, on: date.flatMap { LocalDate(iso: $0) }, context: context, warnings: &warnings).slug
    }

    @Test(arguments: [
        ("St. Helens", "st-helens"), ("St Helens", "st-helens"), ("ST HELENS COUNCIL", "st-helens"),
        ("Stoke on Trent", "stoke-on-trent"), ("Stoke-on-Trent City Council", "stoke-on-trent"),
        ("Barking & Dagenham", "barking-and-dagenham"), ("barking and dagenham", "barking-and-dagenham"),
        ("Metropolitan Borough of Barnsley Council", "barnsley"), ("London Borough of Redbridge Council", "redbridge"),
        ("Kingston upon Hull Safeguarding Children Board", "kingston-upon-hull"),
        ("Surrey Safeguarding Children Board", "surrey"), ("Salford Safeguarding Children Partnership", "salford"),
        ("Bradford Children and Families Trust", "bradford"), ("Sunderland Together for Children", "sunderland"),
        ("Doncaster Children’s Services Trust", "doncaster"), ("Brighter Futures for Children", "reading"),
        ("Worcestershire Children First", "worcestershire"), ("Slough Children First", "slough"),
        ("Somerset County Council1", "somerset"),
    ])
    func names(name: String, slug: String) throws {
        #expect(try place(name, "2017-01-01") == slug)
    }

    @Test func dorsetByTheInspectionDate() throws {
        #expect(try place("Dorset", "2018-05-01") == "dorset-county")
        #expect(try place("Dorset", "2019-03-31") == "dorset-county")
        #expect(try place("Dorset", "2019-04-01") == "dorset")
        #expect(try place("Dorset Council", "2023-05-17") == "dorset")
        #expect(try place("Dorset County Council", "2015-01-01") == "dorset-county")
    }

    @Test func trustsWhoseAuthoritiesChanged() throws {
        #expect(try place("Northamptonshire Children’s Trust", "2020-11-01") == "northamptonshire")
        #expect(throws: ParseError.self) { try place("Northamptonshire Children’s Trust", "2022-11-01") }
        #expect(
            try place("Northamptonshire Children’s Trust", "2022-11-01", context: ["West Northamptonshire Council"])
                == "west-northamptonshire")
    }

    @Test func everyTrustServesAuthoritiesOfTheList() {
        for trust in AuthorityRules.trusts {
            for slug in trust.serves + (trust.before?.serves ?? []) {
                #expect(directory.entry(slug: slug) != nil, "\(trust.names[0]) serves '\(slug)', not on the list")
            }
        }
    }

    @Test(arguments: ["Barsetshire", "Barsetshire Safeguarding Children Board", "Achieving for Children", ""])
    func unplaceableNamesAreRejectedNamingThem(name: String) {
        do {
            let slug = try place(name, "2019-06-01")
            Issue.record("'\(name)' was placed as \(slug)")
        } catch {
            if !name.isEmpty { #expect(error.reason.contains(name), "\(error.reason)") }
        }
    }
}

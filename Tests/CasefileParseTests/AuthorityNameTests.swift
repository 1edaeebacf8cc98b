import CasefileModel
import CasefileParse
import Testing

/// Authority names as reports and letters write them, resolved by
/// normalising (case, apostrophes and possessives, "&", hyphens, council-type
/// words) rather than by listing every spelling; and the forms that must stay
/// refused because they name no authority or more than one.
@Suite struct AuthorityNameTests {
    let directory = AuthorityDirectory.bundled

    static let placedForms: [(String, String)] = [
        ("Calderdale Metropolitan Council", "calderdale"), ("Wakefield District Metropolitan Council", "wakefield"),
        ("Cheshire East Unitary Authority", "cheshire-east"), ("Dudley MBC children’s services", "dudley"),
        ("Durham’s children’s services", "county-durham"), ("Trafford Council’s children’s services", "trafford"),
        ("the London Borough of Lewisham’s children’s services", "lewisham"),
        ("East Riding local authority children’s services", "east-riding-of-yorkshire"),
        ("London Borough of Redbridge", "redbridge"),
        ("The Royal Borough of Windsor and Maidenhead", "windsor-and-maidenhead"), ("Bristol City of", "bristol"),
        ("Southend-on-Sea city council", "southend-on-sea"), ("Medway Children’s Services", "medway"),
        ("Nottingham City", "nottingham"), ("Hull", "kingston-upon-hull"), ("Kent County Council", "kent"),
        ("Leicestershire County Council", "leicestershire"), ("Rochdale Borough Council", "rochdale"),
        ("Metropolitan Borough of Barnsley Council", "barnsley"), ("London Borough of Redbridge Council", "redbridge"),
        ("Isle of Wight Council", "isle-of-wight"), ("Sheffield City Council", "sheffield"),
        ("Knowsley Council", "knowsley"), ("Surrey County Council", "surrey"),
        ("Bath and North East Somerset", "bath-and-north-east-somerset"), ("Stoke on Trent", "stoke-on-trent"),
        ("St. Helens", "st-helens"), ("Saint Helens", "st-helens"), ("ST HELENS COUNCIL", "st-helens"),
        ("Hammersmith and Fulham", "hammersmith-and-fulham"), ("Isles of Scilly", "isles-of-scilly"),
        ("London Borough of Tower Hamlets", "tower-hamlets"),
        ("London Borough of Hammersmith & Fulham", "hammersmith-and-fulham"),
        ("Royal Borough of Kensington and Chelsea", "kensington-and-chelsea"),
        ("Royal Borough of Greenwich", "greenwich"), ("Royal Borough of Kingston upon Thames", "kingston-upon-thames"),
        ("City of Westminster", "westminster"), ("Westminster City Council", "westminster"),
        ("City of London Corporation", "city-of-london"), ("City of London", "city-of-london"),
        ("Bath & North East Somerset Council", "bath-and-north-east-somerset"),
        ("Bournemouth, Christchurch and Poole Council", "bournemouth-christchurch-and-poole"),
        ("BCP Council", "bournemouth-christchurch-and-poole"),
        ("City of Bradford Metropolitan District Council", "bradford"), ("Bradford MDC", "bradford"),
        ("Kirklees Council", "kirklees"), ("Leeds City Council", "leeds"),
        ("Doncaster Metropolitan Borough Council", "doncaster"), ("City of Doncaster Council", "doncaster"),
        ("Rotherham Metropolitan Borough Council", "rotherham"), ("Barnsley Metropolitan Borough Council", "barnsley"),
        ("North Yorkshire County Council", "north-yorkshire"), ("North Yorkshire Council", "north-yorkshire"),
        ("City of York Council", "york"), ("Hull City Council", "kingston-upon-hull"),
        ("Kingston upon Hull City Council", "kingston-upon-hull"),
        ("East Riding of Yorkshire Council", "east-riding-of-yorkshire"),
        ("North East Lincolnshire Council", "north-east-lincolnshire"),
        ("North Lincolnshire Council", "north-lincolnshire"), ("Newcastle City Council", "newcastle-upon-tyne"),
        ("Gateshead Council", "gateshead"), ("South Tyneside Council", "south-tyneside"),
        ("North Tyneside Council", "north-tyneside"), ("Sunderland City Council", "sunderland"),
        ("Durham County Council", "county-durham"), ("Northumberland County Council", "northumberland"),
        ("Darlington Borough Council", "darlington"), ("Hartlepool Borough Council", "hartlepool"),
        ("Middlesbrough Council", "middlesbrough"), ("Redcar and Cleveland Borough Council", "redcar-and-cleveland"),
        ("Stockton-on-Tees Borough Council", "stockton-on-tees"), ("Manchester City Council", "manchester"),
        ("Salford City Council", "salford"), ("Trafford Council", "trafford"),
        ("Stockport Metropolitan Borough Council", "stockport"), ("Tameside Metropolitan Borough Council", "tameside"),
        ("Oldham Council", "oldham"), ("Bury Council", "bury"), ("Bolton Council", "bolton"),
        ("Wigan Council", "wigan"), ("Liverpool City Council", "liverpool"),
        ("Knowsley Metropolitan Borough Council", "knowsley"), ("St Helens Council", "st-helens"),
        ("Sefton Council", "sefton"), ("Wirral Council", "wirral"), ("Halton Borough Council", "halton"),
        ("Warrington Borough Council", "warrington"),
        ("Cheshire West and Chester Council", "cheshire-west-and-chester"),
        ("Blackburn with Darwen Borough Council", "blackburn-with-darwen"), ("Blackpool Council", "blackpool"),
        ("Lancashire County Council", "lancashire"), ("Cumberland Council", "cumberland"),
        ("Westmorland and Furness Council", "westmorland-and-furness"), ("Cumbria County Council", "cumbria"),
        ("Birmingham City Council", "birmingham"), ("Coventry City Council", "coventry"),
        ("Dudley Metropolitan Borough Council", "dudley"), ("Sandwell Metropolitan Borough Council", "sandwell"),
        ("Solihull Metropolitan Borough Council", "solihull"), ("Walsall Council", "walsall"),
        ("City of Wolverhampton Council", "wolverhampton"), ("Herefordshire Council", "herefordshire"),
        ("Shropshire Council", "shropshire"), ("Telford & Wrekin Council", "telford-and-wrekin"),
        ("Staffordshire County Council", "staffordshire"), ("Stoke-on-Trent City Council", "stoke-on-trent"),
        ("Warwickshire County Council", "warwickshire"), ("Worcestershire County Council", "worcestershire"),
        ("Derby City Council", "derby"), ("Derbyshire County Council", "derbyshire"),
        ("Leicester City Council", "leicester"), ("Lincolnshire County Council", "lincolnshire"),
        ("Nottingham City Council", "nottingham"), ("Nottinghamshire County Council", "nottinghamshire"),
        ("Rutland County Council", "rutland"), ("North Northamptonshire Council", "north-northamptonshire"),
        ("West Northamptonshire Council", "west-northamptonshire"),
        ("Northamptonshire County Council", "northamptonshire"), ("Bedford Borough Council", "bedford"),
        ("Central Bedfordshire Council", "central-bedfordshire"), ("Cambridgeshire County Council", "cambridgeshire"),
        ("Peterborough City Council", "peterborough"), ("Essex County Council", "essex"),
        ("Southend-on-Sea City Council", "southend-on-sea"), ("Thurrock Council", "thurrock"),
        ("Hertfordshire County Council", "hertfordshire"), ("Luton Borough Council", "luton"),
        ("Norfolk County Council", "norfolk"), ("Suffolk County Council", "suffolk"),
        ("Bracknell Forest Council", "bracknell-forest"), ("Brighton & Hove City Council", "brighton-and-hove"),
        ("Buckinghamshire Council", "buckinghamshire"), ("East Sussex County Council", "east-sussex"),
        ("Hampshire County Council", "hampshire"), ("Medway Council", "medway"),
        ("Milton Keynes City Council", "milton-keynes"), ("Oxfordshire County Council", "oxfordshire"),
        ("Portsmouth City Council", "portsmouth"), ("Reading Borough Council", "reading"),
        ("Slough Borough Council", "slough"), ("Southampton City Council", "southampton"),
        ("West Berkshire Council", "west-berkshire"), ("West Sussex County Council", "west-sussex"),
        ("Wokingham Borough Council", "wokingham"), ("Bristol City Council", "bristol"),
        ("Cornwall Council", "cornwall"), ("Council of the Isles of Scilly", "isles-of-scilly"),
        ("Devon County Council", "devon"), ("Dorset Council", "dorset"),
        ("Gloucestershire County Council", "gloucestershire"), ("North Somerset Council", "north-somerset"),
        ("Plymouth City Council", "plymouth"), ("Somerset Council", "somerset"),
        ("South Gloucestershire Council", "south-gloucestershire"), ("Swindon Borough Council", "swindon"),
        ("Torbay Council", "torbay"), ("Wiltshire Council", "wiltshire"),
        ("London Borough of Barking and Dagenham", "barking-and-dagenham"), ("London Borough of Barnet", "barnet"),
        ("London Borough of Bexley", "bexley"), ("London Borough of Brent", "brent"),
        ("London Borough of Bromley", "bromley"), ("London Borough of Camden", "camden"),
        ("London Borough of Croydon", "croydon"), ("London Borough of Ealing", "ealing"),
        ("London Borough of Enfield", "enfield"), ("London Borough of Hackney", "hackney"),
        ("London Borough of Haringey", "haringey"), ("London Borough of Harrow", "harrow"),
        ("London Borough of Havering", "havering"), ("London Borough of Hillingdon", "hillingdon"),
        ("London Borough of Hounslow", "hounslow"), ("London Borough of Islington", "islington"),
        ("London Borough of Lambeth", "lambeth"), ("London Borough of Merton", "merton"),
        ("London Borough of Newham", "newham"), ("London Borough of Richmond upon Thames", "richmond-upon-thames"),
        ("London Borough of Southwark", "southwark"), ("London Borough of Sutton", "sutton"),
        ("London Borough of Waltham Forest", "waltham-forest"), ("London Borough of Wandsworth", "wandsworth"),
        ("Kent’s children’s services", "kent"), ("Hull’s children’s services", "kingston-upon-hull"),
        ("Birmingham's children's services", "birmingham"),
        ("Lancashire County Council’s children’s services", "lancashire"),
        ("Bury local authority children’s services", "bury"), ("Wandsworth children’s services", "wandsworth"),
        ("Plymouth City Council children’s social care services", "plymouth"),
        ("North Tyneside Council’s Children’s Services", "north-tyneside"), ("East Riding", "east-riding-of-yorkshire"),
        ("Windsor", "windsor-and-maidenhead"), ("Bath", "bath-and-north-east-somerset"),
        ("Southend", "southend-on-sea"), ("Stockton", "stockton-on-tees"), ("Brighton", "brighton-and-hove"),
        ("Telford", "telford-and-wrekin"), ("Redcar", "redcar-and-cleveland"), ("Richmond", "richmond-upon-thames"),
        ("Barking", "barking-and-dagenham"), ("Kensington", "kensington-and-chelsea"),
        ("Newcastle", "newcastle-upon-tyne"), ("Cheshire West", "cheshire-west-and-chester"),
        ("Westmorland", "westmorland-and-furness"),
    ]

    static let refusedForms: [(String, String)] = [
        ("Kingston", "several"), ("Royal Borough of Kingston", "several"), ("Newcastle-under-Lyme", "none"),
        ("Newcastle-under-Lyme Borough Council", "none"), ("Cheshire", "none"), ("North", "none"), ("London", "none"),
        ("Council", "none"), ("Borough", "none"), ("Yorkshire", "none"), ("Greater Manchester", "none"),
        ("West Midlands", "none"), ("Bedfordshire", "none"), ("Sussex", "none"), ("Birmingham and Solihull", "none"),
        ("Kingston upon Hull and East Riding", "none"), ("Thames Valley", "none"), ("the local authority", "none"),
        ("Children’s services", "none"), ("Royal Borough of Windsor and", "none"), ("Richmondshire", "none"),
        ("Nowhere Metropolitan Borough Council", "none"), ("Ofsted", "none"), ("the area", "none"), ("Lincs", "none"),
        ("City", "none"), ("County Council", "none"), ("and", "none"),
    ]

    @Test func theTablesAreLargeEnough() {
        #expect(Self.placedForms.count >= 150)
        #expect(Set(Self.placedForms.map(\.1)).count >= 150, "most authorities of the list appear")
    }

    @Test(arguments: placedForms)
    func placesTheName(name: String, slug: String) throws {
        #expect(directory.resolve(name)?.slug == slug, "\(name)")
        var warnings: [String] = []
        #expect(try directory.place(name, on: LocalDate(year: 2024, month: 1, day: 1), warnings: &warnings).slug == slug, "\(name)")
    }

    @Test(arguments: refusedForms)
    func refusesTheName(name: String, why: String) {
        switch directory.match(name) {
        case .one(let e): Issue.record("'\(name)' was placed as \(e.slug)")
        case .none: #expect(why == "none", "'\(name)' matched nothing; expected \(why)")
        case .several(let many): #expect(why == "several" && many.count > 1, "'\(name)' matched \(many.map(\.slug))")
        }
        var warnings: [String] = []
        do {
            let e = try directory.place(name, on: LocalDate(year: 2024, month: 1, day: 1), warnings: &warnings)
            Issue.record("'\(name)' was placed as \(e.slug)")
        } catch {
            #expect(error.reason.contains(name.trimmingCharacters(in: .whitespaces)), "\(error.reason)")
        }
    }

    @Test func anAmbiguousNameSaysWhichAuthoritiesItCouldBe() {
        var warnings: [String] = []
        do {
            _ = try directory.place("Kingston", on: LocalDate(year: 2020, month: 1, day: 1), warnings: &warnings)
            Issue.record("'Kingston' was placed")
        } catch {
            #expect(error.reason.contains("more than one authority"), "\(error.reason)")
            #expect(error.reason.contains("Kingston upon Hull") && error.reason.contains("Kingston upon Thames"), "\(error.reason)")
        }
    }

    /// Every authority, in every name the list gives it, wrapped in the
    /// council-type forms reports and letters use.
    @Test func everyListedNameInEveryForm() {
        var failures: [String] = []
        var tried = 0
        for entry in directory.all where !entry.former {
            for alias in entry.aliases {
                let forms = [
                    alias, alias.uppercased(), "the \(alias)", "\(alias)’s children’s services", "\(alias)'s children's services",
                    "\(alias) children’s services", "\(alias) local authority children’s services",
                    "\(alias) local authority", "\(alias) Council’s children’s social care services",
                ]
                for form in forms {
                    tried += 1
                    if directory.resolve(form)?.slug != entry.slug {
                        failures.append("\(form) → \(directory.resolve(form)?.slug ?? "nothing")")
                    }
                }
            }
        }
        #expect(tried > 1500)
        #expect(failures.isEmpty, "\(failures.count) forms not placed: \(failures.prefix(20))")
    }

    /// No two current authorities share a name once the council-type words
    /// are off: otherwise a name could be placed on either.
    @Test func noTwoCurrentAuthoritiesShareANormalisedName() {
        var owners: [String: Set<String>] = [:]
        for entry in directory.all where !entry.former {
            for alias in entry.aliases {
                if case .one(let e) = directory.match(alias), e.slug == entry.slug { continue }
                owners[alias, default: []].insert(entry.slug)
            }
        }
        #expect(owners.isEmpty, "names that do not lead back to their own authority: \(owners)")
    }
}

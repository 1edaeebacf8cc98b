/// An authority with children's services, as named in a report and resolved
/// to its stable slug through the authority list.
public struct Authority: Hashable, Sendable, Codable {
    /// The name as the report writes it ("London Borough of Redbridge").
    public var name: String
    /// The stable key from `local-authorities.csv` ("redbridge").
    public var slug: String

    public init(name: String, slug: String) {
        self.name = name
        self.slug = slug
    }
}

/// One row of a report's judgement table.
public struct Judgement: Hashable, Sendable, Codable {
    public var area: Area
    public var grade: Grade
    /// The judgement's wording in the report.
    public var title: String

    public init(area: Area, grade: Grade, title: String) {
        self.area = area
        self.grade = grade
        self.title = title
    }
}

/// A numbered paragraph of a report's body.
public struct Paragraph: Hashable, Sendable, Codable {
    public var number: Int
    public var text: String

    public init(number: Int, text: String) {
        self.number = number
        self.text = text
    }
}

/// A body section: a heading (which in ILACS repeats a judgement's grade) and
/// its numbered paragraphs.
public struct Section: Hashable, Sendable, Codable {
    public var title: String
    public var grade: Grade?
    public var paragraphs: [Paragraph]

    public init(title: String, grade: Grade?, paragraphs: [Paragraph]) {
        self.title = title
        self.grade = grade
        self.paragraphs = paragraphs
    }
}

/// A judgement a report should give (by its framework and inspection dates)
/// that the parser did not keep, and why.
public struct MissingJudgement: Hashable, Sendable, Codable {
    public var area: Area
    /// Why it is missing, in a few fixed words ("no row in the judgement
    /// table", "no grade read with certainty", …: docs/PARSING.md lists them),
    /// so that reasons can be counted; the details are in the warnings.
    public var reason: String

    public init(area: Area, reason: String) {
        self.area = area
        self.reason = reason
    }
}

/// A previous inspection's grade as the report itself states it ("since the
/// inspection in 2023, when overall effectiveness was judged to be
/// inadequate"): what the report says, not an inspection on file.
public struct StatedGrade: Hashable, Sendable, Codable {
    /// The year of the previous inspection.
    public var year: Int
    public var area: Area
    public var grade: Grade
    /// The sentence it was read from, as written.
    public var sentence: String

    public init(year: Int, area: Area, grade: Grade, sentence: String) {
        self.year = year
        self.area = area
        self.grade = grade
        self.sentence = sentence
    }
}

/// A parsed inspection report: what `casefilectl parse --json` prints and
/// the store keeps (docs/PARSING.md describes every field).
///
/// Fields may be added; none is renamed. A value the parser was not sure of is
/// absent (nil or left out of `judgements`), and the reason is in `warnings`.
/// Reports stored before a field was added still decode: each added field
/// has a default.
public struct Report: Hashable, Sendable, Codable {
    public var authority: Authority
    public var framework: Framework
    /// ILACS only; inferred from the span of the inspection.
    public var kind: InspectionKind?
    public var inspection: DateSpan
    /// The first lead inspector (kept for the first version of the JSON shape).
    public var leadInspector: String?
    /// Every lead inspector named, in the report's order.
    public var leadInspectors: [String]
    public var judgements: [Judgement]
    public var improvements: [String]
    public var sections: [Section]
    /// `sha256:<hex>` of the report's normalised text; equal hashes mean the
    /// same content.
    public var contentHash: String
    public var parserVersion: Int
    /// What was odd about the input; never fatal.
    public var warnings: [String]
    /// Set when the grades could not be read with certainty: the reason. Such
    /// a report is stored as unreadable, keeps no judgements, and never takes
    /// part in a grade change. Absent from the JSON when the report is readable.
    public var unreadable: String?
    /// The judgements the report should give (by its framework and dates)
    /// that are not in `judgements`, each with its reason. Empty for letters
    /// and the older frameworks, which give no grades.
    public var missing: [MissingJudgement]
    /// True when `missing` is not empty: the report gives fewer judgements
    /// than its framework requires (an unreadable report is incomplete too).
    public var incomplete: Bool
    /// Grades of a previous inspection that the report's text states.
    public var statedPrevious: [StatedGrade]

    public init(
        authority: Authority, framework: Framework, kind: InspectionKind?, inspection: DateSpan,
        leadInspectors: [String], judgements: [Judgement], improvements: [String],
        sections: [Section], contentHash: String, parserVersion: Int, warnings: [String] = [],
        missing: [MissingJudgement] = [], statedPrevious: [StatedGrade] = []
    ) {
        self.authority = authority
        self.framework = framework
        self.kind = kind
        self.inspection = inspection
        self.leadInspector = leadInspectors.first
        self.leadInspectors = leadInspectors
        self.judgements = judgements
        self.improvements = improvements
        self.sections = sections
        self.contentHash = contentHash
        self.parserVersion = parserVersion
        self.warnings = warnings
        self.missing = missing
        self.incomplete = !missing.isEmpty
        self.statedPrevious = statedPrevious
    }

    /// Decodes a report; fields added after the first version default when
    /// absent (`missing` and `statedPrevious` empty, `incomplete` false), so
    /// reports stored by an older parser still read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        authority = try c.decode(Authority.self, forKey: .authority)
        framework = try c.decode(Framework.self, forKey: .framework)
        kind = try c.decodeIfPresent(InspectionKind.self, forKey: .kind)
        inspection = try c.decode(DateSpan.self, forKey: .inspection)
        leadInspector = try c.decodeIfPresent(String.self, forKey: .leadInspector)
        leadInspectors = try c.decode([String].self, forKey: .leadInspectors)
        judgements = try c.decode([Judgement].self, forKey: .judgements)
        improvements = try c.decode([String].self, forKey: .improvements)
        sections = try c.decode([Section].self, forKey: .sections)
        contentHash = try c.decode(String.self, forKey: .contentHash)
        parserVersion = try c.decode(Int.self, forKey: .parserVersion)
        warnings = try c.decode([String].self, forKey: .warnings)
        unreadable = try c.decodeIfPresent(String.self, forKey: .unreadable)
        missing = try c.decodeIfPresent([MissingJudgement].self, forKey: .missing) ?? []
        incomplete = try c.decodeIfPresent(Bool.self, forKey: .incomplete) ?? !missing.isEmpty
        statedPrevious = try c.decodeIfPresent([StatedGrade].self, forKey: .statedPrevious) ?? []
    }

    /// The grade of each judged area.
    public var grades: [Area: Grade] {
        var g: [Area: Grade] = [:]
        for j in judgements { g[j.area] = j.grade }
        return g
    }

    /// A report with at least one grade is a graded inspection.
    public var isGraded: Bool { !judgements.isEmpty }
}

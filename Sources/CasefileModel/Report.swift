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

/// A parsed inspection report: the `parse --json` shape (docs/PARSING.md).
///
/// Fields may be added; none is renamed. A value the parser was not sure of is
/// absent (nil or left out of `judgements`), and the reason is in `warnings`.
public struct Report: Hashable, Sendable, Codable {
    public var authority: Authority
    public var framework: Framework
    /// ILACS only; inferred from the span of the inspection.
    public var kind: InspectionKind?
    public var inspection: DateSpan
    /// The first lead inspector, as the `parse --json` shape has it.
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

    public init(
        authority: Authority, framework: Framework, kind: InspectionKind?, inspection: DateSpan,
        leadInspectors: [String], judgements: [Judgement], improvements: [String],
        sections: [Section], contentHash: String, parserVersion: Int, warnings: [String] = []
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

/// A judgement's grade, with the stable keys that docs/PARSING.md lists.
///
/// ILACS writes "Requires improvement to be good", SIF writes "Requires
/// improvement": both are `.requiresImprovement`.
public enum Grade: String, Codable, Sendable, CaseIterable, Hashable {
    case outstanding
    case good
    case requiresImprovement = "requires_improvement"
    case inadequate
    case notJudged = "not_judged"

    /// Rank for comparing two grades: higher is better. `nil` for `notJudged`,
    /// which is not on the scale.
    public var rank: Int? {
        switch self {
        case .outstanding: return 4
        case .good: return 3
        case .requiresImprovement: return 2
        case .inadequate: return 1
        case .notJudged: return nil
        }
    }

    /// Words for people: "requires improvement to be good".
    public var words: String {
        switch self {
        case .outstanding: return "outstanding"
        case .good: return "good"
        case .requiresImprovement: return "requires improvement"
        case .inadequate: return "inadequate"
        case .notJudged: return "not judged"
        }
    }
}

/// Judgement areas. Keys are stable and shared across frameworks, so that
/// `overall`, `leadership`, `help_and_protection` and `children_in_care`
/// compare across ILACS and SIF.
public enum Area: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    case leadership
    case helpAndProtection = "help_and_protection"
    case childrenInCare = "children_in_care"
    case careLeavers = "care_leavers"
    case adoption
    case lscb
    case overall

    /// Display order: the order of the judgement table.
    public var order: Int { Area.allCases.firstIndex(of: self)! }

    public static func < (lhs: Area, rhs: Area) -> Bool { lhs.order < rhs.order }

    /// Words for people.
    public var words: String {
        switch self {
        case .leadership: return "leadership"
        case .helpAndProtection: return "help and protection"
        case .childrenInCare: return "children in care"
        case .careLeavers: return "care leavers"
        case .adoption: return "adoption"
        case .lscb: return "LSCB"
        case .overall: return "overall effectiveness"
        }
    }
}

/// The inspection framework a report belongs to.
public enum Framework: String, Codable, Sendable, CaseIterable, Hashable {
    case ilacs
    case sif
    case focusedVisit = "focused_visit"
    case monitoringVisit = "monitoring_visit"
    case jtai
    case other
}

/// ILACS inspections are `standard` (about two weeks on site) or `short`
/// (about one week). The report never says which: it is inferred from the span.
public enum InspectionKind: String, Codable, Sendable, Hashable {
    case standard
    case short
}

import CasefileModel

/// The wording of ILACS judgements and grades.
enum ILACSVocabulary {
    struct Label {
        let area: Area
        let words: [String]
    }

    /// Judgement labels, longest first so that "… children in care and care
    /// leavers" (2018–2022) wins over "… children in care" (2023–).
    static let labels: [Label] = [
        ("the impact of leaders on social work practice with children and families", Area.leadership),
        // April 2026 wording.
        ("the impact of leaders on practice with children and families", .leadership),
        ("the experiences and progress of children who need help and protection", .helpAndProtection),
        ("the experiences and progress of children in need of help and protection", .helpAndProtection),
        ("the experiences and progress of children in care and care leavers", .childrenInCare),
        ("the experiences and progress of children in care", .childrenInCare),
        ("the experiences and progress of care leavers", .careLeavers),
        ("overall effectiveness", .overall),
    ]
    .map { Label(area: $0.1, words: $0.0.split(separator: " ").map(String.init)) }
    .sorted { $0.words.count > $1.words.count }

    /// How many words from `start` the label covers, allowing the leading
    /// "the" to be missing ("Experiences and progress of …").
    static func matchLabel(_ keys: ArraySlice<String>) -> (Label, Int)? {
        for label in labels {
            if keys.starts(with: label.words) { return (label, label.words.count) }
            if label.words.first == "the", keys.starts(with: label.words.dropFirst()) {
                return (label, label.words.count - 1)
            }
        }
        return nil
    }

    enum GradeWords {
        /// A whole grade.
        case grade(Grade)
        /// "Requires improvement" with "to be good" elsewhere or absent.
        case requiresImprovement
        /// "to be good" alone: the rest of a wrapped "Requires improvement to be good".
        case toBeGood
    }

    static let gradePhrases: [([String], GradeWords)] = [
        (["requires", "improvement", "to", "be", "good"], .grade(.requiresImprovement)),
        (["require", "improvement", "to", "be", "good"], .grade(.requiresImprovement)),
        (["requires", "improvement"], .requiresImprovement),
        (["require", "improvement"], .requiresImprovement),
        (["to", "be", "good"], .toBeGood),
        (["outstanding"], .grade(.outstanding)),
        (["good"], .grade(.good)),
        (["inadequate"], .grade(.inadequate)),
    ]

    static func matchGrade(_ keys: ArraySlice<String>) -> (GradeWords, Int)? {
        for (words, g) in gradePhrases where keys.starts(with: words) {
            return (g, words.count)
        }
        return nil
    }

    /// A grade said in full as the end of a body heading.
    static func headingGrade(_ keys: ArraySlice<String>) -> Grade? {
        guard let (g, n) = matchGrade(keys), n == keys.count else { return nil }
        switch g {
        case .grade(let grade): return grade
        case .requiresImprovement: return .requiresImprovement
        case .toBeGood: return nil
        }
    }

    /// Headings of the list of improvements.
    static let improvementHeadings: Set<String> = [
        "what needs to improve", "what needs to improve in this local authority",
        "areas for improvement", "what the local authority needs to improve",
        "what does the local authority need to improve", "what the local authority should improve",
        "recommendations", "areas for development", "what needs to improve further",
    ]
}

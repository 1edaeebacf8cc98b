import CasefileModel

/// Grades as SIF reports and LSCB reviews write them ("Requires improvement",
/// "Not judged").
enum SIFVocabulary {
    static let gradePhrases: [([String], Grade)] = [
        (["requires", "improvement", "to", "be", "good"], .requiresImprovement),
        (["require", "improvement", "to", "be", "good"], .requiresImprovement),
        (["requires", "improvement"], .requiresImprovement),
        (["require", "improvement"], .requiresImprovement),
        (["not", "judged"], .notJudged),
        (["outstanding"], .outstanding),
        (["good"], .good),
        (["inadequate"], .inadequate),
    ]

    static let gradeWords: Set<String> = [
        "requires", "require", "improvement", "to", "be", "good", "not", "judged",
        "outstanding", "inadequate",
    ]

    /// The grade phrase at the start of `keys` and its length.
    static func grade(at keys: ArraySlice<String>) -> (Grade, Int)? {
        for (words, g) in gradePhrases where keys.starts(with: words) { return (g, words.count) }
        return nil
    }

    /// The grade when `keys` are exactly one grade phrase.
    static func exactGrade(_ keys: ArraySlice<String>) -> Grade? {
        guard let (g, n) = grade(at: keys), n == keys.count else { return nil }
        return g
    }

    /// A grade stated at `p` in `words` and ending a clause: what follows is
    /// nothing, punctuation, a capitalised word (a heading's next line) or
    /// "because"/"and".
    static func statedGrade(_ words: [Text.Word], at p: Int) -> Grade? {
        guard p < words.count, let (g, n) = grade(at: words.map(\.key)[p...]) else { return nil }
        let end = p + n
        if end == words.count { return g }
        if let last = words[end - 1].original.last, ".,;:".contains(last) { return g }
        let next = words[end]
        if let f = next.original.first, f.isUppercase || f.isNumber { return g }
        if ["because", "and"].contains(next.key) { return g }
        return nil
    }
}

/// Grades stated more than once: they must agree.
struct GradeStatements {
    var byArea: [Area: [(grade: Grade, source: String)]] = [:]

    mutating func add(_ area: Area, _ grade: Grade, _ source: String) { byArea[area, default: []].append((grade, source)) }

    /// The one grade stated for the area; nil with a warning when statements disagree.
    func agreed(_ area: Area, warnings: inout [String]) -> Grade? {
        guard let all = byArea[area], let first = all.first else { return nil }
        if let other = all.first(where: { $0.grade != first.grade }) {
            warnings.append(
                "conflict for \(area.rawValue): \(first.source) says \(first.grade.rawValue), \(other.source) says \(other.grade.rawValue); left out"
            )
            return nil
        }
        return first.grade
    }
}

import CasefileModel

/// The wording of ILACS judgements and grades.
enum ILACSVocabulary {
    /// A judgement label as written: its area and how many words it takes.
    struct Label {
        let area: Area
        let words: [String]
        /// "… children in care and care leavers" (2018–2022): one judgement
        /// for both, so no separate care leavers row is to be expected.
        var includesCareLeavers: Bool { area == .childrenInCare && Self.contains(words, ["care", "leavers"]) }

        static func contains(_ words: [String], _ run: [String]) -> Bool {
            guard words.count >= run.count else { return false }
            return (0...(words.count - run.count)).contains { words[$0..<($0 + run.count)].elementsEqual(run) }
        }
    }

    /// The words judgement labels are made of. Ofsted's templates word them
    /// differently over the years ("… children who need help and
    /// protection", "… children in need of help and protection", "… of
    /// practice with children and families", the late-2025 "… children care
    /// leavers"): a label is read by what it means, not by its exact wording.
    static let labelWords: Set<String> = [
        "the", "impact", "of", "leaders", "leadership", "on", "social", "work", "practice", "with", "children", "and",
        "families", "experiences", "progress", "who", "need", "needing", "help", "protection", "in", "care", "leavers",
        "young", "people", "looked", "after", "overall", "effectiveness",
    ]

    /// The label that starts at `keys`' first word, and how many words it
    /// takes, when the words are a judgement label: "(The) impact of leaders
    /// …", "(The) experiences and progress of …" followed by the key words of
    /// one judgement in order (help … protection; children in care, with or
    /// without care leavers; care leavers), or "Overall effectiveness". The
    /// label ends where a grade, another label or a word that no label uses
    /// begins.
    static func matchLabel(_ keys: ArraySlice<String>) -> (Label, Int)? {
        let k = Array(keys.prefix(24))
        var p = 0
        if k.first == "the" { p = 1 }
        guard p < k.count else { return nil }
        if k[p] == "overall" {
            guard p + 1 < k.count, k[p + 1] == "effectiveness" else { return nil }
            return (Label(area: .overall, words: Array(k[0...(p + 1)])), p + 2)
        }
        guard k[p] == "impact" || k[p] == "experiences" else { return nil }
        var q = p + 1
        while q < k.count, q < 20 {
            let w = k[q]
            guard labelWords.contains(w), matchGrade(k[q...]) == nil else { break }
            // Another label begins (a row whose grade is missing).
            if w == "experiences" || w == "impact" || (w == "overall" && q + 1 < k.count && k[q + 1] == "effectiveness") { break }
            if w == "the", q + 1 < k.count, ["experiences", "impact", "overall"].contains(k[q + 1]) { break }
            q += 1
        }
        let words = Array(k[0..<q])
        guard let area = meaning(words, first: k[p]) else { return nil }
        return (Label(area: area, words: words), q)
    }

    /// The judgement a label's words name, or nil when they name none or more than one.
    static func meaning(_ words: [String], first: String) -> Area? {
        func has(_ run: [String]) -> Bool { Label.contains(words, run) }
        if first == "impact" {
            return words.contains("leaders") || words.contains("leadership") ? .leadership : nil
        }
        let help = words.firstIndex(of: "help").map { h in words[h...].contains("protection") } ?? false
        let inCare = has(["children", "in", "care"]) || has(["children", "looked", "after"])
        let leavers = has(["care", "leavers"])
        switch (help, inCare, leavers) {
        case (true, false, false): return .helpAndProtection
        case (false, true, _): return .childrenInCare
        case (false, false, true): return .careLeavers
        default: return nil
        }
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

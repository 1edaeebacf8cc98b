import CasefileModel

/// Where SIF reports and LSCB reviews state a grade besides the first
/// page's list: the overall judgement sentence, the LSCB sentence, and body
/// headings followed by their grade.
extension Document {
    /// The overall judgement as SIF reports state it: a sentence starting
    /// "The overall judgement is (that children's services are) …", "The
    /// overall judgement for X is …", "Children's services in X are …" or
    /// "… require improvement …", "Overall, children's services in X …",
    /// "The overall effectiveness of children's services (in X) is (judged to
    /// be) …"; and, on the first page (before line `firstPageEnd`), "Overall
    /// effectiveness" with its grade beside it or on the line under it.
    func overallStatements(from start: Int, to end: Int, firstPageEnd: Int) -> [(Grade, String)] {
        var found: [(Grade, String)] = []
        for i in content(from: start, to: end) {
            let t = lines[i].text
            guard
                Text.hasPrefixIgnoringCase(t, "the overall") || Text.hasPrefixIgnoringCase(t, "children")
                    || Text.hasPrefixIgnoringCase(t, "overall")
            else { continue }
            let k = key(i)
            let capital = t.first?.isUppercase == true
            var subject = 0
            var source = "'\(t.prefix(60))'"
            if k.hasPrefix("the overall judgement ") {
                subject = 3
                source = "the overall judgement"
            } else if capital, k.hasPrefix("children's services in ") || k.hasPrefix("childrens services in ") {
                subject = 3
            } else if capital, k.hasPrefix("overall children's services in ") || k.hasPrefix("overall childrens services in ") {
                subject = 4
            } else if k.hasPrefix("the overall effectiveness of ") || k.hasPrefix("overall effectiveness of ") {
                subject = k.hasPrefix("the") ? 4 : 3
            } else if i < firstPageEnd, let g = labelledOverall(at: i) {
                found.append((g, "the first page's 'Overall effectiveness'"))
                continue
            } else {
                continue
            }
            let words = statement(at: i)
            if let g = Self.gradeStated(words, after: subject) { found.append((g, source)) }
        }
        return found
    }

    /// The grade a statement gives after its subject (`subject` words): at
    /// the first "is", "are", "remain(s)" (with "judged to be", "judged to",
    /// "judged as" or "judged" after it) or "require(s)" within a dozen words; "is that
    /// children's services are …" goes on to the second verb.
    static func gradeStated(_ words: [Text.Word], after subject: Int) -> Grade? {
        let keys = words.map(\.key)
        var p = subject
        while p < keys.count, p < subject + 14 {
            let w = keys[p]
            if ["is", "are", "remain", "remains"].contains(w) {
                var q = p + 1
                for lead in [["judged", "to", "be"], ["judged", "as"], ["judged", "to"], ["judged"], ["now"]]
                where keys[q...].starts(with: lead) {
                    q += lead.count
                    break
                }
                if q < keys.count, keys[q] == "that" {
                    p = q + 1
                    continue
                }
                return SIFVocabulary.statedGrade(words, at: q)
            }
            if w == "require" || w == "requires" { return SIFVocabulary.statedGrade(words, at: p) }
            p += 1
        }
        return nil
    }

    /// "Overall effectiveness  Requires improvement" on one line, or
    /// "Overall effectiveness" with the line under it only a grade.
    func labelledOverall(at i: Int) -> Grade? {
        let keys = Text.words(lines[i].text).map(\.key)
        var n = 0
        if keys.starts(with: ["overall", "effectiveness"]) || keys.starts(with: ["overall", "judgement"]) { n = 2 }
        guard n > 0 else { return nil }
        if keys.count == n { return gradeLine(after: i) }
        return SIFVocabulary.exactGrade(keys[n...])
    }

    /// Headings of the LSCB's judgement, followed by a line that is only its grade.
    static let lscbHeadings: Set<String> = [
        "the effectiveness of the local safeguarding children board", "the effectiveness of the lscb",
        "the effectiveness of the local safeguarding children board lscb",
    ]

    /// "The effectiveness of the Local Safeguarding Children Board (LSCB) is
    /// requires improvement", "The Local Safeguarding Children Board is good",
    /// "The effectiveness of the LSCB is good", "The LSCB requires
    /// improvement", "The effectiveness of Wigan Safeguarding Children Board
    /// is good", "Kirklees Safeguarding Children Board (KSCB) is judged to be
    /// inadequate": lines starting so; or an LSCB heading with its grade under it.
    func lscbStatements(from start: Int) -> [Grade] {
        var found: [Grade] = []
        for i in content(from: start, to: lines.count) {
            let t = lines[i].text
            guard let f = t.utf8.first, f >= 0x41 && f <= 0x5A,
                Text.contains(t, "Board") || Text.contains(t, "board") || Text.contains(t, "LSCB")
            else { continue }
            let k = key(i)
            guard
                Text.contains(k, "safeguarding children board") || k.hasPrefix("the effectiveness of the lscb")
                    || k.hasPrefix("the lscb ")
            else { continue }
            if Self.lscbHeadings.contains(k), let g = gradeLine(after: i), g != .notJudged {
                found.append(g)
                continue
            }
            let words = statement(at: i)
            let keys = words.map(\.key)
            var p: Int
            if keys.starts(with: ["the", "effectiveness", "of", "the", "lscb"]) {
                p = 5
            } else if keys.starts(with: ["the", "lscb"]) {
                p = 2
            } else {
                guard let b = keys.indices.prefix(7).first(where: { keys[$0...].starts(with: ["safeguarding", "children", "board"]) }),
                    !keys[..<b].contains("of") || keys.starts(with: ["the", "effectiveness", "of"])
                else { continue }
                // A heading that names the board inside a longer phrase is no statement.
                if !keys.starts(with: ["the", "effectiveness"]),
                    keys[..<b].contains(where: { ["review", "inspection", "chair", "by", "with", "to", "and"].contains($0) })
                {
                    continue
                }
                p = b + 3
            }
            if p < keys.count, words[p].original.hasPrefix("(") { p += 1 }
            guard p < keys.count else { continue }
            if keys[p] == "is" {
                p += 1
                if keys[p...].starts(with: ["judged", "to", "be"]) { p += 3 } else if keys[p...].starts(with: ["judged"]) { p += 1 }
            } else if keys[p] != "requires" && keys[p] != "require" {
                continue
            }
            if let g = SIFVocabulary.statedGrade(words, at: p), g != .notJudged { found.append(g) }
        }
        return found
    }

    /// Body headings ("The experiences and progress of children who need help
    /// and protection", "Leadership, management and governance") followed by
    /// a line that is only their grade ("Requires improvement" / "to be good").
    func sifBodyHeadingGrades(from start: Int) -> [(Area, Grade)] {
        var found: [(Area, Grade)] = []
        var i = start
        while i < lines.count {
            defer { i += 1 }
            guard lines[i].isContent else { continue }
            let t = lines[i].text
            guard
                Text.hasPrefixIgnoringCase(t, "the experiences") || Text.hasPrefixIgnoringCase(t, "experiences")
                    || Text.hasPrefixIgnoringCase(t, "leadership"), t.first?.isUppercase == true, !Text.contains(t, ":")
            else { continue }
            var span: [Int] = []
            var j = i
            while j < lines.count, span.count < 3 {
                if lines[j].kind == .blank { break }
                if lines[j].isContent { span.append(j) }
                j += 1
                let keys = span.flatMap { Text.words(lines[$0].text).map(\.key) }
                for h in Self.sifBodyHeadings {
                    if keys == h.words || (h.words.first == "the" && keys == Array(h.words.dropFirst())) {
                        if let g = gradeLine(after: span.last!) { found.append((h.area, g)) }
                    } else if keys.starts(with: h.words), let g = SIFVocabulary.exactGrade(keys[h.words.count...]),
                        !lines[span.last!].text.hasSuffix(".")
                    {
                        found.append((h.area, g))
                    }
                }
            }
        }
        return found
    }

    /// The grade on the line(s) just after `i` (blank lines and bare page
    /// numbers skipped), when those lines are only the grade.
    func gradeLine(after i: Int) -> Grade? {
        var next: [Int] = []
        var j = i + 1
        while j < lines.count, next.count < 2, j < i + 8 {
            if lines[j].isContent, Text.bareNumber(lines[j].text) == nil { next.append(j) }
            j += 1
        }
        guard let a = next.first else { return nil }
        let one = Text.words(lines[a].text).map(\.key)
        if next.count == 2 {
            let two = one + Text.words(lines[next[1]].text).map(\.key)
            if let g = SIFVocabulary.exactGrade(two[...]) { return g }
        }
        return SIFVocabulary.exactGrade(one[...])
    }
}

import CasefileModel

/// The report's own memory: sentences that state what a previous inspection
/// judged ("… since the inspection in 2023, when overall effectiveness was
/// judged to be inadequate", "following a judgement of inadequate for overall
/// effectiveness in 2014").
///
/// Read only when the sentence leaves no doubt: one year, earlier than this
/// inspection; a past judgement ("was judged", "were judged", "had been
/// judged", "a judgement of"); a grade right after it; and a subject that
/// names one judgement area or the authority's services as a whole
/// (`overall`). Anything else is left alone. Two statements of one year and
/// area that disagree are both dropped, with a warning.
extension Document {
    func statedPrevious(from start: Int, to end: Int, before inspection: LocalDate) -> [StatedGrade] {
        var found: [StatedGrade] = []
        var dropped: Set<String> = []
        for sentence in paragraphs(from: start, to: end).flatMap(Self.sentences) {
            for s in Self.statedGrades(in: sentence, before: inspection) {
                let key = "\(s.year) \(s.area.rawValue)"
                if dropped.contains(key) { continue }
                if let other = found.firstIndex(where: { $0.year == s.year && $0.area == s.area }) {
                    if found[other].grade != s.grade {
                        found.remove(at: other)
                        dropped.insert(key)
                    }
                    continue
                }
                found.append(s)
            }
        }
        return found
    }

    /// The text's paragraphs that say "judge…": content lines joined up to a
    /// blank line, and a paragraph cut by a page break (it ends without a
    /// full stop and the next begins in lower case) joined with its rest. A
    /// heading stays apart from the text under it. Only those paragraphs are
    /// joined: most of a report states no judgement.
    func paragraphs(from start: Int, to end: Int) -> [String] {
        // Runs of content lines between blank lines (page furniture skipped).
        var runs: [[Int]] = []
        var current: [Int] = []
        for i in max(0, start)..<min(end, lines.count) {
            switch lines[i].kind {
            case .content: current.append(i)
            case .blank:
                if !current.isEmpty { runs.append(current) }
                current = []
            default: continue
            }
        }
        if !current.isEmpty { runs.append(current) }
        // Runs that continue the one before them.
        func continues(_ k: Int) -> Bool {
            guard k > 0, let e = lines[runs[k - 1].last!].text.last, !".?!:".contains(e),
                let f = lines[runs[k][0]].text.first
            else { return false }
            return f.isLowercase
        }
        var out: [String] = []
        var k = 0
        while k < runs.count {
            var group = [k]
            while let last = group.last, last + 1 < runs.count, continues(last + 1) { group.append(last + 1) }
            let indices = group.flatMap { runs[$0] }
            if indices.contains(where: { Self.mentionsJudge(lines[$0].text) }) { out.append(joined(indices)) }
            k = group.last! + 1
        }
        return out
    }

    /// True when the text has "judge" (any case of its first letter) in it:
    /// a byte search, for the many paragraphs that do not.
    static func mentionsJudge(_ s: String) -> Bool {
        Text.withBytes(s) { b in
            // A "j" or "J" is rare: look for it first, then at the four bytes after it.
            var i = 0
            let last = b.count - 5
            while i <= last {
                let c = b[i]
                if (c == 0x6A || c == 0x4A) && b[i + 1] == 0x75 && b[i + 2] == 0x64 && b[i + 3] == 0x67 && b[i + 4] == 0x65 {
                    return true
                }
                i += 1
            }
            return false
        }
    }

    /// Sentences of a text: split after ".", "?" or "!" followed by a space
    /// and a capital letter or a digit. (Read by Character, as always, but
    /// each sentence is cut out of the text whole rather than built up a
    /// Character at a time.)
    static func sentences(_ text: String) -> [String] {
        if let ascii = asciiSentences(text) { return ascii }
        let norm = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        var out: [String] = []
        var start = norm.startIndex
        var i = norm.startIndex
        while i < norm.endIndex {
            let c = norm[i]
            let next = norm.index(after: i)
            if c == "." || c == "?" || c == "!", next < norm.endIndex, norm[next] == " " {
                let afterSpace = norm.index(after: next)
                if afterSpace < norm.endIndex, norm[afterSpace].isUppercase || norm[afterSpace].isNumber {
                    out.append(String(norm[start..<next]).trimmingSpaces)
                    start = afterSpace
                    i = afterSpace
                    continue
                }
            }
            i = next
        }
        let rest = String(norm[start...]).trimmingSpaces
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    /// `sentences` of a text that is all ASCII without carriage returns,
    /// on its bytes: there every byte is a Character, the capitals are A–Z,
    /// the digits 0–9 and the whitespace tab to carriage return and space.
    /// Nil for any other text.
    static func asciiSentences(_ text: String) -> [String]? {
        Text.withBytes(text) { bytes -> [String]? in
            for b in bytes where b >= 0x80 || b == 0x0D { return nil }
            // Words split at spaces and tabs, joined by one space.
            var norm: [UInt8] = []
            norm.reserveCapacity(bytes.count)
            for b in bytes {
                if b == 0x20 || b == 0x09 {
                    if let last = norm.last, last != 0x20 { norm.append(0x20) }
                } else {
                    norm.append(b)
                }
            }
            if norm.last == 0x20 { norm.removeLast() }
            func trimmed(_ lo: Int, _ hi: Int) -> String {
                var a = lo, b = hi
                while a < b, norm[a] == 0x20 || (0x09...0x0D).contains(norm[a]) { a += 1 }
                while b > a, norm[b - 1] == 0x20 || (0x09...0x0D).contains(norm[b - 1]) { b -= 1 }
                return String(decoding: norm[a..<b], as: UTF8.self)
            }
            var out: [String] = []
            var start = 0
            var i = 0
            while i < norm.count {
                let c = norm[i]
                if c == 0x2E || c == 0x3F || c == 0x21, i + 2 < norm.count, norm[i + 1] == 0x20,
                    (0x41...0x5A).contains(norm[i + 2]) || (0x30...0x39).contains(norm[i + 2])
                {
                    out.append(trimmed(start, i + 1))
                    start = i + 2
                    i += 2
                    continue
                }
                i += 1
            }
            let rest = trimmed(start, norm.count)
            if !rest.isEmpty { out.append(rest) }
            return out
        }
    }

    /// The previous grades one sentence states.
    static func statedGrades(in sentence: String, before inspection: LocalDate) -> [StatedGrade] {
        // Most sentences state no judgement: skip them before splitting words.
        guard mentionsJudge(sentence) else { return [] }
        let words = Text.words(sentence)
        let keys = words.map(\.key)
        guard keys.contains("judged") || keys.contains("judgement") else { return [] }
        // Exactly one year, and not after this inspection.
        let yearAt = keys.indices.filter { i in
            keys[i].count == 4 && keys[i].allSatisfy(\.isNumber) && (1990...2099).contains(Int(keys[i]) ?? 0)
        }
        let years = Set(yearAt.compactMap { Int(keys[$0]) })
        guard years.count == 1, let year = years.first, year <= inspection.year else { return [] }
        if year == inspection.year, !monthBefore(keys, inspection) { return [] }
        // The year belongs to the statement: before its verb, or within a few
        // words after it ("judged inadequate in June 2018", "… at the
        // inspection in 2015"), not in a sentence run on after it.
        func yearBelongs(verb: Int, end: Int) -> Bool { yearAt.contains { $0 < verb || $0 <= end + 6 } }
        var out: [StatedGrade] = []
        for v in keys.indices {
            // "X was judged (to be|as) GRADE"
            if keys[v] == "judged", v > 0, ["was", "were", "been"].contains(keys[v - 1]) {
                var aux = v - 1
                if keys[aux] == "been", aux > 0, keys[aux - 1] == "had" { aux -= 1 }
                var p = v + 1
                if keys[p...].starts(with: ["to", "be"]) {
                    p += 2
                } else if keys[p...].starts(with: ["as"]) || keys[p...].starts(with: ["to"]) {
                    p += 1
                }
                guard let (grade, n) = SIFVocabulary.grade(at: keys[p...]), grade != .notJudged,
                    yearBelongs(verb: aux, end: p + n), let area = subjectArea(words, upTo: aux)
                else { continue }
                out.append(StatedGrade(year: year, area: area, grade: grade, sentence: sentence))
            }
            // "the judgement for overall effectiveness was GRADE"
            if keys[v] == "judgement", keys[(v + 1)...].starts(with: ["for", "overall", "effectiveness"]), v + 4 < keys.count,
                ["was", "were"].contains(keys[v + 4])
            {
                var p = v + 5
                if keys[p...].starts(with: ["judged", "to", "be"]) { p += 3 } else if keys[p...].starts(with: ["judged"]) { p += 1 }
                if let (grade, n) = SIFVocabulary.grade(at: keys[p...]), grade != .notJudged, yearBelongs(verb: v, end: p + n) {
                    out.append(StatedGrade(year: year, area: .overall, grade: grade, sentence: sentence))
                }
            }
            // "a judgement of GRADE for overall effectiveness"
            if keys[v] == "judgement", v + 1 < keys.count, keys[v + 1] == "of",
                let (grade, n) = SIFVocabulary.grade(at: keys[(v + 2)...]), grade != .notJudged
            {
                let after = v + 2 + n
                guard after < keys.count, keys[after] == "for" else { continue }
                let rest = Array(keys[(after + 1)...].prefix(4))
                if rest.starts(with: ["overall", "effectiveness"]), yearBelongs(verb: v, end: after + 3) {
                    out.append(StatedGrade(year: year, area: .overall, grade: grade, sentence: sentence))
                }
            }
        }
        // One sentence stating one area twice, differently: not sure of either.
        for s in out where out.contains(where: { $0.area == s.area && $0.grade != s.grade }) { return [] }
        return out
    }

    /// True when the sentence names a month that comes before the inspection's.
    private static func monthBefore(_ keys: [String], _ inspection: LocalDate) -> Bool {
        let months = keys.compactMap { InspectionDates.months[$0] }
        return months.count == 1 && months[0] < inspection.month
    }

    /// The area the subject of a clause ending at `end` names: the words
    /// after the clause's start ("when", "where", a comma, …).
    private static func subjectArea(_ words: [Text.Word], upTo end: Int) -> Area? {
        var start = end
        let openers: Set<String> = ["when", "where", "which", "since", "following", "after", "while", "whereas"]
        let gradeEnds: Set<String> = ["good", "outstanding", "inadequate", "improvement"]
        while start > 0 {
            let prev = words[start - 1]
            if openers.contains(prev.key) || prev.original.hasSuffix(",") || prev.original.hasSuffix(";") { break }
            // "… was judged good and overall effectiveness was judged …", "…
            // in 2012 and the local authority was judged …": a new clause;
            // "children and families" is not one.
            if prev.key == "and" || prev.key == "but", start >= 2,
                gradeEnds.contains(words[start - 2].key) || words[start - 2].key.allSatisfy(\.isNumber)
            {
                break
            }
            start -= 1
        }
        let subject = words[start..<end].map(\.key)
        guard !subject.isEmpty, subject.count <= 12 else { return nil }
        // "… a re-inspection of children's services in Lambeth, after they
        // were judged …": the pronoun stands for what the sentence named
        // before it, when that is the services as a whole and nothing else.
        if subject == ["they"] || subject == ["it"] {
            let before = words[..<start].map(\.key)
            let named = (0..<before.count).compactMap { i -> Area? in
                let run = Array(before[i...].prefix(3))
                return run.starts(with: ["children's", "services"]) || run.starts(with: ["the", "local", "authority"]) ? .overall : nil
            }
            return !named.isEmpty && areasNamed(in: before).isEmpty ? .overall : nil
        }
        return area(named: subject)
    }

    /// The judgement area a subject names, nil when it names none or several
    /// or something else (a fostering service, a youth offending team).
    static func area(named subject: [String]) -> Area? {
        let areas = areasNamed(in: subject)
        if areas.count == 1 { return areas.first }
        guard areas.isEmpty else { return nil }
        // The authority's services as a whole: "the local authority",
        // "Bexley council", "children's services (in Bexley)", "services".
        let s0 = subject.first == "the" ? Array(subject.dropFirst()) : subject
        let whole =
            s0 == ["local", "authority"] || s0 == ["service", "overall"]
            || s0 == ["authority"] || s0 == ["council"] || s0 == ["services"]
            || s0.starts(with: ["children's", "services"]) || s0.starts(with: ["childrens", "services"])
            || s0.starts(with: ["services", "for", "children"]) || s0.starts(with: ["children's", "social", "care"])
            || subject.suffix(2) == ["children's", "services"] || subject.suffix(2) == ["local", "authority"]
        return whole ? .overall : nil
    }

    /// The judgement areas words name by their own wording.
    static func areasNamed(in subject: [String]) -> Set<Area> {
        func has(_ run: [String]) -> Bool { ILACSVocabulary.Label.contains(subject, run) }
        var areas: Set<Area> = []
        if has(["overall", "effectiveness"]) { areas.insert(.overall) }
        if has(["help", "and", "protection"]) { areas.insert(.helpAndProtection) }
        if has(["children", "in", "care"]) || has(["children", "looked", "after"]) {
            areas.insert(.childrenInCare)
        } else if has(["care", "leavers"]) {
            areas.insert(.careLeavers)
        }
        if has(["impact", "of", "leaders"]) || has(["leadership", "management"]) { areas.insert(.leadership) }
        if has(["adoption", "performance"]) { areas.insert(.adoption) }
        if has(["local", "safeguarding", "children", "board"]) || subject.suffix(2) == ["the", "lscb"] { areas.insert(.lscb) }
        return areas
    }
}

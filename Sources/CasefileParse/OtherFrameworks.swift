import CasefileModel
import Foundation

/// Documents of the frameworks other than ILACS: which one a text is, and
/// the shared pieces of their parsers. ILACS reports are not claimed here:
/// `dispatch` returns nil for them and the ILACS parser runs.
enum FrameworkDispatch {
    enum Kind: Equatable {
        /// SIF report (2013–2018), possibly with the LSCB review; the title's first line.
        case sif(title: Int)
        /// A standalone review of a Local Safeguarding Children Board.
        case lscbReview(title: Int)
        /// A 2013 inspection of looked after children services (or of
        /// safeguarding and looked after children services).
        case lookedAfter(title: Int)
        /// A letter: focused visit, monitoring visit or JTAI; the "Dear …" line.
        case letter(Framework, dear: Int)
    }

    /// The parsed report when the text is one of the other frameworks, nil
    /// when it is not (the ILACS parser then decides).
    static func parse(_ document: Document, authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport? {
        var doc = document
        guard let kind = detect(doc) else { return nil }
        switch kind {
        case .sif(let title):
            return try doc.parseSIF(title: title, authorities: authorities)
        case .lscbReview(let title):
            return try doc.parseLSCBReview(title: title, authorities: authorities)
        case .lookedAfter(let title):
            return try doc.parseLookedAfter(title: title, authorities: authorities)
        case .letter(let framework, let dear):
            return try doc.parseLetter(framework, dear: dear, authorities: authorities)
        }
    }

    /// Which framework the top of the document names, if not ILACS.
    static func detect(_ doc: Document) -> Kind? {
        let head = doc.contentIndices(limit: 60)
        let keys = head.map { doc.key($0) }
        // Title pages: the title comes before the inspection dates.
        if let d = keys.firstIndex(where: Document.isDatesLabel), d <= 25 {
            let titleKey = keys[..<d].joined(separator: " ")
            func first(_ prefixes: [String]) -> Int? {
                keys[..<d].firstIndex { k in prefixes.contains { k.hasPrefix($0) } }.map { head[$0] }
            }
            if titleKey.contains("of services for children in need of help and protection"),
               let t = first(["inspection of services", "re-inspection of services", "reinspection of services", "re inspection of services"]) {
                return .sif(title: t)
            }
            if titleKey.contains("of the effectiveness of the local safeguarding children board"),
               let t = first(["review of the effectiveness", "inspection of the effectiveness"]) {
                return .lscbReview(title: t)
            }
            if titleKey.contains("inspection of looked after children services")
                || titleKey.contains("inspection of safeguarding and looked after children services"),
               let t = first(["inspection of looked after", "inspection of safeguarding and looked after"]) {
                return .lookedAfter(title: t)
            }
        }
        // Letters: a greeting, then a subject line and the opening sentence.
        guard let dearAt = keys.firstIndex(where: { $0.hasPrefix("dear ") }) else { return nil }
        let subjects = keys[(dearAt + 1)..<min(keys.count, dearAt + 3)]
        let opening = keys[(dearAt + 1)..<min(keys.count, dearAt + 10)].joined(separator: " ")
        // The subject line decides (a stray line may come before it); failing that, the opening sentence.
        for s in subjects {
            if s.hasPrefix("joint targeted area inspection") { return .letter(.jtai, dear: head[dearAt]) }
            if s.hasPrefix("focused visit") { return .letter(.focusedVisit, dear: head[dearAt]) }
            if s.hasPrefix("monitoring visit") { return .letter(.monitoringVisit, dear: head[dearAt]) }
        }
        if opening.contains("joint targeted area inspection (jtai)") || opening.contains("joint targeted area inspection jtai")
            || opening.contains("joint targeted area inspection of") {
            return .letter(.jtai, dear: head[dearAt])
        }
        if opening.contains("findings of a focused visit") || opening.contains("findings of the focused visit") {
            return .letter(.focusedVisit, dear: head[dearAt])
        }
        if opening.contains("monitoring visit to") || opening.contains("findings of the monitoring visit")
            || opening.contains("findings of a monitoring visit") {
            return .letter(.monitoringVisit, dear: head[dearAt])
        }
        return nil
    }
}

// MARK: - Shared pieces

extension Document {
    /// A line's words as matching keys, joined by spaces.
    func key(_ i: Int) -> String { Text.words(lines[i].text).map(\.key).joined(separator: " ") }

    static func isDatesLabel(_ key: String) -> Bool {
        key.hasPrefix("inspection date") || key.hasPrefix("dates of inspection") || key.hasPrefix("date of inspection")
    }

    /// Content lines from `start` (inclusive) while `i < end`.
    func content(from start: Int, to end: Int) -> [Int] {
        var out: [Int] = []
        var i = max(0, start)
        while i < min(end, lines.count) {
            if lines[i].isContent { out.append(i) }
            i += 1
        }
        return out
    }

    /// The text of content lines joined as one paragraph.
    func joined(_ indices: some Sequence<Int>) -> String { Text.join(indices.map { lines[$0].text }) }

    /// The authority named by the lines just above the title (a footnote
    /// number or a stray line may come first): the longest run of them that
    /// can be placed.
    func titleAuthority(above title: Int, from start: Int, on date: LocalDate?, authorities: AuthorityDirectory,
                        warnings: inout [String]) throws(ParseError) -> Authority {
        var above = content(from: start, to: title).filter { Text.bareNumber(lines[$0].text) == nil }
        above = Array(above.suffix(3))
        guard !above.isEmpty else { throw ParseError("no authority name above the title") }
        var firstError: ParseError?
        for k in above.indices {
            let name = joined(above[k...])
            var w: [String] = []
            do {
                let e = try authorities.place(name, on: date, warnings: &w)
                warnings += w
                return Authority(name: Self.cleanName(name), slug: e.slug)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? ParseError("no authority name above the title")
    }

    /// A sentence that starts on line `i`, with the lines it runs on to (a
    /// next line starting in lower case continues it; at most three lines).
    func statement(at i: Int) -> [Text.Word] {
        var parts = [lines[i].text]
        var last = i
        for j in contentIndices(from: i + 1, limit: 2) {
            guard let end = lines[last].text.last, !".:;".contains(end),
                  let f = lines[j].text.first, f.isLowercase else { break }
            parts.append(lines[j].text)
            last = j
        }
        return Text.words(Text.join(parts))
    }

    /// The inspection dates of a title page ("Inspection date: 20 January 2015
    /// – 11 February 2015", "12/09/2016 to 06/10/2016", "20 June 2017 ─ 13
    /// July 2017", wrapped over lines or on the line after the label): the
    /// first and last day.
    func titlePageDates(at index: Int) throws(ParseError) -> DateSpan {
        var text = lines[index].text
        if let colon = text.firstIndex(of: ":") {
            text = String(text[text.index(after: colon)...])
        } else {
            text = text.split(separator: " ").dropFirst(2).joined(separator: " ")
        }
        var best = LetterDates.span(text, letterDate: nil)?.span
        for j in contentIndices(from: index + 1, limit: 3) {
            let k = key(j)
            if k.hasPrefix("report published") || k.hasPrefix("published") || k.hasPrefix("lead inspector")
                || k.hasPrefix("reporting inspector") { break }
            guard LetterDates.tokens(lines[j].text) != nil else { break }
            text += " " + lines[j].text
            if let s = LetterDates.span(text, letterDate: nil)?.span { best = s }
        }
        guard let span = best else {
            throw ParseError("inspection dates not understood: '\(text.trimmingSpaces)'")
        }
        return span
    }

    /// A name as written, without a footnote marker stuck to its end.
    static func cleanName(_ s: String) -> String {
        var n = s.trimmingSpaces
        while let l = n.last, l.isNumber, n.dropLast().last?.isLetter == true { n.removeLast() }
        while let l = n.last, ".,:;".contains(l) { n.removeLast() }
        return n.trimmingSpaces
    }

    /// "Report published: 8 August 2014" / "Published: 16 August 2013" in the
    /// lines after the title (the date may stand on a later line).
    func publishedDate(from start: Int, limit: Int = 12) -> LocalDate? {
        let near = contentIndices(from: start, limit: limit)
        for (n, i) in near.enumerated() {
            let k = key(i)
            guard k.hasPrefix("report published") || k.hasPrefix("published") else { continue }
            let text = lines[i].text
            if let colon = text.firstIndex(of: ":"), let d = LetterDates.single(String(text[text.index(after: colon)...])) {
                return d
            }
            // The value on one of the next lines (a two-column title page).
            for j in near[(n + 1)...].prefix(3) {
                if let d = LetterDates.single(lines[j].text) { return d }
            }
        }
        return nil
    }

    /// The lead inspector: "Lead inspector: X" under "The inspection team"
    /// (or anywhere, failing that), or "Reporting inspector X HMI".
    func leadInspectorNamed(from start: Int = 0) -> String? {
        var candidates: [Int] = []
        for i in content(from: start, to: lines.count) {
            let t = lines[i].text
            guard Text.hasPrefixIgnoringCase(t, "the inspection team") || Text.hasPrefixIgnoringCase(t, "inspection team")
                || Text.hasPrefixIgnoringCase(t, "lead inspector") || Text.hasPrefixIgnoringCase(t, "reporting inspector") else { continue }
            let k = key(i)
            if k == "the inspection team" || k == "inspection team" {
                for j in contentIndices(from: i + 1, limit: 5) where key(j).hasPrefix("lead inspector") {
                    candidates.insert(j, at: 0)
                    break
                }
                if !candidates.isEmpty { break }
            }
            if (k.hasPrefix("lead inspector") || k.hasPrefix("reporting inspector")) && !candidates.contains(i) {
                candidates.append(i)
            }
        }
        for i in candidates {
            var text = lines[i].text
            if let colon = text.firstIndex(of: ":") {
                text = String(text[text.index(after: colon)...])
            } else {
                text = text.split(separator: " ").dropFirst(2).joined(separator: " ")
            }
            if let name = Self.personName(text) { return name }
        }
        return nil
    }

    /// A person's name without the inspector's title ("Donna Marriott, HMI").
    static func personName(_ s: String) -> String? {
        let pattern = #"(?:(?:Her|His)\s+Majesty['’‘`]?s\s+Inspectors?|\bHMIs?\b|\(HMI\)|\bOfsted\s+Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspectors?\b)"#
        var t = s
        if let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) {
            let ns = t as NSString
            t = re.stringByReplacingMatches(in: t, range: NSRange(location: 0, length: ns.length), withTemplate: " ")
        }
        t = t.split(separator: " ").joined(separator: " ")
        while let l = t.last, ",.;:()".contains(l) || l == " " { t.removeLast() }
        while let f = t.first, ",.;:()".contains(f) || f == " " { t.removeFirst() }
        t = t.split(separator: " ").joined(separator: " ")
        guard t.contains(where: { $0.isLetter }), t.first?.isUppercase == true, t.split(separator: " ").count <= 5 else { return nil }
        return t
    }
}

// MARK: - Grades as SIF and the older frameworks write them

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

    static let gradeWords: Set<String> = ["requires", "require", "improvement", "to", "be", "good", "not", "judged",
                                          "outstanding", "inadequate"]

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
            warnings.append("conflict for \(area.rawValue): \(first.source) says \(first.grade.rawValue), \(other.source) says \(other.grade.rawValue); left out")
            return nil
        }
        return first.grade
    }
}

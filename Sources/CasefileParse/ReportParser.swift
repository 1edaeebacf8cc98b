import CasefileDigest
import CasefileModel
import Foundation

/// Text of an inspection report → `Report`. Pure: no I/O.
///
/// This version reads ILACS reports (2018 onwards, standard and short
/// inspections) as written by Ofsted, either as clean text or as pdftotext
/// gives it for the PDF (page footers, page numbers, wrapped table cells).
/// Anything else is refused with a reason that says what it looks like; a
/// report of another framework never comes back with grades.
public struct ReportParser: Sendable {
    /// Bumped whenever the same text could parse differently: stored reports
    /// are re-parsed from their kept bytes.
    public static let version = 2

    public let authorities: AuthorityDirectory

    public init(authorities: AuthorityDirectory = .bundled) {
        self.authorities = authorities
    }

    /// The report, with `unreadable` set (and no judgements) when its grades
    /// could not be read with certainty. SIF, LSCB reviews, letters and older
    /// frameworks go through FrameworkDispatch (OtherFrameworks.swift).
    public func parse(text: String) throws(ParseError) -> Report {
        let parsed = try parseDetailed(text: text)
        var report = parsed.report
        report.unreadable = parsed.details.unreadableReason
        return report
    }
}

/// The working state of one parse.
struct Document {
    var lines: [Line]
    var warnings: [String] = []

    /// Index of the first content line (leading "# …" comment lines, as in
    /// synthetic test fixtures, are skipped).
    let firstContent: Int?

    init(lines: [Line]) {
        self.lines = lines
        var first: Int?
        for (i, l) in lines.enumerated() where l.isContent {
            if first == nil, l.text.hasPrefix("#") {
                self.lines[i].kind = .blank
                continue
            }
            first = i
            break
        }
        firstContent = first
    }

    // MARK: - The whole

    mutating func parse(authorities: AuthorityDirectory) throws(ParseError) -> Report {
        let title = try classify(authorities: authorities)
        guard let name = authorityName(title.text) else {
            throw ParseError("no authority name in the title: '\(title.text)'")
        }
        let dates = try inspectionDates(at: title.datesLine)
        // Trusts, boards and a pre-April-2019 Dorset: AuthorityRules.swift.
        let entry = try authorities.place(name, on: dates.span.start, warnings: &warnings)
        let inspectors = leadInspectors(after: title.datesLine)
        markPageFurniture(after: title.datesLine)
        let table = judgementTable(after: title.datesLine)
        let bodyEnd = endOfBody(after: table.end)
        let headings = bodyHeadings(from: table.end, to: bodyEnd)
        let improvements = improvementList(from: table.end, to: headings.first?.start ?? bodyEnd)
        let sections = sectionsOf(headings, to: bodyEnd)
        let judgements = crossCheck(table: table.rows, headings: headings)

        var kind: InspectionKind?
        let days = dates.daysOnSite
        if days <= 7 {
            kind = .short
        } else if days >= 9 {
            kind = .standard
        }
        if kind != nil {
            warnings.insert("kind inferred from the inspection dates (\(days) days on site)", at: 0)
        } else {
            warnings.insert("kind not inferred: \(days) days on site is neither one week nor two", at: 0)
        }

        return Report(
            authority: Authority(name: name, slug: entry.slug),
            framework: .ilacs,
            kind: kind,
            inspection: dates.span,
            leadInspectors: inspectors,
            judgements: judgements,
            improvements: improvements,
            sections: sections,
            contentHash: contentHash(to: bodyEnd),
            parserVersion: ReportParser.version,
            warnings: warnings)
    }

    // MARK: - What the document is

    struct Title {
        /// The title lines joined.
        var text: String
        /// The "Inspection date(s):" line.
        var datesLine: Int
    }

    /// The first `limit` content lines' indices.
    func contentIndices(from start: Int = 0, limit: Int) -> [Int] {
        var out: [Int] = []
        var i = start
        while i < lines.count, out.count < limit {
            if lines[i].isContent { out.append(i) }
            i += 1
        }
        return out
    }

    private static func unsupported(_ what: String) -> ParseError {
        ParseError("looks like \(what): not supported by parser version \(ReportParser.version)")
    }

    /// Finds the title and decides whether this is an ILACS report; throws
    /// with what it looks like otherwise.
    func classify(authorities: AuthorityDirectory = .bundled) throws(ParseError) -> Title {
        let head = contentIndices(limit: 45)
        let datesAt = head.firstIndex {
            let k = Text.fold(lines[$0].text)
            return k.hasPrefix("inspection date") || k.hasPrefix("dates of inspection") || k.hasPrefix("date of inspection")
        }
        let titleLines = head[..<(datesAt ?? min(head.count, 8))].suffix(10)
        let titleText = Text.join(titleLines.map { lines[$0].text })
        let titleKey = Text.words(titleText).map(\.key).joined(separator: " ")

        // Other frameworks first: their titles must never be read as ILACS.
        if titleKey.contains("of services for children in need of help and protection") {
            throw Self.unsupported("a single inspection framework (SIF) report, 2013–2018")
        }
        if titleKey.contains("review of the effectiveness of the local safeguarding children board") {
            throw Self.unsupported("a review of a Local Safeguarding Children Board")
        }
        if titleKey.contains("inspection of looked after children services")
            || titleKey.contains("inspection of safeguarding and looked after children services") {
            throw Self.unsupported("an inspection of looked after children services (before 2013)")
        }
        if titleKey.contains("joint targeted area inspection") || titleKey.contains("joint area child protection inspection") {
            throw Self.unsupported("a joint targeted area inspection (JTAI) letter")
        }
        if let d = datesAt {
            // Stray lines may come before the title (a logo's text): try the
            // title without them too, and prefer a name on the authority list.
            var candidates: [String] = []
            for k in titleLines.indices {
                let text = Text.join(titleLines[k...].map { lines[$0].text })
                if Self.ilacsTitle(text) != nil { candidates.append(text) }
            }
            if let best = candidates.first(where: { Self.ilacsTitle($0).flatMap(authorities.resolve) != nil }) ?? candidates.first {
                return Title(text: best, datesLine: head[d])
            }
        }
        // Letters: no title page, a greeting and a subject line near the top.
        let keys = head.map { Text.words(lines[$0].text).map(\.key).joined(separator: " ") }
        func near(_ prefix: String) -> Bool { keys.contains { $0.hasPrefix(prefix) } }
        if near("joint targeted area inspection") || keys.contains(where: { $0.contains("joint targeted area inspection (jtai)") || $0.contains("joint targeted area inspection jtai") }) {
            throw Self.unsupported("a joint targeted area inspection (JTAI) letter")
        }
        if near("focused visit to") || keys.contains(where: { $0.contains("findings of a focused visit") || $0.contains("findings of the focused visit") }) {
            throw Self.unsupported("a focused visit letter")
        }
        if near("monitoring visit to") || keys.contains(where: { $0.contains("monitoring visit") && $0.contains("letter") }) {
            throw Self.unsupported("a monitoring visit letter")
        }
        if near("dear ") {
            throw Self.unsupported("a letter, not an ILACS inspection report")
        }
        if datesAt == nil {
            throw ParseError("no title: no 'Inspection dates:' line near the top, so not an ILACS inspection report")
        }
        throw ParseError("no ILACS title ('Inspection of … local authority children's services') before the inspection dates: '\(titleText.prefix(160))'")
    }

    /// The authority name in an ILACS title, or nil when the title is not one.
    static func ilacsTitle(_ title: String) -> String? {
        let patterns = [
            #"^inspection of (.+?),? local authority children['’‘`]?s (?:social care )?services\.?$"#,
            #"^(.+?),? inspection of (?:local authority )?children['’‘`]?s (?:social care )?services\.?$"#,
            #"^inspection of (.+?),? children['’‘`]?s (?:social care )?services\.?$"#,
            // A children's services trust inspected in the authority's stead
            // ("Inspection of Bradford Children and Families Trust"): the trust's
            // name is placed on its authority by AuthorityRules.
            #"^inspection of (.+? trust)\.?$"#,
        ]
        let t = title.split(separator: " ").joined(separator: " ")
        for p in patterns {
            guard let re = try? NSRegularExpression(pattern: p, options: [.caseInsensitive]) else { continue }
            let ns = t as NSString
            if let m = re.firstMatch(in: t, range: NSRange(location: 0, length: ns.length)), m.numberOfRanges > 1 {
                let name = ns.substring(with: m.range(at: 1)).trimmingSpaces
                if !name.isEmpty { return name }
            }
        }
        return nil
    }

    func authorityName(_ title: String) -> String? { Self.ilacsTitle(title) }

    // MARK: - Dates and inspectors

    func inspectionDates(at index: Int) throws(ParseError) -> InspectionDates {
        var text = lines[index].text
        if let colon = text.firstIndex(of: ":") {
            text = String(text[text.index(after: colon)...])
        } else {
            // "Inspection dates 29 April …": drop the two label words.
            text = lines[index].text.split(separator: " ").dropFirst(2).joined(separator: " ")
        }
        // The dates may wrap onto the next line(s).
        var next = index + 1
        var parsed = InspectionDates.parse(text)
        while next < lines.count, next <= index + 3 {
            if !lines[next].isContent { next += 1; continue }
            let key = Text.fold(lines[next].text)
            if key.hasPrefix("lead inspector") || key.hasPrefix("report published") || key.hasPrefix("judgement") { break }
            let longer = text + " " + lines[next].text
            guard let p = InspectionDates.parse(longer) else { break }
            text = longer
            parsed = p
            next += 1
        }
        guard let dates = parsed else {
            throw ParseError("inspection dates not understood: '\(text.trimmingSpaces)'")
        }
        return dates
    }

    func leadInspectors(after datesLine: Int) -> [String] {
        let near = contentIndices(from: datesLine, limit: 6)
        guard let at = near.first(where: { Text.fold(lines[$0].text).hasPrefix("lead inspector") }) else { return [] }
        var text = lines[at].text
        guard let colon = text.firstIndex(of: ":") else { return [] }
        text = String(text[text.index(after: colon)...])
        // Continuation lines: "Her Majesty's Inspector" below the name, or a
        // second inspector after a line ending in a comma.
        var i = at + 1
        var taken = 0
        while i < lines.count, taken < 3 {
            guard lines[i].isContent else { i += 1; continue }
            let key = Text.fold(lines[i].text)
            if key.hasPrefix("judgement") { break }
            let isTitle = Self.inspectorTitle(key)
            if isTitle || text.trimmingSpaces.hasSuffix(",") || text.trimmingSpaces.hasSuffix(" and") {
                text += " " + lines[i].text
                taken += 1
                i += 1
            } else {
                break
            }
        }
        // Cut at the inspector titles, then at commas and "and".
        var parts: [String] = []
        let marked = Self.replaceInspectorTitles(text.split(separator: " ").joined(separator: " "))
        for chunk in marked.split(separator: "|") {
            for piece in chunk.split(separator: ",") {
                var name = String(piece).trimmingSpaces
                for lead in ["and ", "& "] where name.lowercased().hasPrefix(lead) {
                    name = String(name.dropFirst(lead.count)).trimmingSpaces
                }
                for sub in name.components(separatedBy: " and ") {
                    let n = sub.trimmingSpaces
                    if !n.isEmpty, n.contains(where: { $0.isLetter }) { parts.append(n) }
                }
            }
        }
        return parts
    }

    /// "Her/His Majesty's Inspector" or "HMI" on a line of its own (folded text).
    private static func inspectorTitle(_ key: String) -> Bool {
        let k = key.trimmingSpaces
        return k.hasPrefix("her majesty") || k.hasPrefix("his majesty") || k == "hmi" || k == "(hmi)"
    }

    /// Replaces "Her/His Majesty's Inspector(s)" and "HMI" by "|".
    private static func replaceInspectorTitles(_ s: String) -> String {
        let pattern = #"(?:(?:Her|His)\s+Majesty['’‘`]?s\s+Inspectors?|\bHMIs?\b|\bOfsted\s+Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspector\b)"#
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return s }
        let ns = s as NSString
        return re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: "|")
    }

    // MARK: - Page furniture

    /// Marks page numbers, running footers and footnotes after the title page.
    mutating func markPageFurniture(after start: Int) {
        var i = start + 1
        while i < lines.count {
            defer { i += 1 }
            guard lines[i].isContent else { continue }
            let t = lines[i].text
            if Text.bareNumber(t) != nil {
                lines[i].kind = .pageNumber
                continue
            }
            if Self.isRunningFooter(t) {
                lines[i].kind = .footer
                // Its second line: the dates.
                var j = i + 1
                while j < lines.count, lines[j].kind == .blank { j += 1 }
                if j < lines.count, lines[j].isContent, InspectionDates.isDateLine(lines[j].text) {
                    lines[j].kind = .footer
                }
            }
        }
        markFootnotes(after: start)
    }

    static func isRunningFooter(_ t: String) -> Bool {
        guard t.utf8.count < 200, Text.hasPrefixIgnoringCase(t, "inspection of ") else { return false }
        let k = Text.fold(t)
        guard k.hasPrefix("inspection of "), !k.hasSuffix(".") else { return false }
        return k.hasSuffix("children's services") || k.hasSuffix("childrens services")
            || k.hasSuffix("children's social care services") || k.hasSuffix("local authority")
    }

    /// A footnote sits at the foot of a page: a bare number, a blank line, a
    /// few lines of text, then the footer or the page number and the page end.
    mutating func markFootnotes(after start: Int) {
        var i = start + 1
        while i < lines.count {
            defer { i += 1 }
            let isPageFoot: Bool
            switch lines[i].kind {
            case .footer:
                isPageFoot = i == 0 || lines[i - 1].kind != .footer
            case .pageNumber:
                var j = i + 1
                while j < lines.count, lines[j].kind == .blank, !lines[j].pageStart { j += 1 }
                isPageFoot = j >= lines.count || lines[j].pageStart
            default:
                isPageFoot = false
            }
            guard isPageFoot else { continue }
            // Walk back over the text block just above.
            var k = i - 1
            while k > start, lines[k].kind == .blank, !lines[k + 1].pageStart { k -= 1 }
            var block: [Int] = []
            while k > start, lines[k].kind == .content, block.count <= 6 {
                block.append(k)
                if lines[k].pageStart { break }
                k -= 1
            }
            guard !block.isEmpty, block.count <= 6, let top = block.last, !lines[top].pageStart else { continue }
            var m = top - 1
            guard m > start, lines[m].kind == .blank else { continue }
            while m > start, lines[m].kind == .blank, !lines[m + 1].pageStart { m -= 1 }
            guard lines[m].kind == .pageNumber, !lines[m + 1].pageStart, let n = Text.bareNumber(lines[m].text), n <= 20,
                  !lines[m].pageStart else { continue }
            // The marker must sit on the same page as the block, the block must
            // not be numbered paragraphs, and the text above must carry the
            // marker ("improve?1").
            if (m..<i).contains(where: { lines[$0].pageStart && $0 != m }) { continue }
            if block.contains(where: { Text.numberedParagraph(lines[$0].text) != nil }) { continue }
            guard hasFootnoteMarker(n, before: m, after: start) else { continue }
            lines[m].kind = .footnote
            for b in block { lines[b].kind = .footnote }
        }
    }

    /// A word ending in the digits of `n` glued to a letter or punctuation
    /// ("improve?1", "board1"), somewhere above line `m`.
    func hasFootnoteMarker(_ n: Int, before m: Int, after start: Int) -> Bool {
        let digits = String(n)
        for i in stride(from: m - 1, to: start, by: -1) where lines[i].isContent {
            for word in lines[i].text.split(separator: " ") where word.hasSuffix(digits) {
                let head = word.dropLast(digits.count)
                guard let c = head.last, !c.isNumber, c != "-", c != "\u{2013}", c != "/" else { continue }
                return true
            }
        }
        return false
    }

    // MARK: - The judgement table

    struct TableRow {
        var area: Area
        var title: String
        var grade: Grade?
    }

    struct Table {
        var rows: [TableRow]
        /// The line after the table (or after the title page's header lines).
        var end: Int
    }

    mutating func judgementTable(after datesLine: Int) -> Table {
        // The table starts after a "Judgement" / "Grade" header.
        let near = contentIndices(from: datesLine, limit: 12)
        var startLine: Int?
        var skipHeader = 0
        for i in near {
            let keys = Text.words(lines[i].text).map(\.key)
            if keys.first == "judgement" || keys.first == "judgements" {
                startLine = i
                skipHeader = 1 + (keys.dropFirst().first == "grade" ? 1 : 0)
                break
            }
        }
        guard let start = startLine else {
            warnings.append("no judgement table found: no judgements given")
            return Table(rows: [], end: near.last.map { $0 + 1 } ?? datesLine + 1)
        }
        // The words of the following lines, until a line that is not all table.
        var words: [Text.Word] = []
        var lineIndex = start
        var scanned = 0
        while lineIndex < lines.count, scanned < 60 {
            if lines[lineIndex].isContent {
                words += Text.words(lines[lineIndex].text, line: lineIndex)
                scanned += 1
            }
            lineIndex += 1
        }
        words.removeFirst(min(skipHeader, words.count))
        if words.first?.key == "grade" { words.removeFirst() }

        enum Item {
            case label(Vocabulary.Label, title: String)
            case grade(Vocabulary.GradeWords)
        }
        var items: [(item: Item, firstLine: Int, lastLine: Int)] = []
        let keys = words.map(\.key)
        var p = 0
        var failedLine: Int?
        var overallDone = false
        while p < words.count {
            if let (label, n) = Vocabulary.matchLabel(keys[p...]) {
                let title = words[p..<(p + n)].map { String($0.original) }.joined(separator: " ")
                items.append((.label(label, title: title.trimmingCharacters(in: CharacterSet(charactersIn: ":"))), words[p].line, words[p + n - 1].line))
                p += n
            } else if let (g, n) = Vocabulary.matchGrade(keys[p...]) {
                items.append((.grade(g), words[p].line, words[p + n - 1].line))
                p += n
            } else {
                failedLine = words[p].line
                break
            }
            // Overall effectiveness is the last row: stop once it has its grade.
            if items.count >= 2, case .label(let l, _) = items[items.count - 2].item, l.area == .overall,
               case .grade(let g) = items[items.count - 1].item {
                if case .requiresImprovement = g, p < words.count, keys[p...].starts(with: ["to", "be", "good"]) {
                    continue
                }
                overallDone = true
                break
            }
            if items.count >= 3, case .label(let l, _) = items[items.count - 2].item, l.area == .overall,
               case .grade(.toBeGood) = items[items.count - 1].item {
                overallDone = true
                break
            }
        }
        // A line only partly made of table words is body text: drop what it began.
        if !overallDone, let f = failedLine {
            while let last = items.last, last.lastLine >= f { items.removeLast() }
        }
        let end = (items.last?.lastLine ?? start) + 1

        // Pair labels with grades.
        var rows: [TableRow] = []
        var k = 0
        func item(_ i: Int) -> Item? { i < items.count ? items[i].item : nil }
        func isLabel(_ i: Int) -> Bool { if case .label = item(i) { return true }; return false }
        func isRI(_ i: Int) -> Bool { if case .grade(.requiresImprovement) = item(i) { return true }; return false }
        func isTBG(_ i: Int) -> Bool { if case .grade(.toBeGood) = item(i) { return true }; return false }
        var stray = false
        while k < items.count {
            switch items[k].item {
            case .label(let label, let title):
                var grade: Grade?
                switch item(k + 1) {
                case .grade(.grade(let g)):
                    grade = g; k += 2
                case .grade(.requiresImprovement):
                    if isTBG(k + 2) {
                        grade = .requiresImprovement; k += 3
                    } else if isLabel(k + 2) && isTBG(k + 3) {
                        // "Requires improvement" belongs to the next label, printed above and below it.
                        k += 1
                    } else {
                        grade = .requiresImprovement; k += 2
                    }
                default:
                    k += 1
                }
                rows.append(TableRow(area: label.area, title: title, grade: grade))
            case .grade(.requiresImprovement) where isLabel(k + 1) && isTBG(k + 2):
                if case .label(let label, let title) = items[k + 1].item {
                    rows.append(TableRow(area: label.area, title: title, grade: .requiresImprovement))
                }
                k += 3
            case .grade:
                stray = true
                if !rows.isEmpty { rows[rows.count - 1].grade = nil }
                k += 1
            }
        }
        if stray { warnings.append("judgement table: a grade with no judgement beside it; the judgement before it is left out") }
        return Table(rows: rows, end: end)
    }

    // MARK: - Body

    /// Where the report's own text ends: Ofsted's boilerplate follows.
    func endOfBody(after start: Int) -> Int {
        let markers = [
            "the office for standards in education",
            "ofsted has published a report on",
            "if you would like a copy of this document",
            "you may reuse this information",
        ]
        var i = start
        while i < lines.count {
            if lines[i].isContent, markers.contains(where: { Text.hasPrefixIgnoringCase(lines[i].text, $0) }) { return i }
            i += 1
        }
        return lines.count
    }

    struct Heading {
        var start: Int
        /// The line after the heading.
        var end: Int
        var area: Area
        var title: String
        var grade: Grade?
    }

    /// Body headings: a judgement label, optionally "is"/"are" and a colon,
    /// then the grade; up to three lines; followed by numbered paragraphs.
    func bodyHeadings(from start: Int, to end: Int) -> [Heading] {
        var found: [Heading] = []
        var i = start
        while i < end {
            guard lines[i].isContent, let first = lines[i].text.first, first.isUppercase else { i += 1; continue }
            let k = Text.fold(lines[i].text)
            guard k.hasPrefix("the experiences") || k.hasPrefix("experiences") || k.hasPrefix("the impact")
                || k.hasPrefix("impact") else { i += 1; continue }
            var spanLines: [Int] = []
            var j = i
            var matched: Heading?
            while j < end, spanLines.count < 3 {
                if lines[j].kind != .content { j += 1; continue }
                spanLines.append(j)
                let joined = Text.join(spanLines.map { lines[$0].text })
                let words = Text.words(joined)
                if let h = Self.heading(words) {
                    matched = Heading(start: i, end: j + 1, area: h.0, title: h.1, grade: h.2)
                    break
                }
                j += 1
            }
            if let h = matched {
                // Followed by a numbered paragraph, or standing apart from the text above.
                var n = h.end
                while n < end, !lines[n].isContent { n += 1 }
                let nextIsParagraph = n < end && Text.numberedParagraph(lines[n].text) != nil
                var p = i - 1
                while p > start, lines[p].kind != .content && lines[p].kind != .blank { p -= 1 }
                let apart = p <= start || lines[p].kind == .blank || lines[i].pageStart
                    || lines[p].text.hasSuffix(".") || lines[p].text.hasSuffix(":")
                if nextIsParagraph || apart {
                    found.append(h)
                    i = h.end
                    continue
                }
            }
            i += 1
        }
        return found
    }

    /// A heading's area, title as written and grade, if the words are exactly one.
    static func heading(_ words: [Text.Word]) -> (Area, String, Grade?)? {
        let keys = words.map(\.key)
        guard let (label, n) = Vocabulary.matchLabel(keys[...]) else { return nil }
        var rest = keys[n...]
        if rest.first == "is" || rest.first == "are" { rest = rest.dropFirst() }
        guard !rest.isEmpty, let grade = Vocabulary.headingGrade(rest) else { return nil }
        var title = words[..<n].map { String($0.original) }.joined(separator: " ")
        while let l = title.last, l == ":" || l == "," { title.removeLast() }
        return (label.area, title, grade)
    }

    func improvementList(from start: Int, to end: Int) -> [String] {
        var i = start
        var headingAt: Int?
        while i < end {
            if lines[i].isContent {
                var k = Text.words(lines[i].text).map(\.key).joined(separator: " ")
                // A footnote marker may stick to the heading: "What needs to improve?1".
                while let l = k.last, l.isNumber || l == "?" || l == ":" || l == "." { k.removeLast() }
                if Vocabulary.improvementHeadings.contains(k) { headingAt = i; break }
            }
            i += 1
        }
        guard let h = headingAt else { return [] }
        // Each bullet starts an item; lines without one continue it (pdftotext
        // wraps items, sometimes with a blank line inside).
        var items: [[String]] = []
        for j in (h + 1)..<end where lines[j].isContent {
            let t = lines[j].text
            if Text.numberedParagraph(t) != nil { break }
            if let rest = Text.afterBullet(t) {
                items.append(rest.isEmpty ? [] : [rest])
            } else if items.isEmpty {
                items.append([t])
            } else {
                items[items.count - 1].append(t)
            }
        }
        return items.map { Text.join($0) }.filter { !$0.isEmpty }
    }

    mutating func sectionsOf(_ headings: [Heading], to bodyEnd: Int) -> [Section] {
        var sections: [Section] = []
        var expected = 1
        for (n, h) in headings.enumerated() {
            let stop = n + 1 < headings.count ? headings[n + 1].start : bodyEnd
            var paragraphs: [Paragraph] = []
            var current: (Int, [String])?
            for j in h.end..<stop where lines[j].isContent || lines[j].kind == .pageNumber {
                let t = lines[j].text
                if lines[j].kind == .pageNumber {
                    // pdftotext sometimes loses the full stop of a paragraph number ("34"):
                    // a bare number is that, not a page number, when it is the next
                    // number and the page goes on after it.
                    guard Text.bareNumber(t) == expected, current != nil, continuesPage(after: j) else { continue }
                    if let c = current { paragraphs.append(Paragraph(number: c.0, text: Text.join(c.1))) }
                    current = (expected, [])
                    expected += 1
                    continue
                }
                if let (num, rest) = Text.numberedParagraph(t),
                   num == expected || (current == nil && paragraphs.isEmpty && num > expected && num <= expected + 3) {
                    if num != expected {
                        warnings.append("paragraph numbering jumps from \(expected - 1) to \(num)")
                    }
                    if let c = current { paragraphs.append(Paragraph(number: c.0, text: Text.join(c.1))) }
                    current = (num, rest.isEmpty ? [] : [rest])
                    expected = num + 1
                } else if current != nil {
                    current!.1.append(t)
                }
            }
            if let c = current { paragraphs.append(Paragraph(number: c.0, text: Text.join(c.1))) }
            sections.append(Section(title: h.title, grade: h.grade, paragraphs: paragraphs))
        }
        return sections
    }

    /// True when the text after line `i` is on the same page and no running
    /// footer comes just before it.
    func continuesPage(after i: Int) -> Bool {
        var p = i - 1
        while p >= 0, lines[p].kind == .blank { p -= 1 }
        if p >= 0, lines[p].kind == .footer { return false }
        var n = i + 1
        while n < lines.count, lines[n].kind == .blank, !lines[n].pageStart { n += 1 }
        return n < lines.count && !lines[n].pageStart && lines[n].isContent
    }

    // MARK: - Judgements

    mutating func crossCheck(table: [TableRow], headings: [Heading]) -> [Judgement] {
        var judgements: [Judgement] = []
        var byArea: [Area: [TableRow]] = [:]
        for r in table { byArea[r.area, default: []].append(r) }
        for area in Area.allCases {
            guard let rows = byArea[area] else { continue }
            guard rows.count == 1 else {
                warnings.append("judgement table: '\(area.rawValue)' appears \(rows.count) times; left out")
                continue
            }
            let row = rows[0]
            guard let grade = row.grade else {
                warnings.append("judgement table: no grade could be read with certainty for '\(row.title)'; left out")
                continue
            }
            let said = headings.filter { $0.area == area }.compactMap(\.grade)
            if let other = said.first(where: { $0 != grade }) {
                warnings.append("conflict for \(area.rawValue): the table says \(grade.rawValue), the body heading says \(other.rawValue); left out")
                continue
            }
            judgements.append(Judgement(area: area, grade: grade, title: row.title))
        }
        if !table.isEmpty {
            for area in [Area.leadership, .helpAndProtection, .childrenInCare] where byArea[area] == nil {
                warnings.append("judgement table: no row for \(area.rawValue)")
            }
        }
        return judgements
    }

    // MARK: - Content hash

    /// SHA-256 of the text up to the end of the body, without page furniture,
    /// bullets, or differences of line breaks, spacing and quote marks.
    func contentHash(to end: Int) -> String {
        SHA256.tagged(normalisedContent(to: end))
    }

    /// The bytes the content hash is taken of: the content lines in order,
    /// bullets dropped, whitespace runs (and line breaks) one space, curly
    /// quotes straight, and hyphens inside words dropped, because pdftotext
    /// removes the hyphen of a word it rejoins across a line break
    /// ("decision-\nmaking" → "decisionmaking").
    func normalisedContent(to end: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count * 80)
        let first = firstContent ?? 0
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80
        }
        for i in first..<max(first, end) where lines[i].isContent {
            var t = lines[i].text
            if let rest = Text.afterBullet(t) { t = rest }
            if t.isEmpty { continue }
            if !out.isEmpty { out.append(0x20) }
            let bytes = Array(t.utf8)
            var k = 0
            while k < bytes.count {
                var b = bytes[k]
                if b == 0xE2, k + 2 < bytes.count, bytes[k + 1] == 0x80 {
                    switch bytes[k + 2] {
                    case 0x98, 0x99, 0x9B: b = 0x27; k += 2
                    case 0x9C, 0x9D: b = 0x22; k += 2
                    case 0x90, 0x91: b = 0x2D; k += 2
                    default: break
                    }
                }
                if b == 0x20 || b == 0x09 {
                    if out.last != 0x20 { out.append(0x20) }
                } else {
                    out.append(b)
                }
                k += 1
            }
        }
        // Drop hyphens inside words, and the space a line break left after one.
        var result: [UInt8] = []
        result.reserveCapacity(out.count)
        var j = 0
        while j < out.count {
            let b = out[j]
            if b == 0x2D, let prev = result.last, isWordByte(prev) {
                if j + 1 < out.count, isWordByte(out[j + 1]) { j += 1; continue }
                if j + 2 < out.count, out[j + 1] == 0x20, isWordByte(out[j + 2]) { j += 2; continue }
            }
            result.append(b)
            j += 1
        }
        if result.last == 0x20 { result.removeLast() }
        return result
    }
}

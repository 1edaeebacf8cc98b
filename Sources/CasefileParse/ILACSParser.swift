import CasefileModel
import Foundation

/// ILACS reports (inspections of local authority children's services, 2018
/// onwards, standard and short), as Ofsted writes them, from clean text, from
/// MuPDF's text (CasefileExtract) or from pdftotext's (page footers, page
/// numbers, wrapped table cells).
///
/// The title page gives the authority, the inspection dates (the kind,
/// standard or short, is inferred from them) and the lead inspectors; the
/// judgement table (ILACSJudgementTable.swift) gives the grades, and each is
/// checked against the body heading that repeats it: a grade that is not
/// read with certainty, or that the two disagree on, is left out with a
/// warning. See docs/PARSING.md.
extension Document {
    /// An ILACS report: the title, dates and lead inspectors, the judgement
    /// table cross-checked against the body headings, what needs to improve,
    /// the sections and their numbered paragraphs, the grades of the previous
    /// inspection the text states, and which judgements are missing.
    ///
    /// A judgement that could not be read with certainty is left out (with a
    /// warning) and the others stand; a report none of whose three core
    /// judgements could be read is unreadable.
    mutating func parseILACS(authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport {
        let title = try ilacsTitle(authorities: authorities)
        let name = title.name
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

        let stated = statedPrevious(from: table.end, to: bodyEnd, before: dates.span.start)
        var report = Report(
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
            warnings: warnings,
            statedPrevious: stated)
        var details = ReportDetails()
        let core = [Area.leadership, .helpAndProtection, .childrenInCare]
        if core.allSatisfy({ report.grades[$0] == nil }) {
            Unreadable.mark(&report, &details, reason: "no judgement read with certainty: " + core.map(\.rawValue).joined(separator: ", "))
        }
        let expected = Completeness.ilacs(
            start: dates.span.start, careLeaversInCareRow: table.rows.contains { $0.includesCareLeavers })
        markMissing(&report, expected: expected, details: details)
        return ParsedReport(report: report, details: details)
    }

    // MARK: - The title

    struct Title {
        /// The title lines joined.
        var text: String
        /// The authority's (or trust's) name in it.
        var name: String
        /// The "Inspection date(s):" line.
        var datesLine: Int
    }

    /// The ILACS title before the "Inspection dates:" line; throws saying what
    /// is there otherwise. (Other frameworks never get here: FrameworkDispatch
    /// has claimed them.)
    func ilacsTitle(authorities: AuthorityDirectory) throws(ParseError) -> Title {
        let head = contentIndices(limit: 45)
        guard let d = head.firstIndex(where: { Self.isDatesLabel(key($0)) }) else {
            if head.contains(where: { key($0).hasPrefix("dear ") }) {
                throw ParseError("a letter, but not a focused visit, monitoring visit or joint targeted area inspection letter")
            }
            throw ParseError("no title: no 'Inspection dates:' line near the top, so not an inspection report")
        }
        let titleLines = head[..<d].suffix(10)
        // Stray lines may come before the title (a logo's text): try the
        // title without them too, and prefer a name on the authority list.
        var candidates: [(text: String, name: String)] = []
        for k in titleLines.indices {
            let text = Text.join(titleLines[k...].map { lines[$0].text })
            if let name = Self.ilacsTitleName(text) { candidates.append((text, name)) }
        }
        if let best = candidates.first(where: { authorities.resolve($0.name) != nil }) ?? candidates.first {
            return Title(text: best.text, name: best.name, datesLine: head[d])
        }
        let titleText = Text.join(titleLines.map { lines[$0].text })
        throw ParseError(
            "no ILACS title ('Inspection of … local authority children's services') before the inspection dates: '\(titleText.prefix(160))'"
        )
    }

    /// The authority name in an ILACS title, or nil when the title is not one.
    static func ilacsTitleName(_ title: String) -> String? {
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
            guard let re = Patterns.regex(p) else { continue }
            let ns = t as NSString
            if let m = re.firstMatch(in: t, range: NSRange(location: 0, length: ns.length)), m.numberOfRanges > 1 {
                let name = ns.substring(with: m.range(at: 1)).trimmingSpaces
                if !name.isEmpty { return name }
            }
        }
        return nil
    }

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
        let pattern =
            #"(?:(?:Her|His)\s+Majesty['’‘`]?s\s+Inspectors?|\bHMIs?\b|\bOfsted\s+Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspector\b)"#
        guard let re = Patterns.regex(pattern) else { return s }
        let ns = s as NSString
        return re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: "|")
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
                leaveOut(area, Completeness.duplicateRow)
                continue
            }
            let row = rows[0]
            guard let grade = row.grade else {
                warnings.append("judgement table: no grade could be read with certainty for '\(row.title)'; left out")
                leaveOut(area, Completeness.noGrade)
                continue
            }
            let said = headings.filter { $0.area == area }.compactMap(\.grade)
            if let other = said.first(where: { $0 != grade }) {
                warnings.append(
                    "conflict for \(area.rawValue): the table says \(grade.rawValue), the body heading says \(other.rawValue); left out")
                leaveOut(area, Completeness.tableAndHeadingDisagree)
                continue
            }
            judgements.append(Judgement(area: area, grade: grade, title: row.title))
        }
        if !table.isEmpty {
            for area in [Area.leadership, .helpAndProtection, .childrenInCare] where byArea[area] == nil {
                warnings.append("judgement table: no row for \(area.rawValue)")
            }
        }
        for area in Area.allCases where byArea[area] == nil {
            leaveOut(area, table.isEmpty ? Completeness.noTable : Completeness.noRow)
        }
        return judgements
    }

    // MARK: - Body

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
            guard
                k.hasPrefix("the experiences") || k.hasPrefix("experiences") || k.hasPrefix("the impact")
                    || k.hasPrefix("impact")
            else { i += 1; continue }
            var spanLines: [Int] = []
            var j = i
            var matched: Heading?
            while j < end, spanLines.count < 3 {
                if lines[j].kind != .content { j += 1; continue }
                spanLines.append(j)
                let joined = Text.join(spanLines.map { lines[$0].text })
                let words = Text.words(joined)
                // A heading ends without a full stop: "… in care are good." is a sentence.
                if !joined.hasSuffix("."), let h = Self.heading(words) {
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
                let apart =
                    p <= start || lines[p].kind == .blank || lines[i].pageStart
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
        guard let (label, n) = ILACSVocabulary.matchLabel(keys[...]) else { return nil }
        var rest = keys[n...]
        if rest.first == "is" || rest.first == "are" { rest = rest.dropFirst() }
        guard !rest.isEmpty, let grade = ILACSVocabulary.headingGrade(rest) else { return nil }
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
                if ILACSVocabulary.improvementHeadings.contains(k) { headingAt = i; break }
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
                    num == expected || (current == nil && paragraphs.isEmpty && num > expected && num <= expected + 3)
                {
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
}

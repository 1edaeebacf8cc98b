import CasefileModel

/// SIF reports (2013–2018): "Inspection of services for children in need of
/// help and protection, children looked after and care leavers" (and of its
/// re-inspections), with or without the "Review of the effectiveness of the
/// Local Safeguarding Children Board"; and standalone LSCB reviews.
///
/// Grades come from the first page: the overall judgement sentence and the
/// numbered list (1. help and protection, 2. children looked after and
/// achieving permanence, 2.1 adoption performance, 2.2 care leavers,
/// 3. leadership, management and governance), and the LSCB sentence. Every
/// restatement found (the executive summary's sentence, the body headings
/// followed by their grade, the LSCB section's headline) must agree, or the
/// grade is left out with a warning. A report without its overall, help and
/// protection, children looked after or leadership grade is unreadable.
extension Document {
    /// The numbered judgements of the first page: number, area, title and the
    /// words of the label (grade words aside).
    static let sifList: [(number: String, area: Area, title: String, words: Set<String>, must: String)] = [
        (
            "1", .helpAndProtection, "Children who need help and protection",
            ["children", "who", "need", "help", "and", "protection"], "protection"
        ),
        (
            "2", .childrenInCare, "Children looked after and achieving permanence",
            ["children", "looked", "after", "and", "achieving", "permanence"], "looked"
        ),
        ("2.1", .adoption, "Adoption performance", ["adoption", "performance"], "adoption"),
        (
            "2.2", .careLeavers, "Experiences and progress of care leavers",
            ["the", "experiences", "and", "progress", "of", "care", "leavers"], "leavers"
        ),
        (
            "3", .leadership, "Leadership, management and governance",
            ["leadership", "management", "and", "governance"], "leadership"
        ),
    ]

    /// Body headings that repeat a judgement, followed by the grade on its own line.
    static let sifBodyHeadings: [(words: [String], area: Area)] = [
        ("the experiences and progress of children who need help and protection", Area.helpAndProtection),
        ("the experiences and progress of children in need of help and protection", .helpAndProtection),
        ("the experiences and progress of children looked after and achieving permanence", .childrenInCare),
        ("the experiences and progress of care leavers", .careLeavers),
        ("leadership management and governance", .leadership),
    ].map { ($0.0.split(separator: " ").map(String.init), $0.1) }

    static let overallTitle = "Overall effectiveness"
    static let lscbTitle = "The effectiveness of the Local Safeguarding Children Board"

    mutating func parseSIF(title: Int, authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport {
        var (datesLine, dates, authority, details) = try titlePage(title, of: "SIF report", authorities: authorities)
        authority.name = Self.cleanName(authority.name)
        if details.published == nil { warnings.append("no publication date found") }

        let titleKey = content(from: title, to: datesLine).map { key($0) }.joined(separator: " ")
        let reinspection =
            titleKey.hasPrefix("re-inspection") || titleKey.hasPrefix("reinspection")
            || titleKey.hasPrefix("re inspection")
            || contentIndices(from: datesLine, limit: 120).contains { Text.contains(key($0), "this is a re-inspection") }
        details.reinspection = reinspection

        var statements = GradeStatements()
        let list = firstPageList(after: datesLine)
        for (area, grades) in list.grades {
            for g in grades { statements.add(area, g, "the judgement list") }
        }
        if list.apart > 0 {
            warnings.append("judgement list: the grades of \(list.apart) rows are printed after their labels; taken in the labels' order")
        }
        for row in Self.sifList where list.grades[row.area] == nil {
            warnings.append("judgement list: no grade for '\(row.number). \(row.title)'")
        }
        // Overall: the first page's sentence, and the summary's.
        let firstPageEnd = ((datesLine + 1)..<max(datesLine + 1, lines.count)).first { lines[$0].pageStart } ?? list.end
        for (grade, source) in overallStatements(from: datesLine, to: min(lines.count, list.end + 400), firstPageEnd: firstPageEnd) {
            statements.add(.overall, grade, source)
        }
        if statements.byArea[.overall] == nil { warnings.append("no overall judgement sentence found") }
        for (area, grade) in sifBodyHeadingGrades(from: list.end) {
            statements.add(area, grade, "the body heading")
        }
        // The LSCB: in the combined review, or a separate LSCB report in the same PDF.
        let lscb = lscbStatements(from: datesLine)
        if reinspection, !lscb.isEmpty {
            warnings.append("a re-inspection has no LSCB review: the LSCB sentence is not taken")
        } else {
            for g in lscb { statements.add(.lscb, g, "the LSCB judgement") }
        }
        let lscbNamed = Text.contains(titleKey, "local safeguarding children board")
        if lscbNamed, lscb.isEmpty {
            warnings.append("the title names the LSCB review but no LSCB judgement was found")
        }
        details.lscbJudged = statements.byArea[.lscb] != nil

        var judgements: [Judgement] = []
        for area in Area.allCases {
            guard let g = statements.agreed(area, warnings: &warnings) else {
                if statements.byArea[area] != nil {
                    leaveOut(area, Completeness.statementsDisagree)
                } else if list.rows.contains(area) {
                    leaveOut(area, Completeness.noGrade)
                }
                continue
            }
            let title: String
            switch area {
            case .overall: title = Self.overallTitle
            case .lscb: title = Self.lscbTitle
            default: title = Self.sifList.first { $0.area == area }?.title ?? area.words
            }
            judgements.append(Judgement(area: area, grade: g, title: title))
        }

        let lead = leadInspectorNamed(from: datesLine)
        if lead == nil { warnings.append("no lead inspector named") }
        let end = endOfBody(after: datesLine)
        var report = Report(
            authority: authority, framework: .sif, kind: nil, inspection: dates,
            leadInspectors: lead.map { [$0] } ?? [], judgements: judgements, improvements: sifImprovements(from: list.end),
            sections: [], contentHash: contentHash(to: end), parserVersion: ReportParser.version, warnings: warnings,
            statedPrevious: statedPrevious(from: list.end, to: end, before: dates.start))
        let core: [Area] = [.overall, .helpAndProtection, .childrenInCare, .leadership]
        let missing = core.filter { report.grades[$0] == nil }
        if !missing.isEmpty {
            Unreadable.mark(
                &report, &details, reason: "SIF grades not read with certainty: " + missing.map(\.rawValue).joined(separator: ", "))
        }
        markMissing(&report, expected: Completeness.sif(lscbReviewNamed: lscbNamed && !reinspection), details: details)
        return ParsedReport(report: report, details: details)
    }

    /// What a SIF-era title page says: the "Inspection date:" line below the
    /// title and its dates, the authority named above
    /// it, and the publication date near the dates. `what` names the report
    /// in the error when there is no dates line.
    private mutating func titlePage(_ title: Int, of what: String, authorities: AuthorityDirectory)
        throws(ParseError) -> (datesLine: Int, dates: DateSpan, authority: Authority, details: ReportDetails)
    {
        guard let datesLine = contentIndices(from: title, limit: 12).first(where: { Self.isDatesLabel(key($0)) }) else {
            throw ParseError("\(what): no 'Inspection date:' line after the title")
        }
        let dates = try titlePageDates(at: datesLine)
        let authority = try titleAuthority(
            above: title, from: firstContent ?? 0, on: dates.start,
            authorities: authorities, warnings: &warnings)
        var details = ReportDetails()
        details.published = publishedDate(from: datesLine)
        return (datesLine, dates, authority, details)
    }

    /// A standalone review of a Local Safeguarding Children Board: framework
    /// `other`, one judgement (`lscb`).
    mutating func parseLSCBReview(title: Int, authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport {
        var (datesLine, dates, authority, details) = try titlePage(title, of: "LSCB review", authorities: authorities)
        var statements = GradeStatements()
        for g in lscbStatements(from: datesLine) { statements.add(.lscb, g, "the LSCB judgement") }
        var judgements: [Judgement] = []
        if let g = statements.agreed(.lscb, warnings: &warnings) {
            judgements.append(Judgement(area: .lscb, grade: g, title: Self.lscbTitle))
        }
        details.lscbJudged = !judgements.isEmpty
        let lead = leadInspectorNamed(from: datesLine)
        if lead == nil { warnings.append("no lead inspector named") }
        if judgements.isEmpty, statements.byArea[.lscb] != nil { leaveOut(.lscb, Completeness.statementsDisagree) }
        let end = endOfBody(after: datesLine)
        var report = Report(
            authority: authority, framework: .other, kind: nil, inspection: dates,
            leadInspectors: lead.map { [$0] } ?? [], judgements: judgements, improvements: [],
            sections: [], contentHash: contentHash(to: end),
            parserVersion: ReportParser.version, warnings: warnings,
            statedPrevious: statedPrevious(from: datesLine, to: end, before: dates.start))
        if judgements.isEmpty {
            Unreadable.mark(&report, &details, reason: "the LSCB's grade was not read with certainty")
        }
        markMissing(&report, expected: [.lscb], details: details)
        return ParsedReport(report: report, details: details)
    }

    // MARK: - What needs to improve

    /// The numbered recommendations under "What does the local authority need
    /// to improve?" (2013–2015) or "Recommendations" (2016–2018), sub-headings
    /// ("Priority and immediate action", "Areas for improvement", a judgement's
    /// name) and page numbers left out; up to the next section.
    func sifImprovements(from start: Int) -> [String] {
        let headings: Set<String> = [
            "what does the local authority need to improve", "recommendations",
            "priority and immediate action", "areas for improvement",
        ]
        let stops = [
            "the local authority's strengths", "local authority's strengths", "the local authority has the following strengths",
            "strengths", "summary for children and young people",
            "progress since the last inspection", "information about this inspection", "summary of findings",
            "executive summary", "the experiences and progress", "section 2", "summary", "inspection judgements about",
            "information about this local authority", "what does the lscb need to improve", "the local safeguarding children board",
            "the effectiveness of the", "what the inspection judgements mean", "contents",
        ]
        var at: Int?
        for i in content(from: start, to: lines.count) where headings.contains(key(i)) {
            // The contents page lists the heading with a page number after it.
            if let next = contentIndices(from: i + 1, limit: 1).first, Text.bareNumber(lines[next].text) == nil {
                at = i
                break
            }
        }
        guard let h = at else { return [] }
        var items: [[String]] = []
        var open = false
        for i in content(from: h + 1, to: lines.count) {
            let t = lines[i].text
            if Text.bareNumber(t) != nil { continue }
            let k = key(i)
            if stops.contains(where: { k.hasPrefix($0) }) { break }
            if Text.contains(k, "no areas for priority") || Text.contains(k, "not find any areas for priority") {
                open = false  // "There are no areas for priority or immediate action."
                continue
            }
            if let (_, rest) = Text.numberedParagraph(t) {
                items.append(rest.isEmpty ? [] : [rest])
                open = true
            } else if open, let last = items.last?.last ?? (items.last?.isEmpty == true ? "" : nil), !last.hasSuffix(".") {
                items[items.count - 1].append(t)
            } else if t.count < 80, !t.hasSuffix("."),
                contentIndices(from: i + 1, limit: 4)
                    .filter({ Text.bareNumber(lines[$0].text) == nil }).prefix(3)
                    .contains(where: { Text.numberedParagraph(lines[$0].text) != nil })
            {
                open = false  // a sub-heading
            } else {
                break
            }
            if items.count > 40 { break }
        }
        return items.map { Text.join($0) }.filter { !$0.isEmpty }
    }

    // MARK: - The first page's list

    struct SIFList {
        var grades: [Area: [Grade]] = [:]
        /// The areas whose numbered row was found, with or without a grade.
        var rows: Set<Area> = []
        /// How many rows had their grades printed apart, after the labels.
        var apart = 0
        /// The line after the list.
        var end: Int
    }

    /// The numbered judgements of the first page. A label's grade is the
    /// grade phrase among the lines from its number to the next number, lines
    /// holding only the label's words, grade words and bare numbers (the
    /// words of a justified label may be scattered around its grade).
    func firstPageList(after datesLine: Int) -> SIFList {
        let stops = [
            "ofsted produces this report", "a full description of what", "contents", "executive summary",
            "section 1", "summary of findings", "the local authority",
        ]
        var list = SIFList(end: datesLine + 1)
        var open: (row: Int, words: [String], firstLine: Int)?
        var seen: Set<String> = []

        /// The grades among a row's words, and whether all of them come
        /// after the whole label; nil when stray words make it uncertain.
        func close(_ o: (row: Int, words: [String], firstLine: Int)) -> (grades: [Grade], afterLabel: Bool)? {
            let row = Self.sifList[o.row]
            var grades: [Grade] = []
            var labelWords: [String] = []
            var afterLabel = true
            var p = 0
            let keys = o.words
            while p < keys.count {
                if let (g, n) = SIFVocabulary.grade(at: keys[p...]) {
                    grades.append(g); p += n
                } else if row.words.contains(keys[p]) {
                    if !grades.isEmpty { afterLabel = false }
                    labelWords.append(keys[p]); p += 1
                } else if keys[p].allSatisfy({ $0.isNumber || $0 == "." }) {
                    p += 1
                } else {
                    return nil  // stray grade words ("to be"): not a grade read with certainty
                }
            }
            guard labelWords.contains(row.must) else { return nil }
            return (grades, afterLabel)
        }

        // Rows read without a grade just before the current one: their grades
        // may be printed apart, one under the other after the last label.
        var gradeless: [Int] = []

        // A number met twice adds its second reading: both must agree.
        func record(_ o: (row: Int, words: [String], firstLine: Int)) {
            let row = Self.sifList[o.row]
            list.end = max(list.end, o.firstLine + 1)
            seen.insert(row.number)
            list.rows.insert(row.area)
            guard let read = close(o) else { gradeless = []; return }
            if read.grades.isEmpty {
                gradeless.append(o.row)
                return
            }
            if read.grades.count > 1, read.afterLabel, !gradeless.isEmpty, read.grades.count == gradeless.count + 1 {
                // The labels one under the other, then their grades in the same order.
                for (r, g) in zip(gradeless + [o.row], read.grades) { list.grades[Self.sifList[r].area, default: []].append(g) }
                list.apart = gradeless.count + 1
            } else {
                list.grades[row.area, default: []] += read.grades
            }
            gradeless = []
        }

        var i = datesLine + 1
        var scanned = 0
        while i < lines.count, scanned < 150 {
            defer { i += 1 }
            guard lines[i].isContent else { continue }
            scanned += 1
            let words = Text.words(lines[i].text)
            let keys = words.map(\.key)
            let k = keys.joined(separator: " ")
            if !seen.isEmpty, stops.contains(where: { k.hasPrefix($0) }) { break }
            if let (number, rest) = Self.sifNumber(words), let row = Self.sifList.firstIndex(where: { $0.number == number }),
                rest.allSatisfy({ Self.sifList[row].words.contains($0) || SIFVocabulary.gradeWords.contains($0) })
            {
                if let o = open { record(o) }
                open = (row, Array(rest), i)
                continue
            }
            guard let o = open else { continue }
            let row = Self.sifList[o.row]
            if keys.allSatisfy({ row.words.contains($0) || SIFVocabulary.gradeWords.contains($0) || $0.allSatisfy(\.isNumber) }) {
                open!.words += keys
            } else {
                record(o)
                open = nil
            }
        }
        if let o = open { record(o) }

        // Move the end past the last label's grade lines.
        if let last = list.grades.isEmpty ? nil : list.end {
            var j = last
            while j < lines.count, j < last + 12 {
                if lines[j].isContent {
                    let keys = Text.words(lines[j].text).map(\.key)
                    let fits = keys.allSatisfy { word in
                        SIFVocabulary.gradeWords.contains(word) || word.allSatisfy(\.isNumber)
                            || Self.sifList.contains { $0.words.contains(word) }
                    }
                    if !fits { break }
                }
                j += 1
            }
            list.end = j
        }
        return list
    }

    /// "1. Children …", "2.1 Adoption …", "2.1" alone: the judgement number and the words after it.
    static func sifNumber(_ words: [Text.Word]) -> (String, ArraySlice<String>)? {
        guard let first = words.first else { return nil }
        let o = first.original
        let number: String
        switch o {
        case "1.", "2.", "3.": number = String(o.dropLast())
        case "2.1", "2.1.", "2.2", "2.2.": number = String(o.prefix(3))
        default: return nil
        }
        return (number, words.dropFirst().map(\.key)[...])
    }
}

import CasefileModel

/// The 2013 inspections of looked after children services (and of
/// safeguarding and looked after children): framework `other`. Their grades
/// (1 outstanding … 4 inadequate, with "adequate") are kept as written in
/// the details and never compared with the ILACS/SIF areas.
extension Document {
    mutating func parseLookedAfter(title: Int, authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport {
        guard let datesLine = contentIndices(from: title, limit: 12).first(where: { Self.isDatesLabel(key($0)) }) else {
            throw ParseError("looked after children inspection: no 'Inspection dates:' line after the title")
        }
        let dates = try titlePageDates(at: datesLine)
        // The name stands between the title and the dates, or above the title.
        let titleLines = content(from: title, to: datesLine).prefix { i in
            let k = key(i)
            return k.hasPrefix("inspection of") || k == "services" || k == "children services" || k == "children"
        }
        let afterTitle = content(from: (titleLines.last ?? title) + 1, to: datesLine)
        let nameLines = afterTitle.isEmpty ? content(from: firstContent ?? 0, to: title).suffix(2) : afterTitle.prefix(2)
        guard !nameLines.isEmpty else { throw ParseError("looked after children inspection: no authority name") }
        let name = joined(nameLines)
        let entry = try authorities.place(name, on: dates.start, warnings: &warnings)
        var details = ReportDetails()
        details.published = publishedDate(from: datesLine)
        details.writtenGrades = mainFindings()
        if details.writtenGrades.isEmpty {
            warnings.append("older framework: no record of main findings found")
        } else {
            warnings.append(
                "older framework (looked after children services, 2013): its grades are kept as written in the details, not as judgements")
        }
        let lead = leadInspectorNamed(from: title)
        if lead == nil { warnings.append("no lead inspector named") }
        let report = Report(
            authority: Authority(name: Self.cleanName(name), slug: entry.slug), framework: .other, kind: nil,
            inspection: dates, leadInspectors: lead.map { [$0] } ?? [], judgements: [], improvements: [],
            sections: [], contentHash: contentHash(to: endOfBody(after: datesLine)),
            parserVersion: ReportParser.version, warnings: warnings)
        return ParsedReport(report: report, details: details)
    }

    /// "Record of main findings": each label and its grade as written
    /// ("Inadequate", "Adequate Grade 3", "Grade 4 (inadequate)").
    func mainFindings() -> [WrittenGrade] {
        guard let h = content(from: 0, to: lines.count).last(where: { key($0) == "record of main findings" }) else { return [] }
        var out: [WrittenGrade] = []
        var label: [String] = []
        for i in contentIndices(from: h + 1, limit: 40) {
            let t = lines[i].text
            if let g = Self.writtenGrade(t) {
                if !label.isEmpty { out.append(WrittenGrade(title: Text.join(label), grade: g.0, number: g.1)) }
                label = []
            } else if Text.bareNumber(t) != nil || key(i) == "services for looked after children" {
                continue
            } else if t.count > 90 || (label.count >= 3) {
                break
            } else {
                label.append(t)
            }
        }
        return out
    }

    /// "Inadequate", "Adequate Grade 3", "Grade 4 (inadequate)", "Good (Grade 2)": the word and the number.
    static func writtenGrade(_ s: String) -> (String, Int?)? {
        let keys = Text.words(s).map(\.key)
        let words: Set<String> = ["outstanding", "good", "adequate", "inadequate"]
        var word: String?
        var number: Int?
        var k = 0
        while k < keys.count {
            if words.contains(keys[k]), word == nil {
                word = keys[k]
            } else if keys[k] == "grade", k + 1 < keys.count, let n = Int(keys[k + 1]), (1...4).contains(n), number == nil {
                number = n
                k += 1
            } else {
                return nil
            }
            k += 1
        }
        guard let w = word else { return nil }
        return (w.prefix(1).uppercased() + w.dropFirst(), number)
    }
}

import CasefileModel
import Foundation

/// Letters: focused visits, monitoring visits and joint targeted area
/// inspections (JTAIs). No grades (`judgements: []`); the visit's days, the
/// inspectors, the theme, whether areas for priority action are named, and
/// for monitoring visits which visit it is and when the authority was judged
/// inadequate.
extension Document {
    mutating func parseLetter(_ framework: Framework, dear: Int, authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport {
        let what: String
        switch framework {
        case .jtai: what = "joint targeted area inspection (JTAI) letter"
        case .monitoringVisit: what = "monitoring visit letter"
        default: what = "focused visit letter"
        }
        var details = ReportDetails()
        // The letter's date: a line that is only a date, above the greeting
        // (or anywhere near the top, when the text put the address block later).
        let head = contentIndices(limit: 60)
        for i in head.filter({ $0 < dear }) + head.filter({ $0 > dear }) {
            if let d = LetterDates.single(lines[i].text) { details.letterDate = d; break }
        }
        if details.letterDate == nil { warnings.append("\(what): no date found for the letter") }

        let signOff = content(from: dear, to: lines.count).first { key($0).hasPrefix("yours sincerely") || key($0).hasPrefix("yours faithfully") } ?? lines.count
        let body = content(from: dear + 1, to: signOff)
        let opening = joined(body.prefix(16))
        let letterText = joined(body)

        // The subject line (a stray line may come before it), with its wrapped rest.
        var subject: String?
        for (n, i) in body.prefix(3).enumerated() {
            let k = key(i)
            guard k.hasPrefix("focused visit") || k.hasPrefix("monitoring visit") || k.hasPrefix("joint targeted area inspection") else { continue }
            var parts = [lines[i].text]
            for j in body.dropFirst(n + 1).prefix(2) {
                guard let f = lines[j].text.first, f.isLowercase else { break }
                parts.append(lines[j].text)
            }
            subject = Text.join(parts)
            break
        }

        // The visit's days.
        guard let (span, fromLetter) = Self.visitSpan(in: opening, letterDate: details.letterDate) else {
            throw ParseError("\(what): the visit's dates were not found in the opening paragraph")
        }
        if fromLetter {
            warnings.append("the visit's year is not written: taken from the letter's date (\(details.letterDate!))")
        }

        // The authority.
        let context = head.filter { $0 < dear }.map { lines[$0].text }
        var nameWritten: String?
        if framework == .jtai {
            var theme: String?
            (nameWritten, theme) = Self.jtaiSubject(subject ?? "", opening: opening)
            details.theme = theme
            details.deepDive = Self.firstMatch(#"['‘’]deep dive['‘’] focus on (.+?)\.(?:\s|$)"#, in: letterText)
        } else {
            nameWritten = Self.visitSubjectName(subject, opening: opening)
        }
        guard let name = nameWritten else { throw ParseError("\(what): no authority named in the subject line") }
        let entry = try authorities.place(name, on: span.start, context: context, warnings: &warnings)
        let authority = Authority(name: Self.shortName(name), slug: entry.slug)

        // The inspectors (JTAI letters are signed by the chief inspectors of
        // each inspectorate and name no lead inspector).
        var inspectors: [String] = []
        if framework != .jtai {
            inspectors = Self.inspectors(in: opening)
            if inspectors.isEmpty { warnings.append("\(what): no inspectors named in the opening paragraph") }
            details.priorityActionsNamed = body.contains { ["areas for priority action", "area for priority action"].contains(key($0)) }
                || Text.fold(letterText).contains("areas for priority action") || Text.fold(letterText).contains("area for priority action")
            details.theme = Self.visitTheme(in: joined(body.prefix(30)))
        }
        if framework == .monitoringVisit {
            details.monitoringVisitNumber = Self.monitoringVisitNumber(in: letterText)
            if details.monitoringVisitNumber == nil { warnings.append("monitoring visit letter: which visit it is is not said") }
            if let m = Self.firstMatch(#"judged (?:to be |as )?inadequate(?: [a-z’' ]{0,60}?)? (?:in|on) ((?:\d{1,2} )?[A-Za-z]+ \d{4})"#, in: Text.fold(letterText)) {
                details.judgedInadequate = LetterDates.yearMonth(m)
            }
            if details.judgedInadequate == nil { warnings.append("monitoring visit letter: when the authority was judged inadequate is not said") }
        }
        if details.theme == nil { warnings.append("\(what): no theme found") }

        let report = Report(
            authority: authority, framework: framework, kind: nil, inspection: span,
            leadInspectors: inspectors, judgements: [], improvements: improvementBullets(in: body),
            sections: [], contentHash: contentHash(to: signOff), parserVersion: ReportParser.version, warnings: warnings)
        return ParsedReport(report: report, details: details)
    }

    // MARK: - Pieces of letters

    /// The first date phrase after "on", "from", "between" or "took place"
    /// that names days: "on 30 April and 1 May 2019", "from 22 to 26 January
    /// 2024", "Between 12 and 16 September 2016".
    static func visitSpan(in text: String, letterDate: LocalDate?) -> (DateSpan, Bool)? {
        guard let re = try? NSRegularExpression(pattern: #"(?:\bon|\bfrom|\bbetween|\btook place|\bvisit of)\s+"#, options: [.caseInsensitive]) else { return nil }
        let ns = text as NSString
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let rest = ns.substring(from: m.range.location + m.range.length)
            let phrase = LetterDates.leadingPhrase(rest)
            guard !phrase.isEmpty, let found = LetterDates.span(phrase, letterDate: letterDate) else { continue }
            return (found.span, found.yearFromLetter)
        }
        return nil
    }

    /// "Focused visit to Birmingham Children's Services" → "Birmingham
    /// Children's Services"; failing a subject, the opening sentence's
    /// "visit to X children's services on …".
    static func visitSubjectName(_ subject: String?, opening: String) -> String? {
        if let s = subject, let m = firstMatch(#"visit to\s+(.+?)\s*$"#, in: s) { return m }
        return firstMatch(#"visit to\s+(.+?)\s+(?:local authority\s+)?children['’]s services\b"#, in: opening)
    }

    /// "Joint targeted area inspection of Buckinghamshire", "… of the
    /// multi-agency response to abuse and neglect in Salford": the name, and
    /// the response inspected (from the subject or the opening sentence).
    static func jtaiSubject(_ subject: String, opening: String) -> (String?, String?) {
        var name: String?
        var theme: String?
        if let rest = firstMatch(#"^joint targeted area inspection (?:\(JTAI\) )?of\s+(.+?)\s*$"#, in: subject) {
            if Text.fold(rest).hasPrefix("the multi-agency response") || Text.fold(rest).hasPrefix("the multi agency response") {
                if let r = rest.range(of: " in ", options: .backwards) {
                    name = String(rest[r.upperBound...])
                    theme = String(rest[..<r.lowerBound])
                }
            } else {
                name = rest
            }
        }
        if name == nil {
            name = firstMatch(#"multi-agency response to .+? in ([A-Z][^.]+?)\."#, in: opening)
        }
        if theme == nil, let n = name {
            let quoted = NSRegularExpression.escapedPattern(for: n)
            theme = firstMatch(#"\b(the multi-agency response to .+?) (?:in|across) "# + quoted, in: opening)
        }
        return (name?.trimmingSpaces, theme)
    }

    /// The name without "children's services" or "local authority" after it.
    static func shortName(_ s: String) -> String {
        var n = cleanName(s)
        for suffix in [" local authority children's services", " local authority children’s services", " children's services",
                       " children’s services", " local authority"] where n.lowercased().hasSuffix(suffix.lowercased()) {
            n = String(n.dropLast(suffix.count))
            break
        }
        return n.trimmingSpaces
    }

    /// "The inspectors were X, HMI, and Y, HMI.", "His Majesty's Inspectors
    /// for this visit were X and Y.", "This visit was carried out by Her
    /// Majesty's Inspectors X and Y on …": the names in order.
    static func inspectors(in text: String) -> [String] {
        let triggers = [
            #"the inspectors were\s+"#, #"inspectors for this visit were\s+"#,
            #"(?:this|the) visit was carried out by\s+"#, #"the visit was conducted by\s+"#,
            #"the lead inspector was\s+"#,
        ]
        for t in triggers {
            guard let re = try? NSRegularExpression(pattern: t, options: [.caseInsensitive]) else { continue }
            let ns = text as NSString
            guard let m = re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { continue }
            var rest = ns.substring(from: m.range.location + m.range.length)
            // To the end of the sentence, and before the dates.
            if let end = rest.range(of: #"\.(?:\s+[A-Z]|\s*$)"#, options: .regularExpression) { rest = String(rest[..<end.lowerBound]) }
            if let on = rest.range(of: #"\s+(?:on|between|from)\s+\d"#, options: .regularExpression) { rest = String(rest[..<on.lowerBound]) }
            let titles = #"(?:(?:Her|His)\s+Majesty['’‘`]?s\s+Inspectors?|\bHMIs?\b|\(HMI\)|\bOfsted\s+Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspectors?\b)"#
            if let tre = try? NSRegularExpression(pattern: titles, options: [.caseInsensitive]) {
                let rns = rest as NSString
                rest = tre.stringByReplacingMatches(in: rest, range: NSRange(location: 0, length: rns.length), withTemplate: "|")
            }
            var names: [String] = []
            for chunk in rest.split(separator: "|") {
                for piece in chunk.split(separator: ",") {
                    var p = String(piece).trimmingSpaces
                    for lead in ["and ", "& "] where p.lowercased().hasPrefix(lead) { p = String(p.dropFirst(lead.count)) }
                    for sub in p.components(separatedBy: " and ") {
                        if let n = personName(sub) { names.append(n) }
                    }
                }
            }
            if !names.isEmpty { return names }
        }
        return []
    }

    /// What the visit looked at: "Inspectors looked at the local authority's
    /// arrangements for …", "This visit looked at …", "During this visit,
    /// inspectors reviewed the progress made in …".
    static func visitTheme(in text: String) -> String? {
        let pattern = #"(?:Inspectors looked at|This visit looked at|The visit looked at|This visit focused on|The visit focused on|inspectors reviewed|Inspectors reviewed|Inspectors evaluated)\s+(.+?)\.(?:\s+[A-Z]|\s*$)"#
        return firstMatch(pattern, in: text).map { $0.trimmingSpaces }
    }

    /// "This visit was the third monitoring visit", "the fourth monitoring visit to …".
    static func monitoringVisitNumber(in text: String) -> Int? {
        let ordinals = ["first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                        "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13]
        let words = ordinals.keys.sorted { $0.count > $1.count }.joined(separator: "|")
        guard let w = firstMatch(#"\b("# + words + #"|\d{1,2}(?:st|nd|rd|th))\s+monitoring visit"#, in: Text.fold(text)) else { return nil }
        if let n = ordinals[w] { return n }
        return Int(w.prefix { $0.isNumber })
    }

    /// The bullets under "What needs to improve…" (a letter may instead say it in prose).
    func improvementBullets(in body: [Int]) -> [String] {
        var items: [[String]] = []
        for (h, line) in body.enumerated() {
            let k = key(line)
            guard k.hasPrefix("what needs to improve") || k == "areas for priority action" || k == "area for priority action" else { continue }
            var inList = false
            for i in body[(h + 1)...] {
                let t = lines[i].text
                if let rest = Text.afterBullet(t) {
                    items.append([rest])
                    inList = true
                } else if inList, let last = items.last?.last, !last.hasSuffix("."), t.first?.isLowercase == true {
                    items[items.count - 1].append(t)
                } else {
                    break
                }
            }
        }
        return items.map { Text.join($0) }.filter { !$0.isEmpty }
    }

    /// The first capture group of `pattern` in `text` (case-insensitive).
    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return nil }
        let ns = text as NSString
        guard let m = re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)), m.numberOfRanges > 1,
              m.range(at: 1).location != NSNotFound else { return nil }
        return ns.substring(with: m.range(at: 1))
    }
}

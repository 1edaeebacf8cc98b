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

        let signOff =
            content(from: dear, to: lines.count).first { key($0).hasPrefix("yours sincerely") || key($0).hasPrefix("yours faithfully") }
            ?? lines.count
        let body = content(from: dear + 1, to: signOff)
        let opening = joined(body.prefix(16))
        let letterText = joined(body)

        let subject = subjectLine(in: body)

        // The visit's days: in the opening paragraph, or failing that in a
        // later sentence about the visit (said in a warning).
        var found = Self.visitSpan(in: opening, letterDate: details.letterDate)
        if found == nil, let later = Self.visitSpanLater(in: joined(body.dropFirst(16)), letterDate: details.letterDate) {
            found = (later.span, later.fromLetter)
            warnings.append("\(what): the visit's dates are not in the opening paragraph; taken from '\(later.sentence.prefix(120))'")
        }
        guard let (span, fromLetter) = found else {
            throw ParseError("\(what): the visit's dates were not found in the opening paragraph or elsewhere in the letter")
        }
        if fromLetter {
            warnings.append("the visit's year is not written: taken from the letter's date (\(details.letterDate!))")
        }

        // The authority, where the letter names it: the subject line; when
        // that names none, the opening sentence; then the addressee.
        let context = head.filter { $0 < dear }.map { lines[$0].text }
        var fromSubject: String?
        var fromOpening: String?
        if framework == .jtai {
            var theme: String?
            (fromSubject, theme) = Self.jtaiSubject(subject ?? "")
            let opened = Self.jtaiOpening(opening)
            fromOpening = opened.name
            details.theme = theme ?? opened.theme
            details.deepDive = Self.firstMatch(#"['‘’]deep dive['‘’] focus on (.+?)\.(?:\s|$)"#, in: letterText)
        } else {
            fromSubject = subject.flatMap(Self.visitSubjectName)
            fromOpening = Self.visitOpeningName(opening)
        }
        let entry: AuthorityEntry
        let name: String
        if let n = fromSubject {
            // The subject line decides, even when its name cannot be placed.
            name = n
            entry = try authorities.place(n, on: span.start, context: context, warnings: &warnings)
        } else if let n = fromOpening, let e = try? authorities.place(n, on: span.start, context: context, warnings: &warnings) {
            name = n
            entry = e
            warnings.append("\(what): no authority in the subject line; taken from the opening sentence ('\(n)')")
        } else if let (n, e) = addressee(dear: dear, on: span.start, authorities: authorities) {
            name = n
            entry = e
            warnings.append("\(what): no authority in the subject line or the opening sentence; taken from the addressee ('\(n)')")
        } else {
            throw ParseError("\(what): no authority named in the subject line, the opening sentence or the addressee")
        }
        let authority = Authority(name: Self.shortName(name), slug: entry.slug)

        // The inspectors (JTAI letters are signed by the chief inspectors of
        // each inspectorate and name no lead inspector).
        var inspectors: [String] = []
        if framework != .jtai {
            inspectors = Self.inspectors(in: opening)
            if inspectors.isEmpty { warnings.append("\(what): no inspectors named in the opening paragraph") }
            let folded = Text.fold(letterText)
            details.priorityActionsNamed =
                body.contains { ["areas for priority action", "area for priority action"].contains(key($0)) }
                || Text.contains(folded, "areas for priority action") || Text.contains(folded, "area for priority action")
            details.theme = Self.visitTheme(in: joined(body.prefix(30)))
        }
        if framework == .monitoringVisit {
            details.monitoringVisitNumber = Self.monitoringVisitNumber(in: letterText)
            if details.monitoringVisitNumber == nil { warnings.append("monitoring visit letter: which visit it is is not said") }
            if let m = Self.firstMatch(
                #"judged (?:to be |as )?inadequate(?: [a-z’' ]{0,60}?)? (?:in|on) ((?:\d{1,2} )?[A-Za-z]+ \d{4})"#,
                in: Text.fold(letterText))
            {
                details.judgedInadequate = LetterDates.yearMonth(m)
            }
            if details.judgedInadequate == nil {
                warnings.append("monitoring visit letter: when the authority was judged inadequate is not said")
            }
        }
        if details.theme == nil { warnings.append("\(what): no theme found") }

        let report = Report(
            authority: authority, framework: framework, kind: nil, inspection: span,
            leadInspectors: inspectors, judgements: [], improvements: improvementBullets(in: body),
            sections: [], contentHash: contentHash(to: signOff), parserVersion: ReportParser.version, warnings: warnings,
            statedPrevious: statedPrevious(from: dear, to: signOff, before: span.start))
        return ParsedReport(report: report, details: details)
    }

    // MARK: - Pieces of letters

    /// The first date phrase after "on", "from", "between", "took place" or
    /// "dates of (the) visit:" that names days: "on 30 April and 1 May 2019",
    /// "from 22 to 26 January 2024", "Between 12 and 16 September 2016".
    static func visitSpan(in text: String, letterDate: LocalDate?) -> (DateSpan, Bool)? {
        let triggers = #"(?:\bon|\bfrom|\bbetween|\btook place|\bvisit of|\bdates? of (?:the )?visit:?|\bvisit dates?:)\s+"#
        guard let re = Patterns.regex(triggers) else { return nil }
        let ns = text as NSString
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let rest = ns.substring(from: m.range.location + m.range.length)
            let phrase = LetterDates.leadingPhrase(rest)
            guard !phrase.isEmpty, let found = LetterDates.span(phrase, letterDate: letterDate) else { continue }
            return (found.span, found.yearFromLetter)
        }
        return nil
    }

    /// The visit's days from a sentence after the opening paragraph that is
    /// about this visit ("The visit took place on …", "Inspectors visited …
    /// on …"), never one about an earlier or a later inspection or visit.
    static func visitSpanLater(in text: String, letterDate: LocalDate?) -> (span: DateSpan, fromLetter: Bool, sentence: String)? {
        for sentence in sentences(text) {
            let k = Text.fold(sentence)
            guard Text.contains(k, "visit") || Text.contains(k, "inspectors") || Text.contains(k, "took place") else { continue }
            if ["previous", "last ", "since", "earlier", "judged", "next ", " will "].contains(where: { Text.contains(k, $0) }) {
                continue
            }
            if let (span, fromLetter) = visitSpan(in: sentence, letterDate: letterDate) { return (span, fromLetter, sentence) }
        }
        return nil
    }

    /// The subject line ("Focused visit to …", "Monitoring visit of …",
    /// "Joint targeted area inspection of …"; a stray line may come before
    /// it) with its wrapped rest: the next lines when they begin in lower
    /// case, or when the line breaks after "to", "of", "and" or a hyphen
    /// ("… Royal Borough of Windsor and" / "Maidenhead").
    func subjectLine(in body: [Int]) -> String? {
        for (n, i) in body.prefix(3).enumerated() {
            let k = key(i)
            guard k.hasPrefix("focused visit") || k.hasPrefix("monitoring visit") || k.hasPrefix("joint targeted area inspection") else {
                continue
            }
            var parts = [lines[i].text]
            for j in body.dropFirst(n + 1).prefix(2) {
                let soFar = Text.join(parts)
                let lastWord = Text.words(soFar).last?.key ?? ""
                let wraps = ["to", "of", "and", "upon", "on", "in", "the", "&"].contains(lastWord) || soFar.hasSuffix("-")
                guard let f = lines[j].text.first, f.isLowercase || (wraps && !lines[j].text.hasSuffix(".")) else { break }
                parts.append(lines[j].text)
            }
            return Text.join(parts)
        }
        return nil
    }

    /// "Focused visit to Birmingham Children's Services" → "Birmingham
    /// Children's Services"; "Monitoring visit of Leeds" → "Leeds".
    static func visitSubjectName(_ subject: String) -> String? {
        firstMatch(#"visit (?:to|of)\s+(.+?)\s*$"#, in: subject)
    }

    /// The opening sentence's "visit to X children's services".
    static func visitOpeningName(_ opening: String) -> String? {
        firstMatch(#"visit (?:to|of)\s+(.+?)\s+(?:local authority\s+)?children['’]s services\b"#, in: opening)
    }

    /// "Joint targeted area inspection of Buckinghamshire", "… of the
    /// multi-agency response to abuse and neglect in Salford": the name, and
    /// the response inspected.
    static func jtaiSubject(_ subject: String) -> (name: String?, theme: String?) {
        guard let rest = firstMatch(#"^joint targeted area inspection (?:\(JTAI\) )?of\s+(.+?)\s*$"#, in: subject) else {
            return (nil, nil)
        }
        guard Text.fold(rest).hasPrefix("the multi-agency response") || Text.fold(rest).hasPrefix("the multi agency response") else {
            return (rest.trimmingSpaces, nil)
        }
        guard let r = rest.range(of: " in ", options: .backwards) else { return (nil, rest) }
        return (String(rest[r.upperBound...]).trimmingSpaces, String(rest[..<r.lowerBound]))
    }

    /// The opening sentence's "(joint) inspection (JTAI) of the multi-agency
    /// response to … in X.": the name (a capitalised phrase ending the
    /// sentence, a footnote marker aside) and the response.
    static func jtaiOpening(_ opening: String) -> (name: String?, theme: String?) {
        let pattern = #"\b(the multi-agency response to [^.]+?) (?:in|across) ((?:the )?[A-Z][A-Za-z’'&,\- ]{1,60}?)\.?\d*(?:\s|$)"#
        guard let re = Patterns.regex(pattern, options: []) else { return (nil, nil) }
        let ns = opening as NSString
        guard let m = re.firstMatch(in: opening, range: NSRange(location: 0, length: ns.length)) else { return (nil, nil) }
        var name = ns.substring(with: m.range(at: 2)).trimmingSpaces
        while let l = name.last, ".,".contains(l) { name.removeLast() }
        return (name, ns.substring(with: m.range(at: 1)))
    }

    /// The authority the letter is addressed to, from the lines above the
    /// greeting ("Director of Children's Services, Buckinghamshire Council")
    /// and the greeting itself ("Dear Buckinghamshire Safeguarding Children
    /// Partnership"): the comma-separated pieces that place, when they all
    /// place on one authority.
    func addressee(dear: Int, on date: LocalDate, authorities: AuthorityDirectory) -> (String, AuthorityEntry)? {
        var pieces: [String] = []
        for i in content(from: firstContent ?? 0, to: dear + 1).suffix(14) {
            var t = lines[i].text
            if i == dear { t = String(t.dropFirst(4)) }
            pieces += t.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        }
        var placed: [(String, AuthorityEntry)] = []
        for p in pieces {
            var w: [String] = []
            if let e = try? authorities.place(p, on: date, warnings: &w) { placed.append((p, e)) }
        }
        guard let first = placed.first, placed.allSatisfy({ $0.1.slug == first.1.slug }) else { return nil }
        return first
    }

    /// The name without "children's services" or "local authority" after it.
    static func shortName(_ s: String) -> String {
        var n = cleanName(s)
        for suffix in [
            " local authority children's services", " local authority children’s services", " children's services",
            " children’s services", " local authority",
        ] where n.lowercased().hasSuffix(suffix.lowercased()) {
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
            guard let re = Patterns.regex(t) else { continue }
            let ns = text as NSString
            guard let m = re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { continue }
            var rest = ns.substring(from: m.range.location + m.range.length)
            // To the end of the sentence, and before the dates.
            if let end = rest.range(of: #"\.(?:\s+[A-Z]|\s*$)"#, options: .regularExpression) { rest = String(rest[..<end.lowerBound]) }
            if let on = rest.range(of: #"\s+(?:on|between|from)\s+\d"#, options: .regularExpression) {
                rest = String(rest[..<on.lowerBound])
            }
            let titles =
                #"(?:(?:Her|His)\s+Majesty['’‘`]?s\s+Inspectors?|\bHMIs?\b|\(HMI\)|\bOfsted\s+Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspectors?\b)"#
            if let tre = Patterns.regex(titles) {
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
        let pattern =
            #"(?:Inspectors looked at|This visit looked at|The visit looked at|This visit focused on|The visit focused on|inspectors reviewed|Inspectors reviewed|Inspectors evaluated)\s+(.+?)\.(?:\s+[A-Z]|\s*$)"#
        return firstMatch(pattern, in: text).map { $0.trimmingSpaces }
    }

    /// "This visit was the third monitoring visit", "the fourth monitoring visit to …".
    static func monitoringVisitNumber(in text: String) -> Int? {
        let ordinals = [
            "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
        ]
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
            guard k.hasPrefix("what needs to improve") || k == "areas for priority action" || k == "area for priority action" else {
                continue
            }
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
        guard let re = Patterns.regex(pattern) else { return nil }
        let ns = text as NSString
        guard let m = re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)), m.numberOfRanges > 1,
            m.range(at: 1).location != NSNotFound
        else { return nil }
        return ns.substring(with: m.range(at: 1))
    }
}

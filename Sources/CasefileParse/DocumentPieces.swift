import CasefileModel
import Foundation

/// Pieces of the SIF-era title pages and of letters shared by their parsers.
extension Document {
    /// The authority named by the lines just above the title (a footnote
    /// number or a stray line may come first): the longest run of them that
    /// can be placed.
    func titleAuthority(
        above title: Int, from start: Int, on date: LocalDate?, authorities: AuthorityDirectory,
        warnings: inout [String]
    ) throws(ParseError) -> Authority {
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
                || k.hasPrefix("reporting inspector")
            {
                break
            }
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
            guard
                Text.hasPrefixIgnoringCase(t, "the inspection team") || Text.hasPrefixIgnoringCase(t, "inspection team")
                    || Text.hasPrefixIgnoringCase(t, "lead inspector") || Text.hasPrefixIgnoringCase(t, "reporting inspector")
            else { continue }
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
        let pattern =
            #"(?:(?:Her|His)\s+Majesty['’‘`]?s\s+Inspectors?|\bHMIs?\b|\(HMI\)|\bOfsted\s+Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspectors?\b)"#
        var t = s
        if let re = Patterns.regex(pattern) {
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

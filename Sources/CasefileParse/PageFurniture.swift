import CasefileModel

/// Page numbers, running footers and footnotes: lines of a PDF's pages that
/// are not the report's text.
extension Document {
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
                !lines[m].pageStart
            else { continue }
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
}

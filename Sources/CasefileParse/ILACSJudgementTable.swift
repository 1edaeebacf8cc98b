import CasefileModel
import Foundation

/// The judgement table of an ILACS title page: labels (ILACSVocabulary) and
/// grades in reading order, paired into rows.
extension Document {
    struct TableRow {
        var area: Area
        var title: String
        var grade: Grade?
        /// "… children in care and care leavers": the care leavers judgement too.
        var includesCareLeavers = false
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
            case label(ILACSVocabulary.Label, title: String)
            case grade(ILACSVocabulary.GradeWords)
        }
        var items: [(item: Item, firstLine: Int, lastLine: Int)] = []
        let keys = words.map(\.key)
        var p = 0
        var failedLine: Int?
        var overallDone = false
        while p < words.count {
            if let (label, n) = ILACSVocabulary.matchLabel(keys[p...]) {
                let title = words[p..<(p + n)].map { String($0.original) }.joined(separator: " ")
                items.append(
                    (
                        .label(label, title: title.trimmingCharacters(in: CharacterSet(charactersIn: ":"))), words[p].line,
                        words[p + n - 1].line
                    ))
                p += n
            } else if let (g, n) = ILACSVocabulary.matchGrade(keys[p...]) {
                items.append((.grade(g), words[p].line, words[p + n - 1].line))
                p += n
            } else {
                failedLine = words[p].line
                break
            }
            // Overall effectiveness is the last row: stop once it has its grade.
            if items.count >= 2, case .label(let l, _) = items[items.count - 2].item, l.area == .overall,
                case .grade(let g) = items[items.count - 1].item
            {
                if case .requiresImprovement = g, p < words.count, keys[p...].starts(with: ["to", "be", "good"]) {
                    continue
                }
                overallDone = true
                break
            }
            if items.count >= 3, case .label(let l, _) = items[items.count - 2].item, l.area == .overall,
                case .grade(.toBeGood) = items[items.count - 1].item
            {
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
                rows.append(TableRow(area: label.area, title: title, grade: grade, includesCareLeavers: label.includesCareLeavers))
            case .grade(.requiresImprovement) where isLabel(k + 1) && isTBG(k + 2):
                if case .label(let label, let title) = items[k + 1].item {
                    rows.append(
                        TableRow(
                            area: label.area, title: title, grade: .requiresImprovement, includesCareLeavers: label.includesCareLeavers))
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
}

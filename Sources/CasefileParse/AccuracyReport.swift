import CasefileModel
import Foundation

/// How well the parser reads a folder of documents, per framework: the
/// documents read, the judgements read, the judgements missing (reasons
/// grouped), the incomplete and unreadable reports, and the documents refused
/// (reasons grouped). What `casefilectl parse FOLDER` prints.
///
/// A refused document counts under the framework it looks like
/// (`ReportParser.recognise`), or under "not recognised". Reasons are grouped
/// with their quoted parts (a name, a title) left out, so that one kind of
/// refusal counts once however many authorities it names.
public struct AccuracyReport: Sendable, Equatable, Codable {
    /// The figures of one framework.
    public struct Tally: Sendable, Equatable, Codable {
        /// Documents read as reports of this framework (refused ones aside).
        public var reports = 0
        public var judgementsRead = 0
        /// "area: reason" → how many.
        public var missing: [String: Int] = [:]
        /// Reports with a judgement missing (unreadable ones included).
        public var incomplete = 0
        public var unreadable = 0
        /// Reports that state a previous inspection's grade.
        public var statingPrevious = 0
        /// Refusal reason (quoted parts left out) → how many.
        public var refused: [String: Int] = [:]

        public var missingCount: Int { missing.values.reduce(0, +) }
        public var refusedCount: Int { refused.values.reduce(0, +) }

        public init() {}
    }

    /// The label refused documents that look like no framework count under.
    public static let notRecognised = "not recognised"

    /// What was read (a folder's path, for the heading).
    public var source: String
    public var parserVersion: Int
    public var documents: Int
    /// By `Framework.rawValue`, or `notRecognised`.
    public var frameworks: [String: Tally]

    public init(source: String, parserVersion: Int = ReportParser.version, documents: Int = 0, frameworks: [String: Tally] = [:]) {
        self.source = source
        self.parserVersion = parserVersion
        self.documents = documents
        self.frameworks = frameworks
    }

    /// Reads every regular file under `folder` (hidden ones aside), in name
    /// order. `extract` turns a document's bytes into text, or says why it
    /// cannot: the sandboxed helper for `casefilectl parse FOLDER`, the
    /// in-process extraction in the tests (docs/SANDBOX.md).
    public static func run(
        folder: URL, parser: ReportParser = ReportParser(), extract: ([UInt8]) -> Result<ExtractedText, ParseError>
    ) throws -> AccuracyReport {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: folder.path])
        }
        guard let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: folder.path])
        }
        var files: [URL] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url)
        }
        files.sort { $0.path < $1.path }
        var report = AccuracyReport(source: folder.path)
        for url in files {
            report.add(try [UInt8](Data(contentsOf: url)), parser: parser, extract: extract)
        }
        return report
    }

    /// Counts one document.
    public mutating func add(_ bytes: [UInt8], parser: ReportParser, extract: ([UInt8]) -> Result<ExtractedText, ParseError>) {
        documents += 1
        let extracted: ExtractedText
        switch extract(bytes) {
        case .success(let text): extracted = text
        case .failure(let error):
            frameworks[Self.notRecognised, default: Tally()].refused[Self.group(error.reason), default: 0] += 1
            return
        }
        do {
            let r = try parser.parse(extracted: extracted)
            var t = frameworks[r.framework.rawValue, default: Tally()]
            t.reports += 1
            t.judgementsRead += r.judgements.count
            for m in r.missing { t.missing["\(m.area.rawValue): \(m.reason)", default: 0] += 1 }
            if r.incomplete { t.incomplete += 1 }
            if r.unreadable != nil { t.unreadable += 1 }
            if !r.statedPrevious.isEmpty { t.statingPrevious += 1 }
            frameworks[r.framework.rawValue] = t
        } catch {
            let label = parser.recognise(text: extracted.text)?.rawValue ?? Self.notRecognised
            frameworks[label, default: Tally()].refused[Self.group(error.reason), default: 0] += 1
        }
    }

    /// A refusal reason with its quoted parts ('…') left out.
    public static func group(_ reason: String) -> String {
        let chars = Array(reason)
        var out = ""
        var quoted = false
        for (i, c) in chars.enumerated() {
            if c == "'" || c == "\u{2018}" || c == "\u{2019}" {
                // An apostrophe inside a word ("children's") is no quote mark.
                if i > 0, chars[i - 1].isLetter, i + 1 < chars.count, chars[i + 1].isLetter {
                    if !quoted { out.append(c) }
                    continue
                }
                quoted.toggle()
                if quoted { out += "'…'" }
                continue
            }
            if !quoted { out.append(c) }
        }
        return out
    }

    /// The figures as a table, then the missing judgements and the refusals
    /// grouped by reason.
    public func render() -> String {
        let order = Framework.allCases.map(\.rawValue) + [Self.notRecognised]
        let names = order.filter { frameworks[$0] != nil }
        var total = Tally()
        for t in frameworks.values {
            total.reports += t.reports
            total.judgementsRead += t.judgementsRead
            total.incomplete += t.incomplete
            total.unreadable += t.unreadable
            total.statingPrevious += t.statingPrevious
            for (k, v) in t.missing { total.missing[k, default: 0] += v }
            for (k, v) in t.refused { total.refused[k, default: 0] += v }
        }
        let header = ["framework", "reports", "judgements read", "missing", "incomplete", "unreadable", "refused", "stating previous"]
        func row(_ name: String, _ t: Tally) -> [String] {
            [
                name, "\(t.reports)", "\(t.judgementsRead)", "\(t.missingCount)", "\(t.incomplete)", "\(t.unreadable)", "\(t.refusedCount)",
                "\(t.statingPrevious)",
            ]
        }
        let rows = names.map { row($0, frameworks[$0]!) } + [row("total", total)]
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }
        var out = ["parser accuracy: \(documents) documents in \(source) (parser version \(parserVersion))", ""]
        out.append(line(header))
        out += rows.map(line)
        let judged = total.judgementsRead + total.missingCount
        if judged > 0 {
            let share = Double(total.missingCount) * 100 / Double(judged)
            out.append("")
            out.append("judgements missing: \(total.missingCount) of \(judged) (\(String(format: "%.1f", share))%)")
        }
        for (title, pick) in [("missing judgements, by reason:", \Tally.missing), ("refused documents, by reason:", \Tally.refused)] {
            out.append("")
            out.append(title)
            var any = false
            for name in names {
                for (reason, n) in frameworks[name]![keyPath: pick].sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                    out.append("  \(name): \(reason): \(n)")
                    any = true
                }
            }
            if !any { out.append("  none") }
        }
        return out.joined(separator: "\n")
    }
}

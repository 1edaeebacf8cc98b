// The two parser-only modes of casefile-bench: `--parse-only` (timing) and
// `--dump` (the output, for a byte-for-byte comparison before and after a
// change to the parser).
import CasefileExtract
import CasefileModel
import CasefileParse
import Foundation

/// Extracts each PDF once, then times `parse(extracted:)` over all of them:
/// the fastest of `runs` rounds counts, as ms per report.
func parseOnlyBenchmark(files: [(url: URL, bytes: [UInt8])], runs: Int, parser: ReportParser) {
    var extracted: [ExtractedText] = []
    for f in files {
        if let e = try? DocumentText.extract(from: f.bytes) { extracted.append(e) }
    }
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    var parsed = 0
    for _ in 0..<runs {
        best = min(best, clock.measure { parsed = parseAll(extracted, parser: parser) })
    }
    let ms = seconds(best) * 1000 / Double(extracted.count)
    print(
        "parse-only: \(extracted.count) texts (\(parsed) parsed as reports), fastest of \(runs) rounds: "
            + String(format: "%.3f ms/report", ms))
}

/// One round of parsing: how many texts parsed as reports. A function of its
/// own so that a profiler can count it alone
/// (`valgrind --tool=callgrind --toggle-collect='*parseAll*'`).
@inline(never)
func parseAll(_ extracted: [ExtractedText], parser: ReportParser) -> Int {
    var parsed = 0
    for e in extracted where (try? parser.parse(extracted: e)) != nil { parsed += 1 }
    return parsed
}

/// Writes, for every PDF and every `.txt` file in `texts`, its report
/// (`CasefileJSON`, pretty) followed by its details, or the refusal, to
/// `out/NAME.json`; and the framework `recognise` gives. A PDF's extracted
/// text goes to `out/NAME.text`, for variants made from it.
func dumpParses(files: [(url: URL, bytes: [UInt8])], texts: [URL], to out: URL, parser: ReportParser) {
    try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    var inputs: [(name: String, extracted: ExtractedText)] = []
    for f in files {
        let name = f.url.lastPathComponent
        do {
            let e = try DocumentText.extract(from: f.bytes)
            inputs.append((name, e))
            _ = FileManager.default.createFile(atPath: out.appendingPathComponent(name + ".text").path, contents: Data(e.text.utf8))
        } catch {
            inputs.append((name, ExtractedText(format: .text, text: "")))
        }
    }
    for dir in texts {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        for n in names {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(n).path) else { continue }
            inputs.append(("\(dir.lastPathComponent)-\(n)", ExtractedText(format: .text, text: String(decoding: data, as: UTF8.self))))
        }
    }
    for (name, e) in inputs {
        var text = "recognise: \(parser.recognise(text: e.text).map(\.rawValue) ?? "nil")\n"
        do {
            let parsed = try parser.parseDetailed(extracted: e)
            let report = try CasefileJSON.encode(parsed.report, pretty: true)
            let details = try CasefileJSON.encode(parsed.details, pretty: true)
            text += String(decoding: report, as: UTF8.self) + "\n" + String(decoding: details, as: UTF8.self) + "\n"
            text += "unreadable: \(parsed.isUnreadable)\n"
        } catch {
            text += "refused: \(error)\n"
        }
        _ = FileManager.default.createFile(atPath: out.appendingPathComponent(name + ".json").path, contents: Data(text.utf8))
    }
    print("dumped \(inputs.count) documents to \(out.path)")
}

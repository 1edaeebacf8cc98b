import CasefileTestKit
import Foundation
import Testing

@testable import CasefileConfig

/// The README's configuration reference is the keys' description: each
/// table of the file has a `### \`[name]\`` heading in the README's
/// "Configuration reference" section, followed (after any text) by exactly
/// the table `ConfigReference` makes.
///
/// With CASEFILE_WRITE_README=1 in the environment the test writes the
/// tables into README.md instead of failing (and says so); review the diff.
@Suite("Config: the README's reference")
struct ReferenceTests {
    static let readme = TestPaths.packageRoot.appendingPathComponent("README.md")

    /// The heading for `title` in the configuration reference, and the line
    /// range of the first table under it (nil when the next heading comes
    /// first); nil when there is no such heading.
    static func locate(_ lines: [String], title: String) -> (heading: Int, table: Range<Int>?)? {
        guard let section = lines.firstIndex(of: "## Configuration reference"),
            let heading = lines[section...].firstIndex(where: { $0.hasPrefix("### `\(title)`") }),
            !lines[(section + 1)..<heading].contains(where: { $0.hasPrefix("## ") })
        else { return nil }
        guard let start = lines[(heading + 1)...].firstIndex(where: { $0.hasPrefix("|") || $0.hasPrefix("#") }),
            lines[start].hasPrefix("|")
        else { return (heading, nil) }
        var end = start
        while end < lines.count, lines[end].hasPrefix("|") { end += 1 }
        return (heading, start..<end)
    }

    @Test func theReadmesTablesAreTheDescription() throws {
        var lines = try String(contentsOf: Self.readme, encoding: .utf8).components(separatedBy: "\n")
        let write = ProcessInfo.processInfo.environment["CASEFILE_WRITE_README"] == "1"
        var wrote = false
        for table in CasefileConfig.tables {
            let expected = try #require(ConfigReference.markdown(for: table.key))
            guard let place = Self.locate(lines, title: table.title) else {
                let heading = "### `\(table.title)`"
                Issue.record("README.md has no \(heading) heading in its configuration reference; add one (with words on the table)")
                continue
            }
            let found = place.table.map { lines[$0].joined(separator: "\n") }
            if found == expected { continue }
            if write {
                let range = place.table ?? (place.heading + 1)..<(place.heading + 1)
                lines.replaceSubrange(range, with: (place.table == nil ? [""] : []) + expected.components(separatedBy: "\n"))
                wrote = true
            } else {
                let fix = "CASEFILE_WRITE_README=1 rewrites it"
                Issue.record("README.md's \(table.title) table is not the keys' description (\(fix)); expected:\n\(expected)")
            }
        }
        if wrote {
            try lines.joined(separator: "\n").write(to: Self.readme, atomically: true, encoding: .utf8)
            print("ReferenceTests: rewrote the configuration tables in \(Self.readme.path)")
        }
    }

    @Test func theReadmeDescribesNoOtherTable() throws {
        let lines = try String(contentsOf: Self.readme, encoding: .utf8).components(separatedBy: "\n")
        let section = try #require(lines.firstIndex(of: "## Configuration reference"))
        let titles = CasefileConfig.tables.map(\.title)
        for line in lines[(section + 1)...].prefix(while: { !$0.hasPrefix("## ") }) where line.hasPrefix("### `") {
            let title = line.dropFirst(5).prefix { $0 != "`" }
            #expect(titles.contains(String(title)), "README.md describes \(title), which the config does not have")
        }
    }

    @Test func rowsComeFromTheFieldsAndTheirDefaults() {
        let daemon = CasefileConfig.tables[0].reference()
        #expect(
            daemon.first { $0.key == "interval" }
                == .init(
                    key: "interval", type: "duration", defaultText: "`6h`",
                    meaning: "how often each source is synced (a source may override it)"))
        #expect(daemon.first { $0.key == "admin_group" }?.defaultText == "none")
        #expect(daemon.first { $0.key == "log_level" }?.meaning.hasSuffix("(`debug`, `info`, `notice`, `warning` or `error`)") == true)
        let fetch = CasefileConfig.tables[1].reference()
        #expect(fetch.first { $0.key == "max_bytes" }?.defaultText == "`50MB`")
        #expect(fetch.first { $0.key == "concurrency" }?.type == "integer, 1–64")
    }

    @Test func aKeySeveralKindsTakeIsOneRowSayingWhich() {
        let rows = CasefileConfig.tables[2].reference()
        #expect(rows.map(\.key).prefix(2) == ["name", "kind"])
        let documents = rows.first { $0.key == "documents" }
        #expect(documents?.defaultText == "required for `crawl`")
        #expect(documents?.meaning == "`crawl`, `feed`: links that are reports")
        // Every kind has a url, each its own: the row says which is which.
        let url = rows.first { $0.key == "url" }
        #expect(url?.defaultText == "required")
        #expect(url?.meaning.hasPrefix("`document`, `feed`: an `http(s)://` or `file://` URL; `directory`: ") == true)
        #expect(url?.meaning.hasSuffix("; `crawl`: the `http(s)://` start page") == true)
        #expect(rows.last?.key == "interval")
        let notify = CasefileConfig.tables[3].reference()
        #expect(notify.first { $0.key == "url" }?.defaultText == "required for `webhook`, `email`")
        #expect(notify.first { $0.key == "kind" }?.meaning == "`command` (runs a program), `webhook` (posts JSON) or `email` (sends mail)")
    }

    @Test func everyKeyIsDescribedOnceAndFitsATableCell() {
        for table in CasefileConfig.tables {
            #expect(Set(table.keyNames).count == table.keyNames.count, "\(table.title) lists a key twice")
            for row in table.reference() {
                #expect(!row.meaning.isEmpty, "\(table.title) \(row.key) has no doc")
                #expect(!row.meaning.contains("|") && !row.meaning.contains("\n"), "\(table.title) \(row.key): a doc must fit a table cell")
                #expect(!row.type.contains(" or "), "\(table.title) \(row.key): the kinds that take it give it different types")
            }
        }
    }
}

import CasefileDashboard
import CasefileModel
import CasefileTestKit
import DashboardSamples
import Foundation
import Testing

@Suite struct DashboardPageTests {
    /// The golden file: the page of `Fixture.small`, byte for byte. After an
    /// intended change of the page, regenerate it with
    /// `CASEFILE_UPDATE_GOLDEN=1 swift test --filter DashboardPageTests` and
    /// review the diff.
    @Test func goldenFile() throws {
        let url = TestPaths.fixture("dashboard/small.html")
        let page = DashboardPage.render(Fixture.small)
        if ProcessInfo.processInfo.environment["CASEFILE_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(page.utf8).write(to: url)
            print("wrote \(url.path)")
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        if page != golden {
            let a = Array(page.utf8), b = Array(golden.utf8)
            let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            let around = String(decoding: a[max(0, i - 80)..<min(a.count, i + 80)], as: UTF8.self)
            Issue.record("the page differs from \(url.path) at byte \(i) (\(a.count) vs \(b.count) bytes): …\(around)…")
        }
    }

    @Test func sameSnapshotSameBytesWhateverTheInputOrder() {
        var shuffled = Fixture.small
        shuffled.authorities.reverse()
        for i in shuffled.authorities.indices { shuffled.authorities[i].reports.reverse() }
        shuffled.changes.reverse()
        let a = DashboardPage.render(Fixture.small)
        #expect(a == DashboardPage.render(Fixture.small))
        #expect(a == DashboardPage.render(shuffled))
        let big = SyntheticDashboard.make(reports: 600)
        #expect(DashboardPage.render(big) == DashboardPage.render(big))
    }

    @Test func selfContained() {
        let page = DashboardPage.render(SyntheticDashboard.make(reports: 600))
        // Nothing is loaded from anywhere: no src, no stylesheet link, no url() but the map's own patterns,
        // and the only http(s) addresses are report links.
        #expect(!page.contains(" src="))
        #expect(!page.contains("<link rel=\"stylesheet\""))
        #expect(!page.contains("@import"))
        for m in page.ranges(of: "url(") {
            let tail = page[m.upperBound...].prefix(4)
            #expect(tail == "#pr)" || tail == "#pi)" || tail == "#px)", "url(\(tail)")
        }
        for m in page.ranges(of: "http") {
            let before = page[..<m.lowerBound].suffix(6)
            #expect(before == "href=\"" || before.hasSuffix("\""), "an address outside a link: …\(before)")
        }
        #expect(page.contains("<link rel=\"icon\" href=\"data:,\">"))
    }

    @Test func sizeForEveryAuthorityWithTheirWholeHistory() {
        let page = DashboardPage.renderBytes(SyntheticDashboard.make(reports: 2000))
        #expect(page.count < 1_500_000, "the page is \(page.count) bytes")
    }

    @Test func theTableIsInTheHTMLWithEveryAuthority() throws {
        let page = DashboardPage.render(Fixture.small)
        let table = try #require(page.range(of: "<table id=\"table\"")).upperBound
        let body = try #require(page.range(of: "<tbody>\n", range: table..<page.endIndex)).upperBound
        let end = try #require(page.range(of: "</tbody>", range: body..<page.endIndex)).lowerBound
        let rows = page[body..<end].components(separatedBy: "<tr id=\"r-").count - 1
        #expect(rows == 153)
        // Barnet's row: region, grades in words, the inspection, days since, days to publication, window, last change.
        let barnet = try #require(page.range(of: "<tr id=\"r-barnet\"")).lowerBound
        let row = String(page[barnet..<page[barnet...].range(of: "</tr>")!.upperBound])
        #expect(row.contains("<td>London</td>"))
        #expect(row.contains(">Good</td>"))
        #expect(row.contains("8 to 12 May 2023"))
        // 2023-05-08 to 2026-11-27; 2023-05-12 to 2023-06-20.
        #expect(row.contains("data-v=\"1299\">1299</td>"))
        #expect(row.contains("data-v=\"39\">39</td>"))
        #expect(row.contains("data-w=\"overdue\""))
        #expect(row.contains("May 2023: overall effectiveness requires improvement → good (and 4 more)"))
        // An authority the snapshot leaves out is still listed, from the map, with nothing on file.
        let scilly = try #require(page.range(of: "<tr id=\"r-isles-of-scilly\"")).lowerBound
        #expect(page[scilly...].prefix(400).contains("None on file"))
        // The former authority is listed apart, not in the table.
        #expect(!page.contains("<tr id=\"r-cumbria\""))
        #expect(page.contains("<a href=\"#a-cumbria\">Cumbria</a>: 1 report on file"))
    }

    @Test func headlineCounts() throws {
        let page = DashboardPage.render(Fixture.small)
        // Overall: Barnet good; Cornwall's 2026 report has no overall; Hampshire's only report is unreadable.
        #expect(
            page.contains(
                "<tr><th scope=\"row\">Overall effectiveness</th><td class=\"num\">0</td><td class=\"num\">1</td>"
                    + "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">151</td></tr>"))
        #expect(page.contains("<tr><th scope=\"row\">Care leavers</th><td class=\"num\">0</td><td class=\"num\">2</td>"))
        // The last 30 days hold the grade change and the withdrawal; 90 days the new report too.
        let moved = "1 grade change (2 judgements moved: 2 improved, 0 declined); 1 report withdrawn.</li>"
        #expect(page.contains("<li><strong>Last 30 days:</strong> 0 new reports; " + moved))
        #expect(page.contains("<li><strong>Last 90 days:</strong> 1 new report; " + moved))
    }

    @Test func textIsEscapedAndServerPathsAreNotLinked() {
        let page = DashboardPage.render(Fixture.small)
        #expect(!page.contains("<participation>"))
        #expect(page.contains(#"Children's \"voice\" \u0026 \u003cparticipation\u003e in their plans."#))
        #expect(!page.contains("file:///srv"))
        #expect(page.components(separatedBy: "</script>").count == 3)
    }
}

import CasefileExtract
import CasefileParse
import Testing

@Suite struct HTMLExtractionTests {
    static let reportPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Inspection of Made-up Borough Council - Ofsted</title>
        <style>body { font-family: sans-serif }</style><script>var tracking = "do not read me";</script></head>
        <body>
          <a class="govuk-skip-link" href="#main">Skip to main content</a>
          <header><nav><ul><li><a href="/">Home</a></li><li><a href="/search">Find an inspection report</a></li></ul></nav></header>
          <div class="govuk-breadcrumbs"><ol><li>Home</li><li>Children's services</li></ol></div>
          <main id="main">
            <h1>Inspection of Made-up Borough Council</h1>
            <p>Inspection dates: 4 to 15 March 2024</p>
            <table>
              <tr><th>Judgement</th><th>Grade</th></tr>
              <tr><td>The impact of leaders on social work practice with children and families</td><td><p>Good</p></td></tr>
              <tr><td>Overall effectiveness</td><td>Requires improvement to be good</td></tr>
            </table>
            <h2>What needs to improve?</h2>
            <ul><li>The quality of  plans
                for children.</li><li>Supervision.</li></ul>
            <p>1. Children in Made-up receive help that is timely and proportionate to their needs, and leaders know the
            service well. They have a clear plan for what must improve next, and the council supports it with money and people.</p>
            <aside>Related content: other reports you may like</aside>
            <form><label>Was this page useful?</label><button>Yes</button></form>
          </main>
          <footer>© Crown copyright. Cookies. Accessibility statement.</footer>
        </body></html>
        """

    @Test func reportPageGivesTheReportTextWithoutNavigation() throws {
        let extracted = try DocumentText.extract(from: Array(Self.reportPage.utf8))
        #expect(extracted.format == .html)
        let lines = extracted.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Inspection of Made-up Borough Council")
        #expect(lines.contains("Inspection dates: 4 to 15 March 2024"))
        #expect(lines.contains("Judgement\tGrade"))
        #expect(lines.contains("The impact of leaders on social work practice with children and families\tGood"))
        #expect(lines.contains("Overall effectiveness\tRequires improvement to be good"))
        #expect(lines.contains("• The quality of plans for children."))
        #expect(lines.contains { $0.hasPrefix("1. Children in Made-up receive help") && $0.hasSuffix("money and people.") })
        for noise in [
            "Skip to main", "Find an inspection report", "tracking", "font-family", "Related content",
            "Was this page useful", "Crown copyright", "Children's services\n",
        ] {
            #expect(!extracted.text.contains(noise), "\(noise)")
        }
        // Headings and paragraphs are separated by blank lines.
        #expect(extracted.text.contains("Inspection of Made-up Borough Council\n\nInspection dates"))
    }

    @Test func reportNotFoundIsRefusedNamingItsTitle() {
        let page = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>
            <title>Report not found - Find an Inspection Report - Ofsted</title></head>
            <body><header><nav>Home | Search</nav></header>
            <main><h1>Report not found</h1><p>Sorry, we could not find the report you were looking for.</p></main>
            <footer>Ofsted</footer></body></html>
            """
        #expect(
            throws: ParseError(
                "an HTML page that is an error page, not a report (title: 'Report not found - Find an Inspection Report - Ofsted')")
        ) {
            try DocumentText.text(from: Array(page.utf8))
        }
    }

    @Test func pageNotFoundByItsHeadingAlone() {
        let page =
            "<html><head><title>Ofsted</title></head><body><h1>Page not found</h1><p>If you typed the web address, check it is correct.</p></body></html>"
        #expect(throws: ParseError("an HTML page that is an error page, not a report (title: 'Ofsted')")) {
            try DocumentText.text(from: Array(page.utf8))
        }
    }

    @Test func pageWithoutReportText() {
        #expect(throws: ParseError("an HTML page with no report text (title: 'Search results - Ofsted')")) {
            try DocumentText.text(
                from: Array("<!doctype html><title>Search results - Ofsted</title><nav>Lots of links here</nav><p>3 results</p>".utf8))
        }
        #expect(throws: ParseError("an HTML page with no report text")) {
            try DocumentText.text(from: Array("<!doctype html><p>nothing</p>".utf8))
        }
    }

    @Test func brokenMarkupIsRecovered() throws {
        var html = "<html><body><main><h1>Title</h1><p>"
        html += String(repeating: "word ", count: 60)
        html += "<b><i>unclosed <table><tr><td>a<td>b</table>"
        let text = try DocumentText.text(from: Array(html.utf8))
        #expect(text.contains("Title\n\nword word"))
        #expect(text.contains("a\tb"))
    }

    @Test func nestedPagesAreRead() throws {
        var html = "<html><body>" + String(repeating: "<div><span>", count: 100)
        html += String(repeating: "deep text ", count: 50) + "</body></html>"
        #expect(try DocumentText.text(from: Array(html.utf8)).contains("deep text deep text"))
    }

    @Test func veryDeepNestingDoesNotCrash() {
        // libxml2 stops nesting at its depth limit; the walk is iterative anyway.
        let html = "<html><body>" + String(repeating: "<div>", count: 20000) + String(repeating: "deep text ", count: 50)
        _ = try? DocumentText.text(from: Array(html.utf8))
    }
}

import CasefileTestKit
import Foundation

/// A test website shaped like reports.ofsted.gov.uk, written as files from
/// `Tests/Fixtures/website/site.json` and served by httpserver.py:
///
/// - `/search?q=&level_1_types=3&level_2_types%5B%5D=12&rows=R` and
///   `…&start=N&rows=R`: the listing, `ul.results-list > li > h3 > a` links to
///   the authorities, `ul.pagination` with numbered pages and `li.next a`;
/// - `/provider/44/<URN>`: `ol.timeline li.timeline__day a.publication-link`
///   per publication, the link text ending in its label; one page writes its
///   links relative to a `<base href>`;
/// - `/v1/file/<id>`: the report files (served as application/pdf).
///
/// Every page also carries the links a real page has and a crawl must not
/// follow: navigation, `mailto:`, `javascript:`, fragments, the page itself.
struct OfstedSite {
    struct Publication: Decodable {
        var id: String
        var label: String
    }

    struct Authority: Decodable {
        var urn: String
        var name: String
        var base: String?
        var publications: [Publication]
    }

    struct Spec: Decodable {
        var rows: Int
        var authorities: [Authority]
    }

    static let query = "q=&level_1_types=3&level_2_types%5B%5D=12"

    let spec: Spec
    let dir: TempDir
    let server: TestHTTPServer

    init() throws {
        spec = try JSONDecoder().decode(Spec.self, from: Data(contentsOf: TestPaths.fixture("website/site.json")))
        dir = try TempDir("cf-site")
        try Self.write(spec, to: dir)
        server = try TestHTTPServer(root: dir.url)
    }

    /// The start of the crawl: the first listing page.
    var startURL: String { server.url("/search?\(Self.query)&rows=\(spec.rows)") }

    func documentURL(_ id: String) -> String { server.url("/v1/file/\(id)") }

    /// Every publication, and those whose label passes `keep`.
    func documents(where keep: (String) -> Bool = { _ in true }) -> [String: String] {
        var out: [String: String] = [:]
        for authority in spec.authorities {
            for p in authority.publications where keep(p.label) { out[documentURL(p.id)] = p.label }
        }
        return out
    }

    /// Every listing and provider page's path (with query), as requested.
    var pagePaths: [String] {
        let pages = stride(from: 0, to: spec.authorities.count, by: spec.rows).map { "/search?\(Self.query)&start=\($0)&rows=\(spec.rows)" }
        return ["/search?\(Self.query)&rows=\(spec.rows)"] + pages + spec.authorities.map { "/provider/44/\($0.urn)" }
    }

    // MARK: Rendering

    private static func write(_ spec: Spec, to dir: TempDir) throws {
        try dir.write(
            ".content-types",
            """
            /v1/file/ application/pdf
            /provider/ text/html; charset=utf-8
            /search text/html; charset=utf-8

            """)
        let pageStarts = Array(stride(from: 0, to: spec.authorities.count, by: spec.rows))
        for (index, start) in pageStarts.enumerated() {
            let authorities = spec.authorities[start..<min(start + spec.rows, spec.authorities.count)]
            let next = index + 1 < pageStarts.count ? pageStarts[index + 1] : nil
            let html = listing(authorities: Array(authorities), pageStarts: pageStarts, current: start, next: next, rows: spec.rows)
            try dir.write("search?\(query)&start=\(start)&rows=\(spec.rows)", html)
            if start == 0 { try dir.write("search?\(query)&rows=\(spec.rows)", html) }
        }
        for authority in spec.authorities {
            try dir.write("provider/44/\(authority.urn)", provider(authority))
            for p in authority.publications {
                try dir.write("v1/file/\(p.id)", "%PDF-1.4\n% report \(p.id) for \(authority.name)\n%%EOF\n")
            }
        }
    }

    private static func chrome(_ title: String, _ body: String, base: String? = nil) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>\(title) - Ofsted</title>
          \(base.map { "<base href=\"\($0)\">" } ?? "")
        </head>
        <body>
          <a href="#main-content" class="skip-link">Skip to main content</a>
          <header><nav><ul>
            <li><a href="/">Find an inspection report</a></li>
            <li><a href="/about#top">About</a></li>
            <li><a href="mailto:enquiries@ofsted.example">Contact</a></li>
            <li><a href="javascript:void(0)">Print</a></li>
          </ul></nav></header>
          <main id="main-content">
        \(body)
          </main>
        </body>
        </html>

        """
    }

    private static func listing(authorities: [Authority], pageStarts: [Int], current: Int, next: Int?, rows: Int) -> String {
        let items = authorities.map { a in
            """
                <li>
                  <h3><a href="/provider/44/\(a.urn)">\(a.name)</a></h3>
                  <ul class="search-result__provider-info"><li>URN: \(a.urn)</li><li>Local authority children's services</li></ul>
                </li>
            """
        }.joined(separator: "\n")
        let numbers = pageStarts.enumerated().map { i, start in
            start == current
                ? "      <li class=\"active\"><span>\(i + 1)</span></li>"
                : "      <li><a href=\"/search?\(query)&amp;start=\(start)&amp;rows=\(rows)\">\(i + 1)</a></li>"
        }.joined(separator: "\n")
        let nextItem =
            next.map { "      <li class=\"next\"><a href=\"/search?\(query)&amp;start=\($0)&amp;rows=\(rows)\">Next page</a></li>" } ?? ""
        return chrome(
            "Search results",
            """
                <ul class="results-list">
            \(items)
                </ul>
                <ul class="pagination">
            \(numbers)
            \(nextItem)
                </ul>
            """)
    }

    private static func provider(_ a: Authority) -> String {
        let items = a.publications.map { p in
            let href = a.base != nil ? p.id : "/v1/file/\(p.id)"
            return """
                        <li class="timeline__day">
                          <p class="timeline__date">Published</p>
                          <a class="publication-link" href="\(href)">
                            <span class="nonvisual">\(a.name) - </span>
                            \(p.label)
                          </a>
                        </li>
                """
        }.joined(separator: "\n")
        // With a <base href>, the page's own links must be absolute paths.
        return chrome(
            a.name,
            """
                <h1>\(a.name)</h1>
                <a href="/provider/44/\(a.urn)#publications">Reports</a>
                <ol class="timeline">
            \(items)
                </ol>
                <a href="/search?\(query)&amp;rows=2">Back to search results</a>
            """, base: a.base)
    }
}

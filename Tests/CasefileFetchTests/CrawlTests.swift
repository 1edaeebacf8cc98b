import CasefileFetch
import CasefileTestKit
import Foundation
import Testing

/// A crawl over a site shaped like Ofsted's, on 127.0.0.1.
@Suite struct CrawlTests {
    let site: OfstedSite
    let fetcher = Fetcher(settings: FetchSettings(timeout: 5, connectTimeout: 2, concurrency: 8, perHostConcurrency: 4, perHostDelay: 0))

    init() throws {
        site = try OfstedSite()
    }

    func ofsted(_ configure: (inout SourceSpec) -> Void = { _ in }) -> SourceSpec {
        var spec = SourceSpec(
            name: "ofsted", kind: .crawl, url: site.startURL,
            follow: [#"/provider/44/\d+"#, #"start=\d+"#], documents: #"/v1/file/\d+"#)
        configure(&spec)
        return spec
    }

    @Test func findsExactlyTheDocumentsAndReadsEachPageOnce() async throws {
        let listing = try await fetcher.listing(ofsted())
        let expected = site.documents()
        #expect(Set(listing.documents.map(\.url)) == Set(expected.keys))
        #expect(listing.documents.count == expected.count, "no document twice")
        for document in listing.documents {
            let label = try #require(document.label)
            #expect(label.hasSuffix(expected[document.url] ?? "?"), "\(label)")
            #expect(!label.contains("\n") && !label.contains("  "), "whitespace collapsed: \(label)")
        }
        #expect(listing.isComplete)

        let stats = try site.server.stats()
        let paths = stats.requests.map(\.path)
        // Every listing and provider page, once; nothing else (no document,
        // no navigation page, no fragment variant, no mailto or javascript).
        #expect(paths.sorted() == site.pagePaths.sorted(), "\(paths)")
        #expect(Set(paths).count == paths.count, "a page was fetched twice: \(paths)")
        #expect(listing.pagesRead == site.pagePaths.count)
    }

    @Test func labelExcludeDropsAreaSENDInspections() async throws {
        let listing = try await fetcher.listing(ofsted { $0.labelExclude = ["SEND"] })
        let expected = site.documents { !$0.contains("SEND") }
        #expect(Set(listing.documents.map(\.url)) == Set(expected.keys))
        #expect(expected.count == site.documents().count - 3)
    }

    @Test func labelIncludeKeepsOnlyMatchingLabels() async throws {
        let listing = try await fetcher.listing(ofsted { $0.labelInclude = [#"Children's services (inspection|focused visit)"#] })
        let expected = site.documents {
            $0.hasPrefix("Children's services inspection") || $0.hasPrefix("Children's services focused visit")
        }
        #expect(Set(listing.documents.map(\.url)) == Set(expected.keys))
    }

    @Test func paginationDoesNotUseUpTheDepth() async throws {
        // Depth 0: every page of the listing (pagination is the same depth);
        // 1: every provider. All documents at max_depth = 1.
        let shallow = try await fetcher.listing(ofsted { $0.maxDepth = 1 })
        #expect(Set(shallow.documents.map(\.url)) == Set(site.documents().keys))
        #expect(shallow.notFollowed.isEmpty)
        // Pagination is read whether or not `follow` names it.
        let unnamed = try await fetcher.listing(ofsted { $0.follow = [#"/provider/44/\d+"#] })
        #expect(Set(unnamed.documents.map(\.url)) == Set(site.documents().keys))
        // Depth 0 reads the listing pages alone, which link to no document,
        // and says what it did not follow.
        let error = await #expect(throws: FetchError.self) { try await fetcher.listing(ofsted { $0.maxDepth = 0 }) }
        #expect(error?.reason.contains("not followed") == true, "\(error?.reason ?? "")")
    }

    @Test func aCrawlThatStopsAtMaxDepthSaysWhatItDidNotFollow() async throws {
        let dir = try TempDir("cf-deep")
        func page(_ name: String, _ links: [String]) throws {
            _ = try dir.write(name, "<html><body>" + links.map { "<a href=\"\($0)\">\($0)</a>" }.joined() + "</body></html>")
        }
        try page("start.html", ["level1.html", "doc-1.pdf"])
        try page("level1.html", ["level2.html", "doc-2.pdf"])
        try page("level2.html", ["doc-3.pdf"])
        let server = try TestHTTPServer(root: dir.url)
        let spec = SourceSpec(
            name: "deep", kind: .crawl, url: server.url("/start.html"), follow: [#"level\d\.html"#], documents: #"doc-\d\.pdf"#,
            maxDepth: 1)
        let listing = try await fetcher.listing(spec)
        #expect(listing.documents.map(\.url).sorted() == [server.url("/doc-1.pdf"), server.url("/doc-2.pdf")])
        #expect(listing.notFollowed == [server.url("/level2.html")])
    }

    @Test func secondRoundWithStoredValidatorsIsAll304() async throws {
        let listing = try await fetcher.listing(ofsted())
        let first = await fetcher.fetchAll(listing.documents.map { $0.request(validators: nil) })
        var validators: [String: Validators] = [:]
        for outcome in first {
            guard case .fetched(let document) = outcome else {
                Issue.record("first round: \(outcome)")
                continue
            }
            #expect(document.contentType == "application/pdf")
            #expect(document.bytes.starts(with: Array("%PDF".utf8)))
            validators[document.url] = document.validators
        }
        try site.server.resetStats()

        let second = await fetcher.fetchAll(listing.documents.map { $0.request(validators: validators[$0.url]) })
        for outcome in second {
            guard case .notModified(let url, let etag, _) = outcome else {
                Issue.record("second round: expected 304, got \(outcome)")
                continue
            }
            #expect(etag == validators[url]?.etag)
        }
        let stats = try site.server.stats()
        #expect(stats.count(304) == listing.documents.count)
        #expect(stats.total == listing.documents.count)
    }

    @Test func aCrawlThatFindsNoDocumentsIsAnError() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(ofsted { $0.documents = #"/v2/file/\d+"# })
        }
        #expect(error?.reason.contains("the crawl found no documents") == true, "\(String(describing: error))")
        #expect(error?.reason.contains("pages read") == true, "\(String(describing: error))")
    }

    @Test func labelFiltersThatKeepNothingAreAnError() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(ofsted { $0.labelInclude = ["no such label"] })
        }
        #expect(error?.reason.contains("label_include/label_exclude kept none") == true, "\(String(describing: error))")
    }

    @Test func aStartPageThatFailsIsAnError() async throws {
        let quick = Fetcher(settings: FetchSettings(timeout: 5, perHostDelay: 0, retries: 0))
        let error = await #expect(throws: FetchError.self) {
            try await quick.listing(ofsted { $0.url = site.server.url("/search-gone") })
        }
        #expect(error?.reason == "cannot read the start page: HTTP 404 Not Found")
    }

    @Test func aProviderPageThatFailsMakesTheListingIncomplete() async throws {
        let victim = try #require(site.spec.authorities.first)
        try FileManager.default.removeItem(at: site.dir.file("provider/44/\(victim.urn)"))
        let quick = Fetcher(settings: FetchSettings(timeout: 5, perHostDelay: 0, retries: 0))
        let listing = try await quick.listing(ofsted())
        #expect(!listing.isComplete)
        #expect(listing.pageFailures.map(\.url) == [site.server.url("/provider/44/\(victim.urn)")])
        #expect(listing.pageFailures.first?.status == 404)
        #expect(!listing.documents.contains { $0.url == site.documentURL(victim.publications[0].id) })
    }

    @Test func aCrawlNeverLeavesHTTP() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(SourceSpec(name: "x", kind: .crawl, url: "file:///etc/", documents: "."))
        }
        #expect(error?.reason == "a crawl starts from an http:// or https:// URL")
    }
}

@Suite struct HTMLLinksTests {
    @Test func linksAreResolvedFragmentsDroppedTextCollapsed() {
        let html = """
            <html><body>
            <a href="/provider/44/80512#top">  Redbridge
               council </a>
            <a href="?start=2&amp;rows=100">Next</a>
            <a href="../files/1.pdf"><span>Children's services inspection, PDF</span> - 09 May 2025</a>
            <a href="https://files.ofsted.gov.uk/v1/file/50091234">abs</a>
            <a href="#main">skip</a>
            <a>no href</a>
            <a href="mailto:x@example.org">mail</a>
            </body></html>
            """
        let links = HTMLLinks.extract(html: Array(html.utf8), pageURL: "https://reports.ofsted.gov.uk/search/list?q=&start=0&rows=100")
        #expect(
            links == [
                PageLink(url: "https://reports.ofsted.gov.uk/provider/44/80512", text: "Redbridge council"),
                PageLink(url: "https://reports.ofsted.gov.uk/search/list?start=2&rows=100", text: "Next"),
                PageLink(url: "https://reports.ofsted.gov.uk/files/1.pdf", text: "Children's services inspection, PDF - 09 May 2025"),
                PageLink(url: "https://files.ofsted.gov.uk/v1/file/50091234", text: "abs"),
                PageLink(url: "mailto:x@example.org", text: "mail"),
            ])
    }

    @Test func baseHrefIsHonoured() {
        let html = #"<html><head><base href="https://files.ofsted.gov.uk/v1/file/"></head><body><a href="50001">r</a></body></html>"#
        let links = HTMLLinks.extract(html: Array(html.utf8), pageURL: "https://reports.ofsted.gov.uk/provider/44/80512")
        #expect(links.map(\.url) == ["https://files.ofsted.gov.uk/v1/file/50001"])
    }

    @Test func utf8TextSurvivesWithoutACharset() {
        let html = "<a href=\"/a\">Children’s services – inspection</a>"
        let links = HTMLLinks.extract(html: Array(html.utf8), pageURL: "https://example.org/")
        #expect(links.first?.text == "Children’s services – inspection")
    }

    @Test func tagSoupStillYieldsLinks() {
        let html = "<p><a href=/x>one<p><a href='y'>two</b></td>"
        let links = HTMLLinks.extract(html: Array(html.utf8), pageURL: "http://example.org/dir/")
        #expect(links.map(\.url) == ["http://example.org/x", "http://example.org/dir/y"])
    }
}

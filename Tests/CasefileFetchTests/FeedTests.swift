import CasefileFetch
import CasefileTestKit
import Foundation
import Testing

@Suite struct FeedTests {
    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://files.example.org/v1/">
          <title>Inspection reports</title>
          <link rel="self" href="https://example.org/feed.atom"/>
          <entry>
            <title>Redbridge: Children's services inspection</title>
            <link rel="alternate" type="text/html" href="https://example.org/provider/44/80512"/>
            <link rel="enclosure" type="application/pdf" href="file/50001"/>
            <id>urn:1</id>
          </entry>
          <entry>
            <title type="html">Leeds:   focused   visit</title>
            <link href="https://files.example.org/v1/file/50002#page=1"/>
            <id>urn:2</id>
          </entry>
          <entry>
            <title>No link</title>
            <id>urn:3</id>
          </entry>
        </feed>
        """

    static let rss = """
        <?xml version="1.0"?>
        <rss version="2.0">
          <channel>
            <title>Reports</title>
            <link>https://example.org/</link>
            <item>
              <title>Essex: Children's services inspection</title>
              <link>https://example.org/provider/44/80565</link>
              <enclosure url="https://files.example.org/v1/file/50021" length="1234" type="application/pdf"/>
            </item>
            <item>
              <title><![CDATA[Birmingham: Area SEND inspection]]></title>
              <link>/v1/file/50033</link>
            </item>
          </channel>
        </rss>
        """

    @Test func atomListsEnclosuresElseAlternateLinks() throws {
        let entries = try FeedReader.entries(Array(Self.atom.utf8), feedURL: "https://example.org/feed.atom")
        #expect(
            entries == [
                FeedEntry(url: "https://files.example.org/v1/file/50001", title: "Redbridge: Children's services inspection"),
                FeedEntry(url: "https://files.example.org/v1/file/50002", title: "Leeds: focused visit"),
            ])
    }

    @Test func rssListsEnclosuresElseLinks() throws {
        let entries = try FeedReader.entries(Array(Self.rss.utf8), feedURL: "https://example.org/feed.rss")
        #expect(
            entries == [
                FeedEntry(url: "https://files.example.org/v1/file/50021", title: "Essex: Children's services inspection"),
                FeedEntry(url: "https://example.org/v1/file/50033", title: "Birmingham: Area SEND inspection"),
            ])
    }

    @Test func jsonListsStringsAndObjects() throws {
        let json = #"[" https://example.org/a.pdf", {"url": "/b.pdf", "title": "B  report"}, {"url": "c.pdf"}]"#
        let entries = try FeedReader.entries(Array(json.utf8), feedURL: "https://example.org/list/reports.json")
        #expect(
            entries == [
                FeedEntry(url: "https://example.org/a.pdf", title: ""),
                FeedEntry(url: "https://example.org/b.pdf", title: "B report"),
                FeedEntry(url: "https://example.org/list/c.pdf", title: ""),
            ])
    }

    @Test(arguments: [
        ("{\"url\": \"x\"}", "a JSON feed must be an array"),
        ("[1]", "item 1 of the JSON list"),
        ("<html><body>hi</body></html>", "not an Atom or RSS 2.0 feed (the root element is <html>)"),
        ("<rss><channel>", "not well-formed XML"),
        ("hello", "not a feed"),
    ])
    func badFeedsSayWhy(text: String, expected: String) {
        #expect {
            _ = try FeedReader.entries(Array(text.utf8), feedURL: "https://example.org/f")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func aDeclaredFormatMustMatch() {
        #expect {
            _ = try FeedReader.entries(Array(Self.rss.utf8), feedURL: "https://example.org/f", format: .atom)
        } throws: { "\($0)".contains("expected an Atom feed, found RSS") }
    }

    @Test func entitiesAreNotExpanded() throws {
        // No XXE: an external entity must not pull in a local file.
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>
            <rss version="2.0"><channel><item><title>&x;</title><link>https://example.org/a</link></item></channel></rss>
            """
        let entries = try FeedReader.entries(Array(xml.utf8), feedURL: "https://example.org/f")
        let hostname =
            (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "\u{0}"
        #expect(entries.count == 1)
        #expect(entries.first.map { !$0.title.contains(hostname) || hostname.isEmpty } == true)
    }

    // MARK: Through the fetcher, from a real server

    @Test(arguments: ["feed.atom", "feed.rss", "list.json"])
    func feedSourcesListExactlyTheirDocuments(file: String) async throws {
        let dir = try TempDir("cf-feed")
        let server = try TestHTTPServer(root: dir.url)
        let base = server.baseURL
        try dir.write(
            "feed.atom",
            """
            <feed xmlns="http://www.w3.org/2005/Atom">
              <entry><title>One</title><link rel="enclosure" href="\(base)/v1/file/1"/></entry>
              <entry><title>Two (Area SEND)</title><link href="/v1/file/2"/></entry>
              <entry><title>One again</title><link href="/v1/file/1"/></entry>
              <entry><title>Elsewhere</title><link href="ftp://example.org/3"/></entry>
            </feed>
            """)
        try dir.write(
            "feed.rss",
            """
            <rss version="2.0"><channel>
              <item><title>One</title><enclosure url="/v1/file/1" type="application/pdf"/></item>
              <item><title>Two (Area SEND)</title><link>\(base)/v1/file/2</link></item>
              <item><title>Elsewhere</title><link>file:///etc/passwd</link></item>
            </channel></rss>
            """)
        try dir.write(
            "list.json",
            """
            ["/v1/file/1", {"url": "\(base)/v1/file/2", "title": "Two (Area SEND)"}, "javascript:alert(1)"]
            """)
        let fetcher = Fetcher(settings: FetchSettings(timeout: 5, perHostDelay: 0))
        let listing = try await fetcher.listing(SourceSpec(name: "f", kind: .feed, url: server.url("/\(file)")))
        #expect(listing.documents.map(\.url) == [server.url("/v1/file/1"), server.url("/v1/file/2")])
        #expect(listing.documents.last?.label == "Two (Area SEND)")

        let filtered = try await fetcher.listing(SourceSpec(name: "f", kind: .feed, url: server.url("/\(file)"), labelExclude: ["SEND"]))
        #expect(filtered.documents.map(\.url) == [server.url("/v1/file/1")])
    }

    @Test func anEmptyFeedIsAnError() async throws {
        let dir = try TempDir("cf-feed")
        try dir.write("empty.json", "[]")
        let server = try TestHTTPServer(root: dir.url)
        let fetcher = Fetcher(settings: FetchSettings(timeout: 5, perHostDelay: 0))
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.listing(SourceSpec(name: "f", kind: .feed, url: server.url("/empty.json")))
        }
        #expect(error?.reason == "the feed lists no documents")
    }
}

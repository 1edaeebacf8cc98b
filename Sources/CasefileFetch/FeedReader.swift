import CLibXML2
import Foundation

/// One entry of a feed: the document's URL (absolute) and its title.
public struct FeedEntry: Sendable, Hashable {
    public var url: String
    public var title: String

    public init(url: String, title: String) {
        self.url = url
        self.title = title
    }
}

/// Atom, RSS 2.0 and JSON lists of URLs.
public enum FeedReader {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The entries of a feed, in feed order, URLs resolved against `feedURL`
    /// (and Atom's xml:base).
    /// - Atom: each `entry`'s `link rel="enclosure"`, else its
    ///   `rel="alternate"` (or rel-less) link; the title is `title`.
    /// - RSS 2.0: each `item`'s `enclosure url`, else its `link`; `title`.
    /// - JSON: an array of URL strings, or of objects with `url` and an
    ///   optional `title`.
    /// An entry without a URL is skipped.
    public static func entries(_ bytes: [UInt8], feedURL: String, format: FeedFormat = .auto) throws(ParseError) -> [FeedEntry] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        var format = format
        if format == .auto {
            switch first {
            case UInt8(ascii: "["), UInt8(ascii: "{"): format = .json
            case UInt8(ascii: "<"): format = .atom  // atom or rss: told by the root element below
            default: throw ParseError(description: "not a feed: neither XML (Atom, RSS) nor a JSON list")
            }
            if format == .atom { return try xml(Array(body), feedURL: feedURL, expected: nil) }
        }
        switch format {
        case .json: return try json(Array(body), feedURL: feedURL)
        case .atom, .rss: return try xml(Array(body), feedURL: feedURL, expected: format)
        case .auto: return []
        }
    }

    static func list(_ source: SourceSpec, fetcher: Fetcher) async throws(FetchError) -> SourceListing {
        let patterns = try SourcePatterns(source)
        guard let scheme = Fetcher.scheme(of: source.url) else { throw FetchError(url: source.url, reason: "not a URL") }
        let protocols = Fetcher.defaultProtocols(scheme)
        let outcome = await fetcher.fetch(FetchRequest(url: source.url, protocols: protocols))
        let feed: FetchedDocument
        switch outcome {
        case .fetched(let document): feed = document
        case .failed(let failure): throw FetchError(url: source.url, reason: failure.reason)
        case .notModified: throw FetchError(url: source.url, reason: "unexpected 304")
        }
        let entries: [FeedEntry]
        do {
            entries = try Self.entries(feed.bytes, feedURL: feed.effectiveURL, format: source.format)
        } catch {
            throw FetchError(url: source.url, reason: error.description)
        }
        var seen: Set<String> = []
        var documents: [ListedDocument] = []
        for entry in entries {
            // A feed's documents are web documents (or local files, for a feed on disk).
            guard let s = Fetcher.scheme(of: entry.url), protocols.contains(s) else { continue }
            guard patterns.isDocument(entry.url), patterns.keeps(label: entry.title), seen.insert(entry.url).inserted else { continue }
            documents.append(ListedDocument(url: entry.url, label: entry.title, protocols: protocols))
        }
        guard !documents.isEmpty else {
            throw FetchError(
                url: source.url,
                reason: entries.isEmpty
                    ? "the feed lists no documents"
                    : "the feed lists \(entries.count) entr\(entries.count == 1 ? "y" : "ies") but the documents/label patterns kept none of them"
            )
        }
        return SourceListing(documents: documents, pagesRead: 1)
    }

    // MARK: JSON

    private static func json(_ bytes: [UInt8], feedURL: String) throws(ParseError) -> [FeedEntry] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw ParseError(description: "not valid JSON: \(error.localizedDescription)")
        }
        guard let items = value as? [Any] else {
            throw ParseError(description: "a JSON feed must be an array of URLs, or of objects with \"url\" and \"title\"")
        }
        var entries: [FeedEntry] = []
        for (i, item) in items.enumerated() {
            let url: String
            var title = ""
            if let s = item as? String {
                url = s
            } else if let object = item as? [String: Any], let s = object["url"] as? String {
                url = s
                title = (object["title"] as? String).map(HTMLLinks.collapse) ?? ""
            } else {
                throw ParseError(description: "item \(i + 1) of the JSON list is neither a URL string nor an object with a \"url\" string")
            }
            if let resolved = HTMLLinks.resolve(url, against: feedURL) {
                entries.append(FeedEntry(url: resolved, title: title))
            }
        }
        return entries
    }

    // MARK: XML

    private static func xml(_ bytes: [UInt8], feedURL: String, expected: FeedFormat?) throws(ParseError) -> [FeedEntry] {
        _ = LibXML.ready
        // No XML_PARSE_NOENT (entities stay unexpanded: no XXE), no DTD
        // loading, no network.
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        let doc: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { xmlReadMemory($0.baseAddress, Int32($0.count), feedURL, nil, options) }
        }
        guard let doc else { throw ParseError(description: "not well-formed XML") }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { throw ParseError(description: "an XML document without a root element") }
        let rootName = name(root)
        let found: FeedFormat
        switch rootName {
        case "feed": found = .atom
        case "rss": found = .rss
        default: throw ParseError(description: "not an Atom or RSS 2.0 feed (the root element is <\(rootName)>)")
        }
        if let expected, expected != found {
            throw ParseError(
                description: "expected an \(expected == .atom ? "Atom" : "RSS") feed, found \(found == .atom ? "Atom" : "RSS")")
        }
        var entries: [FeedEntry] = []
        if found == .atom {
            for entry in children(root, "entry") {
                let links = children(entry, "link")
                let enclosure = links.first { HTMLLinks.attribute($0, "rel") == "enclosure" }
                let alternate = links.first { ["alternate", nil].contains(HTMLLinks.attribute($0, "rel")) }
                guard let link = enclosure ?? alternate, let href = HTMLLinks.attribute(link, "href") else { continue }
                let base = nodeBase(doc, link) ?? feedURL
                guard let url = HTMLLinks.resolve(href, against: base) else { continue }
                let title = children(entry, "title").first.map { HTMLLinks.collapse(HTMLLinks.content($0)) } ?? ""
                entries.append(FeedEntry(url: url, title: title))
            }
        } else {
            for channel in children(root, "channel") {
                for item in children(channel, "item") {
                    let enclosure = children(item, "enclosure").first.flatMap { HTMLLinks.attribute($0, "url") }
                    let link = children(item, "link").first.map { HTMLLinks.content($0) }
                    guard let href = enclosure ?? link, let url = HTMLLinks.resolve(href, against: feedURL) else { continue }
                    let title = children(item, "title").first.map { HTMLLinks.collapse(HTMLLinks.content($0)) } ?? ""
                    entries.append(FeedEntry(url: url, title: title))
                }
            }
        }
        return entries
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// Element children with that local name, whatever their namespace.
    private static func children(_ node: xmlNodePtr, _ localName: String) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, name(c) == localName { out.append(c) }
            child = c.pointee.next
        }
        return out
    }

    /// The base URI in effect at `node` (xml:base, else the document's URL).
    private static func nodeBase(_ doc: xmlDocPtr, _ node: xmlNodePtr) -> String? {
        guard let base = xmlNodeGetBase(doc, node) else { return nil }
        defer { xmlRelease(base) }
        return String(cString: base)
    }
}

import CLibXML2
import Foundation

/// One `<a href>` of a page: the absolute URL (fragment dropped) and the
/// link's text with whitespace collapsed.
public struct PageLink: Sendable, Hashable {
    public var url: String
    public var text: String

    public init(url: String, text: String) {
        self.url = url
        self.text = text
    }
}

/// libxml2 once per process: `xmlInitParser` must run before threads parse.
enum LibXML {
    static let ready: Bool = {
        xmlInitParser()
        return true
    }()
}

/// Links out of HTML, through libxml2's HTML parser (which copes with the
/// tag soup of real sites the way browsers do).
public enum HTMLLinks {
    /// Every `a/@href` of `html`, resolved against `pageURL` (or the page's
    /// `<base href>`), fragments dropped, in document order. Links that do not
    /// resolve to an absolute URL are left out. `contentType` gives the
    /// charset when it has one; otherwise UTF-8 is assumed if the bytes are
    /// valid UTF-8, and libxml2 reads the page's `<meta charset>` if not.
    public static func extract(html: [UInt8], pageURL: String, contentType: String? = nil) -> [PageLink] {
        _ = LibXML.ready
        guard !html.isEmpty else { return [] }
        let encoding = charset(contentType) ?? (String(validating: html, as: UTF8.self) != nil ? "UTF-8" : nil)
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let doc: htmlDocPtr? = html.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), pageURL, encoding, options)
            }
        }
        guard let doc else { return [] }
        defer { xmlFreeDoc(doc) }

        var base = pageURL
        if let href = evaluate(doc, "//base[@href][1]").first.flatMap({ attribute($0, "href") }),
            let resolved = resolve(href, against: pageURL)
        {
            base = resolved
        }
        var links: [PageLink] = []
        for node in evaluate(doc, "//a[@href]") {
            guard let href = attribute(node, "href"), let url = resolve(href, against: base) else { continue }
            links.append(PageLink(url: url, text: collapse(content(node))))
        }
        return links
    }

    /// `href` made absolute against `base`, without its fragment; nil when
    /// it has no scheme after resolution (or is empty or a bare fragment).
    public static func resolve(_ href: String, against base: String) -> String? {
        _ = LibXML.ready
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        var result: String?
        if let built = xmlChars(trimmed, { h in xmlChars(base) { b in xmlBuildURI(h, b) } }) {
            result = String(cString: built)
            xmlRelease(built)
        } else if let url = URL(string: trimmed, relativeTo: URL(string: base)) {
            result = url.absoluteString
        }
        guard var url = result else { return nil }
        if let hash = url.firstIndex(of: "#") { url = String(url[..<hash]) }
        guard Fetcher.scheme(of: url) != nil else { return nil }
        return url
    }

    /// Runs of whitespace (spaces, tabs, newlines, NBSP) become one space;
    /// none at either end.
    public static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: libxml2

    private static func evaluate(_ doc: xmlDocPtr, _ expression: String) -> [xmlNodePtr] {
        guard let context = xmlXPathNewContext(doc) else { return [] }
        defer { xmlXPathFreeContext(context) }
        guard let result = xmlChars(expression, { xmlXPathEvalExpression($0, context) }) else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let tab = set.pointee.nodeTab else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { tab[$0] }
    }

    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlChars(name, { xmlGetProp(node, $0) }) else { return nil }
        defer { xmlRelease(value) }
        return String(cString: value)
    }

    static func content(_ node: xmlNodePtr) -> String {
        guard let value = xmlNodeGetContent(node) else { return "" }
        defer { xmlRelease(value) }
        return String(cString: value)
    }

    /// A Swift string as libxml2's `const xmlChar *` for the call.
    static func xmlChars<T>(_ s: String, _ body: (UnsafePointer<xmlChar>) -> T) -> T {
        s.withCString { $0.withMemoryRebound(to: xmlChar.self, capacity: s.utf8.count + 1, body) }
    }

    /// `charset=…` of a Content-Type header.
    static func charset(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}

/// Frees memory libxml2 handed out. libxml2's `xmlFree` is a global
/// function-pointer variable, which Swift 6 refuses to read from concurrent
/// code; it is `free` unless a program calls xmlMemSetup, which Casefile
/// never does.
func xmlRelease<T>(_ pointer: UnsafeMutablePointer<T>) {
    free(pointer)
}

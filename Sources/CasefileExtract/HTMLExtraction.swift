import CLibXML2
import CasefileParse

/// HTML bytes → the page's report text, through libxml2's HTML parser (which
/// copes with the tag soup real pages are, and never touches the network).
///
/// What is kept: headings and paragraphs as lines with a blank line around
/// them, list items as `• item`, table rows as `cell<TAB>cell`. What is
/// dropped: scripts, styles, navigation, headers, footers, asides, forms, and
/// anything marked as navigation, banner or hidden. When the page has a
/// `<main>` (or `role="main"`), only that is read.
enum HTMLExtraction {
    struct Output {
        var text: String
        var title: String?
        var warnings: [String]
    }

    /// Fewer words than this after the navigation is gone: not a report.
    static let minimumWords = 40

    /// True when the bytes (from the first non-blank one) open an HTML page.
    static func looksLikeHTML(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.first == UInt8(ascii: "<") else { return false }
        let head = String(decoding: bytes.prefix(1024), as: UTF8.self).lowercased()
        for marker in ["<!doctype html", "<html", "<head", "<body", "<title"] where head.contains(marker) { return true }
        return false
    }

    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static func extract(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> Output {
        _ = initialised
        guard bytes.count < Int(Int32.max) else { throw ParseError("an HTML page too large to read") }
        let options = Int32(
            HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        let doc: htmlDocPtr? = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                htmlReadMemory($0, Int32(buf.count), nil, nil, options)
            }
        }
        guard let doc else { throw ParseError("an HTML page that libxml2 could not read") }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { throw ParseError("an HTML page with nothing in it") }

        let title = Self.title(root)
        let quoted = title.map { " (title: '\($0)')" } ?? ""
        let start = find(root) { isMain($0) } ?? find(root) { name($0) == "body" } ?? root
        var writer = Writer()
        writer.walk(start)
        let text = writer.finish()
        let heading = find(start) { name($0) == "h1" }.map { collapse(textContent($0)) }
        if isErrorPage(title) || isErrorPage(heading) {
            throw ParseError("an HTML page that is an error page, not a report\(quoted)")
        }
        var words = 0
        for b in text.utf8 where b == 0x20 || b == 0x0A || b == 0x09 { words += 1 }
        if words < minimumWords {
            throw ParseError("an HTML page with no report text\(quoted)")
        }
        return Output(text: text, title: title, warnings: [])
    }

    /// Titles and headings of error pages: Ofsted's "Report not found",
    /// "Page not found", HTTP errors.
    static func isErrorPage(_ title: String?) -> Bool {
        guard let t = title?.lowercased() else { return false }
        let markers = [
            "not found", "404", "403", "500", "502", "503", "forbidden", "access denied", "error",
            "sorry, there is a problem", "service unavailable", "page unavailable",
        ]
        return markers.contains { t.contains($0) }
    }

    // MARK: Tree helpers (iterative: a page may nest deeper than the stack)

    static func name(_ node: xmlNodePtr) -> String {
        guard let n = node.pointee.name else { return "" }
        return String(cString: n).lowercased()
    }

    static func attribute(_ node: xmlNodePtr, _ wanted: String) -> String? {
        var a = node.pointee.properties
        while let attr = a {
            if let n = attr.pointee.name, String(cString: n).lowercased() == wanted {
                var value = ""
                var c = attr.pointee.children
                while let child = c {
                    if let content = child.pointee.content { value += String(cString: content) }
                    c = child.pointee.next
                }
                return value
            }
            a = attr.pointee.next
        }
        return nil
    }

    static func isMain(_ node: xmlNodePtr) -> Bool {
        name(node) == "main" || attribute(node, "role")?.lowercased() == "main"
    }

    /// The first element in document order that `match` accepts.
    static func find(_ root: xmlNodePtr, _ match: (xmlNodePtr) -> Bool) -> xmlNodePtr? {
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            if node.pointee.type == XML_ELEMENT_NODE {
                if match(node) { return node }
                var children: [xmlNodePtr] = []
                var c = node.pointee.children
                while let child = c { children.append(child); c = child.pointee.next }
                stack += children.reversed()
            }
        }
        return nil
    }

    static func textContent(_ root: xmlNodePtr) -> String {
        var out = ""
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let c = node.pointee.content { out += String(cString: c) }
            case XML_ELEMENT_NODE:
                var children: [xmlNodePtr] = []
                var c = node.pointee.children
                while let child = c { children.append(child); c = child.pointee.next }
                stack += children.reversed()
            default:
                break
            }
        }
        return out
    }

    static func title(_ root: xmlNodePtr) -> String? {
        guard let node = find(root, { name($0) == "title" }) else { return nil }
        let t = collapse(textContent(node))
        return t.isEmpty ? nil : t
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: Writing the text

    static let skipped: Set<String> = [
        "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "iframe",
        "button", "select", "textarea", "head", "object", "canvas", "dialog", "menu", "input", "label", "embed",
    ]
    static let paragraphs: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "figure",
        "section", "article", "address", "hr", "caption", "figcaption", "details", "summary",
    ]
    static let blocks: Set<String> = ["div", "li", "dt", "dd", "br", "tr", "main", "body", "fieldset", "legend"]

    struct Writer {
        var out: [UInt8] = []
        var line: [UInt8] = []
        /// A blank line is due before the next text.
        var blank = false
        var cellInRow = 0
        var tableCellDepth = 0

        /// Events of an iterative walk: enter an element, leave it, or a text node.
        enum Step { case enter(xmlNodePtr), exit(String), text(xmlNodePtr) }

        mutating func walk(_ root: xmlNodePtr) {
            var stack: [Step] = [.enter(root)]
            while let step = stack.popLast() {
                switch step {
                case .text(let node):
                    if let c = node.pointee.content { appendText(c) }
                case .exit(let n):
                    leave(n)
                case .enter(let node):
                    let n = HTMLExtraction.name(node)
                    if HTMLExtraction.skipped.contains(n) || hidden(node) { continue }
                    enter(n)
                    stack.append(.exit(n))
                    var children: [Step] = []
                    var c = node.pointee.children
                    while let child = c {
                        switch child.pointee.type {
                        case XML_ELEMENT_NODE: children.append(.enter(child))
                        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: children.append(.text(child))
                        default: break
                        }
                        c = child.pointee.next
                    }
                    stack += children.reversed()
                }
            }
        }

        func hidden(_ node: xmlNodePtr) -> Bool {
            if let role = HTMLExtraction.attribute(node, "role")?.lowercased(),
                ["navigation", "banner", "contentinfo", "search", "complementary"].contains(role)
            {
                return true
            }
            if HTMLExtraction.attribute(node, "aria-hidden")?.lowercased() == "true" { return true }
            if HTMLExtraction.attribute(node, "hidden") != nil { return true }
            if let cls = HTMLExtraction.attribute(node, "class")?.lowercased(),
                cls.contains("breadcrumb") || cls.contains("skip-link") || cls.contains("cookie")
            {
                return true
            }
            return false
        }

        mutating func enter(_ n: String) {
            if n == "td" || n == "th" {
                if tableCellDepth == 0 {
                    if cellInRow > 0 { trimLineEnd(); line.append(0x09) }
                    cellInRow += 1
                }
                tableCellDepth += 1
                return
            }
            if tableCellDepth > 0 {
                // Blocks inside a cell stay on the row's line.
                if HTMLExtraction.paragraphs.contains(n) || HTMLExtraction.blocks.contains(n) { space() }
                return
            }
            if n == "tr" { flush(); cellInRow = 0; return }
            if HTMLExtraction.paragraphs.contains(n) { flush(); blank = true; return }
            if HTMLExtraction.blocks.contains(n) { flush() }
            if n == "li" { line += Array("• ".utf8) }
        }

        mutating func leave(_ n: String) {
            if n == "td" || n == "th" { tableCellDepth = max(0, tableCellDepth - 1); return }
            if tableCellDepth > 0 { return }
            if n == "tr" { flush(); cellInRow = 0; return }
            if HTMLExtraction.paragraphs.contains(n) { flush(); blank = true; return }
            if HTMLExtraction.blocks.contains(n) { flush() }
        }

        mutating func space() {
            if let l = line.last, l != 0x20, l != 0x09 { line.append(0x20) }
        }

        mutating func trimLineEnd() {
            while line.last == 0x20 { line.removeLast() }
        }

        mutating func appendText(_ c: UnsafePointer<xmlChar>) {
            var p = c
            while p.pointee != 0 {
                let b = p.pointee
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C {
                    if !line.isEmpty { space() }
                } else if b == 0xC2, p[1] == 0xA0 {  // no-break space
                    if !line.isEmpty { space() }
                    p += 1
                } else {
                    line.append(b)
                }
                p += 1
            }
        }

        mutating func flush() {
            trimLineEnd()
            let hasText = line.contains { $0 != 0x09 && $0 != 0x20 }
            if hasText {
                if blank, !out.isEmpty { out.append(0x0A) }
                blank = false
                out += line
                out.append(0x0A)
            }
            line.removeAll(keepingCapacity: true)
        }

        mutating func finish() -> String {
            flush()
            return String(decoding: out, as: UTF8.self)
        }
    }
}

import CasefileControl
import CasefileModel
import CasefileNotify

/// The change log as an Atom feed (RFC 4287), so any feed reader can follow
/// it: newest first, each entry titled and worded by the same message text
/// the notifiers send.
enum AtomFeed {
    /// `webLinksOnly`: a report's address is given only when it is http(s),
    /// as a link and in the text: a published feed never shows the server's
    /// folders (`file://`).
    static func render(_ changes: [ChangeRecord], feedID: String = "urn:casefile:changes", webLinksOnly: Bool = false) -> String {
        var newest = changes.sorted { $0.seq > $1.seq }
        if webLinksOnly {
            func web(_ url: String?) -> String? { url.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil } }
            for i in newest.indices {
                newest[i].report.url = web(newest[i].report.url)
                let previous = newest[i].previous?.url
                newest[i].previous?.url = web(previous)
            }
        }
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>\(escape(feedID))</id>
              <title>Casefile: changes to Ofsted children's services reports</title>
              <updated>\(escape(newest.first?.at ?? "1970-01-01T00:00:00Z"))</updated>
              <generator version="\(ControlAPI.version)">casefiled</generator>

            """
        for change in newest {
            let message = ChangeMessage(change)
            xml += """
                  <entry>
                    <id>urn:uuid:\(escape(change.id))</id>
                    <title>\(escape(message.subject))</title>
                    <updated>\(escape(change.at))</updated>
                    <category term="\(escape(change.kind.rawValue))"/>
                    <author><name>casefiled</name></author>

                """
            if let url = change.report.url {
                xml += "    <link rel=\"related\" href=\"\(escape(url))\"/>\n"
            }
            xml += "    <content type=\"text\">\(escape(message.text))</content>\n  </entry>\n"
        }
        xml += "</feed>\n"
        return xml
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

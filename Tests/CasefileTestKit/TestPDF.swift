import Foundation

/// Small PDFs written by hand (standard Helvetica, no tools), so each test
/// says exactly what is on the page.
public enum TestPDF {
    /// Text drawn at `x`, `top` (points from the top-left of an A4 page).
    public struct Run {
        public var x: Double
        public var top: Double
        public var size: Double = 12
        public var text: String

        public init(x: Double, top: Double, size: Double = 12, text: String) {
            self.x = x
            self.top = top
            self.size = size
            self.text = text
        }
    }

    /// A PDF with one page per element of `pages`; `extra` is drawn on every
    /// page after the text (operators of a content stream); `trailer` is added
    /// to the trailer dictionary.
    public static func make(_ pages: [[Run]], extra: String = "", toUnicode: [UInt8: UInt32] = [:], trailer: String = "") -> [UInt8] {
        var objects: [[UInt8]] = []
        let pageCount = pages.count
        // 1 catalog, 2 pages, 3 font, then (page, content) pairs.
        objects.append(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        let kids = (0..<pageCount).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append(Array("<< /Type /Pages /Kids [\(kids)] /Count \(pageCount) >>".utf8))
        let cmapObject = 4 + 2 * pageCount
        let cmapRef = toUnicode.isEmpty ? "" : " /ToUnicode \(cmapObject) 0 R"
        objects.append(Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding\(cmapRef) >>".utf8))
        for (n, runs) in pages.enumerated() {
            var content = ""
            for r in runs {
                content += "BT /F1 \(r.size) Tf \(r.x) \(842 - r.top) Td (\(escape(r.text))) Tj ET\n"
            }
            content += extra
            // WinAnsi: the characters used here are Latin-1.
            let body = content.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : 0x3F }
            objects.append(
                Array(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents \(5 + 2 * n) 0 R >>"
                        .utf8))
            objects.append(Array("<< /Length \(body.count) >>\nstream\n".utf8) + body + Array("\nendstream".utf8))
        }
        if !toUnicode.isEmpty {
            var cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            cmap += "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            cmap += "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n"
            cmap += "\(toUnicode.count) beginbfchar\n"
            for (code, u) in toUnicode.sorted(by: { $0.key < $1.key }) {
                cmap += String(format: "<%02X> <%04X>\n", code, u)
            }
            cmap += "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
            objects.append(Array("<< /Length \(cmap.utf8.count) >>\nstream\n".utf8) + Array(cmap.utf8) + Array("\nendstream".utf8))
        }
        return write(objects, trailer: trailer)
    }

    /// Numbered objects (1, 2, …; 1 is the catalog) → a PDF with its
    /// cross-reference table.
    public static func write(_ objects: [[UInt8]], trailer: String = "") -> [UInt8] {
        var out = Array("%PDF-1.4\n%\u{E2}\u{E3}\n".utf8)
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n".utf8) + o + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for off in offsets { out += Array(String(format: "%010d 00000 n \n", off).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R\(trailer) >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// Helvetica's advance widths (1/1000 em) for the characters the tests lay out by hand.
    public static func helveticaWidth(_ s: String, size: Double) -> Double {
        let widths: [Character: Double] = [
            " ": 278, ".": 278, "2": 556, "C": 722, "a": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556,
            "h": 556, "i": 222, "k": 500, "l": 222, "n": 556, "o": 556, "r": 333, "t": 278, "v": 500,
        ]
        return s.reduce(0) { $0 + widths[$1, default: 556] } * size / 1000
    }

    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
            .replacingOccurrences(of: ")", with: "\\)")
    }

    /// A stream object: `dictionary` entries (without `<< >>`) and its body.
    public static func stream(_ dictionary: String, _ body: String) -> [UInt8] {
        Array("<< \(dictionary) /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream".utf8)
    }

    /// The pathological PDF of issue 11: one page that draws a form
    /// `outer` times, which draws another form `inner` times, which draws
    /// a little text (`text`) or only a line. Small on disk (about 20 KB at
    /// 1000 × 1000); a million form draws to read.
    public static func nestedForms(outer: Int = 1000, inner: Int = 1000, text: Bool = true) -> [UInt8] {
        let innerBody = text ? "BT /F1 1 Tf 0 0 Td (ab) Tj ET" : "0 0 m 1 1 l S"
        return write([
            Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Array(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Outer 5 0 R >> >> >>".utf8),
            stream("", String(repeating: "/Outer Do\n", count: outer)),
            stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Inner 6 0 R >> >>",
                String(repeating: "/Inner Do\n", count: inner)),
            stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /Font << /F1 7 0 R >> >>", innerBody),
            Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".utf8),
        ])
    }

    /// `count` pages, each with a line of text.
    public static func pages(_ count: Int) -> [UInt8] {
        make((1...count).map { [Run(x: 72, top: 400, text: "Page \($0) of a long document")] })
    }
}

import CasefileParse
import PDFText

/// PDF bytes → text, through MuPDF in-process (the PDFText C target).
///
/// MuPDF's structured text gives characters with boxes, grouped in lines and
/// blocks in drawing order. Reading order is rebuilt from positions, so that
/// the judgement table on page one reads row by row:
///
/// 1. *Fragments*: MuPDF's lines, with pieces on one baseline and close
///    together joined (a bold word, a superscript drawn apart).
/// 2. *Cells*: fragments stacked at line pitch, overlapping horizontally,
///    in one font size: a paragraph, or a table cell whose text wraps.
/// 3. *Bands*: cells side by side whose heights overlap: a table row. A band
///    of short cells is one line, its columns separated by a TAB
///    (`label<TAB>grade`, however the label and the grade wrap); a band of
///    long cells (two columns of prose) is read column after column.
///
/// Bands are separated by a blank line (a paragraph break), pages by a form
/// feed (as pdftotext does, which the parser understands). Running headers,
/// footers and page numbers (text in the top or bottom margin that repeats
/// on other pages, digits aside, or is only a page number) are dropped.
enum PDFExtraction {
    struct Output {
        var text: String
        var warnings: [String]
        var pages: Int
    }

    /// Documents longer than this are cut, with a warning (in-process reads;
    /// the sandboxed helper refuses instead, see `ExtractionLimits`).
    static let maxPages: Int32 = 1000

    /// Within `limits` (nil: the in-process defaults): over the memory
    /// budget or the page limit is an `ExtractionFailure` of its own kind.
    static func extract(_ bytes: [UInt8], limits: ExtractionLimits?) throws(ExtractionFailure) -> Output {
        // MuPDF would repair a file cut short and read what is left: half a
        // report, parsed as if whole. A PDF ends with %%EOF (readers look in
        // the last 1024 bytes, as this does).
        let eof = Array("%%EOF".utf8)
        let tail = bytes.suffix(1024)
        if !tail.indices.contains(where: { tail[$0...].starts(with: eof) }) {
            throw ExtractionFailure(.refused, "a damaged PDF: truncated (no %%EOF marker at its end; a download cut short?)")
        }
        let raw: UnsafeMutablePointer<pdftext_result>? = bytes.withUnsafeBufferPointer { buf in
            guard let limits else { return pdftext_extract(buf.baseAddress, buf.count, maxPages, 0) }
            return pdftext_extract_limited(
                buf.baseAddress, buf.count, Int32(clamping: limits.maxPages), Int32(clamping: limits.maxCharacters),
                limits.maxMemory, 1)
        }
        guard let raw else { throw ExtractionFailure(.overMemory, "a PDF that could not be read: out of memory") }
        defer { pdftext_free(raw) }
        let r = raw.pointee
        var warnings: [String] = []
        if let w = r.warnings {
            var seen = Set<String>()
            for line in cString(w).split(separator: "\n") where seen.insert(String(line)).inserted {
                warnings.append("PDF: \(line)")
            }
        }
        switch r.status {
        case PDFTEXT_OK:
            break
        case PDFTEXT_ENCRYPTED:
            throw ExtractionFailure(.refused, "an encrypted PDF: it needs a password, so its text cannot be read")
        case PDFTEXT_TOO_LARGE where limits != nil:
            // The character limit is derived from the memory budget.
            throw ExtractionFailure(.overMemory, "a PDF too large to read: \(r.error.map(cString) ?? "out of memory")")
        case PDFTEXT_TOO_LARGE:
            throw ExtractionFailure(.refused, "a PDF too large to read: \(r.error.map(cString) ?? "out of memory")")
        case PDFTEXT_OVER_MEMORY:
            throw ExtractionFailure(.overMemory, "a PDF that needs more memory than allowed")
        case PDFTEXT_TOO_MANY_PAGES:
            throw ExtractionFailure(
                .overPages, "a PDF of \(r.document_pages) pages, over the limit of \(limits?.maxPages ?? Int(maxPages))")
        default:
            throw ExtractionFailure(.refused, "a damaged PDF: MuPDF cannot open it (\(r.error.map(cString) ?? "unknown error"))")
        }
        let pageCount = Int(r.page_count)
        let failed = (0..<pageCount).filter { r.pages[$0].failed != 0 }.count
        let layout = Layout(r)
        let pages = (0..<pageCount).map { layout.bands(page: $0) }
        let furniture = Layout.furniture(pages)
        var out: [UInt8] = []
        out.reserveCapacity(r.char_count > 0 ? Int(r.char_count) + Int(r.char_count) / 20 : 0)
        var hasText = false
        for (p, bands) in pages.enumerated() {
            if p > 0 { out.append(0x0C) }
            var first = true
            for band in bands where !band.inMargin || !band.keys.allSatisfy(furniture.contains) {
                if !first { out.append(0x0A) }
                first = false
                out += band.text
                out.append(0x0A)
                hasText = true
            }
        }
        // Page numbers stamped on a scan are not text to read.
        if !hasText {
            if failed > 0 || r.repaired != 0 {
                throw ExtractionFailure(
                    .refused,
                    "a damaged PDF: MuPDF repaired it but could read no text"
                        + (failed > 0 ? " (\(failed) of \(pageCount) pages unreadable)" : ""))
            }
            throw ExtractionFailure(
                .refused, "an image-only PDF: no text on any of its \(pageCount) page\(pageCount == 1 ? "" : "s") (a scan?)")
        }
        if failed > 0 {
            // Text with holes in it could lose a grade or a paragraph without
            // anyone knowing: nothing guessed.
            throw ExtractionFailure(.refused, "a damaged PDF: \(failed) of \(pageCount) pages could not be read")
        }
        if r.repaired != 0 { warnings.append("PDF: the file was damaged and repaired by MuPDF") }
        if Int(r.document_pages) > pageCount {
            warnings.append("PDF: only the first \(pageCount) of \(r.document_pages) pages were read")
        }
        return Output(text: String(decoding: out, as: UTF8.self), warnings: warnings, pages: pageCount)
    }

    private static func cString(_ p: UnsafeMutablePointer<CChar>) -> String {
        var n = 0
        while p[n] != 0 { n += 1 }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

// MARK: - Layout

/// Rebuilds reading order from the boxes of one result.
struct Layout {
    let r: pdftext_result

    init(_ r: pdftext_result) { self.r = r }

    /// Text on one visual line: one or more MuPDF lines joined.
    struct Fragment {
        var x0: Float, x1: Float, top: Float, bottom: Float
        var baseline: Float
        var size: Float
        var text: [UInt8]
    }

    /// Fragments stacked at line pitch: a paragraph or a table cell.
    struct Cell {
        var lines: [Fragment]
        var x0: Float, x1: Float, top: Float, bottom: Float
        var size: Float { lines[0].size }
    }

    /// One output unit: a paragraph, a table row, or (two columns) both columns in turn.
    struct Band {
        var text: [UInt8]
        /// Each cell's text with digits as `#` and spaces squeezed (margin
        /// bands only): equal keys on many pages are running headers or footers.
        var keys: [[UInt8]]
        /// In the top or bottom margin of its page.
        var inMargin: Bool
    }

    // MARK: Fragments

    func fragments(page p: Int) -> [Fragment] {
        let page = r.pages[p]
        var out: [Fragment] = []
        let firstBlock = Int(page.first_block)
        for b in firstBlock..<(firstBlock + Int(page.block_count)) {
            let block = r.blocks[b]
            for l in Int(block.first_line)..<Int(block.first_line + block.line_count) {
                let line = r.lines[l]
                var text: [UInt8] = []
                text.reserveCapacity(Int(line.char_count) + 8)
                var size: Float = 0
                var baseline: Float = 0
                var x0 = Float.greatestFiniteMagnitude, x1 = -Float.greatestFiniteMagnitude
                var top = Float.greatestFiniteMagnitude, bottom = -Float.greatestFiniteMagnitude
                var ink = 0
                for c in Int(line.first_char)..<Int(line.first_char + line.char_count) {
                    let ch = r.chars[c]
                    let scalar = ch.c
                    if Self.isSpace(scalar) {
                        if !text.isEmpty, text.last != 0x20 { text.append(0x20) }
                        continue
                    }
                    // Soft hyphens, zero widths, control characters: nothing to read.
                    if scalar == 0xAD || scalar == 0x200B || scalar == 0xFEFF || scalar < 0x20 || scalar == 0x7F { continue }
                    Self.appendPlain(scalar, to: &text)
                    ink += 1
                    // The dominant size and baseline: those of the largest glyph.
                    if ch.size > size { size = ch.size; baseline = ch.origin_y }
                    x0 = min(x0, ch.box.x0); x1 = max(x1, ch.box.x1)
                    top = min(top, ch.box.y0); bottom = max(bottom, ch.box.y1)
                }
                guard ink > 0, size > 0, x1 >= x0, bottom >= top else { continue }
                while text.last == 0x20 { text.removeLast() }
                out.append(Fragment(x0: x0, x1: x1, top: top, bottom: bottom, baseline: baseline, size: size, text: text))
            }
        }
        // Join pieces of one visual line drawn apart (bold words, superscripts):
        // pieces whose baselines are within a tolerance, left to right, with
        // a gap of at most an em (a list marker may hang further out).
        out.sort { $0.baseline != $1.baseline ? $0.baseline < $1.baseline : $0.x0 < $1.x0 }
        var merged: [Fragment] = []
        merged.reserveCapacity(out.count)
        var i = 0
        while i < out.count {
            let base = out[i].baseline
            let tolerance = max(1.0, 0.4 * out[i].size)
            var j = i + 1
            while j < out.count, out[j].baseline - base <= tolerance { j += 1 }
            let run = j - i == 1 ? [out[i]] : out[i..<j].sorted { $0.x0 < $1.x0 }
            var f = run[0]
            for g in run.dropFirst() {
                let gap = g.x0 - f.x1
                let reach: Float = Self.isListMarker(f.text) ? 4.0 : 1.0
                if gap >= -0.5 * min(f.size, g.size), gap <= reach * max(f.size, g.size) {
                    if gap > 0.15 * min(f.size, g.size), f.text.last != 0x20, g.text.first != 0x20 { f.text.append(0x20) }
                    f.text += g.text
                    f.x1 = max(f.x1, g.x1)
                    f.top = min(f.top, g.top); f.bottom = max(f.bottom, g.bottom)
                    if g.size > f.size { f.size = g.size; f.baseline = g.baseline }
                } else {
                    merged.append(f)
                    f = g
                }
            }
            merged.append(f)
            i = j
        }
        merged.sort { $0.baseline != $1.baseline ? $0.baseline < $1.baseline : $0.x0 < $1.x0 }
        return Self.joinJustified(merged)
    }

    /// Justified text that MuPDF cut at its wide spaces ("2. Children",
    /// "looked", "after", "and", "achieving"): three or more pieces on one
    /// baseline with equal gaps are one line. A table row has one gap per
    /// column boundary, and its gaps differ.
    static func joinJustified(_ fragments: [Fragment]) -> [Fragment] {
        var out: [Fragment] = []
        out.reserveCapacity(fragments.count)
        var i = 0
        while i < fragments.count {
            // Fragments come sorted by baseline, then x.
            var j = i + 1
            while j < fragments.count, abs(fragments[j].baseline - fragments[i].baseline) <= max(1.0, 0.2 * fragments[i].size) {
                j += 1
            }
            let run = fragments[i..<j].sorted { $0.x0 < $1.x0 }
            if run.count >= 3 {
                let gaps = zip(run, run.dropFirst()).map { $1.x0 - $0.x1 }
                let size = run.map(\.size).max() ?? 0
                let lo = gaps.min() ?? 0, hi = gaps.max() ?? 0
                if lo > 0, hi <= 3 * size, hi - lo <= 0.1 * hi + 0.5 {
                    var f = run[0]
                    for g in run.dropFirst() {
                        f.text.append(0x20)
                        f.text += g.text
                        f.x1 = g.x1
                        f.top = min(f.top, g.top); f.bottom = max(f.bottom, g.bottom)
                    }
                    out.append(f)
                    i = j
                    continue
                }
            }
            out += run
            i = j
        }
        return out
    }

    // MARK: Cells and bands

    func bands(page p: Int) -> [Band] {
        let frags = fragments(page: p).sorted { $0.top != $1.top ? $0.top < $1.top : $0.x0 < $1.x0 }
        var cells: [Cell] = []
        // Cells that may still grow: their last line is not far above. Keeps
        // the search short on pages with thousands of pieces.
        var open: [Int] = []
        for f in frags {
            open.removeAll { k in
                let last = cells[k].lines[cells[k].lines.count - 1]
                return !(f.baseline - last.baseline <= 2 * max(f.size, last.size))
            }
            // The cell whose last line sits directly above this one, at line pitch.
            var best: Int?
            var bestDistance = Float.greatestFiniteMagnitude
            for k in open {
                let c = cells[k]
                let last = c.lines[c.lines.count - 1]
                guard abs(last.size - f.size) <= 0.15 * max(last.size, f.size) else { continue }
                let pitch = f.baseline - last.baseline
                // Line pitch: the cell's own once it has two lines, so that
                // paragraphs set a little apart stay apart.
                let limit: Float
                if c.lines.count >= 2 {
                    limit = min(1.5 * f.size, 1.2 * (last.baseline - c.lines[c.lines.count - 2].baseline))
                } else {
                    limit = 1.5 * f.size
                }
                guard pitch > 0.6 * f.size, pitch <= limit else { continue }
                guard f.x0 < c.x1, f.x1 > c.x0 else { continue }
                if pitch < bestDistance { bestDistance = pitch; best = k }
            }
            if let k = best {
                cells[k].lines.append(f)
                cells[k].x0 = min(cells[k].x0, f.x0); cells[k].x1 = max(cells[k].x1, f.x1)
                cells[k].bottom = max(cells[k].bottom, f.bottom)
            } else {
                open.append(cells.count)
                cells.append(Cell(lines: [f], x0: f.x0, x1: f.x1, top: f.top, bottom: f.bottom))
            }
        }
        cells.sort { $0.top != $1.top ? $0.top < $1.top : $0.x0 < $1.x0 }

        let pageBox = r.pages[p].box
        let height = pageBox.y1 - pageBox.y0
        var bands: [Band] = []
        var i = 0
        while i < cells.count {
            var group = [cells[i]]
            var bottom = cells[i].bottom
            var j = i + 1
            // Cells whose heights overlap the band's by more than a third of a line are beside it.
            while j < cells.count, cells[j].top < bottom - 0.35 * cells[j].size {
                group.append(cells[j])
                bottom = max(bottom, cells[j].bottom)
                j += 1
            }
            let text = Self.render(group)
            let top = group.map(\.top).min() ?? 0
            let inMargin = top - pageBox.y0 < 0.1 * height || bottom - pageBox.y0 > 0.9 * height
            let keys = inMargin ? group.map { Self.key(Self.lines(of: $0)) } : []
            bands.append(Band(text: text, keys: keys, inMargin: inMargin))
            i = j
        }
        return bands
    }

    /// A band's text: one line per cell line, or, for a row of short cells
    /// side by side, one line with the columns TAB-separated.
    static func render(_ group: [Cell]) -> [UInt8] {
        if group.count == 1 { return lines(of: group[0]) }
        if group.count > 64 {
            // Not a table row or two columns of prose: each piece as it comes.
            var out: [UInt8] = []
            for (n, c) in group.enumerated() {
                if n > 0 { out.append(0x0A) }
                out += lines(of: c)
            }
            return out
        }
        // Columns: cells that overlap horizontally are one column, top to bottom.
        var columns: [[Cell]] = []
        for c in group.sorted(by: { $0.x0 < $1.x0 }) {
            if let k = columns.firstIndex(where: { col in col.contains { $0.x0 < c.x1 && $0.x1 > c.x0 } }) {
                columns[k].append(c)
            } else {
                columns.append([c])
            }
        }
        for k in columns.indices { columns[k].sort { $0.top < $1.top } }
        let short = columns.allSatisfy { $0.reduce(0) { $0 + $1.lines.count } <= 6 }
        var out: [UInt8] = []
        if short && columns.count > 1 {
            for (k, col) in columns.enumerated() {
                if k > 0 { out.append(0x09) }
                var parts: [[UInt8]] = []
                for c in col { for l in c.lines { parts.append(l.text) } }
                out += joinWrapped(parts)
            }
            return out
        }
        // Prose beside prose: read each column down, then the next.
        for (k, col) in columns.enumerated() {
            for (n, c) in col.enumerated() {
                if k > 0 || n > 0 { out += [0x0A, 0x0A] }
                out += lines(of: c)
            }
        }
        return out
    }

    static func lines(of cell: Cell) -> [UInt8] {
        var out: [UInt8] = []
        for (n, l) in cell.lines.enumerated() {
            if n > 0 { out.append(0x0A) }
            out += l.text
        }
        return out
    }

    /// Wrapped cell lines as one: a space between them, none after a hyphen
    /// that follows a letter ("multi-" + "agency").
    static func joinWrapped(_ parts: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for p in parts where !p.isEmpty {
            if !out.isEmpty {
                let n = out.count
                let hyphenAfterLetter = out[n - 1] == 0x2D && n >= 2 && isLetter(out[n - 2])
                if !hyphenAfterLetter { out.append(0x20) }
            }
            out += p
        }
        return out
    }

    static func key(_ text: [UInt8]) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(text.count)
        for b in text {
            switch b {
            case 0x30...0x39: if k.last != 0x23 { k.append(0x23) }
            case 0x20, 0x09, 0x0A: if k.last != 0x20 { k.append(0x20) }
            case 0x41...0x5A: k.append(b + 0x20)
            default: k.append(b)
            }
        }
        return k
    }

    /// Keys of bands in the margins that are running headers or footers: on
    /// two or more pages, or only a page number.
    static func furniture(_ pages: [[Band]]) -> Set<[UInt8]> {
        var count: [[UInt8]: Int] = [:]
        for bands in pages {
            var seen = Set<[UInt8]>()
            for b in bands where b.inMargin {
                for k in b.keys where seen.insert(k).inserted { count[k, default: 0] += 1 }
            }
        }
        var out = Set<[UInt8]>()
        for (key, n) in count where n >= 2 || isPageNumber(key) { out.insert(key) }
        return out
    }

    /// "1.", "12.", "(a)", "iv)", "a.", or one bullet character.
    static func isListMarker(_ t: [UInt8]) -> Bool {
        guard !t.isEmpty, t.count <= 6 else { return false }
        if t.count <= 3, !t.contains(where: { $0 < 0x80 }) { return true }  // one non-ASCII character: a bullet
        if t.count == 1 { return !isLetter(t[0]) && !(0x30...0x39).contains(t[0]) }
        var body = t[...]
        if body.first == 0x28 { body = body.dropFirst() }  // (
        guard let last = body.last, last == 0x2E || last == 0x29 else { return false }  // . )
        body = body.dropLast()
        guard !body.isEmpty, body.count <= 4 else { return false }
        let digits = body.allSatisfy { (0x30...0x39).contains($0) }
        let letters = body.allSatisfy { (0x61...0x7A).contains($0) } && (body.count == 1 || body.allSatisfy { "ivxl".utf8.contains($0) })
        return digits || letters
    }

    /// "#", "page #", "page # of #", "# of #", "#/#", "- # -".
    static func isPageNumber(_ key: [UInt8]) -> Bool {
        let s = String(decoding: key, as: UTF8.self).split(separator: " ").joined(separator: " ")
        return ["#", "page #", "page # of #", "# of #", "#/#", "- # -", "# / #"].contains(s)
    }

    // MARK: Characters

    static func isSpace(_ c: UInt32) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0xA0 || (0x2000...0x200A).contains(c)
            || c == 0x202F || c == 0x205F || c == 0x3000
    }

    static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b >= 0x80 }

    /// Appends a character as UTF-8, ligatures MuPDF left alone (when a
    /// font maps them to one code) as their letters.
    static func appendPlain(_ c: UInt32, to out: inout [UInt8]) {
        switch c {
        case 0xFB00: out += [0x66, 0x66]
        case 0xFB01: out += [0x66, 0x69]
        case 0xFB02: out += [0x66, 0x6C]
        case 0xFB03: out += [0x66, 0x66, 0x69]
        case 0xFB04: out += [0x66, 0x66, 0x6C]
        case 0xFB05, 0xFB06: out += [0x73, 0x74]
        case 0xD800...0xDFFF, 0x110000...: appendUTF8(0xFFFD, to: &out)
        default: appendUTF8(c, to: &out)
        }
    }

    static func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
        do {
            switch c {
            case 0..<0x80:
                out.append(UInt8(c))
            case 0x80..<0x800:
                out.append(0xC0 | UInt8(c >> 6)); out.append(0x80 | UInt8(c & 0x3F))
            case 0x800..<0x10000:
                out.append(0xE0 | UInt8(c >> 12)); out.append(0x80 | UInt8((c >> 6) & 0x3F)); out.append(0x80 | UInt8(c & 0x3F))
            default:
                out.append(0xF0 | UInt8(c >> 18)); out.append(0x80 | UInt8((c >> 12) & 0x3F))
                out.append(0x80 | UInt8((c >> 6) & 0x3F)); out.append(0x80 | UInt8(c & 0x3F))
            }
        }
    }
}

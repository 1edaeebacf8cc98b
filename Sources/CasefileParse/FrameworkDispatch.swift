import CasefileModel

/// Which framework a text is, when it is not ILACS: SIF and LSCB reviews and
/// the 2013 inspections by their title before the inspection dates, letters
/// by their greeting and subject line. ILACS reports are not claimed here:
/// `parse` returns nil for them and the ILACS parser runs.
enum FrameworkDispatch {
    enum Kind: Equatable {
        /// SIF report (2013–2018), possibly with the LSCB review; the title's first line.
        case sif(title: Int)
        /// A standalone review of a Local Safeguarding Children Board.
        case lscbReview(title: Int)
        /// A 2013 inspection of looked after children services (or of
        /// safeguarding and looked after children services).
        case lookedAfter(title: Int)
        /// A letter: focused visit, monitoring visit or JTAI; the "Dear …" line.
        case letter(Framework, dear: Int)
    }

    /// The parsed report when the text is one of the other frameworks, nil
    /// when it is not (the ILACS parser then decides).
    static func parse(_ document: Document, authorities: AuthorityDirectory) throws(ParseError) -> ParsedReport? {
        var doc = document
        guard let kind = detect(doc) else { return nil }
        switch kind {
        case .sif(let title):
            return try doc.parseSIF(title: title, authorities: authorities)
        case .lscbReview(let title):
            return try doc.parseLSCBReview(title: title, authorities: authorities)
        case .lookedAfter(let title):
            return try doc.parseLookedAfter(title: title, authorities: authorities)
        case .letter(let framework, let dear):
            return try doc.parseLetter(framework, dear: dear, authorities: authorities)
        }
    }

    /// Which framework the top of the document names, if not ILACS.
    static func detect(_ doc: Document) -> Kind? {
        let head = doc.contentIndices(limit: 60)
        let keys = head.map { doc.key($0) }
        // Title pages: the title comes before the inspection dates.
        if let d = keys.firstIndex(where: Document.isDatesLabel), d <= 25 {
            let titleKey = keys[..<d].joined(separator: " ")
            func first(_ prefixes: [String]) -> Int? {
                keys[..<d].firstIndex { k in prefixes.contains { k.hasPrefix($0) } }.map { head[$0] }
            }
            if Text.contains(titleKey, "of services for children in need of help and protection"),
                let t = first([
                    "inspection of services", "re-inspection of services", "reinspection of services", "re inspection of services",
                ])
            {
                return .sif(title: t)
            }
            if Text.contains(titleKey, "of the effectiveness of the local safeguarding children board"),
                let t = first(["review of the effectiveness", "inspection of the effectiveness"])
            {
                return .lscbReview(title: t)
            }
            if Text.contains(titleKey, "inspection of looked after children services")
                || Text.contains(titleKey, "inspection of safeguarding and looked after children services"),
                let t = first(["inspection of looked after", "inspection of safeguarding and looked after"])
            {
                return .lookedAfter(title: t)
            }
        }
        // Letters: a greeting, then a subject line and the opening sentence.
        guard let dearAt = keys.firstIndex(where: { $0.hasPrefix("dear ") }) else { return nil }
        let subjects = keys[(dearAt + 1)..<min(keys.count, dearAt + 3)]
        let opening = keys[(dearAt + 1)..<min(keys.count, dearAt + 10)].joined(separator: " ")
        // The subject line decides (a stray line may come before it); failing that, the opening sentence.
        for s in subjects {
            if s.hasPrefix("joint targeted area inspection") { return .letter(.jtai, dear: head[dearAt]) }
            if s.hasPrefix("focused visit") { return .letter(.focusedVisit, dear: head[dearAt]) }
            if s.hasPrefix("monitoring visit") { return .letter(.monitoringVisit, dear: head[dearAt]) }
        }
        if Text.contains(opening, "joint targeted area inspection (jtai)") || Text.contains(opening, "joint targeted area inspection jtai")
            || Text.contains(opening, "joint targeted area inspection of")
        {
            return .letter(.jtai, dear: head[dearAt])
        }
        if Text.contains(opening, "findings of a focused visit") || Text.contains(opening, "findings of the focused visit") {
            return .letter(.focusedVisit, dear: head[dearAt])
        }
        if Text.contains(opening, "monitoring visit to") || Text.contains(opening, "findings of the monitoring visit")
            || Text.contains(opening, "findings of a monitoring visit")
        {
            return .letter(.monitoringVisit, dear: head[dearAt])
        }
        return nil
    }
}

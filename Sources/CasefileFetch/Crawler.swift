import Foundation

/// Regular expressions of a source, compiled once per listing. Matching is
/// a search (the pattern may match anywhere in the URL or label), in Swift's
/// Regex syntax (the config checks the same syntax at load).
struct SourcePatterns {
    var follow: [Regex<AnyRegexOutput>]
    var documents: Regex<AnyRegexOutput>?
    var labelInclude: [Regex<AnyRegexOutput>]
    var labelExclude: [Regex<AnyRegexOutput>]

    init(_ source: SourceSpec) throws(FetchError) {
        func compile(_ pattern: String, _ key: String) throws(FetchError) -> Regex<AnyRegexOutput> {
            do {
                return try Regex(pattern)
            } catch {
                throw FetchError(url: source.url, reason: "invalid \(key) pattern '\(pattern)': \(error)")
            }
        }
        follow = []
        for p in source.follow { follow.append(try compile(p, "follow")) }
        documents = nil
        if let p = source.documents { documents = try compile(p, "documents") }
        labelInclude = []
        for p in source.labelInclude { labelInclude.append(try compile(p, "label_include")) }
        labelExclude = []
        for p in source.labelExclude { labelExclude.append(try compile(p, "label_exclude")) }
    }

    func isDocument(_ url: String) -> Bool {
        guard let documents else { return true }
        return url.contains(documents)
    }

    func isFollowed(_ url: String) -> Bool {
        follow.contains { url.contains($0) }
    }

    /// The label filters: one of `label_include` (when there are any), none
    /// of `label_exclude`.
    func keeps(label: String) -> Bool {
        if !labelInclude.isEmpty, !labelInclude.contains(where: { label.contains($0) }) { return false }
        return !labelExclude.contains { label.contains($0) }
    }
}

/// Walks a site from its start page, breadth first, to find its documents.
///
/// - Depth 0 is the start page. A link on a page at depth d whose absolute
///   URL matches `documents` is a document (it is not fetched here); else, if
///   it matches one of `follow` and d < `maxDepth`, its page is read at depth
///   d + 1.
/// - Pagination is not depth: a link to the same listing with another page
///   (the same URL but for `start=`, `page=`, `offset=`… in its query) is
///   read at the same depth as the page it is on, whether or not `follow`
///   names it, so a search listing of 10 results a page is read to its end.
///   At most `maxPages` pages are read in all.
/// - Links that `follow` matches but that lie deeper than `maxDepth` are
///   counted in the listing (`notFollowed`): a crawl that stops short says so.
/// - Only http and https pages are read, and each URL (fragment dropped) at
///   most once per crawl. The pages of one depth are fetched together, within
///   the fetcher's limits (per host, delay, retries).
/// - A document's label is its link's text (the first non-empty one seen);
///   `label_include` / `label_exclude` filter on it.
/// - The start page failing, or no document found at all, throws. Another
///   page failing is kept in `pageFailures`: the listing is then incomplete.
struct Crawler {
    let source: SourceSpec
    let fetcher: Fetcher
    /// Pages read at most in one crawl (a calendar or a loop of pages cannot
    /// run on for ever).
    static let maxPages = 5000

    func run() async throws(FetchError) -> SourceListing {
        let patterns = try SourcePatterns(source)
        guard patterns.documents != nil else {
            throw FetchError(url: source.url, reason: "a crawl source needs a documents pattern")
        }
        guard let start = HTMLLinks.resolve(source.url, against: source.url),
            ["http", "https"].contains(Fetcher.scheme(of: start) ?? "")
        else {
            throw FetchError(url: source.url, reason: "a crawl starts from an http:// or https:// URL")
        }

        var seenPages: Set<String> = [start]
        var level = [start]
        var order: [String] = []
        var labels: [String: String] = [:]
        var failures: [FetchFailure] = []
        var pagesRead = 0
        var depth = 0
        var notFollowed: [String] = []
        var seenNotFollowed: Set<String> = []
        var pendingDeeper: [String] = []

        while !level.isEmpty {
            let requests = level.map { FetchRequest(url: $0, protocols: ["http", "https"]) }
            let outcomes = await fetcher.fetchAll(requests)
            var next: [String] = []
            var sameDepth: [String] = []
            for outcome in outcomes {
                switch outcome {
                case .fetched(let page):
                    pagesRead += 1
                    for link in HTMLLinks.extract(html: page.bytes, pageURL: page.effectiveURL, contentType: page.contentType) {
                        guard let scheme = Fetcher.scheme(of: link.url), scheme == "http" || scheme == "https" else { continue }
                        if patterns.isDocument(link.url) {
                            if labels[link.url] == nil {
                                order.append(link.url)
                                labels[link.url] = link.text
                            } else if labels[link.url]!.isEmpty {
                                labels[link.url] = link.text
                            }
                        } else if seenPages.contains(link.url) {
                            continue
                        } else if Pagination.sameListing(link.url, page.url) || Pagination.sameListing(link.url, page.effectiveURL) {
                            seenPages.insert(link.url)
                            sameDepth.append(link.url)
                        } else if patterns.isFollowed(link.url) {
                            if depth < source.maxDepth {
                                seenPages.insert(link.url)
                                next.append(link.url)
                            } else if seenNotFollowed.insert(link.url).inserted {
                                notFollowed.append(link.url)
                            }
                        }
                    }
                case .notModified:
                    // No validators are sent for pages: cannot happen.
                    break
                case .failed(let failure):
                    if failure.url == start {
                        throw FetchError(url: start, reason: "cannot read the start page: \(failure.reason)")
                    }
                    failures.append(failure)
                }
            }
            if pagesRead + sameDepth.count + next.count > Self.maxPages {
                let room = max(0, Self.maxPages - pagesRead)
                let kept = Array((sameDepth + next).prefix(room))
                notFollowed += (sameDepth + next).dropFirst(room)
                sameDepth = kept.filter { sameDepth.contains($0) }
                next = kept.filter { !sameDepth.contains($0) }
            }
            if !sameDepth.isEmpty {
                // More pages of listings at this depth: read them before going deeper.
                level = sameDepth
                pendingDeeper.append(contentsOf: next)
                continue
            }
            level = pendingDeeper + next
            pendingDeeper = []
            depth += 1
        }
        guard !order.isEmpty else {
            var reason =
                "the crawl found no documents: \(pagesRead) page\(pagesRead == 1 ? "" : "s") read, no link matched documents = '\(source.documents ?? "")'"
            if !failures.isEmpty {
                reason += "; \(failures.count) page\(failures.count == 1 ? "" : "s") could not be read (first: \(failures[0]))"
            }
            if let first = notFollowed.first {
                reason +=
                    "; \(notFollowed.count) link\(notFollowed.count == 1 ? "" : "s") not followed, deeper than max_depth \(source.maxDepth) (e.g. \(first))"
            }
            throw FetchError(url: source.url, reason: reason)
        }
        let documents = order.compactMap { url -> ListedDocument? in
            let label = labels[url] ?? ""
            return patterns.keeps(label: label) ? ListedDocument(url: url, label: label, protocols: ["http", "https"]) : nil
        }
        guard !documents.isEmpty else {
            throw FetchError(
                url: source.url,
                reason:
                    "the crawl found \(order.count) document link\(order.count == 1 ? "" : "s") but label_include/label_exclude kept none of them"
            )
        }
        return SourceListing(documents: documents, pageFailures: failures, pagesRead: pagesRead, notFollowed: notFollowed)
    }
}

/// Pages of one listing: the same URL but for the page in its query.
enum Pagination {
    /// Query keys that number the pages of a listing.
    static let keys: Set<String> = ["start", "page", "p", "pg", "offset", "from", "skip", "pagenumber", "page_number"]

    /// True when `a` and `b` differ only in a pagination key of their
    /// queries (and in a fragment).
    static func sameListing(_ a: String, _ b: String) -> Bool {
        guard a != b, let x = URLComponents(string: a), let y = URLComponents(string: b),
            x.scheme == y.scheme, x.host == y.host, x.port == y.port, x.path == y.path
        else { return false }
        func rest(_ c: URLComponents) -> [String: [String]] {
            var out: [String: [String]] = [:]
            for item in c.queryItems ?? [] where !keys.contains(item.name.lowercased()) {
                out[item.name, default: []].append(item.value ?? "")
            }
            return out.mapValues { $0.sorted() }
        }
        func pages(_ c: URLComponents) -> [String] {
            (c.queryItems ?? []).filter { keys.contains($0.name.lowercased()) }.map { "\($0.name)=\($0.value ?? "")" }.sorted()
        }
        return rest(x) == rest(y) && pages(x) != pages(y) && !(pages(x).isEmpty && pages(y).isEmpty)
    }
}

@testable import CasefileConfig

// Shorthands for reading one kind's settings in assertions: nil when the
// source or notifier is of another kind.

extension SourceConfig {
    /// Every kind has a URL.
    var url: String {
        switch kind {
        case .document(let d): d.url
        case .directory(let d): d.url
        case .crawl(let c): c.url
        case .feed(let f): f.url
        }
    }

    var directory: Directory? { if case .directory(let d) = kind { d } else { nil } }
    var crawl: Crawl? { if case .crawl(let c) = kind { c } else { nil } }
    var feed: Feed? { if case .feed(let f) = kind { f } else { nil } }
}

extension NotifierConfig {
    /// A command notifier's argv; empty for the other kinds.
    var argv: [String] { if case .command(let c) = kind { c.argv } else { [] } }
    var webhook: Webhook? { if case .webhook(let w) = kind { w } else { nil } }
    var email: Email? { if case .email(let e) = kind { e } else { nil } }
}

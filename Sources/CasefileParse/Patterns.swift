import Foundation
import Synchronization

/// Regular expressions compiled once per process. Compiling one (ICU) cost
/// more than matching it: the ILACS title alone tried four patterns on up
/// to ten candidate titles, each compiled anew. An `NSRegularExpression` is
/// immutable and safe to share between threads; the cache is behind a lock
/// because documents are parsed in parallel.
enum Patterns {
    private struct Key: Hashable {
        let pattern: String
        let options: UInt
    }

    private static let cache = Mutex<[Key: NSRegularExpression]>([:])

    /// `try? NSRegularExpression(pattern:options:)`, compiled the first time only.
    static func regex(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) -> NSRegularExpression? {
        let key = Key(pattern: pattern, options: options.rawValue)
        if let re = cache.withLock({ $0[key] }) { return re }
        guard let re = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        cache.withLock { $0[key] = re }
        return re
    }
}

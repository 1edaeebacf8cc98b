import Foundation

extension Duration {
    /// The duration in seconds, as Foundation's `TimeInterval` (for `Date`
    /// arithmetic and C timeouts).
    public var timeInterval: TimeInterval {
        let (s, atto) = components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}

import Foundation

/// A value behind a lock: the one box for state that threads share (the
/// store's connections, the daemon's settings and flags).
public final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Value
    public init(_ value: Value) { _value = value }
    public var value: Value {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }

    /// Reads and changes the value under one lock.
    @discardableResult
    public func update<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&_value) }
    }
}

import Foundation

/// A value behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Value
    init(_ value: Value) { _value = value }
    var value: Value {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }

    /// Reads and changes the value under one lock.
    @discardableResult
    func update<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&_value) }
    }
}

import Foundation

/// A sockaddr_un for a path, or for an abstract name when `bytes` starts
/// with a NUL; nil when it does not fit in sun_path. `length` is what
/// connect(2) and sendto(2) take: the family and the bytes, plus the
/// terminating NUL of a path (an abstract name has none).
struct UnixAddress {
    var storage = sockaddr_un()
    let length: socklen_t

    init?(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: storage.sun_path) else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes[0] == 0 ? 0 : 1))
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    mutating func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        let length = self.length
        return withUnsafePointer(to: &storage) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}

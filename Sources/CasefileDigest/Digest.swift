import CCrypto

// Hashing and signing come from OpenSSL's libcrypto (Debian's libssl-dev),
// which libcurl already loads into the process for TLS, rather than from
// Swift code of our own or from swift-crypto. Measured in scratch packages
// (one library, one executable) on a 2-core x86_64 machine with SHA-NI,
// Swift 6.3.1, OpenSSL 3.0.19:
//
//                        SHA-256 of 30 MiB        clean debug build
//                        (release, best of 20,    (swift package clean &&
//                        thread CPU time)          swift build; wall, CPU)
//   hand-written Swift   221-238 MiB/s             7.6 s,  5.2 CPU-s (no dependency)
//   libcrypto (EVP)      1732-1751 MiB/s           7.5 s,  5.1 CPU-s
//   swift-crypto 3.12.3  1708-1762 MiB/s           94 s,  84 CPU-s
//   swift-crypto 4.5.2   1744-1761 MiB/s           68 s,  96 CPU-s
//
// (With other builds running, load 6 to 14, swift-crypto took 168-351 s and
// libcrypto 13-15 s.) Both libraries hash at the same speed, 7 to 8 times
// the hand-written code; swift-crypto would add a minute or more of BoringSSL
// to every clean build, which CI does on every run, for two functions.

/// SHA-256 (FIPS 180-4), computed by libcrypto.
///
/// A value type: copying a hasher part-way copies its state, so both copies
/// can go on independently.
public struct SHA256: Sendable {
    private var context: Context

    public init() { context = Context() }

    /// Adds bytes to the message.
    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        let ctx = context.ctx
        let done: Void? = bytes.withContiguousStorageIfAvailable { Context.update(ctx, $0) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { Context.update(ctx, $0) } }
    }

    /// The 32-byte digest of everything added so far. The hasher then starts
    /// again on an empty message.
    public mutating func finalize() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        check(EVP_DigestFinal_ex(context.ctx, &digest, &length), "EVP_DigestFinal_ex")
        check(EVP_DigestInit_ex(context.ctx, EVP_sha256(), nil), "EVP_DigestInit_ex")
        return Array(digest[0..<Int(length)])
    }

    /// The 32-byte digest of the bytes.
    public static func digest<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// `sha256:<hex>` of the bytes: the form stored and shown everywhere.
    public static func tagged<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        "sha256:" + hex(bytes)
    }

    /// Lower-case hex digest of the bytes.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        lowerHex(digest(bytes))
    }

    /// Owns one `EVP_MD_CTX`; only the `SHA256` that holds the sole reference
    /// mutates it, which is what makes the unchecked `Sendable` sound.
    private final class Context: @unchecked Sendable {
        let ctx: OpaquePointer

        init() {
            guard let ctx = EVP_MD_CTX_new() else { fatalError("libcrypto: out of memory") }
            self.ctx = ctx
            check(EVP_DigestInit_ex(ctx, EVP_sha256(), nil), "EVP_DigestInit_ex")
        }

        init(copying other: Context) {
            guard let ctx = EVP_MD_CTX_new() else { fatalError("libcrypto: out of memory") }
            self.ctx = ctx
            check(EVP_MD_CTX_copy_ex(ctx, other.ctx), "EVP_MD_CTX_copy_ex")
        }

        deinit { EVP_MD_CTX_free(ctx) }

        static func update(_ ctx: OpaquePointer, _ bytes: UnsafeBufferPointer<UInt8>) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            check(EVP_DigestUpdate(ctx, base, bytes.count), "EVP_DigestUpdate")
        }
    }
}

/// HMAC-SHA256 (RFC 2104), computed by libcrypto: webhook bodies are signed
/// with it so a receiver can check they came from this daemon.
public enum HMACSHA256 {
    /// The 32-byte MAC of the message under the key (a key longer than 64
    /// bytes is hashed first, as RFC 2104 says).
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // Never a null key: OpenSSL 3.0's HMAC() reads a null key as "no key
        // given" and fails, where RFC 2104 wants the empty key.
        let keyBytes = key.isEmpty ? [0] : key
        let result = keyBytes.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(key.count), m.baseAddress, m.count, &out, &length)
            }
        }
        guard result != nil else { fatalError("libcrypto: HMAC failed") }
        return Array(out[0..<Int(length)])
    }

    /// Lower-case hex of the MAC.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        lowerHex(mac(key: key, message: message))
    }
}

/// libcrypto's digest calls fail only when memory runs out or the library is
/// broken; neither leaves anything sensible to do but stop.
private func check(_ rc: Int32, _ call: String) {
    if rc != 1 { fatalError("libcrypto: \(call) failed") }
}

private func lowerHex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var s: [UInt8] = []
    s.reserveCapacity(bytes.count * 2)
    for b in bytes {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0xf)])
    }
    return String(decoding: s, as: UTF8.self)
}

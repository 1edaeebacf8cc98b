import CasefileDigest
import Testing

struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
        #expect(SHA256.tagged(Array(input.utf8)) == "sha256:" + digest)
    }

    @Test func oneMillionAs() {
        #expect(
            SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func updatesInPiecesEqualOneUpdate() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for cut in [1, 63, 64, 65, 500, 999] {
            var h = SHA256()
            h.update(bytes[0..<cut])
            h.update(bytes[cut...])
            let hex = h.finalize().map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
            #expect(hex == SHA256.hex(bytes), "cut at \(cut)")
        }
    }

    @Test func aNonContiguousSequenceHashesLikeItsArray() {
        let bytes = (0..<300).lazy.map { UInt8(truncatingIfNeeded: $0) }
        #expect(SHA256.hex(bytes) == SHA256.hex(Array(bytes)))
    }

    @Test func aCopiedHasherGoesOnIndependently() {
        var first = SHA256()
        first.update(Array("ab".utf8))
        var second = first
        second.update(Array("c".utf8))
        first.update(Array("x".utf8))
        #expect(second.finalize() == SHA256.digest(Array("abc".utf8)))
        #expect(first.finalize() == SHA256.digest(Array("abx".utf8)))
        // finalize starts the hasher again on an empty message.
        #expect(first.finalize() == SHA256.digest([UInt8]()))
    }
}

@Suite("HMAC-SHA256")
struct HMACTests {
    @Test func rfc4231TestCase2() {
        #expect(
            HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func longKeyIsHashedFirst() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [UInt8](repeating: 0xaa, count: 131)
        #expect(
            HMACSHA256.hex(key: key, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func emptyKeyAndMessage() {
        // The well-known HMAC-SHA256 of nothing under the empty key.
        #expect(
            HMACSHA256.hex(key: [], message: [])
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        #expect(HMACSHA256.mac(key: [], message: []).count == 32)
    }
}

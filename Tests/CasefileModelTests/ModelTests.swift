import CasefileModel
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
    }

    @Test func oneMillionAs() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
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
}

struct LocalDateTests {
    @Test func parsesAndPrintsISO() {
        let d = LocalDate(iso: "2019-04-29")
        #expect(d?.description == "2019-04-29")
        #expect(LocalDate(iso: "2019-02-30") == nil)
        #expect(LocalDate(iso: "2020-02-29") != nil)
        #expect(LocalDate(iso: "19-04-29") == nil)
    }

    @Test func spansCountCalendarDaysInclusive() {
        let span = DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-03")!)
        #expect(span.days == 5)
        #expect(LocalDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(LocalDate(iso: "2018-12-31")! < LocalDate(iso: "2019-01-01")!)
    }

    @Test func gradeDirections() {
        #expect(Direction(from: .good, to: .outstanding) == .improved)
        #expect(Direction(from: .good, to: .inadequate) == .declined)
        #expect(Direction(from: .notJudged, to: .good) == .changed)
    }
}

@Suite("HMAC-SHA256")
struct HMACTests {
    @Test func rfc4231TestCase2() {
        #expect(HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func longKeyIsHashedFirst() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [UInt8](repeating: 0xaa, count: 131)
        #expect(HMACSHA256.hex(key: key, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

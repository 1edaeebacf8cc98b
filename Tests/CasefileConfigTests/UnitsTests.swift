import Testing

@testable import CasefileConfig

@Suite("Durations and sizes")
struct UnitsTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("30s", .seconds(30)),
        ("5m", .seconds(300)),
        ("6h", .seconds(21_600)),
        ("1d", .seconds(86_400)),
        ("1h30m", .seconds(5_400)),
        ("1d12h", .seconds(129_600)),
        ("2m30s250ms", .milliseconds(150_250)),
        ("90s", .seconds(90)),
        ("0s", .zero),
        ("0ms", .zero),
    ])
    func validDuration(_ text: String, _ expected: Duration) {
        #expect(parseDuration(text) == expected)
    }

    @Test(arguments: [
        "", "30", "30 s", "30 seconds", " 30s", "30s ", "-1s", "+1s", "1.5h", "30m1h", "1h1h", "s", "1S", "1H",
        "1hm", "1w", "1y", "ms", "1_000ms", "99999999999999999999s", "106751991167301d", "1d106751991167301d",
    ])
    func invalidDuration(_ text: String) {
        #expect(parseDuration(text) == nil)
    }

    @Test(arguments: [
        ("50MB", 50_000_000),
        ("512KiB", 524_288),
        ("1048576", 1_048_576),
        ("1GB", 1_000_000_000),
        ("2GiB", 2_147_483_648),
        ("3MiB", 3_145_728),
        ("7KB", 7_000),
        ("10B", 10),
        ("50 MB", 50_000_000),
        ("50mb", 50_000_000),
        ("1kib", 1_024),
        ("0", 0),
    ])
    func validByteSize(_ text: String, _ expected: Int) {
        #expect(parseByteSize(text) == expected)
    }

    @Test(arguments: [
        "", "MB", "50 megabytes", "1.5GB", "-1", "+1", "50M", "50K", "50 ", " 50", "1TB", "50MBs", "5_000",
        "99999999999GiB", "99999999999999999999",
    ])
    func invalidByteSize(_ text: String) {
        #expect(parseByteSize(text) == nil)
    }

    @Test func formattingReadsBack() {
        for d: Duration in [.zero, .milliseconds(1), .milliseconds(500), .seconds(1), .seconds(5_400), .seconds(90_061)] {
            #expect(parseDuration(formatDuration(d)) == d)
        }
        #expect(formatDuration(.seconds(5_400)) == "1h30m")
        #expect(formatDuration(.milliseconds(1_500)) == "1s500ms")
        #expect(formatByteSize(50_000_000) == "50MB")
        #expect(formatByteSize(524_288) == "512KiB")
        #expect(formatByteSize(1_001) == "1001B")
    }

    @Test func didYouMean() {
        #expect(suggestion(for: "intervall", among: ["interval", "socket"]) == "interval")
        #expect(suggestion(for: "connectTimeout", among: ["timeout", "connect_timeout"]) == "connect_timeout")
        #expect(suggestion(for: "zzz", among: ["interval", "socket"]) == nil)
        #expect(suggestion(for: "on", among: ["name", "on"]) == "on")
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("", "abc") == 3)
    }
}

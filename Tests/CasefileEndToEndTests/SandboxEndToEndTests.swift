import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// Untrusted documents through the built daemon (docs/SANDBOX.md): a PDF
/// whose page draws a form a thousand times that draws another a thousand
/// times, a truncated PDF, one over the page limit, and one that crashes
/// the helper (its test hook), listed before a good report on a crawl
/// served over 127.0.0.1. The control socket keeps answering, each bad
/// document is quarantined with its reason, the good one is read in the
/// same sync, and neither a second sync nor a restart reads them again.
@Suite(.serialized)
struct SandboxEndToEndTests {
    static let bad = [
        ("1", "pathological", "extraction timed out after 3s"),
        ("2", "truncated", "truncated"),
        ("3", "huge", "extraction refused: a PDF of 40 pages, over the limit of 20 (parse_max_pages)"),
        ("4", "crash", "extractor crashed (signal 11)"),
    ]

    func site(_ www: URL) throws {
        func write(_ path: String, _ bytes: [UInt8]) throws {
            let url = www.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let links = (1...5).map { "<li><a href=\"/v1/file/\($0)\">Report \($0)</a></li>" }.joined()
        try write("search", Array("<html><body><ul>\(links)</ul></body></html>".utf8))
        try write("v1/file/1", TestPDF.nestedForms())
        let whole = TestPDF.pages(3)
        try write("v1/file/2", Array(whole.prefix(whole.count - 200)))
        try write("v1/file/3", TestPDF.pages(40))
        try write("v1/file/4", Array("%casefile-test:crash\n".utf8))
        try write("v1/file/5", Array(try SyntheticReports.redbridge2019().utf8))
        try write(".content-types", Array("/search text/html\n/v1/file/ application/pdf\n".utf8))
    }

    /// The daemon's helpers: processes whose parent is the daemon, named
    /// casefile-extract. By the parent in /proc/PID/stat, not by
    /// /proc/PID/task/*/children, which can miss a child whose spawning
    /// thread has ended.
    func helpers(of daemon: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return false }
            let name = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == daemon && name.hasPrefix("casefile-extrac")
        }
    }

    @Test func badDocumentsAreQuarantinedTheSocketAnswersAndARestartDoesNotRedoThem() throws {
        let dir = try TempDir("cfsandbox")
        let www = dir.file("www")
        try site(www)
        let server = try TestHTTPServer(root: www)
        defer { server.stop() }
        let cfg = try dir.write(
            "c.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            parse_timeout = "3s"
            parse_max_pages = 20
            parse_workers = 1
            [fetch]
            per_host_delay = "0s"
            [[source]]
            name = "ofsted"
            kind = "crawl"
            url = "\(server.url("/search"))"
            documents = '/v1/file/\\d+'
            """)
        let socket = dir.file("ctl.sock").path
        let environment = ["CASEFILE_EXTRACT_TEST_HOOKS": "1"]
        var daemon: DaemonProcess? = try DaemonProcess(
            config: cfg, socket: socket, logFile: dir.file("d.log"), environment: environment)
        try daemon!.waitUntilReady()

        // The start-up sync runs; meanwhile every answer comes within a second,
        // and the helper at work is sandboxed.
        var slowest = 0.0
        var sandboxSeen = false
        var finished = false
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let asked = Date()
            let status = try daemon!.ctl(["status", "--json"])
            slowest = max(slowest, Date().timeIntervalSince(asked))
            #expect(status.status == 0, "\(status)")
            for pid in helpers(of: daemon!.pid) {
                guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { continue }
                let lines = s.split(separator: "\n")
                if lines.contains(where: { $0.hasPrefix("Seccomp:") && $0.hasSuffix("\t2") }),
                    lines.contains(where: { $0.hasPrefix("NoNewPrivs:") && $0.hasSuffix("\t1") })
                {
                    sandboxSeen = true
                }
            }
            let sources = try decode(SourcesResponse.self, try daemon!.ctl(["sources", "--json"]))
            if sources.sources.first?.lastSuccess != nil {
                finished = true
                break
            }
            usleep(100_000)
        }
        #expect(finished, "the start-up sync did not finish:\n\(daemon!.log)")
        #expect(slowest < 1.0, "status took \(slowest) s during the sync")
        #expect(sandboxSeen, "no helper with Seccomp: 2 and NoNewPrivs: 1 was seen")

        // The good report, listed after the bad ones, was read in the same sync.
        let changes = try decode(ChangesResponse.self, try daemon!.ctl(["changes", "--json"]))
        #expect(changes.changes.map(\.report.url) == [server.url("/v1/file/5")], "\(changes)")

        func quarantined(_ d: DaemonProcess) throws -> [QuarantineInfo] {
            try decode(SourcesResponse.self, try d.ctl(["sources", "--json"])).sources.first?.quarantined ?? []
        }
        let before = try quarantined(daemon!)
        #expect(before.map(\.url) == Self.bad.map { server.url("/v1/file/\($0.0)") }, "\(before)")
        for (q, expected) in zip(before, Self.bad) {
            #expect(q.reason.contains(expected.2), "\(expected.1): \(q.reason)")
        }
        let status = try decode(StatusResponse.self, try daemon!.ctl(["status", "--json"]))
        #expect(status.quarantined == 4)
        let table = try daemon!.ctl(["sources"])
        #expect(table.stdout.contains("ofsted: 4 quarantined"), "\(table)")
        #expect(table.stdout.contains("extraction timed out after 3s"), "\(table)")
        #expect(try daemon!.ctl(["status"]).stdout.contains("quarantined:    4 documents"))

        // A second sync neither fetches nor reads them again.
        try server.resetStats()
        var started = Date()
        let second = try decode(SyncResponse.self, try daemon!.ctl(["sync", "--wait", "--json"]))
        #expect(second.parsed == 0 && second.failed == 0 && second.notModified == 5, "\(second)")
        #expect(Date().timeIntervalSince(started) < 2.5, "the pathological PDF was read again")
        let files = try server.stats().requests.filter { $0.path.hasPrefix("/v1/file/") }
        #expect(files.allSatisfy { $0.status == 304 }, "\(files)")

        // Nor does a restart.
        #expect(daemon!.signalAndWait(SIGTERM) != nil)
        daemon = nil
        daemon = try DaemonProcess(config: cfg, socket: socket, logFile: dir.file("d.log"), environment: environment)
        try daemon!.waitUntilReady()
        started = Date()
        let third = try decode(SyncResponse.self, try daemon!.ctl(["sync", "--wait", "--json"]))
        #expect(third.parsed == 0 && third.failed == 0 && third.notModified == 5, "\(third)")
        #expect(Date().timeIntervalSince(started) < 2.5)
        #expect(try quarantined(daemon!) == before)

        // reparse --document retries one from its kept bytes: still crashing.
        let crash = try #require(before.first { $0.url.hasSuffix("/v1/file/4") })
        let retry = try decode(ReparseResponse.self, try daemon!.ctl(["reparse", "--document", String(crash.id), "--json"]))
        #expect(retry.documents == 1 && retry.failed == 1 && retry.errors.first?.contains("signal 11") == true, "\(retry)")
        let unknown = try daemon!.ctl(["reparse", "--document", "999999"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no quarantined document with id 999999"), "\(unknown)")

        // New bytes at the truncated one's address: read, out of quarantine.
        let newer = try SyntheticReports.redbridgeVariant(
            dates: "7 March 2022 to 18 March 2022",
            grades: .init(leadership: "Good", helpAndProtection: "Good", childrenInCare: "Good", overall: "Good"))
        try Data(newer.utf8).write(to: www.appendingPathComponent("v1/file/2"))
        let fourth = try decode(SyncResponse.self, try daemon!.ctl(["sync", "--wait", "--json"]))
        #expect(fourth.parsed == 1 && fourth.failed == 0, "\(fourth)")
        #expect(try quarantined(daemon!).map(\.url) == ["1", "3", "4"].map { server.url("/v1/file/\($0)") })
    }
}

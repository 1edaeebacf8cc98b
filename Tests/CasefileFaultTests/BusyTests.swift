import CasefileControl
import CasefileTestKit
import Foundation
import Testing

/// A datagram socket standing in for systemd's NOTIFY_SOCKET: every
/// message the daemon sends, with when it came.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [(at: Date, text: String)] = []
    private var stopped = false

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw HarnessError("cannot bind \(path): errno \(errno)") }
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !lock.withLock({ stopped }) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 {
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    lock.withLock { received.append((Date(), text)) }
                }
            }
        }
        thread.start()
    }

    var messages: [(at: Date, text: String)] { lock.withLock { received } }

    /// When each WATCHDOG=1 came.
    var pings: [Date] { messages.filter { $0.text.contains("WATCHDOG=1") }.map(\.at) }

    func stop() {
        lock.withLock { stopped = true }
        usleep(300_000)
        close(fd)
        unlink(path)
    }
}

extension FaultTests {
    /// A crawl of 300 listing pages (one host, a politeness delay) and 40
    /// reports to parse, under WATCHDOG_USEC = 3 s: `status` answers within
    /// a second throughout, and WATCHDOG=1 never stops for longer than
    /// systemd allows.
    @Test(.timeLimit(.minutes(3)))
    func aLongCrawlKeepsTheSocketAnsweringAndTheWatchdogFed() throws {
        let rig = try FaultRig("cfbusy")
        let site = rig.dir.file("site")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("v1/file"), withIntermediateDirectories: true)
        let pages = 300
        let reports = 40
        for p in 1...pages {
            var html = "<html><body><ul class=\"results-list\">"
            if p <= reports { html += "<li><a href=\"/v1/file/\(p)\">Report \(p)</a></li>" }
            html += "</ul>"
            if p < pages { html += "<a href=\"/search?page=\(p + 1)\">Next</a>" }
            html += "</body></html>"
            try Data(html.utf8).write(to: site.appendingPathComponent("search?page=\(p)"))
        }
        for k in 1...reports {
            try Data(try FaultRig.reportText(k).utf8).write(to: site.appendingPathComponent("v1/file/\(k)"))
        }
        try Data("/search text/html\n/v1/file/ text/plain\n".utf8).write(to: site.appendingPathComponent(".content-types"))
        let server = try TestHTTPServer(root: site)
        defer { server.stop() }
        try rig.dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            [fetch]
            per_host_delay = "40ms"
            [[source]]
            name = "ofsted"
            kind = "crawl"
            url = "\(server.url("/search?page=1"))"
            documents = '/v1/file/\\d+'
            """)
        let notify = try NotifySocket(path: rig.dir.file("notify.sock").path)
        defer { notify.stop() }
        let d = try rig.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "3000000"])
        let began = Date()
        #expect(try d.ctl(["sync"], timeout: 10).status == 0)
        var latencies: [Double] = []
        var done = false
        while Date().timeIntervalSince(began) < 150 {
            latencies.append(timedStatus(d.socket))
            let sources = try? decode(SourcesResponse.self, try d.ctl(["sources", "--json"], timeout: 10))
            if let s = sources?.sources.first, s.documents == reports, s.lastSuccess != nil {
                done = true
                break
            }
            usleep(150_000)
        }
        let took = Date().timeIntervalSince(began)
        #expect(done, "the crawl did not finish in 150 s:\n\(d.log)")
        let worst = latencies.max() ?? 99
        #expect(worst < 1.0, "status took \(worst) s at worst over \(latencies.count) polls")
        // The pings over the whole sync: one at least every WATCHDOG_USEC.
        let pings = notify.pings.filter { $0 >= began }
        let gaps = zip(pings.dropFirst(), pings).map { $0.timeIntervalSince($1) }
        #expect(pings.count >= Int(took / 3), "\(pings.count) pings in \(took) s")
        let widest = gaps.max() ?? 0
        #expect(widest < 3.0, "the watchdog pings stopped for \(widest) s (WATCHDOG_USEC = 3 s)")
        let stats = try server.stats()
        #expect(stats.requests.filter { $0.path.hasPrefix("/search") }.count >= pages, "every listing page read")
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        let sorted = latencies.sorted()
        summary(
            String(
                format:
                    "busy sync: crawl of %d listing pages + %d reports took %.1f s; status polled %d times, median %.0f ms, worst %.0f ms; %d watchdog pings, widest gap %.2f s (WATCHDOG_USEC 3 s)",
                pages, reports, took, latencies.count, 1000 * sorted[sorted.count / 2], 1000 * worst, pings.count, widest))
    }
}

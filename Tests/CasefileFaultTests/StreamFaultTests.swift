import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

extension FaultTests {
    /// A `changes/stream` reader that reads nothing for 10 s while a sync
    /// records hundreds of changes (more bytes than the socket buffers
    /// hold), then reads slowly: every change, in order, no gap.
    @Test(.timeLimit(.minutes(3)))
    func aSlowStreamReaderGetsEveryChangeWithoutAGap() throws {
        let rig = try FaultRig("cfslow")
        try rig.dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            [[source]]
            name = "folder"
            kind = "directory"
            url = "www"
            """)
        for k in 0..<400 { try rig.addReport(k) }
        let d = try rig.start()
        let s = try RawUnixSocket(path: d.socket)
        s.send(Array("GET /v1/changes/stream?since=0 HTTP/1.1\r\nHost: casefiled\r\n\r\n".utf8))
        let began = Date()
        #expect(try d.ctl(["sync", "--wait"], timeout: 150).status == 0)
        let all = try rig.sql("SELECT seq FROM \"change\" ORDER BY seq").compactMap { Int64($0) }
        if Date().timeIntervalSince(began) < 10 { usleep(useconds_t((10 - Date().timeIntervalSince(began)) * 1_000_000)) }
        // Now read, 16 KiB at a time with pauses, until the last change came.
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let deadline = Date().addingTimeInterval(60)
        var seqs: [Int64] = []
        while Date() < deadline {
            var pfd = pollfd(fd: s.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 500) > 0 else { continue }
            let n = recv(s.fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            bytes += buffer[0..<n]
            usleep(20_000)
            seqs = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
                guard let start = line.firstIndex(of: "{") else { return nil }
                return (try? JSONDecoder().decode(ChangeRecord.self, from: Data(line[start...].utf8)))?.seq
            }
            if seqs.last == all.last { break }
        }
        #expect(all.count >= 400)
        #expect(seqs == all, "the stream gave \(seqs.count) of \(all.count) changes")
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        summary(
            "slow stream reader: paused 10 s over \(all.count) changes (\(bytes.count / 1024) KiB), then got \(seqs.count)/\(all.count), no gap"
        )
    }
}

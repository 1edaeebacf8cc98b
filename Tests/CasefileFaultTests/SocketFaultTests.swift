import CasefileControl
import CasefileTestKit
import Foundation
import Testing

extension FaultTests {
    /// Every connection the socket serves held open by idle clients: the
    /// next one is answered 503 with a JSON error it can read (not closed
    /// without a word), and the socket serves again once they go.
    @Test(.timeLimit(.minutes(2)))
    func aConnectionOverTheCapIsAnswered503() throws {
        let rig = try FaultRig("cfcap")
        try rig.writeConfig()
        let d = try rig.start()
        // Root may act, so all 64 connections are open to it. Idle clients
        // are added until a request is turned away (the daemon counts a
        // connection once it has accepted it, a moment after connect).
        var idle: [RawUnixSocket] = []
        var answer: SocketHTTPResponse?
        while idle.count < 100 {
            idle.append(try RawUnixSocket(path: d.socket))
            guard idle.count >= 64 else { continue }
            usleep(100_000)
            answer = try? socketGET(d.socket, "/v1/status", timeout: 5)
            if answer?.status == 503 { break }
        }
        #expect(answer?.status == 503, "last answer: \(answer.map { "\($0.status) \($0.text)" } ?? "none")\n\(d.log)")
        #expect((64...72).contains(idle.count), "turned away with \(idle.count) idle connections open")
        let body = answer?.text ?? ""
        #expect(body.contains("\"busy\"") && body.contains("too many connections"), "\(body)")
        #expect(d.process.isRunning)
        let held = idle.count
        idle.removeAll()  // each closes as it goes
        #expect(waitFor(10, interval: 0.2) { (try? socketGET(d.socket, "/v1/status", timeout: 5))?.status == 200 })
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        summary(
            "connection cap: \(held) idle connections held, the next answered 503 \(body.trimmingCharacters(in: .whitespacesAndNewlines)); served again once they closed"
        )
    }
}

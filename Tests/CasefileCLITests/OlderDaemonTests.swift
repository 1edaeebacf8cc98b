import Foundation
import Testing

/// A casefilectl newer than the daemon it asks (a package upgraded, the
/// daemon not yet restarted): the answers lack the fields issue 13 added
/// (`incomplete`, `missing`, `statedPrevious`) and still read.
struct OlderDaemonTests {
    @Test func answersWithoutTheCompletenessFieldsStillRead() throws {
        let status =
            #"{"authorities":1,"changes":0,"documents":1,"paused":false,"pendingNotifications":0,"reports":1,"store":"/s","uptime":1,"version":"0.1.0"}"#
        let grades =
            #"{"authorities":[{"framework":"ilacs","grades":{"overall":"good"},"inspection":{"end":"2019-05-03","start":"2019-04-29"},"name":"Redbridge","report":7,"slug":"redbridge"}]}"#
        let history =
            #"{"authority":{"name":"Redbridge","slug":"redbridge"},"reports":[{"framework":"ilacs","grades":{"overall":"good"},"id":7,"inspection":{"end":"2019-05-03","start":"2019-04-29"}}]}"#
        let stub = try StubDaemon([
            "GET /v1/status": .init(status: 200, body: Array((status + "\n").utf8)),
            "GET /v1/grades": .init(status: 200, body: Array((grades + "\n").utf8)),
            "GET /v1/authorities/redbridge/history": .init(status: 200, body: Array((history + "\n").utf8)),
        ])
        defer { stub.stop() }
        let s = casefilectl(["status", "--socket", stub.socket])
        #expect(s.status == 0 && s.stdout.contains("incomplete:     –"), "\(s)")
        let g = casefilectl(["grades", "--socket", stub.socket])
        #expect(g.status == 0 && !g.stdout.contains("?"), "\(g)")
        let h = casefilectl(["history", "redbridge", "--socket", stub.socket])
        #expect(h.status == 0 && !h.stdout.contains("stated"), "\(h)")
    }
}

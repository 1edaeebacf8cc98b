import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// How a failure reaches the user: one line on stderr and the exit status
/// (1 the daemon refused or failed, 2 usage, 3 cannot reach the daemon).
struct ErrorTests {
    typealias Answer = StubDaemon.Answer

    @Test func theDaemonsRefusalIsItsCodeAndMessage() throws {
        let stub = try StubDaemon([
            "GET /v1/authorities/nobody": .error(404, "not_found", "no reports on file for authority 'nobody'"),
            "POST /v1/reload": .error(422, "invalid_config", "c.toml:4: interval: 'soon' is not a duration"),
        ])
        defer { stub.stop() }
        for json in [false, true] {
            let show = casefilectl(["show", "nobody", "--socket", stub.socket] + (json ? ["--json"] : []))
            #expect(show.status == 1, "\(show)")
            #expect(show.out.isEmpty)
            #expect(show.stderr == "casefilectl: casefiled refused (404 not_found): no reports on file for authority 'nobody'\n")
        }
        let reload = casefilectl(["reload", "--socket", stub.socket])
        #expect(reload.status == 1)
        #expect(reload.stderr == "casefilectl: casefiled refused (422 invalid_config): c.toml:4: interval: 'soon' is not a duration\n")
    }

    @Test func anAnswerThatIsNotTheDaemonsIsShownAsItCame() throws {
        let stub = try StubDaemon([
            "GET /v1/status": Answer(status: 502, body: Array("<html>Bad Gateway</html>\n".utf8)),
            "GET /v1/grades": Answer(status: 200, body: Array("{\"authorities\": 3}\n".utf8)),
        ])
        defer { stub.stop() }
        let status = casefilectl(["status", "--socket", stub.socket])
        #expect(status.status == 1)
        #expect(status.stderr == "casefilectl: casefiled refused (502 http_502): <html>Bad Gateway</html>\n\n")
        // --json too: what cannot be read is not passed on.
        let grades = casefilectl(["grades", "--json", "--socket", stub.socket])
        #expect(grades.status == 1)
        #expect(grades.out.isEmpty)
        #expect(grades.stderr.hasPrefix("casefilectl: unexpected answer from casefiled: "), "\(grades)")
    }

    @Test func aFailureInsideAStreamIsARefusal() throws {
        let stub = try StubDaemon([
            "POST /v1/sync?source=nope&wait=true&progress=true": .lines([APIErrorBody(code: "not_found", message: "no source named 'nope'")]
            )
        ])
        defer { stub.stop() }
        let run = casefilectl(["sync", "--source", "nope", "--wait", "--socket", stub.socket])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "casefilectl: casefiled refused (404 not_found): no source named 'nope'\n")
    }

    @Test func aStreamThatEndsWithoutItsResultFails() throws {
        let stub = try StubDaemon(["POST /v1/sync?wait=true&progress=true": .lines(Array(Fixtures.syncStream.dropLast()))])
        defer { stub.stop() }
        let run = casefilectl(["sync", "--wait", "--socket", stub.socket])
        #expect(run.status == 1)
        #expect(run.stderr.hasSuffix("casefilectl: unexpected answer from casefiled: the sync stream ended without a result\n"), "\(run)")
    }

    @Test func nothingOnTheSocketIsExit3() throws {
        let dir = try TempDir("cfcli")
        let missing = dir.file("nobody.sock").path
        for args in [["status"], ["changes", "--follow"], ["sync", "--wait"], ["notifications", "retry", "1"]] {
            let run = casefilectl(args + ["--socket", missing])
            #expect(run.status == 3, "\(args): \(run)")
            #expect(run.stderr.hasPrefix("casefilectl: cannot reach casefiled at \(missing) — is it running? ("), "\(run)")
            #expect(run.out.isEmpty)
        }
    }

    @Test func theSocketComesFromTheOptionOrTheEnvironment() {
        #expect(ControlClient.defaultSocketPath(environment: [:]) == "/run/casefiled/control.sock")
        #expect(ControlClient.defaultSocketPath(environment: ["CASEFILE_SOCKET": ""]) == "/run/casefiled/control.sock")
        #expect(ControlClient.defaultSocketPath(environment: ["CASEFILE_SOCKET": "/tmp/x.sock"]) == "/tmp/x.sock")
    }

    @Test func usageErrorsAreExit2OnStderr() {
        for args in [
            ["frobnicate"], ["changes", "--limit", "0"], ["changes", "--since", "-1"], ["changes", "--follow", "--kind", "report_added"],
            ["changes", "--kind", "grade_moved"], ["show"], ["export", "--format", "xlsx"], ["status", "--jsn"],
            ["export", "--format", "html", "--json"], ["due", "--within", "soon"], ["due", "--within", "11y"],
            ["parse", "x.pdf", "--text", "--json"],
        ] {
            let run = casefilectl(args)
            #expect(run.status == 2, "\(args): \(run)")
            #expect(run.out.isEmpty, "\(args): \(run)")
            #expect(run.stderr.hasPrefix("Error: "), "\(args): \(run)")
            #expect(run.stderr.contains("Usage: casefilectl"), "\(args): \(run)")
        }
    }

    @Test func aSlugIsOnePathSegment() throws {
        let stub = try StubDaemon(["GET /v1/authorities/a%2Fb%20c/history": .json(Fixtures.history)])
        defer { stub.stop() }
        let run = casefilectl(["history", "a/b c", "--socket", stub.socket])
        #expect(run.status == 0, "\(run)")
        #expect(stub.requests == ["GET /v1/authorities/a%2Fb%20c/history"])
    }
}

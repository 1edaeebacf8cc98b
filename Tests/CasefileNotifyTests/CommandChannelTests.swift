import CasefileModel
import CasefileNotify
import CasefileTestKit
import Foundation
import Testing

/// The command notifier over the spawn layer: what it gives the command and
/// what its failures say (they are kept as the delivery's last error).
struct CommandChannelTests {
    let change = ChangeRecord(
        seq: 42, id: "chg-42", kind: .gradeChanged, at: "2026-11-27T09:00:00Z",
        authority: Authority(name: "Redbridge", slug: "redbridge"),
        report: ReportRef(
            id: 7, framework: .ilacs,
            inspection: DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-03")!), url: nil))

    func channel(_ argv: [String], timeout: Duration = .seconds(20), environment: [String: String] = ["PATH": "/usr/bin:/bin"])
        -> CommandChannel
    {
        CommandChannel(name: "hook", argv: argv, maxAttempts: 1, timeout: timeout, environment: environment)
    }

    func failure(_ c: CommandChannel) async -> String? {
        do throws(DeliveryError) {
            try await c.deliver(change, json: Data("{\"id\":\"chg-42\"}".utf8))
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func theCommandGetsTheJSONAndTheChangeInItsEnvironment() async throws {
        let dir = try TempDir("notify")
        let out = dir.file("got").path
        let c = channel(
            ["sh", "-c", "cat > \(out); env | grep -E '^(CASEFILE_|EXTRA=)' | sort >> \(out)"],
            environment: ["PATH": "/usr/bin:/bin", "EXTRA": "kept"])
        #expect(await failure(c) == nil)
        let got = try String(contentsOfFile: out, encoding: .utf8)
        #expect(
            got == """
                {"id":"chg-42"}CASEFILE_AUTHORITY=redbridge
                CASEFILE_CHANGE_ID=chg-42
                CASEFILE_CHANGE_KIND=grade_changed
                CASEFILE_CHANGE_SEQ=42
                EXTRA=kept

                """)
    }

    @Test func failuresSayWhatHappened() async {
        #expect(
            await failure(channel(["sh", "-c", "echo 'receiver not ready' >&2; exit 3"]))
                == "command sh exited with status 3: receiver not ready")
        #expect(await failure(channel(["sh", "-c", "exit 1"])) == "command sh exited with status 1")
        #expect(await failure(channel(["sh", "-c", "kill -9 $$"])) == "command sh was killed by signal 9")
        #expect(
            await failure(channel(["sh", "-c", "sleep 100"], timeout: .seconds(1)))
                == "command sh did not finish within 1 s and was stopped")
        #expect(await failure(channel(["/nonexistent/notify"])) == "cannot run /nonexistent/notify: No such file or directory")
        #expect(await failure(channel(["no-such-notifier"])) == "cannot run no-such-notifier: not found on PATH (/usr/bin:/bin)")
    }
}

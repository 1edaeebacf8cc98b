import CasefileControl
import CasefileDigest
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// Webhook and email channels against real receivers on 127.0.0.1, their
/// filters, retries with the same id, and the live change feed.
@Suite("Notify end to end", .serialized)
struct NotifyEndToEndTests {
    static let newerGrades = SyntheticReports.Grades(
        leadership: "Good", helpAndProtection: "Good", childrenInCare: "Requires improvement to be good", overall: "Good")

    @Test func gradeChangeArrivesOnceOnWebhookAndEmailWithFiltersRetriesAndFollow() throws {
        let dir = try TempDir("cfnotify")
        let www = dir.file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: www.appendingPathComponent("redbridge.txt"))
        let server = try TestHTTPServer(root: www)
        defer { server.stop() }
        let sink = try SMTPSink(folder: dir.file("mail"))
        defer { sink.stop() }
        let secret = try dir.write("hook.secret", "s3cret-key\n")
        chmod(secret.path, 0o600)
        let config = try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"

            [[source]]
            name = "ofsted-test"
            kind = "document"
            url = "\(server.baseURL)/redbridge.txt"

            [[notify]]
            name = "hook"
            kind = "webhook"
            url = "\(server.baseURL)/__hook?key=main&fail=3"
            headers = { Authorization = "Bearer abc", "X-Team" = "qa" }
            secret_file = "hook.secret"
            on = ["grade_changed"]
            max_attempts = 5
            retry_delay = "200ms"

            [[notify]]
            name = "mail"
            kind = "email"
            url = "\(sink.url)"
            starttls = "never"
            from = "casefile@example.org"
            to = ["qa@example.org", "director@example.org"]
            on = ["grade_changed"]
            regions = ["London"]
            areas = ["overall"]

            [[notify]]
            name = "slowpoke"
            kind = "webhook"
            url = "\(server.baseURL)/__hook?key=slow&delay=600"
            on = ["grade_changed"]
            timeout = "120s"

            [[notify]]
            name = "elsewhere"
            kind = "webhook"
            url = "\(server.baseURL)/__hook?key=elsewhere"
            authorities = ["camden"]
            regions = ["North East"]

            [[notify]]
            name = "good-news"
            kind = "webhook"
            url = "\(server.baseURL)/__hook?key=good-news"
            direction = "improved"
            on = ["grade_changed"]
            """)
        let socket = dir.file("ctl.sock").path
        let daemon = try DaemonProcess(config: config, socket: socket, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)
        let before = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--json"]))

        // A follower from the end of the log, running while the change is committed.
        let followOut = dir.file("follow.out")
        _ = FileManager.default.createFile(atPath: followOut.path, contents: nil)
        let follower = Process()
        follower.executableURL = TestPaths.binary("casefilectl")
        follower.arguments = ["changes", "--follow", "--json", "--socket", socket]
        follower.standardOutput = try FileHandle(forWritingTo: followOut)
        try launch(follower)
        defer { if follower.isRunning { follower.terminate(); follower.waitUntilExit() } }
        usleep(500_000)

        try Data(try SyntheticReports.redbridgeVariant(dates: "7 March 2022 to 18 March 2022", grades: Self.newerGrades).utf8)
            .write(to: www.appendingPathComponent("redbridge.txt"))
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)
        let after = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--since", String(before.next), "--json"]))
        let change = try #require(after.changes.first { $0.kind == .gradeChanged })

        // The follower printed both new changes, in order, once each.
        let followed = { () -> [ChangeRecord] in
            ((try? String(contentsOf: followOut, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONDecoder().decode(ChangeRecord.self, from: Data($0.utf8)) }
        }
        #expect(waitFor(10) { followed().count == after.changes.count }, "\(followed())")
        #expect(followed().map(\.seq) == after.changes.map(\.seq))
        // A reconnect from the seq before the change misses nothing and repeats nothing.
        follower.terminate()
        follower.waitUntilExit()
        let resumedOut = dir.file("resumed.out")
        _ = FileManager.default.createFile(atPath: resumedOut.path, contents: nil)
        let resumed = Process()
        resumed.executableURL = TestPaths.binary("casefilectl")
        resumed.arguments = ["changes", "--follow", "--json", "--since", String(before.next), "--socket", socket]
        resumed.standardOutput = try FileHandle(forWritingTo: resumedOut)
        try launch(resumed)
        defer { if resumed.isRunning { resumed.terminate(); resumed.waitUntilExit() } }
        let resumedLines = { () -> [Int64] in
            ((try? String(contentsOf: resumedOut, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONDecoder().decode(ChangeRecord.self, from: Data($0.utf8)).seq }
        }
        #expect(waitFor(10) { resumedLines().count >= after.changes.count })
        usleep(600_000)
        #expect(resumedLines() == after.changes.map(\.seq))

        // Webhook: three 503s, then the fourth succeeds; the same id every time.
        let hookPath = "/__hook?key=main&fail=3"
        #expect(waitFor(30) { ((try? server.stats().requests(to: hookPath).filter { $0.status == 200 }.count) ?? 0) == 1 }, "\(daemon.log)")
        let posts = try server.stats().requests(to: hookPath)
        #expect(posts.map(\.status) == [503, 503, 503, 200])
        #expect(Set(posts.compactMap { $0.header("Idempotency-Key") }) == [change.id])
        let post = try #require(posts.last)
        #expect(post.header("Authorization") == "Bearer abc")
        #expect(post.header("X-Team") == "qa")
        #expect(post.header("Content-Type") == "application/json")
        let body = try #require(post.body)
        let expectedSignature = "sha256=" + HMACSHA256.hex(key: Array("s3cret-key".utf8), message: Array(body.utf8))
        #expect(post.header("X-Casefile-Signature") == expectedSignature)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["id"] as? String == change.id)
        #expect(object["kind"] as? String == "grade_changed")
        let text = try #require(object["text"] as? String)
        #expect(
            text.hasPrefix(
                "Ofsted's ILACS inspection of Redbridge children's services (7 to 18 March 2022) moved overall effectiveness from outstanding to good"
            ), "\(text)")
        #expect(text.contains("Change: \(change.id)"))
        #expect(object["subject"] as? String == "Redbridge: overall effectiveness outstanding → good (and 3 more)")
        print(
            "webhook as received: POST \(hookPath)\n\(post.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))\n\n\(body)"
        )

        // Email: once, to both recipients, subject RFC 2047-encoded, Message-ID from the change.
        #expect(waitFor(20) { sink.messages().count == 1 }, "\(daemon.log)")
        let mail = try #require(sink.messages().first)
        #expect(mail.from == "casefile@example.org")
        #expect(mail.to == ["qa@example.org", "director@example.org"])
        #expect(mail.header("Message-ID") == "<\(change.id)@casefile>")
        let subject = try #require(mail.header("Subject"))
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        #expect(Self.decodeRFC2047(subject) == "Redbridge: overall effectiveness outstanding → good (and 3 more)")
        #expect(mail.body.contains("Report: \(server.baseURL)/redbridge.txt"))
        print("email as received (MAIL FROM \(mail.from), RCPT TO \(mail.to)):\n\(mail.data)")

        // Filters: camden/North East and "improved" hear nothing of a London decline.
        let stats = try server.stats()
        #expect(stats.requests(to: "/__hook?key=elsewhere").isEmpty)
        #expect(stats.requests(to: "/__hook?key=good-news").isEmpty)

        // Listed as delivered, with attempts; nothing pending or failed.
        let list = try decode(NotificationsResponse.self, try daemon.ctl(["notifications", "--json"]))
        #expect(list.deliveries.filter { $0.channel == "hook" }.map(\.attempts) == [4])
        #expect(list.deliveries.filter { $0.channel != "slowpoke" }.allSatisfy { $0.state == "delivered" }, "\(list)")
        #expect(Set(list.deliveries.map(\.channel)) == ["hook", "mail", "slowpoke"])
        // The slow receiver is still answering its first request: it held up
        // nobody, neither the sync nor the other channels.
        #expect(list.deliveries.first { $0.channel == "slowpoke" }?.state == "pending", "\(list)")
        // Nothing was ever sent twice.
        usleep(1_000_000)
        #expect(sink.messages().count == 1)
        #expect(try server.stats().requests(to: hookPath).count == 4)
    }

    /// "=?UTF-8?B?…?=" words, folded, back to text.
    /// A delivery that used up max_attempts is parked as failed, shows in
    /// `notifications` with its error, and `notifications retry` sends it
    /// again, through the built binaries.
    @Test func aParkedDeliveryIsShownAndRetriedOnRequest() throws {
        let dir = try TempDir("cfretry")
        try FileManager.default.createDirectory(at: dir.file("www"), withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: dir.file("www/redbridge.txt"))
        let script = try dir.write(
            "notify.sh",
            """
            #!/bin/sh
            [ -f "\(dir.path)/allow" ] || { echo "receiver not ready" >&2; exit 1; }
            cat > "\(dir.path)/delivered.json"
            """)
        chmod(script.path, 0o755)
        let config = try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            notify_initial_sync = true

            [[source]]
            name = "folder"
            kind = "directory"
            url = "www"

            [[notify]]
            name = "hook"
            kind = "command"
            command = ["\(script.path)"]
            max_attempts = 1
            """)
        let daemon = try DaemonProcess(config: config, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()
        func deliveries() throws -> [DeliveryEntry] {
            try decode(NotificationsResponse.self, try daemon.ctl(["notifications", "--json"])).deliveries
        }
        #expect(try waitFor(30) { try deliveries().first?.state == "failed" }, "\((try? deliveries()) ?? [])\n\(daemon.log)")
        let parked = try #require(try deliveries().first)
        #expect(parked.attempts == 1 && parked.kind == .reportAdded && parked.channel == "hook")
        #expect(parked.lastError?.contains("receiver not ready") == true, "\(parked)")
        let table = try daemon.ctl(["notifications"])
        #expect(table.stdout.contains("failed") && table.stdout.contains("receiver not ready"), "\(table)")

        #expect(try daemon.ctl(["notifications", "retry", "99999"]).status != 0, "an unknown id is refused")
        try Data().write(to: dir.file("allow"))
        let retry = try daemon.ctl(["notifications", "retry", String(parked.id)])
        #expect(retry.status == 0 && retry.stdout.contains("1 delivery queued again"), "\(retry)")
        #expect(try waitFor(30) { try deliveries().first?.state == "delivered" }, "\((try? deliveries()) ?? [])\n\(daemon.log)")
        #expect(FileManager.default.fileExists(atPath: dir.file("delivered.json").path))
        let again = try daemon.ctl(["notifications", "retry"])
        #expect(again.status == 0 && again.stdout.contains("nothing to retry"), "\(again)")
    }

    static func decodeRFC2047(_ s: String) -> String {
        var bytes: [UInt8] = []
        for word in s.split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\n" }) {
            let w = String(word)
            guard w.hasPrefix("=?UTF-8?B?"), w.hasSuffix("?=") else { return s }
            bytes += [UInt8](Data(base64Encoded: String(w.dropFirst(10).dropLast(2))) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

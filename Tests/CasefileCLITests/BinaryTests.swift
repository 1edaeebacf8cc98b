import CasefileControl
import CasefileTestKit
import Foundation
import Testing

@testable import CasefileCLI

/// The built `casefilectl` itself: what a newcomer types first, and every
/// table against a real casefiled, drawn from the same answer as `--json`.
@Suite(.serialized)
struct BinaryTests {
    /// The binary's help on a pipe wraps at 80 columns unless COLUMNS says otherwise.
    func run(_ args: [String]) throws -> CommandResult {
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "80"
        return try runCommand(TestPaths.binary("casefilectl"), args, environment: env, timeout: 60)
    }

    @Test func helpAsANewUserTypesIt() throws {
        let root = [UInt8](try Data(contentsOf: Golden.folder.appendingPathComponent(HelpGoldenTests.goldenName([]))))
        let status = [UInt8](try Data(contentsOf: Golden.folder.appendingPathComponent(HelpGoldenTests.goldenName(["status"]))))
        for (args, expected) in [
            ([], root), (["--help"], root), (["-h"], root), (["help"], root),
            (["help", "status"], status), (["status", "--help"], status),
        ] {
            let r = try run(args)
            #expect(r.status == 0, "casefilectl \(args): \(r)")
            #expect([UInt8](r.stdoutData) == expected, "casefilectl \(args): \(r)")
            #expect(r.stderr.isEmpty, "casefilectl \(args): \(r)")
        }
        let unknown = try run(["frobnicate"])
        #expect(unknown.status == 2 && unknown.stdout.isEmpty && unknown.stderr.contains("See 'casefilectl --help'"), "\(unknown)")
    }

    @Test func everyTableIsItsJSONDrawnAgainstARealDaemon() throws {
        let dir = try TempDir("cfctl")
        let folder = dir.file("reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(try SyntheticReports.redbridge2019().utf8).write(to: folder.appendingPathComponent("redbridge.txt"))
        let config = try dir.write(
            "c.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            notify_initial_sync = true

            [[source]]
            name = "folder"
            kind = "directory"
            url = "reports"

            [[notify]]
            name = "sink"
            kind = "command"
            command = ["/bin/true"]
            """)
        let daemon = try DaemonProcess(config: config, socket: dir.file("ctl.sock").path, logFile: dir.file("d.log"))
        try daemon.waitUntilReady()

        let sync = try daemon.ctl(["sync", "--wait"])
        #expect(sync.status == 0, "\(sync)")
        #expect(
            sync.stdout.range(of: #"^fetched \d+, not modified \d+, parsed \d+, failed 0, changes \d+\n$"#, options: .regularExpression)
                != nil, "\(sync)")
        #expect(sync.stderr.contains("folder: 1 documents found"), "\(sync)")
        func json<T: Decodable>(_ args: [String], _ type: T.Type) throws -> T { try decode(T.self, try daemon.ctl(args + ["--json"])) }
        #expect(
            try waitFor(20) { try json(["notifications"], NotificationsResponse.self).deliveries.first?.state == "delivered" },
            "\(daemon.log)")

        func expectTable(_ args: [String], _ render: () throws -> String) throws {
            let table = try daemon.ctl(args)
            #expect(table.status == 0 && table.stderr.isEmpty, "\(args): \(table)")
            #expect(table.stdout == (try render()), "\(args)")
        }
        try expectTable(["sources"]) { Sources.render(try json(["sources"], SourcesResponse.self)) }
        try expectTable(["grades"]) { Grades.render(try json(["grades"], GradesResponse.self)) }
        try expectTable(["export"]) { Export.csv(try json(["grades"], GradesResponse.self)) }
        try expectTable(["changes"]) { Changes.render(try json(["changes"], ChangesResponse.self), since: nil) }
        try expectTable(["history", "redbridge"]) { History.render(try json(["history", "redbridge"], HistoryResponse.self)) }
        try expectTable(["show", "redbridge"]) { Show.render(try json(["show", "redbridge"], ShowResponse.self)) }
        try expectTable(["notifications"]) { NotificationsList.render(try json(["notifications"], NotificationsResponse.self)) }
        try expectTable(["reparse"]) { Reparse.render(try json(["reparse"], ReparseResponse.self)) }
        try expectTable(["notifications", "retry"]) { "nothing to retry\n" }
        try expectTable(["pause"]) { "scheduled syncing paused\n" }
        // Status: the uptime may tick between the two calls.
        let before = try json(["status"], StatusResponse.self)
        let status = try daemon.ctl(["status"])
        let after = try json(["status"], StatusResponse.self)
        #expect(before.paused && before.reports == 1)
        #expect(status.status == 0 && [Status.render(before), Status.render(after)].contains(status.stdout), "\(status)")
        try expectTable(["resume"]) { "scheduled syncing resumed\n" }
        try expectTable(["reload"]) { "reloaded \(config.path): 1 sources, 1 notifiers\n" }
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
    }
}

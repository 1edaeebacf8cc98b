import CasefileControl
import CasefileModel
import CasefileTestKit
import Foundation
import Testing

/// The dashboard, `due`, `[publish]` and the metrics with the real parts:
/// the built `casefiled` and `casefilectl`, a real store, the real socket.
@Suite(.serialized)
struct DashboardEndToEndTests {
    static let samples = TestPaths.packageRoot.appendingPathComponent("Config/samples")

    /// The demo's own config, unchanged, in a copy of the repository's layout
    /// (`Config/demo.toml` beside a link to `Config/samples`), so that its
    /// `../.casefile` lands in a temp folder.
    @Test func theDemoRecordsHistoryShowsGradeChangesAndPublishesTheDashboard() throws {
        let dir = try TempDir("cfdemo")
        let config = dir.file("Config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestPaths.packageRoot.appendingPathComponent("Config/demo.toml"), to: config.appendingPathComponent("demo.toml"))
        try FileManager.default.createSymbolicLink(at: config.appendingPathComponent("samples"), withDestinationURL: Self.samples)
        let socket = dir.file(".casefile/control.sock").path
        let daemon = try DaemonProcess(config: config.appendingPathComponent("demo.toml"), socket: socket, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        let page = dir.file(".casefile/public/index.html").path
        #expect(waitFor(60) { FileManager.default.fileExists(atPath: page) }, "no page published:\n\(daemon.log)")
        // The start-up syncs are over once both sources have succeeded.
        #expect(
            try waitFor(60) {
                let sources = try decode(SourcesResponse.self, try daemon.ctl(["sources", "--json"]))
                return sources.sources.allSatisfy { $0.lastSuccess != nil }
            })

        let archived = try FileManager.default.contentsOfDirectory(atPath: Self.samples.appendingPathComponent("archive").path)
            .filter { $0.hasSuffix(".txt") }
        let current = try FileManager.default.contentsOfDirectory(atPath: Self.samples.path).filter { $0.hasSuffix(".txt") }
        let status = try decode(StatusResponse.self, try daemon.ctl(["status", "--json"]))
        #expect(status.reports == archived.count + current.count, "every sample is read: \(status)")
        let changes = try decode(ChangesResponse.self, try daemon.ctl(["changes", "--limit", "1000", "--json"])).changes
        let moved = changes.filter { $0.kind == .gradeChanged }
        // The earlier reports are synced first: every authority with a graded
        // report in both folders shows its grade change on the first run.
        #expect(moved.count >= 3, "grade changes on the first run: \(changes.map { "\($0.kind.rawValue) \($0.authority.slug)" })")
        #expect(moved.contains { $0.authority.slug == "southend-on-sea" })
        #expect(changes.filter { $0.kind == .reportAdded }.count == status.reports)

        let publish = try #require(status.publish)
        #expect(publish.folder == dir.file(".casefile/public").path)
        #expect(
            waitFor(30) {
                (try? decode(StatusResponse.self, try daemon.ctl(["status", "--json"])).publish?.lastPublished) != nil
            })
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file(".casefile/public").path).sorted()
        #expect(names == ["changes.atom", "grades.csv", "grades.json", "index.html"])

        // The page on the socket is the published one, byte for byte (same store, same day).
        #expect(
            waitFor(30) {
                let exported = try? daemon.ctl(["export", "--format", "html"])
                return exported?.stdoutData == FileManager.default.contents(atPath: page)
            })
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("Southend-on-Sea") && html.contains("Redbridge"))
        #expect(!html.contains("file:///") && !html.contains(Self.samples.path), "no server folder on the published page")
        let csv = try String(contentsOfFile: dir.file(".casefile/public/grades.csv").path, encoding: .utf8)
        #expect(csv == (try daemon.ctl(["export"])).stdout)
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
    }

    func writeConfig(_ dir: TempDir, publish folder: String) throws -> URL {
        let inbox = dir.file("inbox")
        if !FileManager.default.fileExists(atPath: inbox.path) {
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.samples.path) where name.hasSuffix(".txt") {
                try FileManager.default.copyItem(at: Self.samples.appendingPathComponent(name), to: inbox.appendingPathComponent(name))
            }
        }
        return try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"

            [[source]]
            name = "inbox"
            kind = "directory"
            url = "inbox"

            [publish]
            folder = "\(folder)"
            mode = "0640"

            [metrics]
            textfile = "node/casefiled.prom"
            textfile_interval = "1s"
            """)
    }

    @Test func aPublishingFailureNeverFailsASyncShowsInStatusAndClearsAfterAReload() throws {
        let dir = try TempDir("cfpub")
        FileManager.default.createFile(atPath: dir.file("not-a-folder").path, contents: Data("x".utf8))
        try FileManager.default.createDirectory(at: dir.file("node"), withIntermediateDirectories: true)
        let config = try writeConfig(dir, publish: "not-a-folder/public")
        let socket = dir.file("ctl.sock").path
        let daemon = try DaemonProcess(config: config, socket: socket, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        let sync = try decode(SyncResponse.self, try daemon.ctl(["sync", "--wait", "--json"]))
        #expect(sync.failed == 0, "\(sync)")
        var status = try decode(StatusResponse.self, try daemon.ctl(["status", "--json"]))
        #expect(status.reports > 0)
        #expect(
            waitFor(30) {
                (try? decode(StatusResponse.self, try daemon.ctl(["status", "--json"])).publish?.lastError) != nil
            }, "\(daemon.log)")
        status = try decode(StatusResponse.self, try daemon.ctl(["status", "--json"]))
        let error = try #require(status.publish?.lastError)
        #expect(error.contains("not-a-folder"), "\(error)")
        #expect(status.publish?.lastPublished == nil)
        let table = try daemon.ctl(["status"])
        #expect(table.status == 0 && table.stdout.contains("PUBLISHING FAILED"), "\(table)")
        #expect(daemon.log.contains("publishing to \(dir.file("not-a-folder/public").path) failed"), "the journal says so")

        // The metrics say so too; the sync's figures and the store's are there.
        let metrics = try socketGET(socket, "/v1/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = try PromText(metrics.text)
        #expect(text.value("casefile_publish_failing") == 1)
        #expect((text.value("casefile_documents_total", ["source": "inbox", "outcome": "parsed"]) ?? 0) >= Double(status.reports))
        #expect((text.value("casefile_sync_duration_seconds_count", ["source": "inbox"]) ?? 0) >= 1)
        #expect(text.value("casefile_changes_total", ["kind": "report_added"]) == Double(status.reports))
        let last = try #require(text.value("casefile_source_last_success_timestamp_seconds", ["source": "inbox"]))
        #expect(abs(last - Date().timeIntervalSince1970) < 300)

        // The textfile, for node_exporter: the same figures, mode 0644.
        let prom = dir.file("node/casefiled.prom").path
        #expect(
            waitFor(20) {
                (try? PromText(String(contentsOfFile: prom, encoding: .utf8)))?.value("casefile_reports") == Double(status.reports)
            })
        var info = stat()
        stat(prom, &info)
        #expect(info.st_mode & 0o777 == 0o644)

        // The folder is fixed and the config reloaded: the files are written, the failure clears.
        _ = try writeConfig(dir, publish: "public")
        #expect(try daemon.ctl(["reload"]).status == 0)
        #expect(
            waitFor(30) {
                let p = try? decode(StatusResponse.self, try daemon.ctl(["status", "--json"])).publish
                return p?.lastError == nil && p?.lastPublished != nil
            }, "\(daemon.log)")
        stat(dir.file("public/index.html").path, &info)
        #expect(info.st_mode & 0o777 == 0o640)
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
    }

    @Test func dueListsWindowsByRegionAndRefusesAnUnknownOne() throws {
        let dir = try TempDir("cfdue")
        let config = try writeConfig(dir, publish: "public")
        let daemon = try DaemonProcess(config: config, socket: dir.file("ctl.sock").path, logFile: dir.file("daemon.log"))
        try daemon.waitUntilReady()
        #expect(try daemon.ctl(["sync", "--wait"]).status == 0)

        // Ten years ahead: every sample authority with a graded inspection has a window.
        let all = try decode(DueListingJSON.self, try daemon.ctl(["due", "--within", "10y", "--json"]))
        #expect(all.withinMonths == 120)
        #expect(all.entries.contains { $0.slug == "southend-on-sea" })
        #expect(Set(all.entries.map(\.slug)).count == all.entries.count)
        let london = try decode(DueListingJSON.self, try daemon.ctl(["due", "--within", "120", "--region", "london", "--json"]))
        #expect(london.region == "London")
        #expect(!london.entries.isEmpty && london.entries.allSatisfy { $0.region == "London" })
        #expect(london.entries.count < all.entries.count)
        let table = try daemon.ctl(["due", "--within", "10y"])
        #expect(table.status == 0 && table.stdout.contains("Southend-on-Sea"), "\(table)")

        let unknown = try daemon.ctl(["due", "--region", "Atlantis"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown region 'Atlantis' (one of: East Midlands, East of England, London"), "\(unknown)")
        let usage = try daemon.ctl(["due", "--within", "soon"])
        #expect(usage.status == 2, "\(usage)")
        #expect(daemon.signalAndWait(SIGTERM)?.status == 0)
    }

    /// `due --json`'s stable fields, read as a client of the API would (this
    /// target does not link the dashboard module).
    struct DueListingJSON: Decodable {
        struct Entry: Decodable {
            var slug: String
            var name: String
            var region: String
            var daysToOpen: Int
        }

        var asOf: String
        var withinMonths: Int
        var region: String?
        var entries: [Entry]
    }
}

import CasefileControl
import CasefileTestKit
import Foundation
import Testing

/// The fault-injection suite: the built `casefiled` driven from outside
/// while it is killed, starved, locked out of its store, filled up,
/// mis-configured. One suite, run serially: the faults are machine-wide
/// (mounts, CPU) and must not meet another case's. Every wait is polled
/// and bounded.
@Suite("Fault injection", .serialized)
struct FaultTests {}

/// What the cases share: a state folder, a folder of reports, a config with
/// a command notifier that appends each change's id to a file.
final class FaultRig: @unchecked Sendable {
    let dir: TempDir
    var www: URL { dir.file("www") }
    var delivered: URL { dir.file("delivered.txt") }
    var stateDir: URL { dir.file("state") }
    var storePath: String { stateDir.appendingPathComponent("casefile.sqlite").path }
    var socket: String { dir.file("ctl.sock").path }
    var configURL: URL { dir.file("casefiled.toml") }
    private var logs = 0

    init(_ label: String) throws {
        dir = try TempDir(label)
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: delivered.path, contents: nil)
    }

    /// The standard config: the `www` folder as a source, every change
    /// announced (the first sync's too) to `log`, which appends the id.
    func writeConfig(notifiers: String? = nil, extra: String = "") throws {
        let log = """
            [[notify]]
            name = "log"
            kind = "command"
            command = ["/bin/sh", "-c", "echo \\"$CASEFILE_CHANGE_ID\\" >> \(delivered.path)"]
            """
        try dir.write(
            "casefiled.toml",
            """
            [daemon]
            state_dir = "state"
            socket = "ctl.sock"
            interval = "1h"
            notify_initial_sync = true
            \(extra)
            [[source]]
            name = "folder"
            kind = "directory"
            url = "www"

            \(notifiers ?? log)
            """)
    }

    /// Report number `k`: Redbridge's fixture with its own inspection week
    /// (k weeks after January 2019) and one of four sets of grades.
    func addReport(_ k: Int) throws {
        try Data(try Self.reportText(k).utf8).write(to: www.appendingPathComponent(String(format: "r%04d.txt", k)))
    }

    var reportFiles: Int { ((try? FileManager.default.contentsOfDirectory(atPath: www.path)) ?? []).count }

    static func reportText(_ k: Int) throws -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let base = utc.date(from: DateComponents(year: 2019, month: 1, day: 7))!
        let start = utc.date(byAdding: .day, value: 7 * k, to: base)!
        let end = utc.date(byAdding: .day, value: 4, to: start)!
        let f = DateFormatter()
        f.calendar = utc
        f.timeZone = utc.timeZone
        f.locale = Locale(identifier: "en_GB")
        f.dateFormat = "d MMMM yyyy"
        let sets = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
        let g = { (i: Int) in sets[(k + i) % sets.count] }
        return try SyntheticReports.redbridgeVariant(
            dates: "\(f.string(from: start)) to \(f.string(from: end))",
            grades: .init(leadership: g(0), helpAndProtection: g(1), childrenInCare: g(2), overall: g(k / 4)))
    }

    /// Starts the daemon and waits until it answers.
    func start(environment: [String: String] = [:]) throws -> DaemonProcess {
        logs += 1
        let d = try DaemonProcess(
            config: configURL, socket: socket, logFile: dir.file("d\(logs).log"), environment: environment)
        try d.waitUntilReady()
        return d
    }

    func status(_ d: DaemonProcess) throws -> StatusResponse {
        try decode(StatusResponse.self, try d.ctl(["status", "--json"], timeout: 10))
    }

    /// The ids the notifier received, with how many times each.
    func deliveredIDs() -> [String: Int] {
        let text = (try? String(contentsOf: delivered, encoding: .utf8)) ?? ""
        var seen: [String: Int] = [:]
        for line in text.split(separator: "\n") where !line.isEmpty { seen[String(line), default: 0] += 1 }
        return seen
    }

    /// Rows of `sql` on the store, read by another process (python3's
    /// sqlite3), one line a row, columns joined by "|".
    func sql(_ sql: String) throws -> [String] {
        let r = try runCommand(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [
                "-c",
                """
                import sqlite3, sys
                db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=30)
                for row in db.execute(sys.argv[2]): print("|".join(str(c) for c in row))
                """, storePath, sql,
            ], timeout: 60)
        guard r.status == 0 else { throw HarnessError("sqlite: \(sql): \(r)") }
        return r.stdout.split(separator: "\n").map(String.init)
    }

    /// The store is sound and says what was promised: integrity_check ok;
    /// one current report per file; no report and no report_added twice;
    /// every change delivered at least once under its id (exactly once
    /// when `exactlyOnce`: no restart could have repeated one).
    func checkStore(exactlyOnce: Bool, _ where_: SourceLocation = #_sourceLocation) throws {
        #expect(try sql("PRAGMA integrity_check") == ["ok"], sourceLocation: where_)
        let reports = try sql("SELECT count(*) FROM report WHERE superseded_by IS NULL").first.flatMap { Int($0) }
        #expect(reports == reportFiles, "one report per file", sourceLocation: where_)
        let twice = try sql(
            "SELECT authority_slug, framework, start, \"end\", count(*) c FROM report WHERE superseded_by IS NULL GROUP BY 1, 2, 3, 4 HAVING c > 1"
        )
        #expect(twice.isEmpty, "reports recorded twice: \(twice)", sourceLocation: where_)
        let added = try sql("SELECT report_id, count(*) c FROM \"change\" WHERE kind = 'report_added' GROUP BY 1 HAVING c > 1")
        #expect(added.isEmpty, "reports added twice: \(added)", sourceLocation: where_)
        let ids = Set(try sql("SELECT id FROM \"change\""))
        #expect(ids.count >= reportFiles, sourceLocation: where_)
        let got = deliveredIDs()
        let missing = ids.subtracting(got.keys)
        #expect(missing.isEmpty, "\(missing.count) of \(ids.count) changes never delivered", sourceLocation: where_)
        #expect(Set(got.keys).isSubset(of: ids), "delivered ids that are not in the change log", sourceLocation: where_)
        if exactlyOnce {
            let repeated = got.filter { $0.value > 1 }
            #expect(repeated.isEmpty, "announced more than once: \(repeated)", sourceLocation: where_)
        }
    }

    /// Waits until the outbox is empty (nothing pending).
    func waitForDeliveries(_ d: DaemonProcess, timeout: Double = 60) throws -> Bool {
        waitFor(timeout, interval: 0.25) { ((try? status(d))?.pendingNotifications ?? -1) == 0 }
    }
}

/// How long `status` takes to answer over the socket, in seconds.
func timedStatus(_ socket: String) -> Double {
    let start = Date()
    let ok = (try? socketGET(socket, "/v1/status", timeout: 10))?.status == 200
    let took = Date().timeIntervalSince(start)
    return ok ? took : max(took, 99)
}

/// Runs `command` as root's shell would, for mounts and file attributes.
@discardableResult
func shell(_ command: String) -> (status: Int32, stderr: String) {
    guard let r = try? runCommand(URL(fileURLWithPath: "/bin/sh"), ["-c", command], timeout: 60) else {
        return (-1, "cannot run /bin/sh")
    }
    return (r.status, r.stderr)
}

/// A case the machine cannot host (no root, no tmpfs): said on stderr and
/// in the test's output, never passed silently as if it had run.
func skip(_ why: String) {
    FileHandle.standardError.write(Data("FAULT SUITE: SKIPPED: \(why)\n".utf8))
    print("FAULT SUITE: SKIPPED: \(why)")
}

/// A line for the suite's summary (grep "FAULT SUITE").
func summary(_ line: String) {
    print("FAULT SUITE: \(line)")
}

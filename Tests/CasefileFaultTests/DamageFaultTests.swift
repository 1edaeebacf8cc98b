import CasefileControl
import CasefileTestKit
import Foundation
import Testing

extension FaultTests {
    /// A store damaged on disk: the daemon refuses it (exit 1) saying how to
    /// recover, and the README's restore from `casefilectl backup` works:
    /// nothing lost that the backup held, what came after it is synced
    /// again, no report twice.
    @Test(.timeLimit(.minutes(3)))
    func aDamagedStoreIsRefusedAndRestoredFromABackup() throws {
        let rig = try FaultRig("cfdamage")
        try rig.writeConfig()
        let d = try settled(rig, reports: 0..<3)
        let backup = rig.dir.file("backup.sqlite").path
        let made = try d.ctl(["backup", backup], timeout: 30)
        #expect(made.status == 0, "\(made)")
        for k in 3..<5 { try rig.addReport(k) }
        #expect(try d.ctl(["sync", "--wait"], timeout: 60).status == 0)
        #expect(d.signalAndWait(SIGTERM)?.status == 0)

        // Garbage over a run of pages spread through the file.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: rig.storePath))
        let size = try handle.seekToEnd()
        let pages = size / 4096
        #expect(pages > 40)
        for i in stride(from: pages / 4, to: pages - 1, by: Int(max(1, pages / 40))) {
            try handle.seek(toOffset: i * 4096 + 100)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 3000))
        }
        try handle.close()
        let refused = try runCommand(TestPaths.binary("casefiled"), ["--config", rig.configURL.path], timeout: 60)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("damaged") && refused.stderr.contains("casefilectl backup"), "\(refused)")

        // The README's restore: move the damaged files aside, copy the backup in.
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: rig.storePath + suffix) {
            try FileManager.default.moveItem(atPath: rig.storePath + suffix, toPath: rig.dir.file("damaged\(suffix)").path)
        }
        try FileManager.default.copyItem(atPath: backup, toPath: rig.storePath)
        let restored = try rig.start()
        let status = try rig.status(restored)
        #expect(status.reports == 3 && status.storeProblem == nil, "\(status)")
        #expect(try restored.ctl(["sync", "--wait"], timeout: 60).status == 0)
        #expect(try rig.waitForDeliveries(restored), "\(restored.log)")
        #expect(restored.signalAndWait(SIGTERM)?.status == 0)
        #expect(try rig.sql("PRAGMA integrity_check") == ["ok"])
        #expect(try rig.sql("SELECT count(*) FROM report WHERE superseded_by IS NULL") == [String(rig.reportFiles)])
        let twice = try rig.sql(
            "SELECT authority_slug, framework, start, \"end\", count(*) c FROM report WHERE superseded_by IS NULL GROUP BY 1, 2, 3, 4 HAVING c > 1"
        )
        #expect(twice.isEmpty, "\(twice)")
        let said = refused.stderr.split(separator: "\n").first { $0.contains("damaged") }.map { String($0.prefix(140)) } ?? ""
        summary("damaged store: refused with exit 1 (\(said)…); restored from casefilectl backup, \(rig.reportFiles) reports, integrity ok")
    }
}

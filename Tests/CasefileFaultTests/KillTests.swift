import CasefileControl
import CasefileTestKit
import Foundation
import Testing

extension FaultTests {
    /// kill -9 at random moments of syncs and deliveries, CASEFILE_FAULT_KILLS
    /// times (20 by default; 100 for a longer run): the store stays sound,
    /// every change is delivered at least once under its id, no report is
    /// recorded twice.
    @Test(.timeLimit(.minutes(5)))
    func killNineDuringSyncsAndDeliveries() throws {
        let kills = Int(ProcessInfo.processInfo.environment["CASEFILE_FAULT_KILLS"] ?? "") ?? 20
        let rig = try FaultRig("cfkill")
        // A notifier that takes a moment, so kills land mid-delivery too.
        try rig.writeConfig(
            notifiers: """
                [[notify]]
                name = "log"
                kind = "command"
                command = ["/bin/sh", "-c", "sleep 0.05; echo \\"$CASEFILE_CHANGE_ID\\" >> \(rig.delivered.path)"]
                retry_delay = "1s"
                """)
        for k in 0..<6 { try rig.addReport(k) }
        var next = 6
        var moments: [Int] = []
        let started = Date()
        for _ in 0..<kills {
            let d = try rig.start()
            // New reports each round: each sync has something to store and announce.
            for _ in 0..<2 {
                try rig.addReport(next)
                next += 1
            }
            #expect(try d.ctl(["sync"], timeout: 10).status == 0)
            let ms = Int.random(in: 0...1200)
            moments.append(ms)
            usleep(useconds_t(ms * 1000))
            #expect(d.signalAndWait(SIGKILL) != nil, "casefiled did not die on SIGKILL")
        }
        // One last run to the end: everything stored, everything delivered.
        let d = try rig.start()
        let last = try d.ctl(["sync", "--wait"], timeout: 120)
        #expect(last.status == 0, "\(last)")
        #expect(try rig.waitForDeliveries(d, timeout: 90), "\(d.log)")
        #expect(d.signalAndWait(SIGTERM)?.status == 0)
        try rig.checkStore(exactlyOnce: false)
        let got = rig.deliveredIDs()
        let changes = try rig.sql("SELECT count(*) FROM \"change\"").first ?? "?"
        summary(
            "kill -9: \(kills) kills at \(moments.min() ?? 0)–\(moments.max() ?? 0) ms after a sync began, \(rig.reportFiles) reports, "
                + "\(changes) changes, \(got.values.reduce(0, +)) deliveries (\(got.values.filter { $0 > 1 }.count) repeated after a kill), "
                + "integrity ok, \(Int(Date().timeIntervalSince(started))) s")
    }
}

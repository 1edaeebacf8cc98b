import CasefileDashboard
import CasefileModel
import CasefileTestKit
import DashboardSamples
import Foundation
import Testing

/// The page in a real browser: Debian's headless Chromium through
/// chromium-driver and python3-selenium (`Tests/Support/dashboard_browser.py`),
/// opened from file:// with the network off. Skipped, saying why, where no
/// browser can start.
///
/// Artifacts: `.build/test-artifacts/dashboard-map.png` (the map section as
/// the browser drew it) and `.build/test-artifacts/dashboard.html` (the page).
@Suite struct DashboardBrowserTests {
    static let artifacts = TestPaths.packageRoot.appendingPathComponent(".build/test-artifacts")

    /// The current grade class of an area, worked out here from the snapshot
    /// (not with the page's code): the newest report with grades decides.
    static func gradeClass(_ a: DashboardAuthority, _ area: Area) -> String {
        let graded = a.reports.filter(\.isGraded).max {
            ($0.inspection.end, $0.inspection.start) < ($1.inspection.end, $1.inspection.start)
        }
        guard let graded else { return "none" }
        return (graded.grades[area] ?? .notJudged).rawValue
    }

    /// Runs a command on a thread of its own: the browser takes seconds (far
    /// more on a loaded machine), and blocking one of the few cooperative
    /// threads that long would hold up the other suites' async tests.
    static func runOffThePool(_ exe: URL, _ args: [String], timeout: Double) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runCommand(exe, args, timeout: timeout) }) }.start()
        }
    }

    @Test func offlineInChromium() async throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            print(
                "skipped DashboardBrowserTests: /usr/bin/python3 is missing "
                    + "(make deps installs python3, chromium, chromium-driver and python3-selenium)")
            return
        }
        let data = SyntheticDashboard.make(reports: 2000)
        let page = DashboardPage.render(data)
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let html = Self.artifacts.appendingPathComponent("dashboard.html")
        try Data(page.utf8).write(to: html)

        let area = Area.helpAndProtection
        let recoloured = data.authorities.filter { Self.gradeClass($0, .overall) != Self.gradeClass($0, area) }.count
        #expect(recoloured > 0, "the snapshot must have authorities whose grades differ between the two judgements")
        let barnet = try #require(data.authorities.first { $0.slug == "barnet" })
        let cornwall = try #require(data.authorities.first { $0.slug == "cornwall" })
        let expect: [String: Any] = [
            "area": area.rawValue,
            "recoloured": recoloured,
            "detail": [
                "slug": "barnet", "name": barnet.name, "london": true, "reports": barnet.reports.count,
                "neighbours": DashboardReference.neighbours(of: "barnet"),
            ],
            "keyboard": ["slug": "cornwall", "name": cornwall.name],
        ]
        let dir = try TempDir("cf-dash")
        let expectFile = dir.file("expect.json")
        try JSONSerialization.data(withJSONObject: expect, options: [.sortedKeys]).write(to: expectFile)
        let screenshot = Self.artifacts.appendingPathComponent("dashboard-map.png")
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/Support/dashboard_browser.py")
        let arguments = [script.path, "check", html.path, "--expect", expectFile.path, "--screenshot", screenshot.path]
        let r = try await Self.runOffThePool(python, arguments, timeout: 180)
        if r.status == 77 {
            print("skipped DashboardBrowserTests: \(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        try #require(r.status == 0, "\(r)")
        let out = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        let failures = out["failures"] as? [String] ?? ["no failures list in \(r.stdout)"]
        for f in failures { Issue.record(Comment(rawValue: f)) }
        let facts = out["facts"] as? [String: Any] ?? [:]
        #expect(facts["map_authorities"] as? Int == 153)
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        print(
            "DashboardBrowserTests: \(facts["map_authorities"] ?? "?") authorities on the map, "
                + "\(facts["recoloured"] ?? "?") recoloured; screenshot \(screenshot.path)")
    }
}

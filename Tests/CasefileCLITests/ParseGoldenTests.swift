import CasefileTestKit
import Foundation
import Testing

/// `casefilectl parse`: the Redbridge fixture (Ofsted's, Tests/Fixtures) as a
/// table and as JSON. The files follow the parser: a change of what it reads
/// there, or of its version, is re-recorded with CASEFILE_RECORD_GOLDEN=1.
struct ParseGoldenTests {
    @Test func theFixtureAsATableAndAsJSON() throws {
        let path = TestPaths.fixture("redbridge-2019-ilacs.txt").path
        let table = casefilectl(["parse", path])
        #expect(table.status == 0 && table.stderr.isEmpty, "\(table)")
        Golden.check(table.out, "parse.txt")
        let json = casefilectl(["parse", path, "--json"])
        #expect(json.status == 0 && json.stderr.isEmpty, "\(json)")
        Golden.check(json.out, "parse.json")
        // The same file through a file:// URL.
        let viaURL = casefilectl(["parse", "file://" + path, "--json"])
        #expect(viaURL.out == json.out, "\(viaURL)")
    }

    /// `parse FOLDER`: the accuracy report over a folder holding a complete
    /// report, one whose care leavers row was cut out (incomplete), and a
    /// letter that is no report (refused). The folder's path is a temp one:
    /// it is written as FOLDER in the golden files.
    @Test func aFolderGivesTheAccuracyReport() throws {
        let dir = try TempDir("cfcli")
        let whole = try String(contentsOf: TestPaths.fixture("synthetic-ilacs-2023-five-judgements.txt"), encoding: .utf8)
        let cut = whole.replacingOccurrences(of: "The experiences and progress of care\nleavers\n\nOutstanding\n\n", with: "")
            .replacingOccurrences(of: "The experiences and progress of care leavers: outstanding\n", with: "")
        #expect(cut != whole)
        _ = try dir.write("a-complete.txt", whole)
        _ = try dir.write("b-incomplete.txt", cut)
        _ = try dir.write("c-letter.txt", "Dear colleague,\nThis is not an inspection report.\n")
        func masked(_ s: String) -> String { s.replacingOccurrences(of: dir.url.path, with: "FOLDER") }
        let table = casefilectl(["parse", dir.url.path])
        #expect(table.status == 0 && table.stderr.isEmpty, "\(table)")
        Golden.check(Array(masked(table.stdout).utf8), "parse-folder.txt")
        let json = casefilectl(["parse", dir.url.path, "--json"])
        #expect(json.status == 0 && json.stderr.isEmpty, "\(json)")
        Golden.check(Array(masked(json.stdout).utf8), "parse-folder.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out)) as? [String: Any])
        let ilacs = try #require((object["frameworks"] as? [String: Any])?["ilacs"] as? [String: Any])
        #expect(ilacs["reports"] as? Int == 2)
        #expect(ilacs["incomplete"] as? Int == 1)
        #expect(ilacs["judgementsRead"] as? Int == 9)
        #expect((ilacs["missing"] as? [String: Int]) == ["care_leavers: no row in the judgement table": 1])
        #expect(object["documents"] as? Int == 3)
        let text = casefilectl(["parse", dir.url.path, "--text"])
        #expect(text.status == 1 && text.stderr.contains("--text reads one document, not a folder"), "\(text)")
    }

    @Test func whatIsNotAReportIsExit1NamingTheInput() throws {
        let dir = try TempDir("cfcli")
        let letter = try dir.write("letter.txt", "Dear colleague,\nThis is not an inspection report.\n")
        let run = casefilectl(["parse", letter.path])
        #expect(run.status == 1)
        #expect(run.out.isEmpty)
        #expect(run.stderr.hasPrefix("casefilectl: \(letter.path): not parsed: "), "\(run)")
        let missing = casefilectl(["parse", dir.file("nothing.pdf").path])
        #expect(missing.status == 1)
        #expect(missing.stderr == "casefilectl: \(dir.file("nothing.pdf").path): cannot read the file\n")
    }
}

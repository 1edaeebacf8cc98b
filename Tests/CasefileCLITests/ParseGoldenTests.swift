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

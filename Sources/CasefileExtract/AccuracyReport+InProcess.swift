import CasefileParse
import Foundation

extension AccuracyReport {
    /// The accuracy report with extraction in this process, without the
    /// sandbox's limits: for the corpus tests and the benchmark, which read
    /// the project's own known documents (docs/SANDBOX.md).
    public static func run(folder: URL) throws -> AccuracyReport {
        try run(folder: folder) { bytes in Result { () throws(ParseError) in try DocumentText.extract(from: bytes) } }
    }
}

import CasefileExtract
import CasefileModel
import CasefileParse
import CasefileSync
import Foundation

/// The daemon's document reader: extraction (PDF, HTML, text) and the
/// parser, in this process, on Dispatch's threads: a read is CPU work of
/// tens of milliseconds to seconds, and on the Swift concurrency pool (one
/// thread a core) two of them would hold up the control socket's answers.
struct ParserReader: DocumentReading {
    let parser = ReportParser()
    let authorities: AuthorityDirectory = .bundled

    var parserVersion: Int { ReportParser.version }

    func read(_ bytes: [UInt8]) async throws(DocumentReadError) -> Report {
        let parser = self.parser
        let result: Result<Report, DocumentReadError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do throws(ParseError) {
                    continuation.resume(returning: .success(try DocumentReader(parser: parser).read(bytes)))
                } catch {
                    continuation.resume(returning: .failure(DocumentReadError(error.reason)))
                }
            }
        }
        return try result.get()
    }

    func authorityName(slug: String) -> String? {
        authorities.entry(slug: slug)?.name
    }
}

import CasefileExtract
import CasefileModel
import CasefileParse
import CasefileSync

/// The daemon's document reader: extraction (PDF, HTML, text) and the
/// parser, in this process.
struct ParserReader: DocumentReading {
    let parser = ReportParser()
    let authorities: AuthorityDirectory = .bundled

    var parserVersion: Int { ReportParser.version }

    func read(_ bytes: [UInt8]) async throws(DocumentReadError) -> Report {
        do {
            return try DocumentReader(parser: parser).read(bytes)
        } catch {
            throw DocumentReadError(error.reason)
        }
    }

    func authorityName(slug: String) -> String? {
        authorities.entry(slug: slug)?.name
    }
}

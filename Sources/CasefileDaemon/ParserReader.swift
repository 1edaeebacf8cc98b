import CasefileModel
import CasefileParse
import CasefileSandbox
import CasefileSync

/// The daemon's document reader: extraction (PDF, HTML, text) in the
/// sandboxed helpers (CasefileSandbox's pool, docs/SANDBOX.md), then the
/// parser here, off the concurrency pool.
struct ParserReader: DocumentReading {
    let reader: SandboxedReader
    let authorities: AuthorityDirectory = .bundled

    init(pool: ExtractorPool) {
        reader = SandboxedReader(pool: pool)
    }

    var parserVersion: Int { ReportParser.version }

    func read(_ bytes: [UInt8]) async throws(DocumentReadError) -> Report {
        do throws(SandboxedReader.Failure) {
            return try await reader.read(bytes)
        } catch {
            // A helper that could not start is not the document's fault:
            // such a failure is retried at the next sync.
            if case .extraction(let e) = error, !e.isDocumentsFault { throw DocumentReadError(error.reason, quarantine: false) }
            throw DocumentReadError(error.reason)
        }
    }

    func authorityName(slug: String) -> String? {
        authorities.entry(slug: slug)?.name
    }
}

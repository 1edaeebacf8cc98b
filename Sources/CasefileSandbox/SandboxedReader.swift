import CasefileModel
import CasefileParse
import Dispatch

/// Document bytes → `Report`: extraction in a sandboxed helper (the pool),
/// then the parser in this process, off the Swift concurrency pool (a parse
/// is CPU work of milliseconds to a second). What `casefiled` and
/// `casefilectl parse` read a document with.
public struct SandboxedReader: Sendable {
    public let pool: ExtractorPool
    public let parser: ReportParser

    public init(pool: ExtractorPool, parser: ReportParser = ReportParser()) {
        self.pool = pool
        self.parser = parser
    }

    /// Why a document gave no report: extraction's failure (of its kind) or the parser's refusal.
    public enum Failure: Error, Sendable {
        case extraction(ExtractorFailure)
        case parse(ParseError)

        public var reason: String {
            switch self {
            case .extraction(let e): e.reason
            case .parse(let e): e.reason
            }
        }
    }

    /// One document, synchronously, by a helper of its own that is stopped
    /// after it (`casefilectl parse`: one document, no pool; a synchronous
    /// caller, which must not be a thread of the concurrency pool).
    public static func extractOnce(_ bytes: [UInt8], settings: SandboxSettings) -> Result<ExtractedText, ExtractorFailure> {
        let helper: Helper
        do throws(ExtractorFailure) {
            helper = try Helper.startBlocking(settings)
        } catch {
            return .failure(error)
        }
        let (result, _) = helper.extractBlocking(bytes, timeout: settings.timeout, settings: settings)
        helper.stopBlocking()
        return result
    }

    /// `extractOnce`, then the parser.
    public static func readOnce(_ bytes: [UInt8], settings: SandboxSettings, parser: ReportParser = ReportParser())
        -> Result<Report, Failure>
    {
        switch extractOnce(bytes, settings: settings) {
        case .failure(let e):
            return .failure(.extraction(e))
        case .success(let extracted):
            do throws(ParseError) {
                return .success(try parser.parse(extracted: extracted))
            } catch {
                return .failure(.parse(error))
            }
        }
    }

    public func extract(_ bytes: [UInt8]) async throws(ExtractorFailure) -> ExtractedText {
        try await pool.extract(bytes)
    }

    public func read(_ bytes: [UInt8]) async throws(Failure) -> Report {
        let extracted: ExtractedText
        do throws(ExtractorFailure) {
            extracted = try await pool.extract(bytes)
        } catch {
            throw .extraction(error)
        }
        let parser = self.parser
        let result: Result<Report, ParseError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do throws(ParseError) {
                    continuation.resume(returning: .success(try parser.parse(extracted: extracted)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        do throws(ParseError) {
            return try result.get()
        } catch {
            throw .parse(error)
        }
    }
}

import CasefileParse

/// What one extraction may use, in the sandboxed helper (`casefile-extract`,
/// docs/SANDBOX.md). In-process reads (`DocumentText.extract(from:)`, the
/// benchmark's comparison) run without them.
public struct ExtractionLimits: Sendable, Equatable {
    /// Pages: a longer PDF is refused (`.overPages`), not cut.
    public var maxPages: Int
    /// Bytes MuPDF and the text it hands back may hold at once (`.overMemory` beyond).
    public var maxMemory: Int
    /// Characters of text: derived from the memory budget (about 100 bytes
    /// of structures a character on the way), at most 20 million.
    public var maxCharacters: Int { min(20_000_000, max(1, maxMemory / 100)) }

    public init(maxPages: Int, maxMemory: Int) {
        self.maxPages = maxPages
        self.maxMemory = maxMemory
    }
}

/// Why an extraction gave no text, and of which kind: a refusal of the
/// document as it is, or a limit it ran into.
public struct ExtractionFailure: Error, Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// Damaged, encrypted, image-only, truncated, not a report page, …
        case refused = 1
        /// Over `ExtractionLimits.maxMemory`.
        case overMemory = 2
        /// Over `ExtractionLimits.maxPages`.
        case overPages = 3
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}

extension PDFExtraction {
    /// In-process, without limits (the page cap aside): a failure of any kind is a `ParseError`.
    static func extract(_ bytes: [UInt8]) throws(ParseError) -> Output {
        do throws(ExtractionFailure) {
            return try extract(bytes, limits: nil)
        } catch {
            throw ParseError(error.reason)
        }
    }
}

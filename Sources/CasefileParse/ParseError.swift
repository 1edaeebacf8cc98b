/// Why a document could not be turned into a report. The reason is written
/// for people: it ends up in `casefilectl sources` and in the log.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }

    public init(_ reason: String) {
        self.reason = reason
    }
}

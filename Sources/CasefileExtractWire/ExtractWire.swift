import CasefileParse

/// The pipe protocol between the daemon (or `casefilectl parse`) and the
/// extraction helper, `casefile-extract` (docs/SANDBOX.md).
///
/// One request at a time, answered in order. All integers little-endian.
///
///     request:  kind (1 byte: 1 = extract) · length (4 bytes) · the document's bytes
///     response: length (4 bytes) · status (1 byte) · body
///
/// An `ok` body is the format (1 byte: 0 pdf, 1 html, 2 text), the text
/// (4-byte length, UTF-8), and the warnings (4-byte count, each a 4-byte
/// length and UTF-8); any other status's body is its reason, UTF-8. The
/// limits are the helper's command-line arguments, fixed for its life.
public enum ExtractWire {
    public static let extractRequest: UInt8 = 1

    /// The response's status byte.
    public enum Status: UInt8, Sendable {
        case ok = 0
        /// The document as it is cannot be read (damaged, encrypted, not a report page, …).
        case refused = 1
        /// Over the memory limit.
        case overMemory = 2
        /// Over the page limit.
        case overPages = 3
    }

    /// A request's bytes.
    public static func request(_ document: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(document.count + 5)
        out.append(extractRequest)
        appendLength(document.count, to: &out)
        out += document
        return out
    }

    /// An answer's bytes, length first.
    public static func response(_ result: Result<ExtractedText, Failure>) -> [UInt8] {
        var body: [UInt8] = []
        switch result {
        case .success(let text):
            body.reserveCapacity(text.text.utf8.count + 64)
            body.append(Status.ok.rawValue)
            body.append(formatCode(text.format))
            appendString(text.text, to: &body)
            appendLength(text.warnings.count, to: &body)
            for w in text.warnings { appendString(w, to: &body) }
        case .failure(let failure):
            body.append(failure.status.rawValue)
            body += Array(failure.reason.utf8)
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 4)
        appendLength(body.count, to: &out)
        return out + body
    }

    /// A failure as the helper reports it.
    public struct Failure: Error, Sendable, Equatable {
        public var status: Status
        public var reason: String
        public init(_ status: Status, _ reason: String) {
            self.status = status
            self.reason = reason
        }
    }

    /// Why a response could not be decoded.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Decodes a response body (after its length).
    public static func decode(_ body: [UInt8]) throws(Malformed) -> Result<ExtractedText, Failure> {
        var reader = Reader(bytes: body)
        guard let code = reader.byte() else { throw Malformed(description: "an empty response") }
        guard let status = Status(rawValue: code) else { throw Malformed(description: "unknown status \(code)") }
        guard status == .ok else {
            return .failure(Failure(status, String(decoding: body[1...], as: UTF8.self)))
        }
        guard let f = reader.byte(), let format = format(of: f) else { throw Malformed(description: "unknown format") }
        guard let text = reader.string(), let count = reader.length() else { throw Malformed(description: "a truncated response") }
        var warnings: [String] = []
        for _ in 0..<count {
            guard let w = reader.string() else { throw Malformed(description: "a truncated response") }
            warnings.append(w)
        }
        guard reader.atEnd else { throw Malformed(description: "bytes after the response") }
        return .success(ExtractedText(format: format, text: text, warnings: warnings))
    }

    /// A 4-byte little-endian length.
    public static func appendLength(_ n: Int, to out: inout [UInt8]) {
        let v = UInt32(clamping: n)
        out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }

    public static func length<C: Collection<UInt8>>(_ bytes: C) -> Int {
        var v = 0
        for (i, b) in bytes.prefix(4).enumerated() { v |= Int(b) << (8 * i) }
        return v
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        let utf8 = s.utf8
        appendLength(utf8.count, to: &out)
        out += utf8
    }

    static func formatCode(_ f: ExtractedText.Format) -> UInt8 {
        switch f {
        case .pdf: 0
        case .html: 1
        case .text: 2
        }
    }

    static func format(of code: UInt8) -> ExtractedText.Format? {
        switch code {
        case 0: .pdf
        case 1: .html
        case 2: .text
        default: nil
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var at = 0
        var atEnd: Bool { at == bytes.count }

        mutating func byte() -> UInt8? {
            guard at < bytes.count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func length() -> Int? {
            guard bytes.count - at >= 4 else { return nil }
            defer { at += 4 }
            return ExtractWire.length(bytes[at..<at + 4])
        }

        mutating func string() -> String? {
            guard let n = length(), bytes.count - at >= n else { return nil }
            defer { at += n }
            return String(decoding: bytes[at..<at + n], as: UTF8.self)
        }
    }
}

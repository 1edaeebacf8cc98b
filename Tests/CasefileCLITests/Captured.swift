import CasefileCLI
import Foundation

/// What a casefilectl run in this process printed, and its exit status.
struct Run: CustomStringConvertible {
    var status: Int32
    var out: [UInt8]
    var err: [UInt8]

    var stdout: String { String(decoding: out, as: UTF8.self) }
    var stderr: String { String(decoding: err, as: UTF8.self) }
    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs casefilectl in this process with its output captured; help is
/// wrapped to 80 columns, as on a terminal of that width.
func casefilectl(_ arguments: [String]) -> Run {
    let out = Buffer()
    let err = Buffer()
    let status = Casefilectl.execute(arguments, console: Console(out: { out.append($0) }, err: { err.append($0) }), columns: 80)
    return Run(status: status, out: out.bytes, err: err.bytes)
}

final class Buffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data: [UInt8] = []

    func append(_ bytes: [UInt8]) { lock.withLock { data += bytes } }
    var bytes: [UInt8] { lock.withLock { data } }
}

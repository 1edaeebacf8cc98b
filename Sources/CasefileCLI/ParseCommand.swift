import ArgumentParser
import CasefileControl
import CasefileHTTP
import CasefileModel
import CasefileParse
import CasefileSandbox
import Foundation

struct Parse: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one report (a file or a URL) and print it; no daemon needed.",
        discussion: """
            Given a folder, parses every file in it and prints the parser's accuracy report instead: per \
            framework, the reports and judgements read, the judgements missing and the documents refused \
            (reasons grouped), and the incomplete reports.
            """)
    @Argument(help: "A file path, a folder, or an http(s):// or file:// URL.") var input: String
    @Flag(help: "Print the report as JSON (stable fields).") var json = false
    @Flag(help: "Print the text extracted from the document, as the parser reads it, instead of the report.") var text = false

    func validate() throws {
        if json && text { throw ValidationError("--json and --text cannot go together") }
    }

    func run(_ console: Console) throws {
        if Self.isFolder(input) {
            if text { throw CLIFailure("\(input): --text reads one document, not a folder") }
            try Self.accuracy(folder: input, json: json, console)
            return
        }
        if text {
            // Saved to a .txt file, this text parses to the same report as the document.
            let bytes = try Self.bytes(of: input)
            switch SandboxedReader.extractOnce(bytes, settings: SandboxSettings(workers: 1)) {
            case .success(let extracted): console.write(extracted.text)
            case .failure(let error): throw CLIFailure("\(input): no text: \(error.reason)")
            }
            return
        }
        let report = try Self.read(try Self.bytes(of: input), from: input)
        if json {
            console.out([UInt8](try CasefileJSON.encode(report, pretty: true)) + [UInt8(ascii: "\n")])
        } else {
            console.line(Render.report(report))
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return !path.contains("://") && FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// `parse FOLDER`: the accuracy report over every file in the folder
    /// (`AccuracyReport`), as a table or, with --json, as its fields.
    static func accuracy(folder: String, json: Bool, _ console: Console) throws {
        let report: AccuracyReport
        do {
            report = try AccuracyReport.run(folder: URL(fileURLWithPath: folder)) { bytes in
                // One sandboxed helper a document, with the default limits (docs/SANDBOX.md).
                SandboxedReader.extractOnce(bytes, settings: SandboxSettings(workers: 1)).mapError { ParseError($0.reason) }
            }
        } catch {
            throw CLIFailure("\(folder): cannot read the folder: \(error.localizedDescription)")
        }
        if json {
            console.out([UInt8](try CasefileJSON.encode(report, pretty: true)) + [UInt8(ascii: "\n")])
        } else {
            console.line(report.render())
        }
    }

    /// The one call into the parser: a document's bytes (PDF, HTML or text)
    /// → Report, extracted by one sandboxed helper (docs/SANDBOX.md) with
    /// the default limits.
    static func read(_ bytes: [UInt8], from input: String) throws -> Report {
        switch SandboxedReader.readOnce(bytes, settings: SandboxSettings(workers: 1)) {
        case .success(let report): return report
        case .failure(let error): throw CLIFailure("\(input): not parsed: \(error.reason)")
        }
    }

    /// A file's bytes, or a URL's body (libcurl, as the daemon fetches).
    static func bytes(of input: String) throws -> [UInt8] {
        guard input.hasPrefix("http://") || input.hasPrefix("https://") || input.hasPrefix("file://") else {
            guard let data = FileManager.default.contents(atPath: input) else { throw CLIFailure("\(input): cannot read the file") }
            return [UInt8](data)
        }
        var request = HTTPRequest(url: input)
        request.protocols = input.hasPrefix("file://") ? "file" : "http,https"
        let response: HTTPResponse
        do {
            response = try HTTPClient.perform(request)
        } catch {
            throw CLIFailure("\(input): \(error.message)")
        }
        guard response.status == 0 || (200..<300).contains(response.status) else { throw CLIFailure("\(input): HTTP \(response.status)") }
        return response.body
    }
}

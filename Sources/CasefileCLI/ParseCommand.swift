import ArgumentParser
import CasefileControl
import CasefileHTTP
import CasefileModel
import CasefileParse
import CasefileSandbox
import Foundation

struct Parse: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one report (a file or a URL) and print it; no daemon needed.")
    @Argument(help: "A file path, or an http(s):// or file:// URL.") var input: String
    @Flag(help: "Print the report as JSON (stable fields).") var json = false
    @Flag(help: "Print the text extracted from the document, as the parser reads it, instead of the report.") var text = false

    func validate() throws {
        if json && text { throw ValidationError("--json and --text cannot go together") }
    }

    func run(_ console: Console) throws {
        if text {
            // Saved to a .txt file, this text parses to the same report as the document.
            let bytes = try Self.bytes(of: input)
            switch Self.blocking({ await Self.withReader { reader in await Self.capture { () async throws(ExtractorFailure) in try await reader.extract(bytes) } } }) {
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

    /// The one call into the parser: a document's bytes (PDF, HTML or text)
    /// → Report, extracted by one sandboxed helper (docs/SANDBOX.md) with
    /// the default limits.
    static func read(_ bytes: [UInt8], from input: String) throws -> Report {
        let result = blocking {
            await withReader { reader in
                await capture { () async throws(SandboxedReader.Failure) in try await reader.read(bytes) }
            }
        }
        switch result {
        case .success(let report): return report
        case .failure(let error): throw CLIFailure("\(input): not parsed: \(error.reason)")
        }
    }

    /// A reader over a pool of one helper, stopped after `body`.
    static func withReader<T: Sendable>(_ body: (SandboxedReader) async -> T) async -> T {
        let pool = ExtractorPool(settings: SandboxSettings(workers: 1))
        let value = await body(SandboxedReader(pool: pool))
        await pool.shutdown()
        return value
    }

    static func capture<T: Sendable, E: Error>(_ body: () async throws(E) -> T) async -> Result<T, E> {
        do throws(E) {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// Runs async work from the command's synchronous `run`.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
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

/// Hands a value from a detached task to the waiting thread (the semaphore orders the accesses).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

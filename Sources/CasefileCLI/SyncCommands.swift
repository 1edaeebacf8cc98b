import ArgumentParser
import CasefileControl

// Making the daemon read: a sync now, or a re-parse of what it keeps.

struct Sync: CLICommand {
    static let configuration = CommandConfiguration(abstract: "Sync now: every source, or one.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this source.") var source: String?
    @Flag(help: "Wait for the sync to finish and print its summary.") var wait = false

    func run(_ console: Console) throws {
        let query: [(String, String?)] = [("source", source)]
        if wait && options.json {
            console.out(try options.client.post("/sync", query: query + [("wait", "true")], as: SyncResponse.self).body)
        } else if wait {
            // Progress on stderr while it runs; the summary on stdout.
            let lines = try options.client.streamLines(
                "POST", "/sync", query: query + [("wait", "true"), ("progress", "true")], as: SyncStreamLine.self
            ) { line in
                if let p = line.value.progress { console.error(Self.render(p)) }
            }
            guard let result = lines.last(where: { $0.result != nil })?.result else {
                throw ControlClientError.badResponse("the sync stream ended without a result")
            }
            console.write(Self.render(result))
            for e in result.errors { console.error("  \(e)\n") }
        } else {
            console.show(try options.client.post("/sync", query: query, as: AcceptedResponse.self), json: options.json) {
                $0.message + "\n"
            }
        }
    }

    /// One progress line (stderr).
    static func render(_ p: SyncProgress) -> String {
        "\(p.source): \(p.found) documents found, \(p.done.fetched) fetched, \(p.done.notModified) not modified, \(p.done.failed) failed\n"
    }

    /// The summary (stdout); the errors go to stderr, one a line.
    static func render(_ r: SyncResponse) -> String {
        "fetched \(r.fetched), not modified \(r.notModified), parsed \(r.parsed), failed \(r.failed), changes \(r.changes)\n"
    }
}

struct Reparse: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-read stored reports that an older parser read, from their kept bytes (nothing is fetched).",
        discussion: "With --document ID, retries one quarantined document (its id is in `casefilectl sources`) from its kept bytes.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Retry this quarantined document (its id, as `sources` shows it).") var document: Int64?

    func run(_ console: Console) throws {
        let path = document.map { "/reparse?document=\($0)" } ?? "/reparse"
        let reply = try options.client.post(path, as: ReparseResponse.self)
        if document != nil {
            console.show(reply, json: options.json) { r in
                r.reparsed > 0
                    ? "document \(document!): read, out of quarantine (\(r.revised) revised)\n"
                    : "document \(document!): still quarantined\n"
            }
        } else {
            console.show(reply, json: options.json, Self.render)
        }
        if !options.json {
            for e in reply.value.errors { console.error("  \(e)\n") }
        }
    }

    /// The summary (stdout); the errors go to stderr, one a line.
    static func render(_ r: ReparseResponse) -> String {
        "\(r.documents) documents read by an older parser: \(r.reparsed) re-parsed, \(r.revised) revised, \(r.failed) failed\n"
    }
}

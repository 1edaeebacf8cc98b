import ArgumentParser
import CasefileControl
import CasefileModel

extension ChangeKind: ExpressibleByArgument {}

struct Changes: CLICommand {
    static let configuration = CommandConfiguration(abstract: "The change log, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only changes after this sequence number.") var since: Int64?
    @Option(help: "At most this many (1–10000).") var limit: Int = 100
    @Option(help: "Only this authority (slug).") var authority: String?
    @Option(help: "Only this kind.") var kind: ChangeKind?
    @Flag(help: "Keep printing changes as they are committed, one a line (after --since, else from now), until interrupted.")
    var follow = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        if let since, since < 0 { throw ValidationError("--since must be ≥ 0") }
        if follow, authority != nil || kind != nil { throw ValidationError("--follow prints every change; filter with jq or grep") }
    }

    func run(_ console: Console) throws {
        if follow {
            var client = options.client
            client.timeout = 0
            let json = options.json
            _ = try client.streamLines(
                "GET", "/changes/stream", query: [("since", since.map(String.init))], as: ChangeRecord.self, keep: false
            ) { change in
                if json {
                    console.out(change.body + [UInt8(ascii: "\n")])
                } else {
                    console.line(Self.line(change.value))
                }
            }
            return
        }
        let query: [(String, String?)] = [
            ("since", since.map(String.init)), ("limit", String(limit)), ("authority", authority), ("kind", kind?.rawValue),
        ]
        let since = self.since
        console.show(try options.client.get("/changes", query: query, as: ChangesResponse.self), json: options.json) {
            Self.render($0, since: since)
        }
    }

    static func render(_ r: ChangesResponse, since: Int64?) -> String {
        if r.changes.isEmpty { return "no changes\(since.map { " after \($0)" } ?? "")\n" }
        return Render.table(
            ["seq", "at", "kind", "change"], r.changes.map { [String($0.seq), $0.at, $0.kind.rawValue, Render.describe($0)] }) + "\n"
    }

    /// One change of `--follow`, tab-separated.
    static func line(_ change: ChangeRecord) -> String {
        "\(change.seq)\t\(change.at)\t\(change.kind.rawValue)\t\(Render.describe(change))"
    }
}

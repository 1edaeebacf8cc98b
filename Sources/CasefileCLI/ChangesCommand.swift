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
    @Flag(help: "Fetch every page, --limit at a time, to the end of the log and print them as one.")
    var all = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        if let since, since < 0 { throw ValidationError("--since must be ≥ 0") }
        if follow, authority != nil || kind != nil { throw ValidationError("--follow prints every change; filter with jq or grep") }
        if follow, all { throw ValidationError("--follow already prints every change from --since on; leave out --all") }
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
        func page(after since: Int64?) throws -> ControlReply<ChangesResponse> {
            let query: [(String, String?)] = [
                ("since", since.map(String.init)), ("limit", String(limit)), ("authority", authority), ("kind", kind?.rawValue),
            ]
            return try options.client.get("/changes", query: query, as: ChangesResponse.self)
        }
        let since = self.since
        var reply = try page(after: since)
        if all {
            var whole = reply.value
            var last = reply.value
            // A daemon older than `more` says nothing: a short page is the end.
            while last.more ?? (last.changes.count == limit), !last.changes.isEmpty {
                last = try page(after: last.next).value
                whole.changes += last.changes
            }
            whole.next = last.next
            whole.more = false
            reply = ControlReply(value: whole, body: Array(try CasefileJSON.encode(whole)) + [10])
        }
        console.show(reply, json: options.json) { Self.render($0, since: since) }
        if !options.json, reply.value.more == true {
            console.error("more changes follow: add --since \(reply.value.next) (or --all)\n")
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

import ArgumentParser
import CasefileControl
import CasefileExtract
import CasefileHTTP
import CasefileModel
import CasefileParse
import Foundation

// casefilectl: query and steer casefiled over its Unix socket.
// Exit codes (DESIGN.md): 0 done, 1 the daemon refused or failed, 2 usage,
// 3 the daemon cannot be reached.

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The daemon's control socket (default: $CASEFILE_SOCKET, then /run/casefiled/control.sock).")
    var socket: String?

    @Flag(name: .long, help: "Print the answer as JSON (stable fields).")
    var json = false

    var client: ControlClient { ControlClient(socketPath: socket ?? ControlClient.defaultSocketPath()) }
}

/// Prints the daemon's JSON as it came, or decodes it for a table.
func fetch<T: Decodable>(_ options: GlobalOptions, _ method: String, _ path: String, query: [(String, String?)] = [], as: T.Type) throws -> T? {
    let client = options.client
    let (status, body) = try client.raw(method, path, query: query)
    guard (200..<300).contains(status) else {
        if let err = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body)) {
            throw ControlClientError.refused(status: status, code: err.error.code, message: err.error.message)
        }
        throw ControlClientError.refused(status: status, code: "http_\(status)", message: String(decoding: body.prefix(200), as: UTF8.self))
    }
    let value: T
    do {
        value = try JSONDecoder().decode(T.self, from: Data(body))
    } catch {
        throw ControlClientError.badResponse("\(error)")
    }
    if options.json {
        Output.write(body, to: 1)
        return nil
    }
    return value
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "How the daemon is doing.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let s = try fetch(options, "GET", "/status", as: StatusResponse.self) else { return }
        print(
            """
            casefiled \(s.version), up \(s.uptime) s\(s.paused ? ", scheduled syncing paused" : "")
            store:          \(s.store)
            reports:        \(s.reports) (\(s.authorities) authorities, \(s.documents) documents)
            changes:        \(s.changes)
            notifications:  \(s.pendingNotifications) pending
            last sync:      \(s.lastSync ?? "never")
            next sync:      \(s.nextSync ?? "–")
            """)
        if let config = s.config { print("config:         \(config)") }
        if let error = s.reloadError { print("last reload refused, previous config still running: \(error)") }
    }
}

struct Sources: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Each source: last success, last error, documents, next due.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let r = try fetch(options, "GET", "/sources", as: SourcesResponse.self) else { return }
        print(
            Render.table(
                ["name", "kind", "docs", "last success", "failures", "next due", "url"],
                r.sources.map { [$0.name, $0.kind, String($0.documents), $0.lastSuccess ?? "never", String($0.consecutiveFailures), $0.nextDue ?? "–", $0.url] }))
        for s in r.sources where s.lastError != nil {
            print("\(s.name): last error \(s.lastErrorAt ?? ""): \(s.lastError ?? "")")
        }
    }
}

struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sync now: every source, or one.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this source.") var source: String?
    @Flag(help: "Wait for the sync to finish and print its summary.") var wait = false

    func run() throws {
        var query: [(String, String?)] = [("source", source)]
        if wait && options.json {
            query.append(("wait", "true"))
            _ = try fetch(options, "POST", "/sync", query: query, as: SyncResponse.self)
        } else if wait {
            // Progress on stderr while it runs; the summary on stdout.
            query += [("wait", "true"), ("progress", "true")]
            let r = try options.client.streamLines("POST", "/sync", query: query, as: SyncStreamLine.self) { line in
                if let p = line.progress {
                    Output.stderr(
                        "\(p.source): \(p.found) documents found, \(p.done.fetched) fetched, \(p.done.notModified) not modified, \(p.done.failed) failed\n")
                }
            }
            if let error = r.first(where: { $0.error != nil })?.error {
                throw ControlClientError.refused(status: 404, code: error.code, message: error.message)
            }
            guard let result = r.last(where: { $0.result != nil })?.result else {
                throw ControlClientError.badResponse("the sync stream ended without a result")
            }
            print("fetched \(result.fetched), not modified \(result.notModified), parsed \(result.parsed), failed \(result.failed), changes \(result.changes)")
            for e in result.errors { Output.stderr("  \(e)\n") }
        } else {
            guard let r = try fetch(options, "POST", "/sync", query: query, as: AcceptedResponse.self) else { return }
            print(r.message)
        }
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-read the daemon's config file; a refused file leaves the running config in place.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let r = try fetch(options, "POST", "/reload", as: ReloadResponse.self) else { return }
        print(r.message)
    }
}

struct Reparse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-read stored reports that an older parser read, from their kept bytes (nothing is fetched).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let r = try fetch(options, "POST", "/reparse", as: ReparseResponse.self) else { return }
        print("\(r.documents) documents read by an older parser: \(r.reparsed) re-parsed, \(r.revised) revised, \(r.failed) failed")
        for e in r.errors { Output.stderr("  \(e)\n") }
    }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop scheduled syncing (a manual sync still works).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard try fetch(options, "POST", "/pause", as: PauseResponse.self) != nil else { return }
        print("scheduled syncing paused")
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restart scheduled syncing.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard try fetch(options, "POST", "/resume", as: PauseResponse.self) != nil else { return }
        print("scheduled syncing resumed")
    }
}

extension ChangeKind: ExpressibleByArgument {}

struct Changes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The change log, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only changes after this sequence number.") var since: Int64?
    @Option(help: "At most this many (1–10000).") var limit: Int = 100
    @Option(help: "Only this authority (slug).") var authority: String?
    @Option(help: "Only this kind: report_added, grade_changed, report_revised, report_withdrawn.") var kind: ChangeKind?
    @Flag(help: "Keep printing changes as they are committed, one a line (after --since, else from now), until interrupted.")
    var follow = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        if let since, since < 0 { throw ValidationError("--since must be ≥ 0") }
        if follow, authority != nil || kind != nil { throw ValidationError("--follow prints every change; filter with jq or grep") }
    }

    func run() throws {
        if follow {
            var client = options.client
            client.timeout = 0
            let json = options.json
            _ = try client.streamLines("GET", "/changes/stream", query: [("since", since.map(String.init))], as: ChangeRecord.self,
                                       keep: false) { change in
                if json {
                    Output.stdout(String(decoding: (try? CasefileJSON.encode(change)) ?? Data(), as: UTF8.self) + "\n")
                } else {
                    Output.stdout("\(change.seq)\t\(change.at)\t\(change.kind.rawValue)\t\(Render.describe(change))\n")
                }
            }
            return
        }
        let query: [(String, String?)] = [
            ("since", since.map(String.init)), ("limit", String(limit)), ("authority", authority), ("kind", kind?.rawValue),
        ]
        guard let r = try fetch(options, "GET", "/changes", query: query, as: ChangesResponse.self) else { return }
        if r.changes.isEmpty {
            print("no changes\(since.map { " after \($0)" } ?? "")")
            return
        }
        print(Render.table(["seq", "at", "kind", "change"], r.changes.map { [String($0.seq), $0.at, $0.kind.rawValue, Render.describe($0)] }))
    }
}

struct Grades: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every authority's current grades (its latest graded inspection).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let r = try fetch(options, "GET", "/grades", as: GradesResponse.self) else { return }
        let areas: [Area] = [.overall, .leadership, .helpAndProtection, .childrenInCare, .careLeavers]
        print(
            Render.table(
                ["authority", "framework", "inspection"] + areas.map(\.rawValue),
                r.authorities.map { a in
                    [a.name, Render.framework(a.framework), Render.span(a.inspection)] + areas.map { Render.grade(a.grades[$0.rawValue]) }
                }))
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every authority's current grades, for a spreadsheet (CSV) or a program (JSON).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "csv or json.") var format: ExportFormat = .csv

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case csv, json }

    func run() throws {
        var opts = options
        opts.json = format == .json
        guard let r = try fetch(opts, "GET", "/grades", as: GradesResponse.self) else { return }
        print(Self.csv(r), terminator: "")
    }

    static let areas: [Area] = [.overall, .leadership, .helpAndProtection, .childrenInCare, .careLeavers, .adoption, .lscb]

    /// RFC 4180: fields with a comma, quote or line break are quoted.
    static func csv(_ r: GradesResponse) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = [(["slug", "name", "framework", "inspection_start", "inspection_end"] + areas.map(\.rawValue) + ["report"]).joined(separator: ",")]
        for a in r.authorities {
            let cells = [a.slug, a.name, a.framework.rawValue, a.inspection.start.description, a.inspection.end.description]
                + areas.map { a.grades[$0.rawValue]?.rawValue ?? "" } + [String(a.report)]
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "An authority's newest report.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The authority's slug, e.g. redbridge.") var slug: String

    func run() throws {
        guard let r = try fetch(options, "GET", "/authorities/\(ControlClient.percentEncodePath(slug))", as: ShowResponse.self) else { return }
        if let report = r.report {
            print("report \(r.reportID.map(String.init) ?? "?")")
            print(Render.report(report))
        } else {
            print("\(r.authority.name): no report on file")
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "An authority's reports, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The authority's slug, e.g. redbridge.") var slug: String

    func run() throws {
        guard let r = try fetch(options, "GET", "/authorities/\(ControlClient.percentEncodePath(slug))/history", as: HistoryResponse.self) else { return }
        print("\(r.authority.name) (\(r.authority.slug))")
        print(
            Render.table(
                ["report", "framework", "kind", "inspection", "overall", "grades"],
                r.reports.map { h in
                    [
                        String(h.id), Render.framework(h.framework), h.kind?.rawValue ?? "–", Render.span(h.inspection),
                        Render.grade(h.grades["overall"]),
                        h.grades.sorted { $0.key < $1.key }.filter { $0.key != "overall" }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: " "),
                    ]
                }))
    }
}

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one report (a file or a URL) and print it; no daemon needed.")
    @Argument(help: "A file path, or an http(s):// or file:// URL.") var input: String
    @Flag(help: "Print the report as JSON (DESIGN.md's parse shape).") var json = false

    func run() throws {
        let bytes: [UInt8]
        if input.hasPrefix("http://") || input.hasPrefix("https://") || input.hasPrefix("file://") {
            var request = HTTPRequest(url: input)
            request.protocols = input.hasPrefix("file://") ? "file" : "http,https"
            let response: HTTPResponse
            do {
                response = try HTTPClient.perform(request)
            } catch {
                throw CLIFailure("\(input): \(error.message)")
            }
            guard response.status == 0 || (200..<300).contains(response.status) else {
                throw CLIFailure("\(input): HTTP \(response.status)")
            }
            bytes = response.body
        } else {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw CLIFailure("\(input): cannot read the file")
            }
            bytes = [UInt8](data)
        }
        let report: Report
        do {
            report = try DocumentReader().read(bytes)
        } catch {
            throw CLIFailure("\(input): not parsed: \(error.reason)")
        }
        if json {
            let data = try CasefileJSON.encode(report, pretty: true)
            Output.write([UInt8](data), to: 1)
            Output.stdout("\n")
        } else {
            print(Render.report(report))
        }
    }
}

/// A failure that is not the daemon's: exit 1 with the message.
struct Notifications: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliveries of changes to the notifiers: pending, failed (parked) and recent.",
        subcommands: [NotificationsList.self, NotificationsRetry.self], defaultSubcommand: NotificationsList.self)
}

struct NotificationsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Pending, failed and recent deliveries with their last error.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How many delivered ones to show (0–1000).") var recent: Int = 20

    func run() throws {
        guard let r = try fetch(options, "GET", "/notifications", query: [("recent", String(recent))], as: NotificationsResponse.self) else { return }
        if r.deliveries.isEmpty {
            print("no deliveries")
            return
        }
        print(Render.table(
            ["id", "channel", "state", "attempts", "seq", "kind", "authority", "when", "last error"],
            r.deliveries.map { d in
                [String(d.id), d.channel, d.state, String(d.attempts), String(d.seq), d.kind.rawValue, d.authority,
                 d.delivered ?? d.nextAttempt ?? d.lastAttempt ?? "–", d.lastError ?? ""]
            }))
    }
}

struct NotificationsRetry: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Queue failed deliveries again: all, or the one with this id.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A delivery id from `casefilectl notifications`.") var id: Int64?

    func run() throws {
        guard let r = try fetch(options, "POST", "/notifications/retry", query: [("id", id.map(String.init))], as: RetryResponse.self) else { return }
        print(r.retried == 0 ? "nothing to retry" : "\(r.retried) \(r.retried == 1 ? "delivery" : "deliveries") queued again")
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

struct Casefilectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casefilectl",
        abstract: "Query and steer casefiled, the Ofsted children's services report mirror.",
        subcommands: [
            Status.self, Sources.self, Sync.self, Changes.self, Grades.self, Show.self, History.self, Parse.self,
            Reload.self, Reparse.self, Pause.self, Resume.self, Export.self, Notifications.self,
        ])
}

/// Typed errors mapped to exit codes at the edge.
func runCLI() -> Int32 {
    var command: any ParsableCommand
    do {
        command = try Casefilectl.parseAsRoot()
    } catch {
        let code = Casefilectl.exitCode(for: error)
        if code == .success {
            print(Casefilectl.fullMessage(for: error))
            return 0
        }
        Output.stderr((Casefilectl.fullMessage(for: error) + "\n"))
        return 2
    }
    do {
        try command.run()
        return 0
    } catch let error as ControlClientError {
        Output.stderr("casefilectl: \(error)\n")
        if case .unreachable = error { return 3 }
        return 1
    } catch let error as CLIFailure {
        Output.stderr("casefilectl: \(error)\n")
        return 1
    } catch {
        let code = Casefilectl.exitCode(for: error)
        if code == .success { return 0 }
        Output.stderr("casefilectl: \(Casefilectl.fullMessage(for: error))\n")
        return code == .validationFailure ? 2 : 1
    }
}

exit(runCLI())

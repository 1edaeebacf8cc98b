import ArgumentParser
import CasefileControl
import CasefileModel

// The daemon itself: how it is doing, its sources, and steering it
// (reload, pause, resume).

struct Status: CLICommand {
    static let configuration = CommandConfiguration(abstract: "How the daemon is doing.")
    @OptionGroup var options: GlobalOptions

    func run(_ console: Console) throws {
        console.show(try options.client.get("/status", as: StatusResponse.self), json: options.json, Self.render)
    }

    static func render(_ s: StatusResponse) -> String {
        var text = """
            casefiled \(s.version), up \(s.uptime) s\(s.paused ? ", scheduled syncing paused" : "")
            store:          \(s.store)
            reports:        \(s.reports) (\(s.authorities) authorities, \(s.documents) documents)
            incomplete:     \(s.incomplete.map(String.init) ?? "–")\((s.incomplete ?? 0) > 0 ? " (judgements missing: `grades` shows ?, `show` says which)" : "")
            changes:        \(s.changes)
            notifications:  \(s.pendingNotifications) pending
            last sync:      \(s.lastSync ?? "never")
            next sync:      \(s.nextSync ?? "–")

            """
        if let q = s.quarantined, q > 0 {
            text += "quarantined:    \(q) document\(q == 1 ? "" : "s") (not read again until changed; see casefilectl sources)\n"
        }
        if let config = s.config { text += "config:         \(config)\n" }
        if let error = s.reloadError { text += "last reload refused, previous config still running: \(error)\n" }
        if let p = s.publish {
            if let error = p.lastError {
                text += "PUBLISHING FAILED at \(p.lastErrorAt ?? "?") (syncing goes on): \(error)\n"
                text += "published:      \(p.folder)\(p.lastPublished.map { ", last written whole at \($0)" } ?? ", never written")\n"
            } else {
                text += "published:      \(p.folder)\(p.lastPublished.map { " at \($0)" } ?? " (not yet)")\n"
            }
        }
        if let problem = s.storeProblem {
            text += "NOT SYNCING since \(problem.since): \(problem.message)\n  what to do: \(problem.advice)\n"
        }
        return text
    }
}

struct Sources: CLICommand {
    static let configuration = CommandConfiguration(abstract: "Each source: last success, last error, documents, next due.")
    @OptionGroup var options: GlobalOptions

    func run(_ console: Console) throws {
        console.show(try options.client.get("/sources", as: SourcesResponse.self), json: options.json, Self.render)
    }

    static func render(_ r: SourcesResponse) -> String {
        var text =
            Render.table(
                ["name", "kind", "docs", "last success", "failures", "next due", "url"],
                r.sources.map {
                    [
                        $0.name, $0.kind, String($0.documents), $0.lastSuccess ?? "never", String($0.consecutiveFailures),
                        $0.nextDue ?? "–", $0.url,
                    ]
                }) + "\n"
        for s in r.sources where s.lastError != nil {
            text += "\(s.name): last error \(s.lastErrorAt ?? ""): \(s.lastError ?? "")\n"
        }
        for s in r.sources {
            if let warning = s.warning { text += "\(s.name): \(warning)\n" }
        }
        for s in r.sources {
            guard let q = s.quarantined, !q.isEmpty else { continue }
            text += "\(s.name): \(q.count) quarantined (retry one with casefilectl reparse --document ID):\n"
            for d in q { text += "  \(d.id)  \(d.since)  \(d.url): \(d.reason)\n" }
        }
        if let problem = r.storeProblem {
            text += "NOT SYNCING since \(problem.since): \(problem.message)\n  what to do: \(problem.advice)\n"
        }
        return text
    }
}

struct Reload: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-read the daemon's config file; a refused file leaves the running config in place.")
    @OptionGroup var options: GlobalOptions

    func run(_ console: Console) throws {
        console.show(try options.client.post("/reload", as: ReloadResponse.self), json: options.json) { $0.message + "\n" }
    }
}

struct Pause: CLICommand {
    static let configuration = CommandConfiguration(abstract: "Stop scheduled syncing (a manual sync still works).")
    @OptionGroup var options: GlobalOptions

    func run(_ console: Console) throws {
        console.show(try options.client.post("/pause", as: PauseResponse.self), json: options.json) { _ in "scheduled syncing paused\n" }
    }
}

struct Resume: CLICommand {
    static let configuration = CommandConfiguration(abstract: "Restart scheduled syncing.")
    @OptionGroup var options: GlobalOptions

    func run(_ console: Console) throws {
        console.show(try options.client.post("/resume", as: PauseResponse.self), json: options.json) { _ in "scheduled syncing resumed\n" }
    }
}

struct Backup: CLICommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the daemon's live store to FILE, consistently, while it runs.",
        discussion: """
            SQLite's online backup, made by the daemon and written here. To restore: stop casefiled, \
            put FILE in place of casefile.sqlite in its state folder (remove casefile.sqlite-wal and \
            casefile.sqlite-shm there), and start it.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Where to write the copy (written as FILE.part, renamed when whole).") var file: String

    func run(_ console: Console) throws {
        let bytes = try options.client.download("/backup", to: file)
        if options.json {
            struct Written: Encodable { var file: String, bytes: Int }
            console.out(Array(try CasefileJSON.encode(Written(file: file, bytes: bytes))) + [0x0A])
        } else {
            console.line("wrote \(file) (\(bytes) bytes)")
        }
    }
}

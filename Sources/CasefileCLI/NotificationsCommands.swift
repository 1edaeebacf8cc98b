import ArgumentParser
import CasefileControl

// The outbox: deliveries of changes to the configured channels.

struct Notifications: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliveries of changes to the notifiers: pending, failed (parked) and recent.",
        subcommands: [NotificationsList.self, NotificationsRetry.self], defaultSubcommand: NotificationsList.self)
}

struct NotificationsList: CLICommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Pending, failed and recent deliveries with their last error.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How many delivered ones to show (0–1000).") var recent: Int = 20

    func run(_ console: Console) throws {
        let reply = try options.client.get("/notifications", query: [("recent", String(recent))], as: NotificationsResponse.self)
        console.show(reply, json: options.json, Self.render)
    }

    static func render(_ r: NotificationsResponse) -> String {
        if r.deliveries.isEmpty { return "no deliveries\n" }
        return Render.table(
            ["id", "channel", "state", "attempts", "seq", "kind", "authority", "when", "last error"],
            r.deliveries.map { d in
                [
                    String(d.id), d.channel, d.state, String(d.attempts), String(d.seq), d.kind.rawValue, d.authority,
                    d.delivered ?? d.nextAttempt ?? d.lastAttempt ?? "–", d.lastError ?? "",
                ]
            }) + "\n"
    }
}

struct NotificationsRetry: CLICommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Queue failed deliveries again: all, or the one with this id.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A delivery id from `casefilectl notifications`.") var id: Int64?

    func run(_ console: Console) throws {
        let reply = try options.client.post("/notifications/retry", query: [("id", id.map(String.init))], as: RetryResponse.self)
        console.show(reply, json: options.json, Self.render)
    }

    static func render(_ r: RetryResponse) -> String {
        r.retried == 0 ? "nothing to retry\n" : "\(r.retried) \(r.retried == 1 ? "delivery" : "deliveries") queued again\n"
    }
}

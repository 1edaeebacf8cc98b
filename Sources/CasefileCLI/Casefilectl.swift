import ArgumentParser
import CasefileControl

/// `casefilectl`: query and steer casefiled over its Unix socket, and parse a
/// report offline. `Casefilectl.execute(_:)` runs it; the program's `main`
/// only hands it the arguments and exits with what it returns.
public struct Casefilectl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "casefilectl",
        abstract: "Query and steer casefiled, the Ofsted children's services report mirror.",
        discussion: """
            The commands that ask casefiled reach it over its control socket: --socket PATH, \
            else $CASEFILE_SOCKET, else /run/casefiled/control.sock. Their --json prints the \
            daemon's answer as it came (fields are added between versions, never renamed).

            Exit codes: 0 done, 1 the daemon refused or failed, 2 usage, 3 the daemon cannot be reached.
            """,
        subcommands: [
            Status.self, Sources.self, Sync.self, Changes.self, Grades.self, Show.self, History.self, Parse.self,
            Reload.self, Reparse.self, Pause.self, Resume.self, Export.self, Due.self, Notifications.self, Backup.self,
        ])

    public init() {}
}

/// A casefilectl command: it writes only to the console it is given, so a
/// test can run it in-process and read what it printed.
protocol CLICommand: ParsableCommand {
    func run(_ console: Console) throws
}

extension CLICommand {
    mutating func run() throws { try run(.standard) }
}

/// The options of every command that talks to the daemon.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The daemon's control socket (default: $CASEFILE_SOCKET, then /run/casefiled/control.sock).")
    var socket: String?

    @Flag(name: .long, help: "Print the answer as JSON (stable fields).")
    var json = false

    var client: ControlClient { ControlClient(socketPath: socket ?? ControlClient.defaultSocketPath()) }
}

/// A failure that is not the daemon's (a file that cannot be read, a report
/// that cannot be parsed): exit 1 with the message.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

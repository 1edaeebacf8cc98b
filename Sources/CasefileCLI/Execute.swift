import ArgumentParser
import CasefileControl

extension Casefilectl {
    /// Runs casefilectl on `arguments` (without the program's name) and
    /// returns the exit status: 0 done (help included), 1 the daemon refused
    /// or failed, 2 usage, 3 the daemon cannot be reached.
    ///
    /// - Parameters:
    ///   - console: where the output goes; the process's stdout and stderr unless a test captures it.
    ///   - columns: the width help is wrapped to; nil: `COLUMNS`, else the terminal's, else 80.
    public static func execute(_ arguments: [String], console: Console = .standard, columns: Int? = nil) -> Int32 {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return exitStatus(for: error, whileParsing: true, console: console, columns: columns)
        }
        do {
            if let command = command as? any CLICommand {
                try command.run(console)
            } else {
                // The root without a subcommand, and `help …`: argument-parser's
                // own commands, whose run() asks for the help screen by throwing.
                try command.run()
            }
            return 0
        } catch {
            return exitStatus(for: error, whileParsing: false, console: console, columns: columns)
        }
    }

    /// The one place an error becomes what the user sees and the exit status.
    static func exitStatus(for error: any Error, whileParsing: Bool, console: Console, columns: Int?) -> Int32 {
        switch error {
        case let error as ControlClientError:
            console.error("casefilectl: \(error)\n")
            if case .unreachable = error { return 3 }
            return 1
        case let error as CLIFailure:
            console.error("casefilectl: \(error)\n")
            return 1
        default:
            let message = fullMessage(for: error, columns: columns)
            if exitCode(for: error) == .success {
                // --help, help COMMAND, a bare casefilectl, completion scripts:
                // printed on stdout, like argument-parser's own main does.
                if !message.isEmpty { console.line(message) }
                return 0
            }
            if whileParsing {
                console.error(message + "\n")
                return 2
            }
            console.error("casefilectl: \(message)\n")
            return exitCode(for: error) == .validationFailure ? 2 : 1
        }
    }
}

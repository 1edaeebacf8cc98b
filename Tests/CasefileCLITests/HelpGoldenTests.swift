import ArgumentParser
import CasefileCLI
import CasefileTestKit
import Foundation
import Testing

/// `--help` of the root and of every subcommand, against `Golden/help/`.
/// The list of commands comes from the root's configuration, so a new
/// command has no golden file until one is recorded, and fails until then.
struct HelpGoldenTests {
    /// Every command path: `[]`, `["status"]`, …, `["notifications", "retry"]`.
    static let commandPaths: [[String]] = {
        func walk(_ command: any ParsableCommand.Type, _ path: [String]) -> [[String]] {
            [path] + command.configuration.subcommands.flatMap { sub in walk(sub, path + [sub._commandName]) }
        }
        return walk(Casefilectl.self, [])
    }()

    static func goldenName(_ path: [String]) -> String { "help/" + (path.isEmpty ? "casefilectl" : path.joined(separator: "-")) + ".txt" }

    @Test(arguments: commandPaths)
    func help(_ path: [String]) {
        let run = casefilectl(path + ["--help"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        #expect(run.stdout.hasPrefix("OVERVIEW: "), "\(run)")
        Golden.check(run.out, Self.goldenName(path))
        // `help COMMAND` and `-h` say the same.
        let viaHelp = casefilectl(["help"] + path)
        #expect(viaHelp.status == 0 && viaHelp.out == run.out, "\(viaHelp)")
        let short = casefilectl(path + ["-h"])
        #expect(short.status == 0 && short.out == run.out, "\(short)")
    }

    /// A bare `casefilectl` is a newcomer asking what there is: the help, exit 0.
    @Test func bareCasefilectlPrintsTheHelp() {
        let bare = casefilectl([])
        #expect(bare.status == 0, "\(bare)")
        #expect(bare.stderr.isEmpty)
        Golden.check(bare.out, Self.goldenName([]))
        let group = casefilectl(["notifications", "--help"])
        #expect(group.stdout.contains("SUBCOMMANDS:") && group.stdout.contains("list (default)"), "\(group)")
    }

    @Test func argumentParsersOwnOutputsStillWork() throws {
        let dump = casefilectl(["--experimental-dump-help"])
        #expect(dump.status == 0)
        let tool = try JSONSerialization.jsonObject(with: Data(dump.out)) as? [String: Any]
        #expect((tool?["command"] as? [String: Any])?["commandName"] as? String == "casefilectl")
        for shell in ["bash", "zsh", "fish"] {
            let script = casefilectl(["--generate-completion-script", shell])
            #expect(
                script.status == 0 && script.stdout.contains("casefilectl") && script.stdout.contains("notifications"),
                "\(shell): \(script)")
        }
    }
}

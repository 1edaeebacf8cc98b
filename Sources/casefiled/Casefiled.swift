import ArgumentParser
import CasefileDaemon

/// `casefiled`: the daemon. Everything lives in CasefileDaemon.
@main
struct Casefiled: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casefiled",
        abstract: "Keep a local mirror of Ofsted's children's services inspection reports and announce grade changes.")

    @Option(name: .long, help: "The config file.")
    var config: String = Daemon.defaultConfigPath

    @Flag(name: .long, help: "Check the config file and exit: 0 when valid, 1 with the reason.")
    var checkConfig = false

    func run() async throws {
        let status = checkConfig ? Daemon.checkConfig(path: config) : await Daemon.run(configPath: config)
        if status != 0 { throw ExitCode(status) }
    }
}

import CasefileModel
import CasefileTestKit
import Foundation
import Testing

@testable import CasefileConfig

/// The error `load` gives, or nil.
private func loadError(_ path: String) -> ConfigError? {
    do {
        _ = try CasefileConfig.load(path: path)
        return nil
    } catch {
        return error
    }
}

@Suite("Config: loading files")
struct LoadTests {
    @Test func loadsAFileAndResolvesAgainstItsFolder() throws {
        let dir = try TempDir("cfg")
        let f = try dir.write(
            "etc/casefiled.toml", "[daemon]\nstate_dir = \"../state\"\n[[source]]\nname = \"in\"\nkind = \"directory\"\nurl = \"inbox\"\n")
        let c = try CasefileConfig.load(path: f.path)
        #expect(c.file == dir.path + "/etc/casefiled.toml")
        #expect(c.daemon.stateDir == dir.path + "/state")
        #expect(c.sources.first?.url == "file://" + dir.path + "/etc/inbox")
    }

    @Test func aRelativePathIsMadeAbsolute() throws {
        let dir = try TempDir("cfg")
        try dir.write("c.toml", "")
        // A path relative to the working directory, climbing to / first.
        let cwd = ConfigPaths.currentDirectory()
        let up = String(repeating: "../", count: cwd.split(separator: "/").count)
        let c = try CasefileConfig.load(path: up + String(dir.path.dropFirst()) + "/./c.toml")
        #expect(c.file == dir.path + "/c.toml")
    }

    @Test func aMissingFileIsNamed() throws {
        let dir = try TempDir("cfg")
        let e = loadError(dir.path + "/nope.toml")
        #expect(e == ConfigError(file: dir.path + "/nope.toml", reason: "no such file"))
        #expect(e?.description == dir.path + "/nope.toml: no such file")
        #expect(loadError(dir.path + "/nope/c.toml")?.reason == "no such file")
    }

    @Test func aFolderIsRefused() throws {
        let dir = try TempDir("cfg")
        #expect(loadError(dir.path)?.reason == "is a folder, not a config file")
    }

    @Test func aPathThroughAFileIsRefused() throws {
        let dir = try TempDir("cfg")
        try dir.write("plain", "x")
        #expect(loadError(dir.path + "/plain/c.toml")?.reason == "no such file (a part of the path is not a folder)")
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let dir = try TempDir("cfg")
        let f = dir.file("bad.toml")
        try Data("# ok\n[daemon]\nstate_dir = \"/x".utf8 + [0xFF, 0xFE] + "\"\n".utf8).write(to: f)
        let e = loadError(f.path)
        #expect(e?.line == 3)
        #expect(e?.reason == "the file is not valid UTF-8")
        #expect(e?.file == f.path)
    }

    @Test func anUnreadableFileIsNamed() throws {
        // root reads anything, so the check needs an ordinary user.
        guard geteuid() != 0 else { return }
        let dir = try TempDir("cfg")
        let f = try dir.write("secret.toml", "")
        chmod(f.path, 0)
        #expect(loadError(f.path)?.reason == "cannot read the file: permission denied")
    }

    @Test func aHugeFileIsRefused() throws {
        let dir = try TempDir("cfg")
        let f = try dir.write("big.toml", String(repeating: "# padding padding padding\n", count: 50_000))
        #expect(loadError(f.path)?.reason == "is larger than 1 MiB; is this really the config file?")
    }

    @Test func errorsInAFileNameTheAbsolutePath() throws {
        let dir = try TempDir("cfg")
        let f = try dir.write("c.toml", "[fetch]\ntimeout = \"30 seconds\"\n")
        #expect(
            loadError(f.path)?.description
                == "\(f.path):2: fetch.timeout: invalid duration \"30 seconds\" (use e.g. 500ms, 30s, 5m, 6h, 1d)")
    }
}

/// `Config/NAME` in the package. The scratch layout links `Config` beside
/// its Package.swift, so packageRoot works there too.
private func shipped(_ name: String) -> String {
    TestPaths.packageRoot.appendingPathComponent("Config").appendingPathComponent(name).path
}

/// The text with the commented-out block that starts at the line `marker`
/// uncommented (up to the first line that is not "# something").
private func uncomment(_ text: String, block marker: String) -> String? {
    var lines = text.components(separatedBy: "\n")
    guard var i = lines.firstIndex(of: marker) else { return nil }
    while i < lines.count, lines[i].hasPrefix("# ") {
        lines[i] = String(lines[i].dropFirst(2))
        i += 1
    }
    return lines.joined(separator: "\n")
}

@Suite("Config: shipped files")
struct ShippedConfigTests {
    @Test func productionConfigLoads() throws {
        let c = try CasefileConfig.load(path: shipped("casefiled.toml"))
        var expected = DaemonConfig()
        expected.adminGroup = "casefile-admin"
        #expect(c.daemon == expected)
        #expect(c.fetch == FetchConfig())
        #expect(c.sources.count == 2)
        #expect(c.sources.first?.name == "inbox")
        #expect(c.sources.first?.kind.name == "directory")
        #expect(c.sources.first?.url == "file:///var/lib/casefiled/inbox")
        #expect(c.sources.first?.interval == nil)
        #expect(c.notifiers.isEmpty)
        // The real Ofsted source: the crawl of its search listing.
        let ofsted = try #require(c.sources.last)
        #expect(ofsted.name == "ofsted")
        let crawl = try #require(ofsted.crawl)
        #expect(crawl.url == "https://reports.ofsted.gov.uk/search?q=&level_1_types=3&level_2_types%5B%5D=12&rows=100")
        #expect(crawl.follow == [#"/provider/44/\d+"#, #"start=\d+"#])
        #expect(crawl.documents == #"files(\.api)?\.ofsted\.gov\.uk/v1/file/\d+"#)
        #expect(crawl.maxDepth == 3)
        #expect(crawl.labelExclude == ["Area SEND"])
    }

    @Test func productionConfigDocumentsEveryKey() throws {
        let text = try String(contentsOfFile: shipped("casefiled.toml"), encoding: .utf8)
        for section in CasefileConfig.tables {
            #expect(text.contains(section.title), "\(section.title) is not in casefiled.toml")
            for key in section.keyNames {
                // Tables: set to the default, or shown commented out when
                // there is none; arrays of tables ([[source]]): listed.
                let shown = section.isArray ? ["\n#   \(key) "] : ["\n\(key) = ", "\n# \(key) = "]
                #expect(shown.contains { text.contains($0) }, "\(section.title) \(key) is not documented in casefiled.toml")
            }
        }
    }

    @Test func productionSharedDriveExampleLoadsWhenUncommented() throws {
        let text = try String(contentsOfFile: shipped("casefiled.toml"), encoding: .utf8)
        let withShare = try #require(uncomment(text, block: "# [[source]]"))
        let c = try CasefileConfig.parse(text: withShare, file: "casefiled.toml", baseDirectory: "/etc/casefiled")
        let share = try #require(c.sources.last)
        #expect(share.name == "shared-drive")
        let directory = try #require(share.directory)
        #expect(directory.url.hasPrefix("sftp://"))
        #expect(directory.sshKnownHosts == "/etc/casefiled/known_hosts")
        #expect(directory.sshKeyFile == "/etc/casefiled/id_ed25519")
    }

    @Test func productionCommentedExamplesAllLoad() throws {
        // Every commented-out [[source]] and [[notify]] block, uncommented together.
        let text = try String(contentsOfFile: shipped("casefiled.toml"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            if lines[i] == "# [[source]]" || lines[i] == "# [[notify]]" {
                while i < lines.count, lines[i].hasPrefix("# ") {
                    lines[i] = String(lines[i].dropFirst(2))
                    i += 1
                }
            }
            i += 1
        }
        let c = try CasefileConfig.parse(text: lines.joined(separator: "\n"), file: "casefiled.toml", baseDirectory: "/etc/casefiled")
        #expect(c.sources.map(\.name) == ["inbox", "ofsted", "shared-drive", "alliance-feed"])
        #expect(c.sources.last?.kind.name == "feed")
        #expect(c.notifiers.map(\.name) == ["team", "alliance", "director"])
        #expect(c.notifiers.map(\.kind.name) == ["command", "webhook", "email"])
        #expect(c.notifiers[1].regions == ["London"] && c.notifiers[1].direction == .declined)
        #expect(c.notifiers[2].email?.to == ["qa-team@example.org"] && c.notifiers[2].areas == [.overall])
    }

    @Test func productionPublishExampleLoadsWhenUncommented() throws {
        let text = try String(contentsOfFile: shipped("casefiled.toml"), encoding: .utf8)
        #expect(try CasefileConfig.parse(text: text, file: "casefiled.toml", baseDirectory: "/etc/casefiled").publish == nil)
        let withPublish = try #require(uncomment(text, block: "# [publish]"))
        let c = try CasefileConfig.parse(text: withPublish, file: "casefiled.toml", baseDirectory: "/etc/casefiled")
        #expect(c.publish?.folder == "/srv/casefile" && c.publish?.mode == 0o640 && c.publish?.group == "www-data")
        #expect(c.metrics == MetricsConfig())
    }

    @Test func productionNotifierExampleLoadsWhenUncommented() throws {
        let text = try String(contentsOfFile: shipped("casefiled.toml"), encoding: .utf8)
        let withNotify = try #require(uncomment(text, block: "# [[notify]]"))
        let c = try CasefileConfig.parse(text: withNotify, file: "casefiled.toml", baseDirectory: "/etc/casefiled")
        #expect(c.notifiers.map(\.name) == ["team"])
        #expect(c.notifiers.first?.argv == ["/usr/local/bin/casefile-alert"])
        #expect(c.notifiers.first?.on == [.gradeChanged])
    }

    @Test func demoConfigLoads() throws {
        let c = try CasefileConfig.load(path: shipped("demo.toml"))
        let root = TestPaths.packageRoot.standardizedFileURL
        #expect(c.daemon.stateDir == root.appendingPathComponent(".casefile/state").path)
        #expect(c.daemon.socket == root.appendingPathComponent(".casefile/control.sock").path)
        #expect(c.daemon.interval == .seconds(60))
        #expect(c.daemon.notifyInitialSync)
        #expect(c.fetch == FetchConfig())
        // The earlier reports first, so the first sync records history, then the newer ones.
        #expect(c.sources.map(\.name) == ["archive", "samples"])
        #expect(c.sources.allSatisfy { $0.kind.name == "directory" })
        for (source, folder) in zip(c.sources, ["Config/samples/archive", "Config/samples"]) {
            #expect(
                source.url == URL(fileURLWithPath: root.appendingPathComponent(folder).path).absoluteString
                    || source.url == "file://" + root.appendingPathComponent(folder).path)
        }
        #expect(c.publish?.folder == root.appendingPathComponent(".casefile/public").path)
        #expect(c.notifiers.count == 1)
        #expect(c.notifiers.first?.name == "log")
        #expect(c.notifiers.first?.on == ChangeKind.allCases)
        #expect(c.notifiers.first?.argv.first == "/bin/sh")
    }

    /// The demo notifier, run as the daemon will run it, appends one line per change.
    @Test func demoNotifierAppendsOneLinePerChange() throws {
        let c = try CasefileConfig.load(path: shipped("demo.toml"))
        let argv = try #require(c.notifiers.first?.argv)
        let state = try TempDir("st")
        for json in [#"{"id":"a","kind":"report_added"}"#, #"{"id":"b","kind":"grade_changed"}"#] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: argv[0])
            p.arguments = Array(argv.dropFirst())
            p.environment = ["CASEFILE_STATE_DIR": state.path, "PATH": "/usr/bin:/bin"]
            let stdin = Pipe()
            p.standardInput = stdin
            try p.run()
            stdin.fileHandleForWriting.write(Data(json.utf8))
            try stdin.fileHandleForWriting.close()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let written = try String(contentsOf: state.file("notifications.jsonl"), encoding: .utf8)
        #expect(written == "{\"id\":\"a\",\"kind\":\"report_added\"}\n{\"id\":\"b\",\"kind\":\"grade_changed\"}\n")
    }
}

import CasefileModel
import Foundation
import Testing

@testable import CasefileConfig

@Suite("Config: relative paths")
struct ConfigPathTests {
    @Test func relativePathsResolveAgainstTheConfigFolder() throws {
        let c = try config(
            """
            [daemon]
            state_dir = "state"
            socket = "../run/./casefiled.sock"

            [[source]]
            name = "samples"
            kind = "directory"
            url = "samples/"

            [[source]]
            name = "shared"
            kind = "directory"
            url = "../shared drive/Ofsted #1"

            [[source]]
            name = "abs"
            kind = "directory"
            url = "/mnt/in"

            [[notify]]
            name = "relative"
            kind = "command"
            command = ["bin/alert", "bin/not-an-argv0"]

            [[notify]]
            name = "dot"
            kind = "command"
            command = ["./alert"]

            [[notify]]
            name = "bare"
            kind = "command"
            command = ["alert"]

            [[notify]]
            name = "absolute"
            kind = "command"
            command = ["/usr/bin/alert"]
            """, base: "/srv/casefile/config")
        #expect(c.daemon.stateDir == "/srv/casefile/config/state")
        #expect(c.daemon.socket == "/srv/casefile/run/casefiled.sock")
        #expect(
            c.sources.map(\.url) == [
                "file:///srv/casefile/config/samples",
                "file:///srv/casefile/shared%20drive/Ofsted%20%231",
                "file:///mnt/in",
            ])
        #expect(
            c.notifiers.map(\.argv) == [
                ["/srv/casefile/config/bin/alert", "bin/not-an-argv0"],
                ["/srv/casefile/config/alert"],
                ["alert"],
                ["/usr/bin/alert"],
            ])
    }

    @Test func normalisation() {
        #expect(ConfigPaths.normalized("/a/b/../c/./d/") == "/a/c/d")
        #expect(ConfigPaths.normalized("/../..") == "/")
        #expect(ConfigPaths.normalized("//a//b") == "/a/b")
        #expect(ConfigPaths.resolve("x", against: "/") == "/x")
        #expect(ConfigPaths.directory(of: "/etc/casefiled/casefiled.toml") == "/etc/casefiled")
        #expect(ConfigPaths.directory(of: "/casefiled.toml") == "/")
        #expect(ConfigPaths.fileURL("/a b/é") == "file:///a%20b/%C3%A9")
    }

    @Test func aRelativeBaseDirectoryIsTakenFromTheWorkingDirectory() throws {
        let c = try CasefileConfig.parse(text: "[daemon]\nstate_dir = \"s\"", file: "c.toml", baseDirectory: "conf")
        #expect(c.daemon.stateDir == ConfigPaths.normalized(ConfigPaths.currentDirectory() + "/conf/s"))
    }
}

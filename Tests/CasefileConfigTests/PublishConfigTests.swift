import Testing

@testable import CasefileConfig

@Suite("Config: [publish] and [metrics]")
struct PublishConfigTests {
    @Test func absentTablesPublishNothingAndWriteNoTextfile() throws {
        let c = try config("")
        #expect(c.publish == nil)
        #expect(c.metrics.textfile == nil)
        #expect(c.metrics.textfileInterval == .seconds(60))
    }

    @Test func publishTakesAFolderAModeAndAGroup() throws {
        let c = try config(
            """
            [publish]
            folder = "../../srv/casefile"
            mode = "0640"
            group = "www-data"
            """)
        let p = try #require(c.publish)
        #expect(p.folder == "/srv/casefile")
        #expect(p.mode == 0o640)
        #expect(p.group == "www-data")
        let defaults = try #require(try config("[publish]\nfolder = \"/srv/casefile\"\n").publish)
        #expect(defaults.mode == 0o644 && defaults.group == nil)
    }

    @Test func publishIsRefusedByName() {
        #expect(
            configError("[publish]\nmode = \"0644\"\n")?.description
                == "\(configFile):1: publish.folder: missing required key 'folder' in [publish]")
        #expect(
            configError("[publish]\nfolder = \"/srv\"\nmode = 644\n")?.description.contains(
                "publish.mode: expected an octal mode as a string, such as \"0644\"") == true)
        for bad in ["\"0999\"", "\"7777\"", "\"64\"", "\"rw-r--r--\"", "\"01644\""] {
            let e = configError("[publish]\nfolder = \"/srv\"\nmode = \(bad)\n")
            #expect(e?.description.contains("invalid mode") == true, "\(bad): \(String(describing: e))")
        }
        #expect(configError("[publish]\nfolder = \"/srv\"\ngroup = \"Web Data\"\n")?.description.contains("invalid group name") == true)
        #expect(configError("[publish]\nfolder = \"/srv\"\nfolders = \"x\"\n")?.description.contains("unknown key") == true)
        #expect(configError("[[publish]]\nfolder = \"/srv\"\n")?.description.contains("expected a table [publish]") == true)
    }

    @Test func metricsTextfileEndsInProm() throws {
        let c = try config("[metrics]\ntextfile = \"/var/lib/node-exporter/casefiled.prom\"\ntextfile_interval = \"15s\"\n")
        #expect(c.metrics.textfile == "/var/lib/node-exporter/casefiled.prom")
        #expect(c.metrics.textfileInterval == .seconds(15))
        #expect(configError("[metrics]\ntextfile = \"/tmp/casefiled.txt\"\n")?.description.contains("must end in .prom") == true)
        #expect(configError("[metrics]\ntextfile_interval = \"0s\"\n")?.description.contains("too short") == true)
    }
}

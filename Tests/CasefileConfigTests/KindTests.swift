import CasefileModel
import Testing

@testable import CasefileConfig

/// Each kind of source and notifier decodes into its own case, carrying its
/// own settings and nothing else.
@Suite("Config: kinds carry their own settings")
struct KindTests {
    @Test func eachSourceKind() throws {
        let c = try config(
            #"""
            [[source]]
            name = "one"
            kind = "document"
            url = "file:///srv/r.pdf"

            [[source]]
            name = "share"
            kind = "directory"
            url = "sftp://casefile@files.example/in/"
            credentials_file = "share.credentials"
            ssh_known_hosts = "known_hosts"
            ssh_key_file = "/etc/casefiled/id_ed25519"

            [[source]]
            name = "f"
            kind = "feed"
            url = "https://example.org/f.json"
            """#)
        #expect(
            c.sources.map(\.kind) == [
                .document(.init(url: "file:///srv/r.pdf")),
                .directory(
                    .init(
                        url: "sftp://casefile@files.example/in/", credentialsFile: "/etc/casefiled/share.credentials",
                        sshKnownHosts: "/etc/casefiled/known_hosts", sshKeyFile: "/etc/casefiled/id_ed25519")),
                .feed(.init(url: "https://example.org/f.json", format: .auto, documents: nil, labelInclude: [], labelExclude: [])),
            ])
        #expect(c.sources.map(\.kind.name) == ["document", "directory", "feed"])
    }

    @Test func eachNotifierKind() throws {
        let c = try config(
            """
            [[notify]]
            name = "hook"
            kind = "webhook"
            url = "https://hooks.example.org/casefile"
            headers = { Authorization = "Bearer x", "X-Team" = "qa" }
            secret_file = "webhook.secret"

            [[notify]]
            name = "mail"
            kind = "email"
            url = "smtps://mail.example.org:465"
            from = "casefile@example.org"
            to = ["qa@example.org", "director@example.org"]
            starttls = "optional"
            regions = ["london", "North East"]
            direction = "improved"
            areas = ["overall", "adoption", "overall"]
            """)
        #expect(
            c.notifiers.map(\.kind) == [
                .webhook(
                    .init(
                        url: "https://hooks.example.org/casefile",
                        headers: [.init(name: "Authorization", value: "Bearer x"), .init(name: "X-Team", value: "qa")],
                        secretFile: "/etc/casefiled/webhook.secret")),
                .email(
                    .init(
                        url: "smtps://mail.example.org:465", from: "casefile@example.org",
                        to: ["qa@example.org", "director@example.org"], credentialsFile: nil, starttls: .optional)),
            ])
        // The filters and limits every kind has.
        let mail = c.notifiers[1]
        #expect(mail.on == ChangeKind.allCases)
        #expect(mail.regions == ["London", "North East"])
        #expect(mail.direction == .improved)
        #expect(mail.areas == [.overall, .adoption])
        #expect(mail.maxAttempts == 10 && mail.timeout == .seconds(30))
        #expect(c.notifiers[0].direction == .any && c.notifiers[0].areas.isEmpty)
    }

    @Test func theLogLevelIsAnEnum() throws {
        for level in DaemonConfig.LogLevel.allCases {
            #expect(try config("[daemon]\nlog_level = \"\(level.rawValue)\"").daemon.logLevel == level)
        }
    }
}

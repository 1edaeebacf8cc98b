import CasefileModel
import CasefileTestKit
import Foundation
import Testing

@testable import CasefileConfig

@Suite("Config: fetch keys and source kinds")
struct SourceKindConfigTests {
    @Test func newFetchKeysHaveTheirDefaults() throws {
        let f = try config("").fetch
        #expect(f.perHostConcurrency == 2)
        #expect(f.retries == 3)
        #expect(f.contact == nil)
        #expect(f.caBundle == nil)
    }

    @Test func newFetchKeysAreRead() throws {
        let f = try config(
            """
            [fetch]
            per_host_concurrency = 4
            retries = 0
            contact = "mailto:qa@council.example"
            ca_bundle = "certs/ca.pem"
            """
        ).fetch
        #expect(
            f
                == FetchConfig(
                    perHostConcurrency: 4, contact: "mailto:qa@council.example", retries: 0, caBundle: "/etc/casefiled/certs/ca.pem"))
    }

    @Test func crawlSourceKeys() throws {
        let c = try config(
            #"""
            [[source]]
            name = "ofsted"
            kind = "crawl"
            url = "https://reports.ofsted.gov.uk/search?q=&level_1_types=3&level_2_types%5B%5D=12&rows=100"
            follow = ['/provider/44/\d+', 'start=\d+']
            documents = 'files(\.api)?\.ofsted\.gov\.uk/v1/file/\d+'
            max_depth = 5
            label_include = ["Children's services"]
            label_exclude = ['Area SEND', '(?i)welsh']
            """#)
        #expect(
            c.sources == [
                SourceConfig(
                    name: "ofsted",
                    kind: .crawl(
                        .init(
                            url: "https://reports.ofsted.gov.uk/search?q=&level_1_types=3&level_2_types%5B%5D=12&rows=100",
                            follow: [#"/provider/44/\d+"#, #"start=\d+"#], documents: #"files(\.api)?\.ofsted\.gov\.uk/v1/file/\d+"#,
                            maxDepth: 5, labelInclude: ["Children's services"], labelExclude: ["Area SEND", "(?i)welsh"])),
                    line: 1)
            ])
    }

    @Test func crawlDefaults() throws {
        let c = try config("[[source]]\nname = \"c\"\nkind = \"crawl\"\nurl = \"https://example.org/\"\ndocuments = 'pdf$'")
        #expect(c.sources.first?.crawl?.maxDepth == 3)
        #expect(c.sources.first?.crawl?.follow == [])
        #expect(c.sources.first?.crawl?.labelInclude == [])
        #expect(c.sources.first?.crawl?.labelExclude == [])
    }

    @Test func feedSourceKeys() throws {
        let c = try config(
            """
            [[source]]
            name = "f"
            kind = "feed"
            url = "https://example.org/reports.atom"
            format = "atom"
            documents = '/v1/file/'
            label_exclude = ["SEND"]

            [[source]]
            name = "g"
            kind = "feed"
            url = "file:///srv/reports.json"
            """)
        #expect(c.sources.map(\.feed?.format) == [.atom, .auto])
        #expect(c.sources.first?.feed?.documents == "/v1/file/")
        #expect(c.sources.first?.feed?.labelExclude == ["SEND"])
        #expect(c.sources.last?.url == "file:///srv/reports.json")
    }

    @Test(arguments: ["sftp://files.council.example/ofsted/", "ftp://10.0.0.5:2121/reports", "ftps://share.example/in/"])
    func remoteDirectoriesWithCredentials(url: String) throws {
        let dir = try TempDir("cf-creds")
        let file = try dir.write("share.credentials", "qa:secret\n")
        chmod(file.path, 0o600)
        let c = try CasefileConfig.parse(
            text: "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"\(url)\"\ncredentials_file = \"share.credentials\"",
            file: configFile, baseDirectory: dir.path)
        #expect(c.sources.first?.url == url)
        #expect(c.sources.first?.directory?.credentialsFile == file.path)
    }

    @Test func aCredentialsFileOthersCanReadIsRefused() throws {
        let dir = try TempDir("cf-creds")
        let file = try dir.write("share.credentials", "qa:secret\n")
        chmod(file.path, 0o644)
        let text = "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"sftp://host/in/\"\n\ncredentials_file = \"share.credentials\""
        #expect(
            throws: ConfigError(
                file: configFile, line: 6, key: "source[1].credentials_file",
                reason: "credentials file \"\(file.path)\" is readable by group or others (mode 644); run chmod 600 on it")
        ) {
            try CasefileConfig.parse(text: text, file: configFile, baseDirectory: dir.path)
        }
        // Not there yet: allowed (listing the source says so when it runs).
        _ = try CasefileConfig.parse(text: text.replacing("share.credentials", with: "missing"), file: configFile, baseDirectory: dir.path)
    }

    @Test func anSFTPFolderWithAUserInTheURLAKeyAndKnownHosts() throws {
        let dir = try TempDir("cf-ssh")
        let key = try dir.write("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        chmod(key.path, 0o600)
        let hosts = try dir.write("known_hosts", "files.council.example ssh-ed25519 AAAA\n")
        let text = """
            [[source]]
            name = "d"
            kind = "directory"
            url = "sftp://casefile@files.council.example/ofsted/"
            ssh_known_hosts = "known_hosts"
            ssh_key_file = "id_ed25519"
            """
        let c = try CasefileConfig.parse(text: text, file: configFile, baseDirectory: dir.path)
        #expect(c.sources.first?.url == "sftp://casefile@files.council.example/ofsted/")
        #expect(c.sources.first?.directory?.sshKnownHosts == hosts.path)
        #expect(c.sources.first?.directory?.sshKeyFile == key.path)

        chmod(key.path, 0o640)
        #expect(
            throws: ConfigError(
                file: configFile, line: 6, key: "source[1].ssh_key_file",
                reason: "SSH key file \"\(key.path)\" is readable by group or others (mode 640); run chmod 600 on it")
        ) {
            try CasefileConfig.parse(text: text, file: configFile, baseDirectory: dir.path)
        }
    }

    static let crawl = "[[source]]\nname = \"c\"\nkind = \"crawl\"\nurl = \"https://example.org/\"\ndocuments = 'pdf$'\n"
    static let feed = "[[source]]\nname = \"f\"\nkind = \"feed\"\nurl = \"https://example.org/f.atom\"\n"
    static let directory = "[[source]]\nname = \"d\"\nkind = \"directory\"\nurl = \"/srv/in\"\n"
    static let document = "[[source]]\nname = \"o\"\nkind = \"document\"\nurl = \"https://example.org/a.pdf\"\n"

    static let cases: [ConfigErrorTests.Case] = [
        // [fetch]
        .init(
            text: "[fetch]\nper_host_concurrency = 0", line: 2, key: "fetch.per_host_concurrency",
            reason: "0 is out of range: per_host_concurrency must be between 1 and 16"),
        .init(
            text: "[fetch]\nper_host_concurrency = 17", line: 2, key: "fetch.per_host_concurrency",
            reason: "17 is out of range: per_host_concurrency must be between 1 and 16"),
        .init(text: "[fetch]\nretries = 11", line: 2, key: "fetch.retries", reason: "11 is out of range: retries must be between 0 and 10"),
        .init(
            text: "[fetch]\nretries = \"3\"", line: 2, key: "fetch.retries",
            reason: "expected an integer, found a string (write 3 without quotes)"),
        .init(
            text: "[fetch]\ncontact = \"\"", line: 2, key: "fetch.contact",
            reason: "invalid contact \"\": write an email address or a URL on one line, without parentheses"),
        .init(
            text: "[fetch]\ncontact = \"qa (team)\"", line: 2, key: "fetch.contact",
            reason: "invalid contact \"qa (team)\": write an email address or a URL on one line, without parentheses"),
        .init(
            text: "[fetch]\ncontact = \"a\\nFrom: x\"", line: 2, key: "fetch.contact",
            reason: "invalid contact \"a\\nFrom: x\": write an email address or a URL on one line, without parentheses"),
        .init(
            text: "[fetch]\nca_bundle = \"~/ca.pem\"", line: 2, key: "fetch.ca_bundle",
            reason: "invalid path \"~/ca.pem\": '~' is not expanded; write the full path"),
        .init(
            text: "[fetch]\nper_host_concurency = 2", line: 2, key: "fetch.per_host_concurency",
            reason: "unknown key 'per_host_concurency' in [fetch] (did you mean 'per_host_concurrency'?)"),

        // crawl
        .init(
            text: "[[source]]\nname = \"c\"\nkind = \"crawl\"\nurl = \"https://example.org/\"", line: 1, key: "source[1].documents",
            reason: "missing required key 'documents' in [[source]] starting at line 1"),
        .init(
            text: crawl + "follow = [\n  'ok',\n  '(unclosed',\n]", line: 8, key: "source[1].follow",
            reason: "invalid regular expression \"(unclosed\": expected ')'"),
        .init(
            text: crawl.replacing("'pdf$'", with: "'[z-a]'"), line: 5, key: "source[1].documents",
            reason: "invalid regular expression \"[z-a]\": character 'z' must compare less than or equal to 'a'"),
        .init(
            text: crawl.replacing("'pdf$'", with: "''"), line: 5, key: "source[1].documents",
            reason: "an empty pattern matches everything; leave documents out instead"),
        .init(
            text: crawl + "label_exclude = '(SEND'", line: 6, key: "source[1].label_exclude",
            reason: "expected an array of strings, found a string (write label_exclude = [\"(SEND\"])"),
        .init(
            text: crawl + "max_depth = 21", line: 6, key: "source[1].max_depth",
            reason: "21 is out of range: max_depth must be between 0 and 20"),
        .init(
            text: crawl + "format = \"atom\"", line: 6, key: "source[1].format",
            reason: "key 'format' does not apply to a crawl source (it is for feed sources)"),
        .init(
            text: crawl + "credentials_file = \"x\"", line: 6, key: "source[1].credentials_file",
            reason: "key 'credentials_file' does not apply to a crawl source (it is for directory sources)"),
        .init(
            text: crawl.replacing("https://example.org/", with: "file:///srv/site/"), line: 4, key: "source[1].url",
            reason: "invalid url \"file:///srv/site/\" for a crawl source (use an http:// or https:// URL)"),
        .init(
            text: crawl + "folow = []", line: 6, key: "source[1].folow",
            reason: "unknown key 'folow' in [[source]] starting at line 1 (did you mean 'follow'?)"),

        // feed
        .init(
            text: feed + "format = \"xml\"", line: 5, key: "source[1].format",
            reason: "invalid feed format \"xml\" (use one of: auto, atom, rss, json)"),
        .init(
            text: feed + "follow = ['x']", line: 5, key: "source[1].follow",
            reason: "key 'follow' does not apply to a feed source (it is for crawl sources)"),
        .init(
            text: feed + "max_depth = 2", line: 5, key: "source[1].max_depth",
            reason: "key 'max_depth' does not apply to a feed source (it is for crawl sources)"),
        .init(
            text: feed.replacing("https://example.org/f.atom", with: "ftp://example.org/f.atom"), line: 4, key: "source[1].url",
            reason: "invalid url \"ftp://example.org/f.atom\" for a feed source (use an http://, https:// or file:// URL)"),

        // directory and document
        .init(
            text: directory + "documents = 'pdf'", line: 5, key: "source[1].documents",
            reason: "key 'documents' does not apply to a directory source (it is for crawl and feed sources)"),
        .init(
            text: directory + "credentials_file = \"/etc/casefiled/x\"", line: 5, key: "source[1].credentials_file",
            reason: "credentials_file is for sftp://, ftp:// and ftps:// folders; a local folder needs none"),
        .init(
            text: document + "label_include = ['x']", line: 5, key: "source[1].label_include",
            reason: "key 'label_include' does not apply to a document source (it is for crawl and feed sources)"),
        .init(
            text: document + "credentials_file = \"x\"", line: 5, key: "source[1].credentials_file",
            reason: "key 'credentials_file' does not apply to a document source (it is for directory sources)"),
    ]

    @Test(arguments: cases)
    func refused(_ c: ConfigErrorTests.Case) {
        let e = configError(c.text)
        #expect(e?.reason == c.reason, "input:\n\(c.text)")
        #expect(e?.line == c.line, "input:\n\(c.text)")
        #expect(e?.key == c.key, "input:\n\(c.text)")
    }
}

import CasefileModel

/// One `[[notify]]`: a name, its kind (channel) with exactly that kind's
/// settings, the filters on what it is told, and its delivery limits. The
/// doc of each key is in `keys` and the kinds' `keys`.
public struct NotifierConfig: ConfigTable {
    /// Unique among notifiers; same form as a source name.
    public var name = ""
    public var kind: Kind = .command(Command())
    /// The change kinds delivered, at least one, each once.
    public var on: [ChangeKind] = ChangeKind.allCases
    /// Authority slugs followed; empty (with `regions` empty) for all.
    public var authorities: [String] = []
    /// Regions followed, as the authority list spells them; an authority
    /// passes when it is in `authorities` or its region is here.
    public var regions: [String] = []
    /// grade_changed only.
    public var direction: Direction = .any
    /// grade_changed only: the judgement areas whose moves count; empty for all.
    public var areas: [Area] = []
    /// Deliveries tried before one is parked as failed.
    public var maxAttempts = 10
    /// One attempt still running after this fails (a command is killed).
    public var timeout: Duration = .seconds(30)
    /// The wait after a first failed attempt; it doubles with each failure
    /// in a row, up to an hour.
    public var retryDelay: Duration = .seconds(2)
    /// The line of the `[[notify]]` header, for messages.
    public var line = 0

    public enum Kind: Sendable, Equatable {
        case command(Command)
        case webhook(Webhook)
        case email(Email)

        /// As the `kind` key names it.
        public var name: String {
            switch self {
            case .command: "command"
            case .webhook: "webhook"
            case .email: "email"
            }
        }
    }

    /// A program run for each change.
    public struct Command: ConfigTable {
        /// Non-empty. argv[0] is absolute, or was relative with a '/' and has
        /// been resolved against the config file's folder, or is a bare name
        /// to look up on PATH when it runs.
        public var argv: [String] = []

        static let keys: [ConfigKey<Self>] = [
            .init(
                "command", program, \.argv, required: true,
                doc: "the program and its arguments; it gets the change's JSON (the object of `changes --json`) on stdin "
                    + "and `CASEFILE_CHANGE_ID`, `CASEFILE_CHANGE_KIND`, `CASEFILE_AUTHORITY`, `CASEFILE_CHANGE_SEQ` and "
                    + "`CASEFILE_STATE_DIR` in its environment; exit 0 means delivered")
        ]
    }

    /// An HTTP POST of each change.
    public struct Webhook: ConfigTable {
        /// `http(s)://`.
        public var url = ""
        /// In file order.
        public var headers: [Header] = []
        /// Absolute; its contents (trailing newline dropped) key the
        /// HMAC-SHA256 signature header; mode 0600.
        public var secretFile: String? = nil
        /// Absolute; more headers, `Name: value` a line, read at each
        /// delivery (a bearer token kept out of the config); mode 0600.
        public var headersFile: String? = nil

        static let keys: [ConfigKey<Self>] = [
            .init(
                "url", webhookURL, \.url, required: true,
                doc: "an `http(s)://` URL, posted the change's JSON plus `text` and `subject` "
                    + "(so a Slack or Teams incoming webhook shows it as is)"),
            .init(
                "headers", headerTable, \.headers,
                doc: "extra headers that are not secret, e.g. `{ \"X-Team\" = \"alliance\" }` (put a token in `headers_file`)"),
            .init(
                "headers_file", .secretFile("headers file"), \.headersFile,
                doc: "more headers, one `Name: value` a line, read at each delivery: where a bearer token goes, "
                    + "e.g. `Authorization: Bearer …`; never shown by casefilectl or in the journal"),
            .init(
                "secret_file", .secretFile("secret file"), \.secretFile,
                doc: "a key that signs the body, as `X-Casefile-Signature: sha256=<HMAC-SHA256 hex>`"),
        ]
    }

    /// A mail for each change.
    public struct Email: ConfigTable {
        /// `smtp://host:port` or `smtps://host:port`.
        public var url = ""
        /// The envelope and header sender.
        public var from = ""
        /// At least one.
        public var to: [String] = []
        /// Absolute path of a `user:password` file, mode 0600.
        public var credentialsFile: String? = nil
        public var starttls: StartTLS = .required

        static let keys: [ConfigKey<Self>] = [
            .init("url", emailURL, \.url, required: true, doc: "`smtp://host:port`, or `smtps://…` for TLS from the start"),
            .init("from", address, \.from, required: true, doc: "the sender"),
            .init("to", addresses, \.to, required: true, doc: "the recipients"),
            .init("credentials_file", .secretFile("credentials file"), \.credentialsFile, doc: "a file holding `user:password` for SMTP"),
            .init("starttls", .choice("starttls"), \.starttls, doc: "whether an `smtp://` connection is upgraded to TLS"),
        ]
    }

    /// `starttls` (`smtp://` only; `smtps://` is TLS from the start).
    public enum StartTLS: String, Sendable, Equatable, CaseIterable {
        /// Refuse to send unless the server upgrades to TLS.
        case required
        /// Upgrade when the server offers it, else send in the clear.
        case optional
        /// Never upgrade.
        case never
    }

    /// `direction`: which grade changes a notifier hears about.
    public enum Direction: String, Sendable, Equatable, CaseIterable {
        case improved, declined, any
    }

    /// One entry of a webhook's `headers` table.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    static let keys: [ConfigKey<Self>] = [
        .init("on", changeKinds, \.on, default: "every kind", doc: "the change kinds delivered"),
        .init(
            "authorities", slugs, \.authorities, default: "all",
            doc: "only these authorities (slugs, as in `casefilectl grades`); with `regions`, an authority passes when either lists it"),
        .init("regions", regions, \.regions, default: "all", doc: "only authorities in these regions"),
        .init("direction", .choice("direction"), \.direction, doc: "`grade_changed` only: which way a judgement moved"),
        .init("areas", areas, \.areas, default: "all", doc: "`grade_changed` only: judgement areas that must have moved"),
        .init(
            "max_attempts", .integer(1...1000), \.maxAttempts,
            doc: "attempts before a delivery is parked as failed (`casefilectl notifications` lists it, "
                + "`casefilectl notifications retry [ID]` puts it back)"),
        .init("timeout", .duration(atLeast: .milliseconds(1)), \.timeout, doc: "one attempt's limit"),
        .init(
            "retry_delay", .duration(atLeast: .milliseconds(100)), \.retryDelay,
            doc: "the wait after a first failed attempt; it doubles with each failure in a row, up to an hour, with ±20 % jitter"),
    ]

    static let form = KindedTable<Self>(
        what: "notifier", nameDoc: "unique; same form as a source's",
        kinds: [
            KindSchema("command", Command.self, doc: "runs a program") { $0.kind = .command($1) },
            KindSchema("webhook", Webhook.self, doc: "posts JSON") { $0.kind = .webhook($1) },
            KindSchema("email", Email.self, doc: "sends mail") { $0.kind = .email($1) },
        ],
        name: \.name, line: \.line,
        invalidKind: { value, kinds in
            var reason = "invalid notifier kind \(quoted(value)) (use one of: \(kinds.joined(separator: ", ")))"
            if let guess = suggestion(for: value, among: kinds) { reason += " (did you mean \"\(guess)\"?)" }
            return reason
        },
        wrongKind: { key, owners, kind in
            "\(key) is for \(owners.map { "\"\($0)\"" }.joined(separator: " and ")) notifiers, not \"\(kind)\""
        })
}

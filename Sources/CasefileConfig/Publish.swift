/// `[publish]`: a folder the daemon writes the dashboard, the grades export
/// and the change feed into after each sync that changed something, for a
/// web server or a shared drive. Present only when the file has the table;
/// then `folder` is required.
public struct PublishConfig: ConfigTable {
    /// Absolute. Required: the placeholder never survives decoding.
    public var folder = ""
    /// The files' permission bits (`0o644`).
    public var mode = 0o644
    /// The files' group; nil: the daemon's own.
    public var group: String? = nil

    public init() {}

    static let keys: [ConfigKey<Self>] = [
        .init(
            "folder", .path, \.folder, required: true,
            doc: "`index.html` (the dashboard), `grades.csv`, `grades.json` and `changes.atom` are written here, each by "
                + "an atomic rename; created when missing"),
        .init(
            "mode", .fileMode, \.mode,
            doc: "the files' permission bits, in octal (the folder, when created, gets the same plus search where read is allowed)"),
        .init(
            "group", .string(DaemonConfig.checkGroupName), \.group, default: "the daemon's",
            doc: "the files' group, so that a web server's group may read them; the daemon's user must be a member"),
    ]
}

/// `[metrics]`: the metrics `GET /v1/metrics` serves are also written to a
/// file for node_exporter's textfile collector (Prometheus cannot scrape a
/// Unix socket).
public struct MetricsConfig: ConfigTable {
    /// Absolute; nil: no file.
    public var textfile: String? = nil
    public var textfileInterval: Duration = .seconds(60)

    public init() {}

    static let keys: [ConfigKey<Self>] = [
        .init(
            "textfile", .path(checkTextfile), \.textfile,
            doc: "write the metrics here (Prometheus text format, mode 0644, by an atomic rename), e.g. "
                + "`/var/lib/prometheus/node-exporter/casefiled.prom`"),
        .init(
            "textfile_interval", .duration(atLeast: .seconds(1)), \.textfileInterval,
            doc: "how often the file is rewritten (and after each sync)"),
    ]

    /// node_exporter reads only `*.prom` files of its folder.
    @Sendable static func checkTextfile(_ path: String) -> String? {
        path.hasSuffix(".prom") ? nil : "textfile \(quoted(path)) must end in .prom (node_exporter's textfile collector reads only those)"
    }
}

extension ValueType where Value == Int {
    /// Permission bits written in octal as a string (`"0644"`, `"640"`), at most `0777`.
    static var fileMode: Self {
        ValueType("string (octal mode)", show: { "0" + String($0, radix: 8) }) { v, site throws(ConfigError) in
            let s = try site.string(v, expected: "an octal mode as a string, such as \"0644\"")
            guard (3...4).contains(s.count), s.allSatisfy({ ("0"..."7").contains($0) }), let n = Int(s, radix: 8), n <= 0o777
            else {
                throw site.fail(v.line, "invalid mode \(quoted(s)) (write the permission bits in octal, e.g. \"0644\" or \"0640\")")
            }
            return n
        }
    }
}

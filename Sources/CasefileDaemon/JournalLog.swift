import CasefileControl
import CasefileModel
import Foundation
import Logging

/// Log lines for the journal: one line each on stderr, prefixed with the
/// syslog priority (`<6>` info … `<3>` error), which journald reads as the
/// line's level (sd-daemon(3)); metadata follows as `key=value`.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    /// Every logger's level: one for the process, so that a reload that
    /// changes `log_level` changes it for every logger at once.
    public var logLevel: Logger.Level {
        get { Self.level.value }
        set { Self.level.value = newValue }
    }
    private let label: String
    private static let level = Locked(Logger.Level.info)

    public init(label: String, level: Logger.Level) {
        self.label = label
        Self.level.value = level
    }

    /// Sets every logger's level (a reload).
    public static func setLevel(_ level: Logger.Level) {
        Self.level.value = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra, uniquingKeysWith: { _, new in new }) }
        var line = "<\(Self.priority(event.level))>\(event.message)"
        if !all.isEmpty {
            line += " " + all.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\(Self.quote("\($0.value)"))" }.joined(separator: " ")
        }
        line = line.replacingOccurrences(of: "\n", with: "\\n")
        line += "\n"
        Output.stderr(line)
    }

    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : s
    }

    /// Installs the handler for the whole process.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level) }
    }
}

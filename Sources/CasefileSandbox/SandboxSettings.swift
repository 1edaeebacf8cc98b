import Foundation

/// The extraction helpers' limits and number (the `[daemon]` keys
/// `parse_workers`, `parse_timeout`, `parse_max_memory`, `parse_max_pages`;
/// docs/SANDBOX.md).
public struct SandboxSettings: Sendable, Equatable {
    /// Helpers at most, each extracting one document at a time.
    public var workers: Int
    /// One document's wall-clock limit: the helper is killed after it.
    public var timeout: Duration
    /// What one extraction may allocate (bytes); the helper's address space
    /// is limited to its own size plus twice this.
    public var maxMemory: Int
    /// A PDF with more pages is refused.
    public var maxPages: Int
    /// The helper's path; nil: found as `HelperLocation.find()` says.
    public var helperPath: String?
    /// Passes `--test-hooks` (tests only; see docs/SANDBOX.md).
    public var testHooks: Bool

    public static let defaultTimeout: Duration = .seconds(60)
    public static let defaultMaxMemory = 512_000_000
    public static let defaultMaxPages = 500

    public init(
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, timeout: Duration = defaultTimeout,
        maxMemory: Int = defaultMaxMemory, maxPages: Int = defaultMaxPages, helperPath: String? = nil,
        testHooks: Bool = ProcessInfo.processInfo.environment["CASEFILE_EXTRACT_TEST_HOOKS"] == "1"
    ) {
        self.workers = max(1, workers)
        self.timeout = timeout
        self.maxMemory = maxMemory
        self.maxPages = maxPages
        self.helperPath = helperPath
        self.testHooks = testHooks
    }

    /// A helper's CPU time for its whole life (RLIMIT_CPU): ten documents'
    /// worth of the wall-clock limit, at least a minute. The pool replaces a
    /// helper before a document could run into it.
    var cpuBudget: Int { max(60, Int(timeout.components.seconds) * 10) }

    /// The helper's command line, without its path.
    var arguments: [String] {
        var args = ["--max-memory", "\(maxMemory)", "--max-pages", "\(maxPages)", "--cpu-seconds", "\(cpuBudget)"]
        if testHooks { args.append("--test-hooks") }
        return args
    }
}

/// Where the helper is looked for.
public enum HelperLocation {
    public static let name = "casefile-extract"

    /// The folders looked in, in order: the running program's own folder
    /// (a build folder such as `.build/release`, or an install's `bin`
    /// when the helper was put beside it), then `../libexec/casefile` from
    /// it (`make install`'s layout: `$(PREFIX)/bin/casefiled`,
    /// `$(PREFIX)/libexec/casefile/casefile-extract`), then
    /// `/usr/local/libexec/casefile` and `/usr/libexec/casefile`.
    public static func candidates() -> [String] {
        var folders: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let dir = (exe as NSString).deletingLastPathComponent
            folders.append(dir)
            folders.append(((dir as NSString).deletingLastPathComponent as NSString).appendingPathComponent("libexec/casefile"))
        }
        folders += ["/usr/local/libexec/casefile", "/usr/libexec/casefile"]
        return folders.map { ($0 as NSString).appendingPathComponent(name) }
    }

    /// The first candidate that is an executable file.
    public static func find() -> String? {
        candidates().first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Sizes as the config file writes them: `512MB`, `1GiB`, `1000 bytes`.
func formatBytes(_ n: Int) -> String {
    for (suffix, size) in [("GiB", 1 << 30), ("GB", 1_000_000_000), ("MiB", 1 << 20), ("MB", 1_000_000), ("KiB", 1 << 10), ("KB", 1_000)]
    where n >= size && n % size == 0 {
        return "\(n / size)\(suffix)"
    }
    return n >= 1_000_000 ? "\(n / 1_000_000)MB" : "\(n) bytes"
}

/// Durations as the config file writes them: `60s`, `1500ms`.
func formatDuration(_ d: Duration) -> String {
    let (s, atto) = d.components
    if atto == 0 { return "\(s)s" }
    return "\(s * 1000 + atto / 1_000_000_000_000_000)ms"
}

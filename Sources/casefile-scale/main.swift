// casefile-scale: builds a large store through the store's own write path,
// for the scale benchmark (Tests/Benchmarks/scale_benchmark.py, `make
// bench-scale`), and prints the SQL each read endpoint runs on it.
//
//     casefile-scale build --store FILE --authorities CSV [--reports N] [--big SLUG] [--big-reports M] [--seed S]
//     casefile-scale statements --store FILE --big SLUG [--variants K] [--seed S]
//     casefile-scale profile --store FILE [--variants K] [--seed S]
//
// `build` ingests synthetic reports (Synthetic.swift) one document at a
// time with CasefileSync's Ingestor over CasefileStore, exactly as a sync
// stores a parsed document: each in its own transaction, with its changes.
// No channel is configured, so nothing is queued for delivery. It prints a
// JSON summary on stdout and its progress on stderr.
//
// `statements` runs the store reads of each endpoint, as the control
// server's handlers make them, and prints the SQL SQLite ran for each (its
// arguments written in), as JSON: {endpoint: [[statement, …], …]}, one list
// per variant (another page, another cursor). The benchmark runs them with
// the sqlite3 shell on the same file: the floor the daemon is compared with.
//
// Build in release: debug figures mean nothing.
import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("casefile-scale: \(message)\n".utf8))
    exit(2)
}

struct Options {
    var mode = ""
    var store = ""
    var authorities = ""
    var reports = 100_000
    var big = "kent"
    var bigReports = 6000
    var seed: UInt64 = 15
    var variants = 20
}

func number<T: LosslessStringConvertible>(_ value: String, _ option: String) -> T {
    guard let n = T(value) else { fail("\(option) needs a number, got \(value)") }
    return n
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    guard let mode = args.popFirst(), ["build", "statements", "profile"].contains(mode) else {
        fail("usage: casefile-scale build|statements|profile --store FILE [options] (see the comment atop main.swift)")
    }
    o.mode = mode
    while let a = args.popFirst() {
        guard let v = args.popFirst() else { fail("\(a) needs a value") }
        switch a {
        case "--store": o.store = v
        case "--authorities": o.authorities = v
        case "--reports": o.reports = number(v, a)
        case "--big": o.big = v
        case "--big-reports": o.bigReports = number(v, a)
        case "--seed": o.seed = number(v, a)
        case "--variants": o.variants = number(v, a)
        default: fail("unknown option \(a)")
        }
    }
    if o.store.isEmpty { fail("--store FILE is required") }
    return o
}

/// The bundled authority list: slug and name of each.
func readAuthorities(_ path: String) -> [Authority] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    return text.split(separator: "\n").dropFirst().compactMap { line in
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        return cells.count >= 2 ? Authority(name: String(cells[1]), slug: String(cells[0])) : nil
    }
}

func build(_ o: Options) throws {
    if o.authorities.isEmpty { fail("--authorities CSV is required") }
    if FileManager.default.fileExists(atPath: o.store) { fail("\(o.store) exists: build makes a new store") }
    var authorities = readAuthorities(o.authorities)
    var counts: [Int]
    if o.bigReports > 0 {
        guard let i = authorities.firstIndex(where: { $0.slug == o.big }) else { fail("no authority \(o.big) in \(o.authorities)") }
        authorities.swapAt(0, i)
        let rest = o.reports - o.bigReports
        let others = authorities.count - 1
        counts = [o.bigReports] + (0..<others).map { rest / others + ($0 < rest % others ? 1 : 0) }
    } else {
        authorities = Array(authorities.prefix(o.reports))
        counts = (0..<authorities.count).map { o.reports / authorities.count + ($0 < o.reports % authorities.count ? 1 : 0) }
    }
    let plan = Synthetic.plan(authorities: authorities, counts: counts, seed: o.seed)
    let store = try CasefileStore(path: o.store)
    let ingestor = Ingestor(store: store)
    let started = Date()
    var lap = started
    let arrival = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    for (n, doc) in plan.enumerated() {
        let bytes = Array("synthetic document \(n) of \(doc.report.authority.slug)\n".utf8)
        _ = try ingestor.ingest(
            IngestDocument(url: doc.url, source: "scale-bench", bytes: bytes, contentType: "text/plain"), report: doc.report,
            authorityName: doc.authorityName, announcer: .silent, at: arrival.addingTimeInterval(Double(n)))
        if (n + 1) % 10_000 == 0 {
            let now = Date()
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "  %d documents, %.0f s, %.2f ms each over the last 10000\n", n + 1, now.timeIntervalSince(started),
                        now.timeIntervalSince(lap) / 10
                    ).utf8))
            lap = now
        }
    }
    let seconds = Date().timeIntervalSince(started)
    let c = try store.counts()
    try store.close()
    let size = (try? FileManager.default.attributesOfItem(atPath: o.store)[.size] as? Int) ?? 0
    let summary: [String: Any] = [
        "documents": plan.count, "reports": c.reports, "changes": c.changes, "authorities": c.authorities,
        "big": o.bigReports > 0 ? o.big : "", "bigReports": o.bigReports, "seconds": seconds,
        "msPerDocument": seconds * 1000 / Double(max(1, plan.count)), "bytes": size,
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
}

/// The SQL one call of the store runs.
final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var on = false
    private var lines: [String] = []

    func add(_ sql: String) { lock.withLock { if on { lines.append(sql) } } }

    func capture(_ body: () throws -> Void) rethrows -> [String] {
        lock.withLock {
            on = true
            lines = []
        }
        defer { lock.withLock { on = false } }
        try body()
        return lock.withLock { lines }.filter { $0.uppercased().hasPrefix("SELECT") }
    }
}

func statements(_ o: Options) throws {
    let log = StatementLog()
    let store = try CasefileStore(path: o.store, migratingUpTo: nil, trace: { log.add($0) })
    var rng = Seeded(state: o.seed)
    guard let history = try store.history(slug: o.big)?.reports, history.count > 100 else { fail("\(o.big) has no long history") }
    let last = try store.lastSeq()
    // What each handler of ControlServer.swift asks the store (the sources
    // come from the scheduler, which reads the sources' records).
    let calls: [(String, () throws -> Void)] = [
        (
            "status",
            {
                _ = try store.counts(); _ = try store.pendingDeliveryCount()
            }
        ),
        ("sources", { _ = try store.allSourceStates() }),
        (
            "changes",
            { _ = try store.changes(since: Int64.random(in: 0...max(0, last - 50), using: &rng), limit: 51, authority: nil, kind: nil) }
        ),
        // The handler reads the grades version, and the grades when it moved.
        ("grades", { _ = try store.latestGrades(unless: nil) }),
        ("detail", { _ = try store.newestReport(slug: o.big) }),
        (
            "history",
            {
                _ = try store.historyPage(
                    slug: o.big, after: history[Int.random(in: 0..<(history.count - 100), using: &rng)].id, limit: 100)
            }
        ),
    ]
    var out: [String: [[String]]] = [:]
    for (name, call) in calls {
        out[name] = try (0..<o.variants).map { _ in try log.capture(call) }
    }
    try store.close()
    print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
}

let options = parseOptions()
do {
    switch options.mode {
    case "build": try build(options)
    case "profile": try profile(options)
    default: try statements(options)
    }
} catch {
    fail("\(error)")
}

import CasefileModel
import CasefileNotify
import CasefileStore
import CasefileSync
import Clocks
import Foundation

// In-memory stand-ins for the store and the channels, so that each rule is
// tested on its own, in milliseconds. The store's own behaviour is tested on
// a real SQLite file in CasefileStoreTests.

/// A report of Redbridge with these grades (content hash from the grades
/// and dates, so different content always differs).
func report(
    _ start: String, _ end: String, _ grades: [Area: Grade] = [:], slug: String = "redbridge",
    framework: Framework = .ilacs, parserVersion: Int = 1
) -> Report {
    let span = DateSpan(start: LocalDate(iso: start)!, end: LocalDate(iso: end)!)
    let judgements = grades.keys.sorted().map { Judgement(area: $0, grade: grades[$0]!, title: $0.rawValue) }
    return Report(
        authority: Authority(name: "London Borough of Redbridge", slug: slug), framework: framework,
        kind: framework == .ilacs ? .standard : nil, inspection: span, leadInspectors: ["A. Inspector"],
        judgements: judgements, improvements: [], sections: [],
        contentHash: "sha256:\(slug)-\(start)-\(end)-\(grades.keys.sorted().map { "\($0.rawValue)=\(grades[$0]!.rawValue)" })",
        parserVersion: parserVersion)
}

func doc(_ url: String, bytes: String = "bytes") -> IngestDocument {
    IngestDocument(url: url, source: "ofsted", bytes: Array(bytes.utf8))
}

/// 2026-11-27T09:00:00Z plus `seconds`.
func instant(_ seconds: TimeInterval = 0) -> Date {
    Date(timeIntervalSince1970: 1_795_770_000 + seconds)
}

/// The ingest rules' unit of work over plain arrays; a failed unit of work
/// leaves the state as it was, like a rolled-back transaction.
final class FakeIngestStore: IngestStore, @unchecked Sendable {
    struct State {
        var authorities: [String: String] = [:]
        var reports: [Int64: (record: StoredReportRecord, withdrawn: Bool)] = [:]
        var documents: [String: Int64?] = [:]
        var changes: [ChangeRecord] = []
        var outbox: [(seq: Int64, channel: String)] = []
        var nextID: Int64 = 1
    }

    private let lock = NSLock()
    private(set) var state = State()
    /// When set, the unit of work throws at its first write.
    var failWrites = false

    func unitOfWork<T>(_ body: (any IngestUnitOfWork) throws -> T) throws -> T {
        try lock.withLock {
            let work = Work(state: state, failWrites: failWrites)
            let value = try body(work)
            state = work.state
            return value
        }
    }

    struct Failure: Error {}

    final class Work: IngestUnitOfWork {
        var state: State
        let failWrites: Bool
        init(state: State, failWrites: Bool) {
            self.state = state
            self.failWrites = failWrites
        }

        private func write() throws { if failWrites { throw Failure() } }

        func upsertAuthority(slug: String, name: String) throws {
            try write()
            state.authorities[slug] = name
        }
        func reports(authority slug: String) throws -> [StoredReportRecord] {
            state.reports.values.map(\.record).filter { $0.report.authority.slug == slug }.sorted { $0.id < $1.id }
        }
        func reportID(document url: String) throws -> Int64? { state.documents[url] ?? nil }
        func saveDocument(_ doc: IngestDocument, reportID: Int64?, at: Date) throws {
            try write()
            state.documents[doc.url] = reportID
        }
        func linkDocument(url: String, reportID: Int64) throws { state.documents[url] = reportID }
        func insertReport(_ report: Report, documentURL: String, at: Date) throws -> Int64 {
            let id = state.nextID
            state.nextID += 1
            state.reports[id] = (StoredReportRecord(id: id, documentURL: documentURL, report: report, supersededBy: nil), false)
            return id
        }
        func replaceContent(reportID: Int64, with report: Report) throws { state.reports[reportID]?.record.report = report }
        func supersede(_ old: Int64, by new: Int64, onlyIfCurrent: Bool) throws {
            guard !onlyIfCurrent || state.reports[old]?.record.supersededBy == nil else { return }
            state.reports[old]?.record.supersededBy = new
        }
        func listedReport(document url: String) throws -> (id: Int64, authority: String)? {
            guard let id = state.documents[url] ?? nil, let r = state.reports[id], r.record.supersededBy == nil, !r.withdrawn
            else { return nil }
            return (id, r.record.report.authority.slug)
        }
        func setWithdrawn(reportID: Int64, at: Date?) throws { state.reports[reportID]?.withdrawn = at != nil }
        func appendChange(
            _ kind: ChangeKind, authority: String, reportID: Int64, previousReportID: Int64?, grades: [GradeMove]?,
            fields: [String]?, at: Date
        ) throws -> Int64 {
            let seq = Int64(state.changes.count + 1)
            let r = state.reports[reportID]!.record
            let ref = ReportRef(id: reportID, framework: r.report.framework, inspection: r.report.inspection, url: r.documentURL)
            state.changes.append(
                ChangeRecord(
                    seq: seq, id: "change-\(seq)", kind: kind, at: Timestamp.string(at),
                    authority: Authority(name: state.authorities[authority] ?? authority, slug: authority), report: ref,
                    grades: grades, fields: fields))
            return seq
        }
        func enqueue(change seq: Int64, channel: String, at: Date) throws { state.outbox.append((seq, channel)) }
        func changes(seqs: [Int64]) throws -> [ChangeRecord] { state.changes.filter { seqs.contains($0.seq) } }
        func savepoint<T>(_ body: () throws -> T) throws -> T {
            let saved = state
            do {
                return try body()
            } catch {
                state = saved
                throw error
            }
        }
    }
}

/// An outbox queue in memory, with failures on demand.
final class FakeQueue: OutboxQueue, @unchecked Sendable {
    struct Row {
        var delivery: Delivery
        var state = "pending"
        var next: Date
        var error: String?
    }

    private let lock = NSLock()
    private var rows: [Row] = []
    /// While true, recording an outcome throws (a full or read-only store).
    var failRecords: Bool {
        get { lock.withLock { _failRecords } }
        set { lock.withLock { _failRecords = newValue } }
    }
    private var _failRecords = false

    func add(seq: Int64, channel: String, due: Date) {
        lock.withLock {
            let change = ChangeRecord(
                seq: seq, id: "change-\(seq)", kind: .reportAdded, at: Timestamp.string(due),
                authority: Authority(name: "Redbridge", slug: "redbridge"),
                report: ReportRef(id: seq, framework: .ilacs, inspection: report("2019-04-29", "2019-05-03").inspection, url: nil))
            rows.append(Row(delivery: Delivery(id: Int64(rows.count + 1), channel: channel, change: change, attempts: 0), next: due))
        }
    }

    func snapshot() -> [Row] { lock.withLock { rows } }

    func dueDeliveries(channel: String, now: Date, limit: Int) throws -> [Delivery] {
        lock.withLock {
            Array(rows.filter { $0.state == "pending" && $0.delivery.channel == channel && $0.next <= now }.prefix(limit).map(\.delivery))
        }
    }
    func pendingChannels() throws -> Set<String> {
        lock.withLock { Set(rows.filter { $0.state == "pending" }.map(\.delivery.channel)) }
    }
    func nextDeliveryDue(channels: Set<String>) throws -> Date? {
        lock.withLock { rows.filter { $0.state == "pending" && channels.contains($0.delivery.channel) }.map(\.next).min() }
    }
    func markDelivered(id: Int64, at: Date) throws {
        try lock.withLock {
            if _failRecords { throw FakeIngestStore.Failure() }
            let i = rows.firstIndex { $0.delivery.id == id }!
            rows[i].state = "delivered"
            rows[i].delivery.attempts += 1
        }
    }
    func markDeliveryFailed(id: Int64, error: String, nextAttemptAt: Date?, at: Date) throws {
        try lock.withLock {
            if _failRecords { throw FakeIngestStore.Failure() }
            let i = rows.firstIndex { $0.delivery.id == id }!
            rows[i].delivery.attempts += 1
            rows[i].error = error
            if let nextAttemptAt { rows[i].next = nextAttemptAt } else { rows[i].state = "failed" }
        }
    }
    func parkOrphaned(channels: Set<String>) throws -> Int {
        lock.withLock {
            var n = 0
            for i in rows.indices where rows[i].state == "pending" && channels.contains(rows[i].delivery.channel) {
                rows[i].state = "orphaned"
                n += 1
            }
            return n
        }
    }
    func restoreOrphaned(channels: Set<String>, at: Date) throws -> Int {
        lock.withLock {
            var n = 0
            for i in rows.indices where rows[i].state == "orphaned" && channels.contains(rows[i].delivery.channel) {
                rows[i].state = "pending"
                rows[i].next = at
                n += 1
            }
            return n
        }
    }
}

/// A channel that records what it was given and fails on demand.
final class FakeChannel: NotificationChannel, @unchecked Sendable {
    let name: String
    let maxAttempts: Int
    let timeout: Duration = .seconds(30)
    private let lock = NSLock()
    private var _delivered: [String] = []
    private var _failing = false
    private var _attempts = 0

    init(_ name: String, maxAttempts: Int = 3) {
        self.name = name
        self.maxAttempts = maxAttempts
    }

    var delivered: [String] { lock.withLock { _delivered } }
    var attempts: Int { lock.withLock { _attempts } }
    var failing: Bool {
        get { lock.withLock { _failing } }
        set { lock.withLock { _failing = newValue } }
    }

    func deliver(_ change: ChangeRecord, json: Data) async throws(DeliveryError) {
        let fail = lock.withLock { () -> Bool in
            _attempts += 1
            if !_failing { _delivered.append(change.id) }
            return _failing
        }
        if fail { throw DeliveryError("refused") }
    }
}

/// Waits (in real time) until `condition` holds; false after `seconds`. The
/// limit is generous: the whole suite runs in parallel on two cores, and
/// tests that block a thread of the cooperative pool can hold these up.
/// `eventually`, moving `clock` on 50 ms a poll. A service loop plans its
/// next round at least 50 ms ahead (so that a real clock never spins it);
/// on a test clock those 50 ms pass only when the test moves it, and a
/// round planned after the test's last move would otherwise never come.
func eventually(ticking clock: TestClock<Duration>, _ seconds: Double = 180, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        await clock.advance(by: .milliseconds(50))
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}

func eventually(_ seconds: Double = 180, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}

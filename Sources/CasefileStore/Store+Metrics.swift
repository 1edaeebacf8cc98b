import CasefileModel
import Foundation
import GRDB

/// What the store says for the daemon's metrics, read at scrape time: these
/// are states kept in the store, right across restarts, rather than counters
/// a process would start again from zero.
public struct StoreMetrics: Sendable, Equatable {
    /// Entries of the change log, by kind (every kind, 0 included).
    public var changesByKind: [ChangeKind: Int]
    /// Deliveries waiting (pending) by channel.
    public var pendingByChannel: [String: Int]
    /// Deliveries given up on (failed: parked until retried) by channel.
    public var parkedByChannel: [String: Int]
    /// Each source's last successful sync, for the sources that had one.
    public var lastSuccessBySource: [String: Date]

    public init(
        changesByKind: [ChangeKind: Int], pendingByChannel: [String: Int], parkedByChannel: [String: Int],
        lastSuccessBySource: [String: Date]
    ) {
        self.changesByKind = changesByKind
        self.pendingByChannel = pendingByChannel
        self.parkedByChannel = parkedByChannel
        self.lastSuccessBySource = lastSuccessBySource
    }
}

extension CasefileStore {
    /// The metrics the store holds, in one read transaction: a few grouped
    /// counts (the change log by its kind index, the outbox's open rows).
    public func metrics() throws -> StoreMetrics {
        try pool.read { db in
            var kinds = Dictionary(uniqueKeysWithValues: ChangeKind.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: #"SELECT kind, COUNT(*) AS n FROM "change" GROUP BY kind"#) {
                kinds[try StoreCoding.enumValue(row["kind"]) as ChangeKind] = row["n"]
            }
            var pending: [String: Int] = [:]
            var parked: [String: Int] = [:]
            let open = try Row.fetchAll(
                db,
                sql: """
                    SELECT channel, state, COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'failed') GROUP BY channel, state
                    """)
            for row in open {
                if (row["state"] as String) == "pending" { pending[row["channel"]] = row["n"] } else { parked[row["channel"]] = row["n"] }
            }
            var last: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, last_success FROM source_state WHERE last_success IS NOT NULL") {
                if let date = Timestamp.date(row["last_success"] as String) { last[row["name"]] = date }
            }
            return StoreMetrics(changesByKind: kinds, pendingByChannel: pending, parkedByChannel: parked, lastSuccessBySource: last)
        }
    }
}

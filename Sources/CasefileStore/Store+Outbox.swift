import CasefileModel
import Foundation
import GRDB

extension CasefileStore {
    // MARK: - Outbox

    /// Pending deliveries whose time has come, by change seq.
    public func dueDeliveries(now: Date, limit: Int) throws -> [Delivery] {
        guard limit >= 0 else { throw StoreError(.invalidArgument, "limit must not be negative (got \(limit))") }
        return try pool.read { db in
            let due = try OutboxRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox
                    WHERE state = 'pending' AND next_attempt_at <= ?
                    ORDER BY change_seq, id LIMIT ?
                    """, arguments: [Timestamp.string(now), limit])
            return try StoreCoding.deliveries(db, due)
        }
    }

    /// Pending deliveries of one channel whose time has come, by change seq.
    public func dueDeliveries(channel: String, now: Date, limit: Int) throws -> [Delivery] {
        guard limit >= 0 else { throw StoreError(.invalidArgument, "limit must not be negative (got \(limit))") }
        return try pool.read { db in
            let due = try OutboxRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox
                    WHERE state = 'pending' AND channel = ? AND next_attempt_at <= ?
                    ORDER BY change_seq, id LIMIT ?
                    """, arguments: [channel, Timestamp.string(now), limit])
            return try StoreCoding.deliveries(db, due)
        }
    }

    /// The channels that have pending deliveries, due or not.
    public func pendingChannels() throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT channel FROM outbox WHERE state = 'pending'"))
        }
    }

    /// The earliest time a pending delivery of one of `channels` is due; nil
    /// when none is pending.
    public func nextDeliveryDue(channels: Set<String>) throws -> Date? {
        guard !channels.isEmpty else { return nil }
        let marks = Array(repeating: "?", count: channels.count).joined(separator: ", ")
        return try pool.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND channel IN (\(marks))
                    """, arguments: StatementArguments(channels.sorted())
            ).flatMap(Timestamp.date)
        }
    }

    /// Parks the pending deliveries of `channels` (no longer configured) as
    /// orphaned: not due, not failed, kept. Returns how many.
    public func parkOrphaned(channels: Set<String>) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: channels.count).joined(separator: ", ")
        return try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'orphaned', next_attempt_at = NULL
                    WHERE state = 'pending' AND channel IN (\(marks))
                    """, arguments: StatementArguments(channels.sorted()))
            return db.changesCount
        }
    }

    /// Puts the orphaned deliveries of `channels` back in the queue, due at
    /// `at`. Returns how many.
    public func restoreOrphaned(channels: Set<String>, at: Date) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: channels.count).joined(separator: ", ")
        return try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', next_attempt_at = ?
                    WHERE state = 'orphaned' AND channel IN (\(marks))
                    """, arguments: StatementArguments([Timestamp.string(at)] + channels.sorted()))
            return db.changesCount
        }
    }

    /// How many deliveries are waiting (pending, due or not), for `status`.
    public func pendingDeliveryCount() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
        }
    }

    /// The earliest time a pending delivery is due, nil when none is pending.
    public func nextDeliveryDue() throws -> Date? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
                .flatMap(Timestamp.date)
        }
    }

    /// The delivery succeeded. Marking a delivered row again does nothing.
    public func markDelivered(id: Int64, at: Date) throws {
        let now = Timestamp.string(at)
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,
                        last_attempt_at = ?, next_attempt_at = NULL, last_error = NULL
                    WHERE id = ? AND state <> 'delivered'
                    """, arguments: [now, now, id])
            if db.changesCount == 0 { try StoreCoding.requireOutbox(db, id: id) }
        }
    }

    /// The delivery failed: retried at `nextAttemptAt` (rounded up to the
    /// second, never earlier), or, when nil, parked as failed until an
    /// operator retries it.
    public func markDeliveryFailed(id: Int64, error: String, nextAttemptAt: Date?, at: Date) throws {
        let next = nextAttemptAt.map { Timestamp.string($0, roundingUp: true) }
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?,
                        state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = ?
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [error, Timestamp.string(at), next, next, id])
            if db.changesCount == 0 { try StoreCoding.requireOutbox(db, id: id) }
        }
    }

    /// Puts parked (failed) deliveries back in the queue, due at `at`; all
    /// channels, or one. Returns how many.
    @discardableResult
    public func retryFailedDeliveries(channel: String? = nil, at: Date) throws -> Int {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', next_attempt_at = ?
                    WHERE state = 'failed' AND (? IS NULL OR channel = ?)
                    """, arguments: [Timestamp.string(at), channel, channel])
            return db.changesCount
        }
    }

    /// Outbox rows for `casefilectl notifications`: every pending and failed
    /// one, and the `recent` latest delivered, newest first within each.
    public func deliveries(recent: Int) throws -> [DeliveryInfo] {
        guard recent >= 0 else { throw StoreError(.invalidArgument, "recent must not be negative (got \(recent))") }
        return try pool.read { db in
            let select = """
                SELECT o.id, o.channel, o.state, o.attempts, o.change_seq, o.next_attempt_at, o.last_attempt_at,
                    o.last_error, o.delivered_at, c.id AS change_id, c.kind, c.authority_slug
                FROM outbox o JOIN "change" c ON c.seq = o.change_seq
                """
            let open = try Row.fetchAll(db, sql: select + " WHERE o.state <> 'delivered' ORDER BY o.state, o.id DESC")
            let done = try Row.fetchAll(db, sql: select + " WHERE o.state = 'delivered' ORDER BY o.id DESC LIMIT ?", arguments: [recent])
            return try (open + done).map { row in
                DeliveryInfo(
                    id: row["id"], channel: row["channel"], state: row["state"], attempts: row["attempts"],
                    changeSeq: row["change_seq"], changeID: row["change_id"], kind: try StoreCoding.enumValue(row["kind"]),
                    authority: row["authority_slug"],
                    nextAttemptAt: (row["next_attempt_at"] as String?).flatMap(Timestamp.date),
                    lastAttemptAt: (row["last_attempt_at"] as String?).flatMap(Timestamp.date),
                    lastError: row["last_error"],
                    deliveredAt: (row["delivered_at"] as String?).flatMap(Timestamp.date))
            }
        }
    }

    /// Puts one parked (failed) delivery back in the queue, due at `at`.
    /// Returns false when the row exists but is not failed; throws
    /// `.notFound` when there is no such row.
    @discardableResult
    public func retryFailedDelivery(id: Int64, at: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'failed' AND id = ?
                    """, arguments: [Timestamp.string(at), id])
            if db.changesCount == 0 {
                try StoreCoding.requireOutbox(db, id: id)
                return false
            }
            return true
        }
    }
}

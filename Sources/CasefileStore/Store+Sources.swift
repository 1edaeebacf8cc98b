import CasefileModel
import Foundation
import GRDB

extension CasefileStore {
    // MARK: - Sources

    public func sourceState(name: String) throws -> SourceState? {
        try pool.read { db in try SourceStateRow.fetchOne(db, key: name).map(StoreCoding.sourceState) }
    }

    /// Every source with a record, by name.
    public func allSourceStates() throws -> [SourceState] {
        try pool.read { db in
            try SourceStateRow.order(Column("name")).fetchAll(db).map(StoreCoding.sourceState)
        }
    }

    /// A sync of the source succeeded: resets the failure count, marks the
    /// first sync done and keeps `warning` (nil clears it). The last error
    /// is kept, with its time.
    public func recordSourceSuccess(name: String, documents: Int, warning: String? = nil, at: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO source_state (name, last_success, consecutive_failures, documents, first_sync_done, last_warning)
                    VALUES (?, ?, 0, ?, 1, ?)
                    ON CONFLICT (name) DO UPDATE SET
                        last_success = excluded.last_success, consecutive_failures = 0,
                        documents = excluded.documents, first_sync_done = 1, last_warning = excluded.last_warning
                    """, arguments: [name, Timestamp.string(at), documents, warning])
        }
    }

    /// A sync of the source failed as a whole (its index could not be read).
    public func recordSourceFailure(name: String, error: String, at: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO source_state (name, last_error, last_error_at, consecutive_failures)
                    VALUES (?, ?, ?, 1)
                    ON CONFLICT (name) DO UPDATE SET
                        last_error = excluded.last_error, last_error_at = excluded.last_error_at,
                        consecutive_failures = consecutive_failures + 1
                    """, arguments: [name, error, Timestamp.string(at)])
        }
    }

    /// When the source is due next, and the key of the settings that time
    /// was computed for (a source whose settings changed is due at once).
    public func recordNextDue(name: String, at due: Date, scheduleKey: String) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO source_state (name, next_due, schedule_key) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET next_due = excluded.next_due, schedule_key = excluded.schedule_key
                    """, arguments: [name, Timestamp.string(due, roundingUp: true), scheduleKey])
        }
    }
}

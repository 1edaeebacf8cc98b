import CasefileModel
import Foundation
import GRDB

/// The SQLite store: authorities, documents (raw bytes kept), reports with
/// their judgements, improvements and paragraphs, the append-only change log,
/// the notification outbox and per-source fetch state.
///
/// One `DatabasePool` in WAL mode: readers never wait for the writer, and
/// every write runs in a transaction on the pool's single writer connection,
/// so `ingest` reads and writes a consistent picture.
public final class CasefileStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens the store at `path`, creating the file when it does not exist,
    /// and runs the migrations not yet applied. The folder must exist.
    ///
    /// With `checkIntegrity` (the daemon at start), the file must pass
    /// SQLite's `PRAGMA quick_check` first: a damaged store is refused with
    /// what to do, rather than written to.
    public init(path: String, checkIntegrity: Bool = false) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(.folderMissing,
                             "cannot open the store \(path): the folder \(folder) does not exist (create it, or check state_dir)")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // The control API reads while a sync writes; WAL makes that rare, the
        // timeout covers checkpoints and a second process (sqlite3 at a prompt).
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // A change is announced once committed: with FULL a committed
            // transaction survives a power cut too, so no announced change
            // can vanish and be recorded again under another id.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        do {
            self.pool = try DatabasePool(path: path, configuration: config)
            if checkIntegrity {
                let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
                if problems != ["ok"] {
                    throw StoreError(.damaged, "the store \(path) is damaged (quick_check: \(problems.joined(separator: "; ")))")
                }
            }
        } catch let error as DatabaseError where StoreFault.of(error)?.kind == .damaged {
            throw StoreError(
                .damaged, "the store \(path) is damaged (\(error.message ?? "\(error.resultCode)")); " + StoreError.recovery(path: path))
        } catch let error as StoreError where error.code == .damaged {
            throw StoreError(.damaged, error.message + "; " + StoreError.recovery(path: path))
        }
        try Schema.migrator.migrate(pool)
    }

    /// Closes the database connections. Further calls throw.
    public func close() throws {
        try pool.close()
    }

    /// The names of the migrations applied to the file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedIdentifiers(db).sorted() }
    }

    /// A consistent copy of the live store in a new file at `path`
    /// (SQLite's online backup: writers go on meanwhile).
    public func backup(to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        try copy.close()
    }

    /// Runs `body` in ONE write transaction: everything it writes commits
    /// together, or, when it throws, nothing does.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(StoreTransaction(db: db)) }
    }

    /// Raw SQL for tests that check the schema's own constraints, behind the
    /// store's back.
    @_spi(Testing)
    public func executeForTesting(_ sql: String) throws {
        try pool.write { db in try db.execute(sql: sql) }
    }

    /// How many rows the store's writer connection has inserted, updated or
    /// deleted since it opened (SQLite's total_changes), for tests that check
    /// that something wrote nothing.
    @_spi(Testing)
    public func rowsWrittenForTesting() throws -> Int {
        pool.writeWithoutTransaction { db in db.totalChangesCount }
    }
}

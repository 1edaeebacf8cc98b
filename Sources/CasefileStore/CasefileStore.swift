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
    /// The page cache of each connection, in KiB, and the readers at most.
    static let cacheKiB = 512
    static let readers = 2
    /// The open connections; replaced whole by `reopen()` (a store that was
    /// read-only when opened stays so on its connections).
    private let current: Locked<DatabasePool>
    var pool: DatabasePool { current.value }
    private let configuration: Configuration
    /// True when the file could not be opened for writing and was opened
    /// for reading only (`readOnlyFallback`): every write fails until
    /// `reopen()` succeeds.
    public let openedReadOnly: Bool

    /// Opens the store at `path`, creating the file when it does not exist,
    /// and runs the migrations not yet applied. The folder must exist.
    ///
    /// With `checkIntegrity` (the daemon at start), the file must pass
    /// SQLite's `PRAGMA quick_check` first: a damaged store is refused with
    /// what to do, rather than written to.
    ///
    /// With `readOnlyFallback` (the daemon), a store that cannot be written
    /// but is fully migrated is opened for reading rather than refused.
    public convenience init(path: String, checkIntegrity: Bool = false, readOnlyFallback: Bool = false) throws {
        try self.init(path: path, migratingUpTo: nil, trace: nil, checkIntegrity: checkIntegrity, readOnlyFallback: readOnlyFallback)
    }

    /// For tests: a store migrated only up to `migratingUpTo` (a migration's
    /// name; nil for all), and `trace` given the SQL of every statement any
    /// connection runs, its arguments written in.
    @_spi(Testing)
    public init(
        path: String, migratingUpTo: String?, trace: (@Sendable (String) -> Void)?, checkIntegrity: Bool = false,
        readOnlyFallback: Bool = false
    ) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(
                .folderMissing,
                "cannot open the store \(path): the folder \(folder) does not exist (create it, or check state_dir)")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // The control API reads while a sync writes; WAL makes that rare, the
        // timeout covers checkpoints and a second process (sqlite3 at a prompt).
        config.busyMode = .timeout(10)
        // Memory that does not grow with the store. Each connection keeps
        // its own page cache, SQLite's default 2 MiB, which a small store
        // never fills and a large one always does: at 100,000 reports that
        // was the daemon's anonymous memory growing by MiBs. The reads use a
        // few index pages each (the read model), and the rest of the file
        // stays in the kernel's page cache, a pread away; two readers are
        // plenty for a control API on a machine of a few cores.
        config.maximumReaderCount = Self.readers
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
            // A change is announced once committed: with FULL a committed
            // transaction survives a power cut too, so no announced change
            // can vanish and be recorded again under another id.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let trace {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { trace(statement.expandedSQL) }
                }
            }
        }
        self.path = path
        self.configuration = config
        var pool: DatabasePool
        do {
            pool = try Self.openPool(path: path, configuration: config, checkIntegrity: checkIntegrity)
            openedReadOnly = false
        } catch let error where readOnlyFallback && StoreFault.of(error)?.kind == .readOnly {
            // SQLite must write to open a WAL store for writing: a store that
            // cannot be written (a read-only file) is opened for reading, so
            // the daemon can answer and say what is wrong; its probe opens
            // it again for writing once it can be.
            var readOnly = config
            readOnly.readonly = true
            pool = try Self.openPool(path: path, configuration: readOnly, checkIntegrity: checkIntegrity)
            openedReadOnly = true
        }
        self.current = Locked(pool)
        if openedReadOnly {
            guard try pool.read({ try Schema.migrator.hasCompletedMigrations($0) }) else {
                throw DatabaseError(
                    resultCode: .SQLITE_READONLY,
                    message: "the store needs migrating to this version of casefiled and cannot be written")
            }
        } else if let migratingUpTo {
            try Schema.migrator.migrate(pool, upTo: migratingUpTo)
        } else {
            try Schema.migrator.migrate(pool)
        }
    }

    /// A pool on `path`, its integrity checked when asked; a damaged file
    /// is a `StoreError(.damaged)` that says how to recover.
    private static func openPool(path: String, configuration: Configuration, checkIntegrity: Bool) throws -> DatabasePool {
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            if checkIntegrity {
                let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
                if problems != ["ok"] {
                    throw StoreError(.damaged, "the store \(path) is damaged (quick_check: \(problems.joined(separator: "; ")))")
                }
            }
            return pool
        } catch let error as DatabaseError where StoreFault.of(error)?.kind == .damaged {
            throw StoreError(
                .damaged, "the store \(path) is damaged (\(error.message ?? "\(error.resultCode)")); " + StoreError.recovery(path: path))
        } catch let error as StoreError where error.code == .damaged {
            throw StoreError(.damaged, error.message + "; " + StoreError.recovery(path: path))
        }
    }

    /// Opens the file again with new connections: SQLite keeps a connection
    /// that opened a file it could not write (a read-only file or file
    /// system) read-only for good, so a store that was made writable again
    /// takes writes only on new ones. Work under way finishes on the old
    /// connections, which close when it ends.
    public func reopen() throws {
        let fresh = try DatabasePool(path: path, configuration: configuration)
        current.value = fresh
    }

    /// Folds the WAL into the file, then closes the database connections:
    /// what is left is one whole file (to copy, to check). Closing alone
    /// does not do it: GRDB closes the writer first, and the last
    /// connection to close, a reader, may not checkpoint. A store that
    /// cannot be written (read-only) is closed as it is. Further calls throw.
    public func close() throws {
        if !openedReadOnly {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
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

    /// `EXPLAIN QUERY PLAN` of `sql`: the plan's lines (SQLite's `detail`),
    /// indented by depth, for tests that check how the store's reads run.
    @_spi(Testing)
    public func queryPlanForTesting(_ sql: String) throws -> [String] {
        try pool.read { db in
            var depth: [Int: Int] = [0: -1]
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { row in
                let level = (depth[row["parent"]] ?? -1) + 1
                depth[row["id"]] = level
                return String(repeating: "  ", count: level) + (row["detail"] as String)
            }
        }
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

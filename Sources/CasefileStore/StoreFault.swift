import Foundation
import GRDB

/// The store itself cannot take writes now — as opposed to a write it
/// refused because of what was written (a constraint). The sync stops on
/// one of these and resumes when a probe write succeeds again.
public struct StoreFault: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case full, readOnly, busy, damaged, io
    }

    public var kind: Kind
    /// SQLite's own message.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// What is wrong, for `status` and the journal.
    public var description: String {
        switch kind {
        case .full: "the store's disk is full (\(message))"
        case .readOnly: "the store cannot be written (\(message))"
        case .busy: "the store is locked by another process (\(message))"
        case .damaged: "the store is damaged (\(message))"
        case .io: "the store's disk reported an I/O error (\(message))"
        }
    }

    /// What an operator can do about it, naming the store's folder.
    public func advice(folder: String) -> String {
        switch kind {
        case .full:
            "free space on the file system holding \(folder); syncing resumes by itself"
        case .readOnly:
            "make \(folder) and its files writable by the daemon's user, and check that the file system is not mounted read-only; syncing resumes by itself"
        case .busy:
            "end the other process holding the store's lock (an sqlite3 prompt, a copy tool); syncing resumes by itself"
        case .damaged:
            "stop casefiled and restore the store from a backup (README: What happens when things go wrong)"
        case .io:
            "check the disk holding \(folder) (dmesg, smartctl); syncing resumes by itself once writes succeed"
        }
    }

    /// The fault `error` says the store has, or nil for an error that is
    /// about the data, not the store.
    public static func of(_ error: any Error) -> StoreFault? {
        guard let error = error as? DatabaseError else { return nil }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL: return StoreFault(kind: .full, message: message)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return StoreFault(kind: .readOnly, message: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreFault(kind: .busy, message: message)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return StoreFault(kind: .damaged, message: message)
        case .SQLITE_IOERR: return StoreFault(kind: .io, message: message)
        default: return nil
        }
    }
}

extension CasefileStore {
    /// Proves the store takes writes: 256 KiB written and committed, then
    /// deleted (room for a document, not merely a lock). Throws the error
    /// of the first write that fails.
    public func probeWrite() throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO store_probe (filler) VALUES (zeroblob(262144))")
        }
        try pool.write { db in try db.execute(sql: "DELETE FROM store_probe") }
    }

    /// SQLite's `PRAGMA quick_check`: throws a corrupt-database error (a
    /// `.damaged` fault) naming what it found unless the file is sound. A
    /// damaged store is not trusted again because one write went through.
    public func checkQuickly() throws {
        let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        guard problems == ["ok"] else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "quick_check: " + problems.joined(separator: "; "))
        }
    }

    /// The folder holding the store file.
    public var folder: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
}

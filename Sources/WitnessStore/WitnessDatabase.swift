import Foundation
import GRDB
import WitnessCore

/// The node's durable state: its own ledger, its clients, its mirrors.
///
/// The AppDatabase pattern: one `Sendable` value wraps the writer, migrates on open, and every
/// invariant-keeping change is one named method running one write transaction.
public struct WitnessDatabase: Sendable {
    /// The GRDB writer (a `DatabasePool` on disk, a `DatabaseQueue` in memory for tests).
    package let writer: any DatabaseWriter
    /// Commits in this process that changed the own ledger, and the upstreams (`CommitCounter`).
    package let ledgerCommits = CommitCounter(table: "ledger_tip")
    package let upstreamCommits = CommitCounter(table: "upstream")
    /// Client publishes, committed in groups.
    let publishes: GroupCommit
    /// add-checkpoint requests waiting for, or inside, their write transaction (tests watch it
    /// to know that racing requests have all reached the writer).
    package let checkpointsPending = PendingCount()

    /// Wraps a writer and migrates it to the current schema.
    package init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        publishes = GroupCommit(writer: writer)
        writer.add(transactionObserver: ledgerCommits, extent: .databaseLifetime)
        writer.add(transactionObserver: upstreamCommits, extent: .databaseLifetime)
        let migrator = Migrations.migrator
        // A database migrated by a newer release holds state this release does not understand.
        if try writer.read({ try migrator.hasBeenSuperseded($0) }) { throw StoreError.newerSchema }
        try migrator.migrate(writer)
    }

    /// Opens (creating if needed) the database file at `path` in WAL mode.
    ///
    /// `synchronous = FULL` makes every acknowledged commit survive power loss, not only a
    /// process crash: an entry answered with 200 is on disk.
    public static func open(path: String) throws -> WitnessDatabase {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // Checkpoints run beside the writer, not inside a commit (`WALCheckpointer`).
        let checkpointer = WALCheckpointer(path: path, configuration: config)
        let context = checkpointer.retainedContext()
        config.prepareDatabase { db in if !db.configuration.readonly { WALCheckpointer.install(context, on: db) } }
        let pool = try DatabasePool(path: path, configuration: config)
        checkpointer.attach(pool)
        return try WitnessDatabase(pool)
    }

    /// A fresh in-memory database with the same migrations (tests, benchmarks).
    public static func inMemory() throws -> WitnessDatabase {
        try WitnessDatabase(DatabaseQueue())
    }

    /// A number that changes whenever this process commits a change to the own ledger (see
    /// `CommitCounter` for what it does not see).
    public var ledgerVersion: Int { ledgerCommits.value }

    /// A number that changes whenever this process commits a change to an upstream's row (its
    /// verified size, record gap, replication, existence): the version of every replica.
    public var upstreamVersion: Int { upstreamCommits.value }

    /// Publishes submitted to the group commit and not yet answered (tests).
    package var publishesUnanswered: Int { publishes.unanswered }

    /// The reader used by every read method.
    package var reader: any DatabaseReader { writer }
}

extension WitnessDatabase {
    /// Writes a consistent copy of the whole database to `path` (a new file) while the node runs:
    /// SQLite's `VACUUM INTO` reads one snapshot, so the copy is never torn.
    public func backup(to path: String) async throws {
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [path])
        }
    }
}

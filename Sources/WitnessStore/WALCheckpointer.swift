import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// WAL checkpoints off the commit path (issue 13, item 3).
///
/// SQLite's automatic checkpoint runs inside the commit that pushes the WAL past 1,000 pages: it
/// copies them into the database file and fsyncs it before that commit returns. Measured on the
/// publish path, that was the 18–77 ms stall of one publish in a few hundred (p99 18.5 ms at one
/// client, 1.8 ms without it). Here the writer connection's automatic checkpoint is replaced by
/// a WAL hook that hands the work to a background thread:
///
/// 1. a PASSIVE checkpoint on a connection of its own copies the WAL into the database file and
///    fsyncs it while the writer keeps committing (SQLite lets one checkpointer run beside the
///    writer; readers are never blocked);
///    It runs again while commits land during it, each pass copying only what the previous one
///    could not, until a pass finds nothing new: then the WAL is wholly copied and the writer's
///    next commit starts it again from the beginning, without the writer having waited at all;
/// 2. only if the writer never paused through a few passes, a last PASSIVE checkpoint on the
///    writer's queue copies the few frames committed meanwhile (a short wait for one commit),
///    since a writer that never pauses would otherwise grow the WAL for ever.
///
/// Durability does not change: a commit is durable when its WAL frames are fsynced
/// (`synchronous = FULL`), checkpoint or not, and a crash mid-checkpoint is recovered by SQLite
/// from the WAL. Other processes writing the same file keep SQLite's automatic checkpoint.
final class WALCheckpointer: Sendable {
    /// WAL size, in pages, that starts a checkpoint (SQLite's automatic checkpoint default).
    static let threshold: Int32 = 1_000

    private let path: String
    private let configuration: Configuration
    private let pool = Mutex<WeakPool>(WeakPool())
    private let running = Atomic(false)
    private let queue = DispatchQueue(label: "chronicle-witness.wal-checkpoint", qos: .utility)

    private struct WeakPool: @unchecked Sendable {
        weak var pool: DatabasePool?
    }

    init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
    }

    /// The writer's pool, once opened (the second step runs on its queue).
    func attach(_ pool: DatabasePool) {
        self.pool.withLock { $0.pool = pool }
    }

    /// The hook's context: this checkpointer, retained once and never released. SQLite offers no
    /// destructor for a hook's context and a connection could outlive a released checkpointer;
    /// it is a few bytes per database file the process opens.
    func retainedContext() -> Context {
        Context(pointer: Unmanaged.passRetained(self).toOpaque())
    }

    /// A retained checkpointer, for the hook.
    struct Context: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    /// Replaces `db`'s automatic checkpoint with the checkpointer's hook (the writer connection).
    static func install(_ context: Context, on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walHook, context.pointer)
    }

    /// From the hook, after a commit left `pages` pages in the WAL.
    fileprivate func walDidGrow(_ pages: Int32) {
        guard pages >= Self.threshold,
              running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.async { [self] in
            defer { running.store(false, ordering: .releasing) }
            checkpoint()
        }
    }

    private func checkpoint() {
        // Step 1, beside the writer, repeated while commits keep landing during it (each pass
        // copies only what the previous one could not). The connection is opened for the round
        // and closed after it, so the checkpointer holds no file open between rounds.
        if let own = try? DatabaseQueue(path: path, configuration: configuration) {
            defer { try? own.close() }
            var previous = -1
            for _ in 0..<Self.passesBesideTheWriter {
                guard let (wal, copied) = try? own.writeWithoutTransaction({ try $0.checkpoint(.passive) }) else { break }
                // Wholly copied, and nothing committed since the last pass: the writer's next
                // commit starts the WAL again from its beginning. Done without touching the writer.
                if copied == wal, wal == previous { return }
                previous = wal
            }
        }
        // Step 2, on the writer's queue, only when the writer never paused long enough: it copies
        // what was committed during step 1 (a few pages), so the WAL cannot grow without bound.
        guard let writer = pool.withLock({ $0.pool }) else { return }
        _ = try? writer.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }

    /// Passes of step 1 before step 2 is needed.
    static let passesBesideTheWriter = 4
}

private func walHook(_ context: UnsafeMutableRawPointer?, _ db: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ pages: Int32) -> Int32 {
    if let context { Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().walDidGrow(pages) }
    return SQLITE_OK
}

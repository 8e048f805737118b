import GRDB
import Synchronization

/// Counts the transactions committed in this process that changed one table: `ledger_tip` for
/// the own ledger, `upstream` for the replicas (whose size, record gap and existence live there).
///
/// A signed read answer rendered after count N stays right while the count is N (and the second
/// of its `datetime` lasts): the read routes reuse it without asking SQLite anything (issue 13,
/// item 4: the size read was a pooled read transaction on every request). Readers learn of a
/// commit only after it is visible to every new snapshot. A change made by another process
/// (`client add` on the same file) is not counted: answers are kept for one second at most, so
/// it shows from the next second on.
package final class CommitCounter: TransactionObserver, Sendable {
    private let table: String
    private let pending = Mutex(false)
    private let count = Atomic(0)

    package init(table: String) { self.table = table }

    /// Commits that changed the table so far.
    package var value: Int { count.load(ordering: .acquiring) }

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName == table
    }

    package func databaseDidChange(with event: DatabaseEvent) {
        pending.withLock { $0 = true }
    }

    package func databaseDidCommit(_ db: Database) {
        let changed = pending.withLock { pending in
            defer { pending = false }
            return pending
        }
        if changed { count.add(1, ordering: .releasing) }
    }

    package func databaseDidRollback(_ db: Database) {
        pending.withLock { $0 = false }
    }
}

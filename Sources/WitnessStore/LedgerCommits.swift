import GRDB
import Synchronization

/// Counts the transactions committed in this process that changed the own ledger's tip.
///
/// A signed read answer rendered after count N stays right while the count is N (and the second
/// of its `datetime` lasts): the read routes reuse it without asking SQLite anything (issue 13,
/// item 4: the size read was a pooled read transaction on every request). Readers learn of a
/// commit only after it is visible to every new snapshot. A ledger appended to by another
/// process (`client add` on the same file) is not counted: answers are kept for one second at
/// most, so that append shows from the next second on.
package final class LedgerCommits: TransactionObserver, Sendable {
    private let pending = Mutex(false)
    private let count = Atomic(0)

    /// Commits that changed the own ledger so far.
    package var value: Int { count.load(ordering: .acquiring) }

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName == "ledger_tip"
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

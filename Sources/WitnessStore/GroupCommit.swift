import Foundation
import GRDB
import Synchronization
import WitnessCore

/// Group commit for client publishes (issue 13, item 3): publishes that arrive while a commit is
/// in flight wait together and are appended in the next transaction, with one fsync for all.
///
/// Each publish is still acknowledged only after the transaction that holds it has committed:
/// its continuation is resumed with the commit's outcome, never before. A replayed signature is
/// refused alone (found before anything of it is written) and the others of its batch commit; any other failure, or a failed commit, fails
/// every publish of the batch, and none of them is in the ledger. The chain is extended in
/// arrival order, as serialised as before: one batch at a time on the one SQLite writer.
///
/// Under one client nothing waits: a publish finding no commit in flight is committed at once, a
/// batch of one. Under load the batch is whatever queued during the previous commit, capped so a
/// burst of large bodies cannot make one transaction unbounded.
final class GroupCommit: Sendable {
    /// One waiting publish.
    struct Job: Sendable {
        var request: LedgerAppend
        var created: String
        var clientID: String
        var crossSign: CrossSignStatement?
    }

    private struct Waiting: Sendable {
        var job: Job
        var continuation: CheckedContinuation<AppendedEntry, any Error>
    }

    private struct State: Sendable {
        var queue: [Waiting] = []
        var committing = false
        /// Publishes taken off the queue whose transaction has not ended yet.
        var inFlight = 0
    }

    /// At most this many publishes per transaction...
    static let maximumBatch = 512
    /// ...and at most this many body bytes (the first publish of a batch is always taken).
    static let maximumBatchBytes = 8 << 20

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    init(writer: any DatabaseWriter) { self.writer = writer }

    /// Appends `job` in the next group commit and returns once that commit is durable.
    func append(_ job: Job) async throws -> AppendedEntry {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.queue.append(Waiting(job: job, continuation: continuation))
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            // The publish that finds no commit in flight starts the committer; the others ride along.
            if lead { Task { await self.commitUntilEmpty() } }
        }
    }

    /// Commits batch after batch until nothing waits.
    private func commitUntilEmpty() async {
        while let batch = nextBatch() {
            let jobs = batch.map(\.job)
            let outcomes: [Result<AppendedEntry, any Error>]
            do {
                outcomes = try await writer.write { db in
                    // The chain is read once per batch and its tip stored once, after the last job.
                    let chain = try WitnessDatabase.loadChain(db)
                    let outcomes = try jobs.map { job -> Result<AppendedEntry, any Error> in
                        // A replay is refused alone: it is found before anything of it is written,
                        // and the chain is not extended. Any other failure fails the whole batch:
                        // SQLite may have rolled the transaction back by itself (a full disk, an
                        // I/O error), and a later publish must never be acknowledged beside an
                        // earlier one that was lost. So no savepoint per job is needed.
                        do { return .success(try Self.append(job, onto: chain, in: db)) } catch StoreError.duplicateSignature {
                            return .failure(StoreError.duplicateSignature)
                        }
                    }
                    try WitnessDatabase.storeTip(chain, in: db)
                    return outcomes
                }
            } catch {
                outcomes = Array(repeating: .failure(error), count: batch.count)
            }
            state.withLock { $0.inFlight -= batch.count }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(with: outcome) }
        }
    }

    /// Publishes submitted and not yet answered (waiting, or in the transaction being committed).
    var unanswered: Int { state.withLock { $0.queue.count + $0.inFlight } }

    /// Takes the next batch off the queue, or ends the committer's turn when it is empty.
    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.committing = false
                return nil
            }
            var count = 0, bytes = 0
            for waiting in state.queue {
                let size = waiting.job.request.contents.utf8.count
                if count == Self.maximumBatch || (count > 0 && bytes + size > Self.maximumBatchBytes) { break }
                count += 1
                bytes += size
            }
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            state.inFlight += count
            return batch
        }
    }

    /// One publish inside the batch's transaction: its entry, and the cross-sign it records.
    private static func append(_ job: Job, onto chain: Blakechain, in db: Database) throws -> AppendedEntry {
        let entry = try WitnessDatabase.append(job.request, created: job.created, onto: chain, in: db)
        if let crossSign = job.crossSign {
            try db.cachedStatement(sql: """
                INSERT INTO cross_sign_received (position, clientid, source_key, cross_sign_at, currhash, summaryhash)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [entry.position, job.clientID, Data(job.request.publicKey.bytes), crossSign.crossSignAt,
                                         crossSign.currhash, crossSign.summaryhash])
        }
        return entry
    }
}

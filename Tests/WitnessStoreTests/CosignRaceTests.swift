import Foundation
import Synchronization
import Testing
import WitnessCore
import WitnessStore

private typealias F = StoreFixtures

/// The race litewitness's `TestRace` guards against, here: two polls of one upstream (or a poll
/// and a gossip catch-up, which do not share a lock when the node restarts mid-way) interleaved
/// at the commit point. Poll A is held inside its head transaction, after its writes and before
/// its commit (`beforeCommit`), while poll B — which read the chain before A committed — runs.
/// Whatever the order, the node never cosigns two inconsistent checkpoints and its head never
/// goes back: the decision and the write are one transaction, so B decides on what A committed.
@Suite("Two polls interleaved at the commit point")
struct CosignRaceTests {
    /// Starts `work` from inside a commit hook and hands back its result later.
    final class Held: Sendable {
        let task = Mutex<Task<HeadUpdate, any Error>?>(nil)
        func start(_ work: @escaping @Sendable () async throws -> HeadUpdate) {
            task.withLock { $0 = Task { try await work() } }
        }
        func result() async throws -> HeadUpdate { try await task.withLock { $0 }!.value }
    }

    /// The sizes of the own ledger's witness-head records, each checked against the verified chain.
    static func headRecords(_ database: WitnessDatabase, _ id: Int64) throws -> [Int] {
        var sizes: [Int] = []
        for position in stride(from: 1, through: try database.ledgerSize(), by: 1) {
            guard let entry = try database.entry(at: position), let json = try? JSONParser.parse(Array(entry.contents.utf8)),
                  json["type"]?.stringValue == "witness-head/v1", let size = json["size"]?.intValue else { continue }
            let note = try CosignedCheckpoint(parsing: try #require(json["cosigned"]?.stringValue))
            #expect(note.checkpoint.root == (try F.checkpoint(database, id, size: size).root), "a recorded root off the verified chain")
            sizes.append(size)
        }
        return sizes
    }

    @Test func aSmallerHeadHeldAtCommitThenALargerOne() async throws {
        let (database, id) = try await F.watching()
        let first = try F.page(F.entries(3))
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, first, at: F.t0)
        let three = try F.checkpoint(database, id, size: 3)
        let more = try F.page(F.entries(2, after: first.tipAfter), after: first.tipAfter)
        let held = Held()
        // A holds its size-3 head at the commit point; B extends the chain to 5 and cosigns it.
        let a = try await F.advance(database, id, to: three, at: 10, beforeCommit: {
            held.start {
                try await database.commitVerifiedPage(upstream: id, fromSize: 3, more, at: F.t0)
                return try await F.advance(database, id, to: try F.checkpoint(database, id, size: 5), at: 11)
            }
        })
        let b = try await held.result()
        #expect(a == .advance && b == .advance)
        #expect(try database.upstream(id: id)?.cosigned?.checkpoint.size == 5)
        #expect(try Self.headRecords(database, id) == [3, 5])
    }

    @Test func aLargerHeadHeldAtCommitThenAStaleSmallerOne() async throws {
        let (database, id) = try await F.watching()
        let first = try F.page(F.entries(3))
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, first, at: F.t0)
        try await database.commitVerifiedPage(upstream: id, fromSize: 3, try F.page(F.entries(2, after: first.tipAfter), after: first.tipAfter),
                                              at: F.t0)
        let three = try F.checkpoint(database, id, size: 3), five = try F.checkpoint(database, id, size: 5)
        let held = Held()
        // A holds size 5 at the commit point; B, a slower poll that verified only up to 3, proposes 3.
        let a = try await F.advance(database, id, to: five, at: 10, beforeCommit: {
            held.start { try await F.advance(database, id, to: three, at: 11) }
        })
        let b = try await held.result()
        #expect(a == .advance && b == .stale(stored: 5))
        #expect(try database.upstream(id: id)?.cosigned?.checkpoint == five)
        #expect(try Self.headRecords(database, id) == [5])
    }

    @Test func anotherHistoryCommittedWhileAHeadIsHeldIsRefused() async throws {
        let (database, id) = try await F.watching()
        let first = try F.page(F.entries(3))
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, first, at: F.t0)
        let three = try F.checkpoint(database, id, size: 3)
        let other = try F.page(F.entries(4, tag: "other"))
        let outcome = Mutex<Task<Void, any Error>?>(nil)
        // B read the chain empty before A's first page and now commits another history from genesis.
        _ = try await F.advance(database, id, to: three, at: 10, beforeCommit: {
            outcome.withLock { $0 = Task { try await database.commitVerifiedPage(upstream: id, fromSize: 0, other, at: F.t0) } }
        })
        await #expect(throws: StoreError.upstreamMoved(origin: F.origin, expected: 0, found: 3)) {
            try await outcome.withLock { $0 }!.value
        }
        #expect(try database.upstreamCurrhashes(upstream: id).count == 3)
        #expect(try Self.headRecords(database, id) == [3])
    }
}

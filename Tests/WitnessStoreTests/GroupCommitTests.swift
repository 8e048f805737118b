import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessStore
import WitnessTesting

/// Publishes that arrive while a commit is in flight are committed together, each acknowledged
/// only once its transaction is durable (issue 13, item 3).
@Suite("Group commit of publishes")
struct GroupCommitTests {
    let client = Ed25519SecretKey(seed: [UInt8](repeating: 0x31, count: 32))
    let t0 = Timestamp(seconds: 1_795_000_000)

    func publish(_ database: WitnessDatabase, _ bodies: [String], replaying replayed: Int? = nil)
        async -> [Result<AppendedEntry, any Error>] {
        let requests = bodies.map { LedgerAppend.signed($0, by: client) } + (replayed.map { [LedgerAppend.signed(bodies[$0], by: client)] } ?? [])
        let (t0, count) = (self.t0, requests.count)
        return await withTaskGroup(of: (Int, Result<AppendedEntry, any Error>).self) { group in
            let held = HeldWriter(database)
            for (index, request) in requests.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await database.appendPublish(request, at: t0, clientID: "c", crossSign: nil)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            // Every publish has been submitted and waits before the writer is let go.
            #expect(await eventually { database.publishesUnanswered == count })
            held.release()
            var results = [Result<AppendedEntry, any Error>?](repeating: nil, count: count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    @Test("fifty publishes queued behind one commit go in at most two transactions, each answered after its commit")
    func batched() async throws {
        let directory = try TemporaryDirectory(prefix: "group-commit")
        defer { directory.remove() }
        let path = directory.path("witness.sqlite")
        let database = try WitnessDatabase.open(path: path)
        let before = database.ledgerVersion
        let results = await publish(database, (0..<50).map { "entry \($0)" })
        let positions = try results.map { try $0.get().position }
        #expect(Set(positions) == Set(1...50))
        // The first publish may have been taken alone before the writer was held; the other 49 share one commit.
        #expect(database.ledgerVersion - before <= 2, "\(database.ledgerVersion - before) transactions")
        // Every answered publish is committed: a connection of its own sees all fifty, chained.
        let independent = try DatabaseQueue(path: path)
        let rows = try await independent.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM ledger_entry") }
        #expect(rows == 50)
        let verifier = ChainVerifier()
        for entry in try database.export().entries { try verifier.verify(entry) }
        #expect(verifier.size == 50)
    }

    @Test("a replayed signature in a batch is refused alone; the others of its batch commit")
    func replayInABatch() async throws {
        let database = try WitnessDatabase.inMemory()
        let results = await publish(database, (0..<10).map { "body \($0)" }, replaying: 3)
        let refused = results.filter { if case .failure(StoreError.duplicateSignature) = $0 { true } else { false } }
        #expect(refused.count == 1)
        #expect(results.filter { (try? $0.get()) != nil }.count == 10)
        #expect(try database.ledgerSize() == 10)
        let verifier = ChainVerifier()
        for entry in try database.export().entries { try verifier.verify(entry) }
        #expect(Set(try database.export().entries.map(\.contents)) == Set((0..<10).map { "body \($0)" }))
    }

    @Test("any other failure in a batch fails the whole batch: nothing of it is stored, nothing acknowledged")
    func aFailureOtherThanAReplayFailsTheBatch() async throws {
        let database = try WitnessDatabase.inMemory()
        // An insert that SQLite refuses, as a full disk or an I/O error would.
        try await database.writer.write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON ledger_entry WHEN CAST(NEW.contents AS TEXT) = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                """)
        }
        let results = await publish(database, ["first", "second", "poison", "fourth"])
        // The first may have been committed alone before the writer was held; the rest share one batch.
        let acknowledged = results.compactMap { try? $0.get() }
        #expect(acknowledged.count <= 1)
        #expect(try database.ledgerSize() == acknowledged.count)
        #expect(results[2].isFailure && results[3].isFailure)
    }
}

/// WAL checkpoints run beside the writer, not inside a commit (issue 13, item 3).
@Suite("WAL checkpoints off the commit path")
struct WALCheckpointTests {
    @Test("a growing WAL is copied into the database file without anyone asking, and the WAL starts over")
    func checkpointsInTheBackground() async throws {
        let directory = try TemporaryDirectory(prefix: "wal-checkpoint")
        defer { directory.remove() }
        let path = directory.path("witness.sqlite")
        let database = try WitnessDatabase.open(path: path)
        let client = Ed25519SecretKey(seed: [UInt8](repeating: 0x32, count: 32))
        // 160 entries of 32 KiB, one transaction each: about 1,300 WAL pages of 4 KiB, past the
        // 1,000-page threshold. The hook replaced SQLite's automatic checkpoint, so only the
        // background checkpointer can move them into the database file.
        let padding = String(repeating: "w", count: 32 << 10)
        for i in 0..<160 {
            _ = try await database.append(.signed("\(i) \(padding)", by: client), at: Timestamp(seconds: 1_795_000_000))
        }
        func size(_ suffix: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0
        }
        // Without a checkpoint the database file would hold its first few pages only.
        #expect(await eventually { size("") >= 2 << 20 }, "database file \(size("")) bytes, WAL \(size("-wal")) bytes")
        // Once copied, the writer's next commit starts the WAL from its beginning: it then holds
        // fewer frames than the 1,300 written, whatever the file's size.
        #expect(await eventually {
            _ = try? await database.append(.signed("after \(UUID())", by: client), at: Timestamp(seconds: 1_795_000_000))
            let frames = try? await database.writer.writeWithoutTransaction { db in try db.checkpoint(.passive).walFrameCount }
            return (frames ?? .max) < 1_000
        })
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}

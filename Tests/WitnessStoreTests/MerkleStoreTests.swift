import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessTesting
@testable import WitnessStore

private typealias F = StoreFixtures

/// The stored Merkle view of each witnessed chain (issue 11, item 2): it grows in the page's own
/// transaction, answers every root and proof of every verified size as the in-memory tree does,
/// and a database from before it gets it built at migration.
@Suite("Stored Merkle trees")
struct MerkleStoreTests {
    /// The in-memory tree over the stored currhashes: what the store must agree with.
    static func memory(_ database: WitnessDatabase, _ id: Int64) throws -> MerkleLeaves {
        MerkleLeaves(leaves: try database.upstreamCurrhashes(upstream: id))
    }

    /// Commits verified pages of `counts` entries one after another; the size after the last.
    static func commitPages(_ counts: [Int], to database: WitnessDatabase, _ id: Int64) async throws -> Int {
        var tip: BlakechainTip?
        for count in counts {
            let page = try F.page(F.entries(count, after: tip), after: tip)
            try await database.commitVerifiedPage(upstream: id, fromSize: tip?.size ?? 0, page, at: F.t0)
            tip = page.tipAfter
        }
        return tip?.size ?? 0
    }

    @Test func everyRootAndProofOfEveryVerifiedSizeMatchesTheTree() async throws {
        let (database, id) = try await F.watching()
        // Pages of uneven sizes, so that pages end inside subtrees of every level.
        let size = try await Self.commitPages([1, 2, 5, 3, 8, 1, 13], to: database, id)
        let leaves = try Self.memory(database, id)
        #expect(leaves.leafHashes.count == size)
        for n in 0...size {
            let tree = MerkleTree(size: n, nodes: leaves)
            #expect(try database.merkleRoot(upstream: id, size: n) == tree.root(), "size \(n)")
            for old in 0...n {
                #expect(try database.consistencyProof(upstream: id, from: old, to: n) == tree.consistencyProof(from: old))
            }
            for position in stride(from: 1, through: n, by: 1) {
                #expect(try database.inclusionProof(upstream: id, position: position, size: n) == tree.inclusionProof(index: position - 1))
            }
        }
        // Beyond the verified chain there is no tree: an error, never a made-up root.
        #expect(throws: MerkleError.self) { try database.merkleRoot(upstream: id, size: size + 1) }
        // 33 entries store the two level-4 hashes; every other node comes from its tile.
        let nodes = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM upstream_merkle")! }
        #expect(nodes == 2)
    }

    /// Tiles of height 4: past 16 and 256 leaves the nodes between stored levels come from the
    /// level-4 and level-8 hashes, and pages that end inside a tile or across one agree with the
    /// in-memory tree.
    @Test func nodesBetweenTheStoredLevelsComeFromTheirTile() async throws {
        let (database, id) = try await F.watching()
        let size = try await Self.commitPages([255, 2, 300, 700, 1], to: database, id)
        let leaves = try Self.memory(database, id)
        for n in [1, 255, 256, 257, 512, 513, 1000, 1024, 1025, 1100, size] where n <= size {
            let tree = MerkleTree(size: n, nodes: leaves)
            #expect(try database.merkleRoot(upstream: id, size: n) == tree.root(), "size \(n)")
            for position in [1, 2, 129, 256, 257, 600, n - 1, n] where position >= 1 && position <= n {
                #expect(try database.inclusionProof(upstream: id, position: position, size: n) == tree.inclusionProof(index: position - 1))
            }
            for old in [0, 1, 200, 256, 300, 513, n] where old <= n {
                #expect(try database.consistencyProof(upstream: id, from: old, to: n) == tree.consistencyProof(from: old))
            }
        }
        // One stored hash per complete 16-leaf subtree (level 4) and per 256-leaf one (level 8).
        let stored = try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT level, COUNT(*) AS n FROM upstream_merkle GROUP BY level").map { [$0["level"] as Int, $0["n"] as Int] }
        }
        #expect(stored == [[4, size / 16], [8, size / 256]])
    }

    @Test func aPageRefusedByTheCompareAndSwapAddsNoNode() async throws {
        let (database, id) = try await F.watching()
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(F.entries(3)), at: F.t0)
        let root = try database.merkleRoot(upstream: id, size: 3)
        // A refused page of 256 entries would have closed level-4 and level-8 nodes.
        await #expect(throws: StoreError.self) {
            try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(F.entries(256, tag: "other")), at: F.t0)
        }
        #expect(try database.merkleRoot(upstream: id, size: 3) == root)
        let nodes = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM upstream_merkle")! }
        #expect(nodes == 0, "three leaves store nothing above them; the refused page added nothing")
    }

    @Test func aDatabaseFromBeforeTheTreeGetsItAtMigration() async throws {
        let entries = F.entries(11)
        let page = try F.page(entries)
        let verified = page.entries
        try await Self.migrating(upTo: "v5-hostile-world", page: page) { database in
            let leaves = MerkleLeaves(leaves: verified.map(\.currhash))
            for n in 0...11 {
                #expect(try database.merkleRoot(upstream: 1, size: n) == MerkleTree(size: n, nodes: leaves).root())
            }
            // And it grows from there with the next page.
            let more = F.entries(6, after: try #require(try database.upstream(id: 1)).tip)
            try await database.commitVerifiedPage(upstream: 1, fromSize: 11, try F.page(more, after: try database.upstream(id: 1)!.tip), at: F.t0)
            let all = MerkleLeaves(leaves: try database.upstreamCurrhashes(upstream: 1))
            #expect(try database.merkleRoot(upstream: 1, size: 17) == MerkleTree(size: 17, nodes: all).root())
        }
    }

    /// Migration v9: a tree stored whole (every level, before tiles) keeps only levels 4, 8, 12, …;
    /// the rows between are dropped (here they are junk, so a read using one would show).
    @Test func aWholeTreeFromBeforeTilesKeepsOnlyItsTileLevels() async throws {
        let page = try F.page(F.entries(300))
        try await Self.migrating(upTo: "v8-entry-records", page: page, extra: """
            INSERT INTO upstream_merkle (upstream, level, idx, hash) VALUES (1, 1, 0, zeroblob(32)), (1, 7, 1, zeroblob(32)), (1, 3, 5, zeroblob(32));
            """) { database in
            let leaves = MerkleLeaves(leaves: page.entries.map(\.currhash))
            for n in [1, 8, 200, 256, 300] {
                #expect(try database.merkleRoot(upstream: 1, size: n) == MerkleTree(size: n, nodes: leaves).root(), "size \(n)")
            }
            let levels = try await database.writer.read { db in try Int.fetchAll(db, sql: "SELECT DISTINCT level FROM upstream_merkle") }
            #expect(Set(levels) == [4, 8])
        }
    }

    /// Migration v8: records of upstreams watched before every record was kept are copied out of
    /// the signed body they were verified from; a record the body does not hold stays absent.
    @Test func aDatabaseFromBeforeEntryRecordsGetsThemFromItsSignedBodies() async throws {
        let entries = F.entries(6)
        let page = try F.page(entries)
        // The body holds entries 1-4 in export style and, as a hostile body might, junk after them.
        let body = PHPJSON.pretty(.object([
            JSONMember("results", .array(entries.prefix(4).map(\.exportStyle) + [.string("junk"), .object([])])),
        ]))
        try await Self.migrating(upTo: "v7-checkpoints-v2", page: page,
                                      extra: "UPDATE upstream_response SET body = ? WHERE id = 1", arguments: [Data(body)]) { database in
            for (offset, entry) in entries.enumerated() {
                let found = try database.upstreamEntry(upstream: 1, hash: Base64URL.decode(entry.currhash, length: 32)!)
                if offset < 4 {
                    #expect(found?.position == offset + 1 && found?.entry.contents == entry.contents && found?.entry.created == entry.created)
                    #expect(found?.entry.publickey == entry.publickey && found?.entry.signature == entry.signature)
                } else {
                    #expect(found == nil, "entry \(offset + 1) is not in the body: no record, no proof")
                }
            }
        }
    }

    /// Writes a database at migration `upTo` (see `legacyDatabase`), opens it — which runs every
    /// later migration — and hands it to `body`; the file is removed after.
    static func migrating(upTo migration: String, page: VerifiedPage, extra: String = "", arguments: StatementArguments = [],
                          _ body: (WitnessDatabase) async throws -> Void) async throws {
        let temp = try TemporaryDirectory(prefix: "migrate")
        defer { temp.remove() }
        let path = temp.path("witness.sqlite")
        try await legacyDatabase(path: path, upTo: migration, page: page, extra: extra, arguments: arguments)
        try await body(try WitnessDatabase.open(path: path))
    }

    /// A database at migration `upTo` watching one upstream with `page` verified, written as the
    /// code of that time did (no tree rows), with `extra` SQL run after.
    static func legacyDatabase(path: String, upTo migration: String, page: VerifiedPage, extra: String = "",
                               arguments: StatementArguments = []) async throws {
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: migration)
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO upstream (id, origin, origin_hash, url, publickey, uniqueid, added, size, currhash, hashstate)
                VALUES (1, ?, ?, 'https://store.example/chronicle', ?, 'u1', '2026-01-01T00:00:00+00:00', ?, ?, ?);
                INSERT INTO upstream_response (id, upstream, path, fetched, body, signature) VALUES (1, 1, '/export', 0, x'20', 'sig');
                """, arguments: [F.origin, SHA256.hash(Array(F.origin.utf8)).hexString, Data(F.server.publicKey.bytes),
                                 page.tipAfter.size, Data(page.tipAfter.currhash), Data(page.tipAfter.hashstate)])
            for entry in page.entries {
                try db.execute(sql: "INSERT INTO upstream_entry (upstream, position, currhash, summaryhash, response) VALUES (1, ?, ?, ?, 1)",
                               arguments: [entry.position, Data(entry.currhash), Data(entry.summaryhash)])
            }
            if migration != "v5-hostile-world" {
                try WitnessDatabase.growMerkle(db, upstream: 1, fromSize: 0, currhashes: page.entries.map(\.currhash))
            }
            if !extra.isEmpty { try db.execute(sql: extra, arguments: arguments) }
        }
    }
}

import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessTesting
@testable import WitnessStore

private typealias F = StoreFixtures

/// Checkpoints v2 in the store (issue 11, item 3; witness-protocol v2 §2): the store cosigns only
/// the tree hash of the verified chain, decides consistency by a consistency proof from its own
/// tree, remembers the chain head of each cosigned checkpoint, and a database that cosigned v1
/// checkpoints (root = currhash) refuses to cosign until the key is rotated.
@Suite("Checkpoints v2 in the store")
struct CheckpointsV2StoreTests {
    @Test func onlyTheTreeHashOfTheVerifiedChainIsCosigned() async throws {
        let (database, id) = try await F.watching()
        let entries = F.entries(6)
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(entries), at: F.t0)
        let currhashes = entries.map { Base64URL.decode($0.currhash, length: 32)! }
        // A v1 checkpoint (root = the head's currhash) is not the verified tree: refused, nothing stored.
        let v1 = Checkpoint(origin: F.origin, size: 6, root: currhashes[5])
        await #expect(throws: StoreError.unverifiedCheckpoint(origin: F.origin, size: 6)) { try await F.advance(database, id, to: v1) }
        #expect(try database.upstream(id: id)?.cosigned == nil)
        #expect(try database.ledgerSize() == 0)

        let v2 = Checkpoint(origin: F.origin, size: 6, root: IndependentMerkle.treeHash(currhashes))
        #expect(try await F.advance(database, id, to: v2) == .advance)
        let head = try #require(try database.upstream(id: id)?.cosigned)
        #expect(head.checkpoint == v2 && head.currhash == currhashes[5])
    }

    @Test func growthIsDecidedByAConsistencyProofFromTheStoredTree() async throws {
        let (database, id) = try await F.watching()
        let first = F.entries(5)
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(first), at: F.t0)
        #expect(try await F.advance(database, id, to: try F.checkpoint(database, id, size: 5)) == .advance)
        let tip = try #require(try database.upstream(id: id)).tip
        try await database.commitVerifiedPage(upstream: id, fromSize: 5, try F.page(F.entries(4, after: tip), after: tip), at: F.t0)
        #expect(try await F.advance(database, id, to: try F.checkpoint(database, id, size: 9), at: 1) == .advance)
        // An older size of the same tree is stale (consistent), never cosigned.
        #expect(try await F.advance(database, id, to: try F.checkpoint(database, id, size: 7), at: 2) == .stale(stored: 9))

        // The cosigned head edited to a root of another history: the proof from the verified tree
        // no longer joins it, so nothing larger is cosigned.
        let other = Checkpoint(origin: F.origin, chain: F.entries(9, tag: "other").map { Base64URL.decode($0.currhash, length: 32)! })
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE upstream SET cosigned_root = ? WHERE id = ?", arguments: [Data(other.root), id])
        }
        let tip9 = try #require(try database.upstream(id: id)).tip
        try await database.commitVerifiedPage(upstream: id, fromSize: 9, try F.page(F.entries(2, after: tip9), after: tip9), at: F.t0)
        let decision = try await F.advance(database, id, to: try F.checkpoint(database, id, size: 11), at: 3)
        guard case .inconsistent = decision else { Issue.record("advanced over an inconsistent head: \(decision)"); return }
        #expect(try database.upstream(id: id)?.cosigned?.checkpoint.size == 9)
    }

    @Test func aDatabaseThatCosignedV1CheckpointsRefusesUntilTheKeyIsRotated() async throws {
        let temp = try TemporaryDirectory(prefix: "v1-checkpoints")
        defer { temp.remove() }
        let path = temp.path("witness.sqlite")
        let page = try F.page(F.entries(7))
        let v1Root = Data(page.tipAfter.currhash)
        try await MerkleStoreTests.legacyDatabase(path: path, upTo: "v6-merkle", page: page, extra: """
            UPDATE upstream SET cosigned_size = 7, cosigned_root = ?, cosigned_note = 'v1 note', cosigned_time = 5 WHERE id = 1;
            INSERT INTO peer_cosignature (vkey, origin, size, root, time, line, received) VALUES ('peer', ?, 7, ?, 5, zeroblob(76), 5);
            """, arguments: [v1Root, F.origin, v1Root])
        let database = try WitnessDatabase.open(path: path)
        #expect(try database.nodeState()?.refusal == WitnessDatabase.v1Refusal)
        #expect(try database.upstream(id: 1)?.cosigned == nil, "the v1 head is not kept as this node's head")
        #expect(try database.latestPeerCosignatures().isEmpty, "v1 notes are ignored, not compared")
        // The verified chain and its tree stay: only cosigning waits for the new identity.
        #expect(try database.upstream(id: 1)?.size == 7)
        let v2 = Checkpoint(origin: F.origin, chain: page.entries.map(\.currhash))
        #expect(try database.merkleRoot(upstream: 1, size: 7) == v2.root)
        await #expect(throws: StoreError.cosigningRefused(WitnessDatabase.v1Refusal)) { try await F.advance(database, 1, to: v2) }

        try await database.resetNodeState(epoch: "new", publicKey: F.witness.publicKey)
        #expect(try await F.advance(database, 1, to: v2) == .advance)
    }

    @Test func aDatabaseThatNeverCosignedUpgradesWithoutRefusal() async throws {
        let temp = try TemporaryDirectory(prefix: "v1-uncosigned")
        defer { temp.remove() }
        let path = temp.path("witness.sqlite")
        try await MerkleStoreTests.legacyDatabase(path: path, upTo: "v6-merkle", page: try F.page(F.entries(3)))
        let database = try WitnessDatabase.open(path: path)
        #expect(try database.nodeState()?.refusal == nil)
        let v2 = try F.checkpoint(database, 1, size: 3)
        #expect(try await F.advance(database, 1, to: v2) == .advance)
    }
}

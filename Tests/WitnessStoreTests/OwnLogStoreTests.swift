import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessTesting
@testable import WitnessStore

/// The own ledger as a C2SP log (issue 12, item 4): its tree is grown after the appends, in
/// bounded steps, from the stored currhashes; every signed checkpoint has its tree, agrees with
/// an independently computed root, and is never re-signed for an unchanged ledger.
@Suite("Own log")
struct OwnLogStoreTests {
    static let node = Ed25519SecretKey(seed: [UInt8](repeating: 0x11, count: 32))
    static let origin = "own.example/chronicle"

    /// Appends `count` node-signed entries to the own ledger.
    static func append(_ count: Int, to database: WitnessDatabase, from first: Int = 1) async throws {
        let requests = (first..<first + count).map { n in
            let body = "{\"type\":\"test\",\"n\":\(n)}"
            return LedgerAppend(contents: body, publicKey: node.publicKey, signature: node.signature(for: body.utf8))
        }
        _ = try await database.append(requests, at: Timestamp(seconds: 1_795_000_000))
    }

    /// The stored currhashes of the own ledger, read independently of the tree.
    static func currhashes(_ database: WitnessDatabase) throws -> [[UInt8]] {
        try database.export().entries.map { Base64URL.decode($0.currhash, length: 32)! }
    }

    static func sign(_ database: WitnessDatabase, at time: Int64 = 100, origin: String = origin) async throws -> OwnCheckpoint {
        try await database.signOwnCheckpoint(origin: origin, at: time) { text in
            SignedNote(text: text, lines: [LogKey.sign(text, name: origin, with: node)!]).serialized
        }
    }

    @Test func checkpointsAgreeWithTheIndependentTreeAndProofsVerify() async throws {
        let database = try WitnessDatabase.inMemory()
        var signed: [OwnCheckpoint] = []
        // Growth steps ending inside and across tiles of every stored level.
        for count in [1, 2, 13, 1, 15, 240, 3, 300] {
            try await Self.append(count, to: database, from: try database.ledgerSize() + 1)
            signed.append(try await Self.sign(database))
        }
        let leaves = try Self.currhashes(database)
        for checkpoint in signed {
            #expect(checkpoint.root == IndependentMerkle.treeHash(leaves.prefix(checkpoint.size)), "size \(checkpoint.size)")
            // The note is the checkpoint text signed by the log key, and verifies as such.
            let note = try SignedNote(parsing: checkpoint.note)
            #expect(note.text == "\(Self.origin)\n\(checkpoint.size)\n\(Base64.encode(checkpoint.root))\n")
            #expect(note.isSigned(byAnyOf: [LogKey(name: Self.origin, publicKey: Self.node.publicKey)!]))
            for later in signed where later.size >= checkpoint.size {
                let proof = try database.ownConsistencyProof(from: checkpoint.size, to: later.size)
                #expect(proof == IndependentMerkle.consistencyProof(oldSize: checkpoint.size, leaves: Array(leaves.prefix(later.size))))
                #expect(RFC6962.verifyConsistency(oldSize: checkpoint.size, newSize: later.size, oldRoot: checkpoint.root,
                                                  newRoot: later.root, proof: proof), "\(checkpoint.size) → \(later.size)")
            }
        }
        let last = signed.last!
        for position in [1, 2, 17, 256, last.size] {
            let proof = try database.ownInclusionProof(position: position, size: last.size)
            #expect(proof == IndependentMerkle.inclusionProof(index: position - 1, leaves: Array(leaves.prefix(last.size))))
            #expect(RFC6962.verifyInclusion(leafHash: RFC6962.leafHash(leaves[position - 1]), index: position - 1, size: last.size,
                                            proof: proof, root: last.root))
        }
        // Beyond the grown tree there is no proof, never a made-up one.
        try await Self.append(1, to: database, from: last.size + 1)
        #expect(throws: MerkleError.self) { try database.ownConsistencyProof(from: 1, to: last.size + 1) }
    }

    /// The same tree whether grown in one step or in many small ones, and an unchanged ledger
    /// is not signed again (a signature counts against the state epoch).
    @Test func boundedGrowthGivesTheSameTreeAndNoNeedlessSignature() async throws {
        let stepwise = try WitnessDatabase.inMemory(), whole = try WitnessDatabase.inMemory()
        try await Self.append(600, to: stepwise)
        try await Self.append(600, to: whole)
        var remaining = try await stepwise.growOwnTree(maxLeaves: 37)
        #expect(remaining == 600 - 37)
        while remaining > 0 { remaining = try await stepwise.growOwnTree(maxLeaves: 37) }
        let a = try await Self.sign(stepwise), b = try await Self.sign(whole)
        #expect(a.root == b.root && a.size == 600)
        let tiles = { (db: WitnessDatabase) in try db.writer.read { try Row.fetchAll($0, sql: "SELECT level, idx, hash FROM ledger_merkle ORDER BY level, idx") } }
        #expect(try tiles(stepwise) == tiles(whole))
        _ = try await stepwise.createNodeState(epoch: "test", publicKey: Self.node.publicKey)
        _ = try await Self.sign(stepwise, at: 150)
        let before = try stepwise.nodeState()?.cosignCount
        let again = try await Self.sign(stepwise, at: 200)
        #expect(again == a, "an unchanged ledger keeps its checkpoint, signing time included")
        #expect(try stepwise.nodeState()?.cosignCount == before)
        try await Self.append(1, to: stepwise, from: 601)
        #expect(try await Self.sign(stepwise, at: 300).size == 601)
        #expect(try stepwise.nodeState()?.cosignCount == before.map { $0 + 1 })
    }

    /// A new origin is a new log: the checkpoint is signed anew and what witnesses said of the old one is dropped.
    @Test func anotherOriginVoidsWhatWitnessesSaid() async throws {
        let database = try WitnessDatabase.inMemory()
        try await Self.append(5, to: database)
        let first = try await Self.sign(database)
        let witness = VerifierKey(name: "w.example", publicKey: Ed25519SecretKey(seed: [UInt8](repeating: 0x12, count: 32)).publicKey)
        try await database.addPushWitness(url: "http://127.0.0.1:1", vkey: witness, at: Timestamp(seconds: 1))
        try await database.recordPush(url: "http://127.0.0.1:1", vkey: witness, at: 100, knownSize: 5, cosigned: (5, "— w.example AAAA", 100), error: nil)
        #expect(try database.ownCheckpointNote() == first.note + "— w.example AAAA\n")
        let moved = try await Self.sign(database, origin: "elsewhere.example/chronicle")
        #expect(moved.origin == "elsewhere.example/chronicle" && moved.root == first.root)
        #expect(try database.ownCheckpointNote() == moved.note)
        #expect(try database.pushWitnesses().first?.knownSize == nil)
    }
}

extension OwnLogStoreTests {
    /// A database whose state epoch failed (cosigning refused) signs no own checkpoint either:
    /// it may hold a history shorter than one it already signed.
    @Test func aRefusedDatabaseSignsNothing() async throws {
        let database = try WitnessDatabase.inMemory()
        _ = try await database.createNodeState(epoch: "test", publicKey: Self.node.publicKey, refusal: "lost state")
        try await Self.append(3, to: database)
        await #expect(throws: StoreError.cosigningRefused("lost state")) { try await Self.sign(database) }
        #expect(try database.ownCheckpoint() == nil)
    }
}

extension OwnLogStoreTests {
    /// After a key rotation the unchanged checkpoint is signed again by the new key.
    @Test func aNewKeySignsTheUnchangedCheckpointAgain() async throws {
        let database = try WitnessDatabase.inMemory()
        try await Self.append(4, to: database)
        let first = try await Self.sign(database)
        let rotated = Ed25519SecretKey(seed: [UInt8](repeating: 0x13, count: 32))
        let newKey = LogKey(name: Self.origin, publicKey: rotated.publicKey)!
        let again = try await database.signOwnCheckpoint(origin: Self.origin, at: 200,
                                                         isCurrent: { (try? SignedNote(parsing: $0))?.isSigned(byAnyOf: [newKey]) ?? false }) { text in
            SignedNote(text: text, lines: [LogKey.sign(text, name: Self.origin, with: rotated)!]).serialized
        }
        #expect(again.size == first.size && again.root == first.root && again.note != first.note)
        #expect(try SignedNote(parsing: again.note).isSigned(byAnyOf: [newKey]))
        #expect(try database.ownCheckpoint() == again)
    }
}

import Foundation
import GRDB
import WitnessCore

/// The node's own ledger as a C2SP log (witness-protocol §9, issue 12): its latest log-signed checkpoint.
public struct OwnCheckpoint: Sendable, Equatable {
    /// The origin line (the ledger's origin, `ledger-origin`).
    public var origin: String
    /// The number of ledger entries it covers.
    public var size: Int
    /// The §2.1 tree hash of those entries.
    public var root: [UInt8]
    /// The signed note: the checkpoint text, an empty line and the log's signature line.
    public var note: String
    /// When it was signed (Unix seconds).
    public var signedAt: Int64

    /// The checkpoint text (what the log signature and witnesses' cosignatures are over).
    public var text: String { Checkpoint(origin: origin, size: size, root: root).text }
}

extension WitnessDatabase {
    /// How many leaves one transaction adds to the own tree at most (the writer is held ~10 ms).
    public static let ownTreeChunk = 16_384

    /// Grows the own ledger's tree by at most `maxLeaves` entries, in one write transaction,
    /// and returns how many entries it still lacks. The tree is not kept in the append
    /// transaction: publishes (group commit) pay nothing for it, and it is a function of the
    /// chain, so growing it later from the stored currhashes gives the same nodes.
    @discardableResult
    public func growOwnTree(maxLeaves: Int = ownTreeChunk) async throws -> Int {
        try await writer.write { db in
            let ledgerSize = try Int.fetchOne(db, sql: "SELECT size FROM ledger_tip WHERE id = 1") ?? 0
            let treeSize = try Self.ownTreeSize(db)
            guard ledgerSize >= treeSize else {
                throw StoreError.inconsistent("the own ledger has \(ledgerSize) entries but its tree already covers \(treeSize)")
            }
            let target = min(ledgerSize, treeSize + max(1, maxLeaves))
            try Self.growOwnTree(db, from: treeSize, to: target)
            return ledgerSize - target
        }
    }

    /// The own tree from `from` to `to` entries, inside the caller's transaction.
    private static func growOwnTree(_ db: Database, from: Int, to target: Int) throws {
        guard target > from else { return }
        var frontier = try MerkleFrontier(size: from, nodes: StoredMerkleNodes(db: db, source: .ownLedger))
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT position, currhash FROM ledger_entry WHERE position > ? AND position <= ? ORDER BY position"),
                                       arguments: [from, target])
        while let row = try rows.next() {
            let currhash: Data = row[1]
            guard row[0] as Int == frontier.size + 1, currhash.count == 32 else { break }
            try appendMerkle(db, source: .ownLedger, to: &frontier, currhash: Array(currhash))
        }
        guard frontier.size == target else {
            throw StoreError.inconsistent("ledger entry \(frontier.size + 1) is missing or malformed; the own tree stops at \(frontier.size)")
        }
        try db.execute(sql: "INSERT INTO own_log (id, tree_size) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET tree_size = excluded.tree_size",
                       arguments: [target])
    }

    private static func ownTreeSize(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT tree_size FROM own_log WHERE id = 1") ?? 0
    }

    /// The latest own checkpoint for the ledger as it stands, signed by `sign` (which returns the
    /// whole note for a checkpoint text) when the ledger grew or the origin changed since the last
    /// one, else the stored one unchanged. A new signature counts as a cosignature of the state
    /// epoch: a node whose database lost state (cosigning refused) must not sign a possibly forked
    /// history of its own either. The tree is grown in the same transaction up to the size signed,
    /// so every signed checkpoint has its tree; call `growOwnTree` first to keep that bounded.
    ///
    /// `isCurrent` says whether a held note is signed by the current key: after `rotate-key` the
    /// unchanged checkpoint is signed again by the new one (its witnesses' cosignatures, over the
    /// text, stay valid).
    public func signOwnCheckpoint(origin: String, at time: Int64, isCurrent: @Sendable (_ note: String) -> Bool = { _ in true },
                                  sign: @Sendable (_ text: String) throws -> String) async throws -> OwnCheckpoint {
        try await writer.write { db in
            let ledgerSize = try Int.fetchOne(db, sql: "SELECT size FROM ledger_tip WHERE id = 1") ?? 0
            let held = try Self.ownCheckpoint(db)
            if let held, held.origin == origin, held.size == ledgerSize, isCurrent(held.note) { return held }
            let treeSize = try Self.ownTreeSize(db)
            guard ledgerSize >= treeSize else {
                throw StoreError.inconsistent("the own ledger has \(ledgerSize) entries but its tree already covers \(treeSize)")
            }
            try Self.growOwnTree(db, from: treeSize, to: ledgerSize)
            let root = try MerkleTree(size: ledgerSize, nodes: StoredMerkleNodes(db: db, source: .ownLedger)).root()
            try Self.countCosignature(db)
            let checkpoint = OwnCheckpoint(origin: origin, size: ledgerSize, root: root, note: "", signedAt: time)
            var signed = checkpoint
            signed.note = try sign(checkpoint.text)
            try db.execute(sql: """
                INSERT INTO own_log (id, tree_size, origin, size, root, note, signed_at) VALUES (1, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET tree_size = MAX(tree_size, excluded.tree_size), origin = excluded.origin,
                    size = excluded.size, root = excluded.root, note = excluded.note, signed_at = excluded.signed_at
                """, arguments: [ledgerSize, origin, ledgerSize, Data(root), signed.note, time])
            if let held, held.origin != origin {
                // Another origin is another log to every witness: what they said of the old one is void.
                try db.execute(sql: "UPDATE push_witness SET known_size = NULL, cosigned_size = NULL, cosignature = NULL, cosigned_at = NULL")
            }
            return signed
        }
    }

    /// The latest own checkpoint, nil before the first.
    public func ownCheckpoint() throws -> OwnCheckpoint? {
        try reader.read { db in try Self.ownCheckpoint(db) }
    }

    private static func ownCheckpoint(_ db: Database) throws -> OwnCheckpoint? {
        guard let row = try Row.fetchOne(db, sql: "SELECT origin, size, root, note, signed_at FROM own_log WHERE id = 1 AND note IS NOT NULL"),
              let root = row[2] as Data? else { return nil }
        return OwnCheckpoint(origin: row[0], size: row[1], root: Array(root), note: row[3], signedAt: row[4])
    }

    /// The own checkpoint as served: the log-signed note with every push witness's verified
    /// cosignature of that same checkpoint appended (as Tessera logs serve theirs). Nil before the first.
    public func ownCheckpointNote() throws -> String? {
        try reader.read { db in try Self.ownCheckpointNote(db)?.note }
    }

    private static func ownCheckpointNote(_ db: Database) throws -> (checkpoint: OwnCheckpoint, note: String)? {
        guard let held = try ownCheckpoint(db) else { return nil }
        let lines = try String.fetchAll(db, sql: "SELECT cosignature FROM push_witness WHERE cosigned_size = ? AND cosignature IS NOT NULL ORDER BY url",
                                        arguments: [held.size])
        return (held, held.note + lines.map { $0 + "\n" }.joined())
    }

    /// What an entry proof in the own log needs, read in one snapshot: the 1-based position of
    /// the own ledger entry whose currhash or summaryhash is `hash` (nil: none), the served note
    /// of the latest own checkpoint, and the entry's audit path in its tree (nil when the entry
    /// came after that checkpoint, or there is none yet).
    public func ownEntryProofMaterial(hash: [UInt8]) throws -> (position: Int?, note: String?, proof: [[UInt8]]?) {
        try reader.read { db in
            guard hash.count == 32, let position = try Int.fetchOne(db, sql: """
                SELECT MIN(position) FROM ledger_entry WHERE currhash = ? OR summaryhash = ?
                """, arguments: [Data(hash), Data(hash)]) else { return (nil, nil, nil) }
            guard let (held, note) = try Self.ownCheckpointNote(db) else { return (position, nil, nil) }
            guard position <= held.size else { return (position, note, nil) }
            let proof = try MerkleTree(size: held.size, nodes: StoredMerkleNodes(db: db, source: .ownLedger)).inclusionProof(index: position - 1)
            return (position, note, proof)
        }
    }

    /// The consistency proof between two sizes of the own tree (both at most the grown size).
    public func ownConsistencyProof(from oldSize: Int, to newSize: Int) throws -> [[UInt8]] {
        try reader.read { db in
            guard newSize <= (try Self.ownTreeSize(db)) else { throw MerkleError.missingNode(level: 0, index: newSize - 1) }
            return try MerkleTree(size: newSize, nodes: StoredMerkleNodes(db: db, source: .ownLedger)).consistencyProof(from: oldSize)
        }
    }

    /// The audit path of own ledger entry `position` (1-based) in the own tree of `size` entries.
    public func ownInclusionProof(position: Int, size: Int) throws -> [[UInt8]] {
        try reader.read { db in
            guard size <= (try Self.ownTreeSize(db)) else { throw MerkleError.missingNode(level: 0, index: size - 1) }
            return try MerkleTree(size: size, nodes: StoredMerkleNodes(db: db, source: .ownLedger)).inclusionProof(index: position - 1)
        }
    }
}

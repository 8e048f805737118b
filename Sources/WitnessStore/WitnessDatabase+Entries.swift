import Foundation
import GRDB
import WitnessCore

extension WitnessDatabase {
    /// The verified entry of `upstream` whose raw currhash — or, failing that, summaryhash — is
    /// `hash`, with its 1-based position: what an entry proof carries (witness-protocol §7.1).
    /// Nil when no verified entry has that hash, or its record was not kept.
    ///
    /// Both lookups use an index (`upstream_entry_currhash`, `upstream_entry_summaryhash`); a
    /// repeated currhash (a BLAKE2b collision) would answer its first position.
    public func upstreamEntry(upstream id: Int64, hash: [UInt8]) throws -> (position: Int, entry: ChronicleEntry)? {
        guard hash.count == 32 else { return nil }
        return try reader.read { db in try Self.upstreamEntry(db, upstream: id, hash: hash) }
    }

    static func upstreamEntry(_ db: Database, upstream id: Int64, hash: [UInt8]) throws -> (position: Int, entry: ChronicleEntry)? {
        guard hash.count == 32 else { return nil }
        let position = try Int.fetchOne(db.cachedStatement(sql: "SELECT MIN(position) FROM upstream_entry WHERE upstream = ? AND currhash = ?"),
                                        arguments: [id, Data(hash)])
            ?? Int.fetchOne(db.cachedStatement(sql: "SELECT MIN(position) FROM upstream_entry WHERE upstream = ? AND summaryhash = ?"),
                            arguments: [id, Data(hash)])
        guard let position, var entry = try Row.fetchOne(db.cachedStatement(sql: EntryRowSQL.record), arguments: [id, position])
            .map(Self.entryRow) else { return nil }
        // Served as a replica row, the first entry's prevhash is ""; here it is absent, as in a proof.
        if entry.prevhash == "" { entry.prevhash = nil }
        return (position, entry)
    }

    /// Everything an entry proof of `hash` in the upstream whose origin hashes to `hex` needs, read
    /// in one transaction (a proof is served to strangers: one snapshot, no torn view): the
    /// upstream, the entry, its audit path to the cosigned head (nil when the entry is after it),
    /// the peers and their cosignatures on that head.
    public func entryProofMaterial(originHash hex: String, hash: [UInt8]) throws -> EntryProofMaterial? {
        try reader.read { db in
            guard let upstream = try Self.upstream(db, originHash: hex) else { return nil }
            var material = EntryProofMaterial(upstream: upstream)
            guard let found = try Self.upstreamEntry(db, upstream: upstream.id, hash: hash) else { return material }
            material.found = found
            guard let head = upstream.cosigned else { return material }
            if found.position <= head.checkpoint.size {
                material.proof = try MerkleTree(size: head.checkpoint.size, nodes: StoredMerkleNodes(db: db, upstream: upstream.id))
                    .inclusionProof(index: found.position - 1)
            }
            material.peers = try Self.peers(db)
            material.peerCosignatures = try Self.peerCosignatures(db, on: head.checkpoint)
            return material
        }
    }
}

/// What `entryProofMaterial` read.
public struct EntryProofMaterial: Sendable {
    /// The upstream.
    public var upstream: UpstreamRecord
    /// The entry and its 1-based position, nil when no verified entry has the hash.
    public var found: (position: Int, entry: ChronicleEntry)?
    /// Its audit path in the tree of the cosigned head, nil when there is no head or the entry is after it.
    public var proof: [[UInt8]]?
    /// Every peer.
    public var peers: [PeerRecord] = []
    /// The peers' cosignatures on the cosigned head, newest first.
    public var peerCosignatures: [PeerCosignature] = []

    init(upstream: UpstreamRecord) { self.upstream = upstream }
}

import Foundation
import GRDB
import WitnessCore

/// The node's state epoch: which key this database cosigns for, how many cosignatures it has
/// committed, and whether cosigning is refused.
///
/// A database restored from an old backup, or a new database beside a key that has cosigned
/// before, could lead the node to cosign a head inconsistent with one it already signed. The
/// epoch and the count, mirrored in a file beside the key (`StateEpoch` in WitnessNode), expose
/// both; the refusal is stored here so it survives restarts until `rotate-key`.
public struct NodeState: Sendable, Equatable {
    /// Random id of this key's state, made at `init` or `rotate-key`.
    public var epoch: String
    /// The key the state belongs to.
    public var publicKey: Ed25519PublicKey
    /// Cosignatures committed so far under this epoch.
    public var cosignCount: Int64
    /// Why cosigning is refused (nil: it is not).
    public var refusal: String?
}

extension WitnessDatabase {
    /// The node state (nil for a database that never had one).
    public func nodeState() throws -> NodeState? {
        try reader.read { db in try Self.nodeState(db) }
    }

    static func nodeState(_ db: Database) throws -> NodeState? {
        try Row.fetchOne(db, sql: "SELECT * FROM node_state WHERE id = 1").flatMap { row in
            guard let key = Ed25519PublicKey(bytes: Array(row["public_key"] as Data)) else { return nil }
            return NodeState(epoch: row["epoch"], publicKey: key, cosignCount: row["cosign_count"], refusal: row["refusal"])
        }
    }

    /// Creates the node state if there is none; returns the stored state.
    @discardableResult
    public func createNodeState(epoch: String, publicKey: Ed25519PublicKey, cosignCount: Int64 = 0,
                                refusal: String? = nil) async throws -> NodeState {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO node_state (id, epoch, public_key, cosign_count, refusal) VALUES (1, ?, ?, ?, ?)
                """, arguments: [epoch, Data(publicKey.bytes), cosignCount, refusal])
            return try Self.nodeState(db)!
        }
    }

    /// Refuses cosigning from now on (keeps the first reason given). A database without a state
    /// gets one that belongs to no key, so the refusal survives `reconcile` too.
    public func refuseCosigning(_ reason: String) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO node_state (id, epoch, public_key, cosign_count, refusal) VALUES (1, 'unknown', zeroblob(32), 0, ?)
                ON CONFLICT(id) DO UPDATE SET refusal = COALESCE(node_state.refusal, excluded.refusal)
                """, arguments: [reason])
        }
    }

    /// A new epoch for a new key (`rotate-key`): count zero, no refusal.
    public func resetNodeState(epoch: String, publicKey: Ed25519PublicKey) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO node_state (id, epoch, public_key, cosign_count, refusal) VALUES (1, ?, ?, 0, NULL)
                ON CONFLICT(id) DO UPDATE SET epoch = excluded.epoch, public_key = excluded.public_key,
                    cosign_count = 0, refusal = NULL
                """, arguments: [epoch, Data(publicKey.bytes)])
        }
    }

    /// Inside a cosign transaction: throws if cosigning is refused, else counts one cosignature.
    static func countCosignature(_ db: Database) throws {
        guard let state = try nodeState(db) else { return }
        if let refusal = state.refusal { throw StoreError.cosigningRefused(refusal) }
        try db.execute(sql: "UPDATE node_state SET cosign_count = cosign_count + 1 WHERE id = 1")
    }
}

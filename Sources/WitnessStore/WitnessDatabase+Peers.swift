import Foundation
import GRDB
import WitnessCore

/// A witness this node gossips with and whose cosignatures it counts.
public struct PeerRecord: Sendable, Equatable {
    /// Where the peer was declared.
    public enum Source: String, Sendable {
        /// `chronicle-witness peer add`.
        case cli
        /// A `Peers/*.peer` file loaded at start.
        case file
    }

    /// Row id.
    public var id: Int64
    /// The peer's vkey (name, key id, key).
    public var vkey: VerifierKey
    /// Base URL of the peer node (`<url>/witness/v1/gossip`).
    public var url: String
    /// Who runs it.
    public var operatorName: String?
    /// How to reach them.
    public var contact: String?
    /// Where it was declared.
    public var source: Source
    /// When it was first added.
    public var added: Timestamp
    /// Set to the evidence id once the peer was proven to cosign two inconsistent checkpoints.
    public var equivocation: String?

    /// Whether its cosignatures count (it was never caught equivocating).
    public var isTrusted: Bool { equivocation == nil }
}

/// A peer's cosignature on one checkpoint, as stored.
public struct PeerCosignature: Sendable, Equatable {
    /// The peer's vkey text.
    public var vkey: String
    /// The checkpoint it cosigned.
    public var checkpoint: Checkpoint
    /// The cosignature (its time is the newest seen for this checkpoint).
    public var cosignature: Cosignature
    /// When this node received it.
    public var received: Timestamp
}

/// One peer key that cosigned two roots at one size of one origin.
public struct CosignatureConflict: Sendable, Equatable {
    /// The peer.
    public var vkey: VerifierKey
    /// The earlier stored checkpoint and its cosignature.
    public var stored: (Checkpoint, Cosignature)
    /// The new checkpoint and its cosignature.
    public var received: (Checkpoint, Cosignature)

    public static func == (a: CosignatureConflict, b: CosignatureConflict) -> Bool {
        a.vkey == b.vkey && a.stored == b.stored && a.received == b.received
    }
}

extension WitnessDatabase {
    /// How many sizes per (peer, origin) are kept for equivocation checks and display.
    public static let peerCosignatureHistory = 16

    // MARK: - Peers

    /// Adds a peer, or updates the URL and details of a known vkey; returns true if it was new.
    ///
    /// A CLI declaration is never downgraded to a file one: removing the file later must not
    /// remove a peer the operator added by hand.
    @discardableResult
    public func addPeer(vkey: VerifierKey, url: String, operatorName: String?, contact: String?,
                        source: PeerRecord.Source, at time: Timestamp) async throws -> Bool {
        try await writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT source FROM peer WHERE vkey = ?", arguments: [vkey.description]) {
                let stored: String = row["source"]
                let keep = stored == PeerRecord.Source.cli.rawValue ? stored : source.rawValue
                try db.execute(sql: "UPDATE peer SET url = ?, operator = ?, contact = ?, source = ? WHERE vkey = ?",
                               arguments: [url, operatorName, contact, keep, vkey.description])
                return false
            }
            try db.execute(sql: """
                INSERT INTO peer (vkey, name, url, operator, contact, source, added) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [vkey.description, vkey.name, url, operatorName, contact, source.rawValue, time.atom])
            return true
        }
    }

    /// Removes the peer named by its vkey or its name; returns it, or nil if unknown. What it
    /// cosigned stays stored (evidence may need it).
    public func removePeer(_ vkeyOrName: String) async throws -> PeerRecord? {
        try await writer.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM peer WHERE vkey = ? OR name = ?", arguments: [vkeyOrName, vkeyOrName])
            guard rows.count == 1, let peer = Self.peer(rows[0]) else { return nil }
            try db.execute(sql: "DELETE FROM peer WHERE id = ?", arguments: [peer.id])
            return peer
        }
    }

    /// Makes the file-declared peers exactly `declared` (CLI peers are left alone); returns the
    /// number of file peers added and removed.
    public func replaceFilePeers(_ declared: [(vkey: VerifierKey, url: String, operatorName: String?, contact: String?)],
                                 at time: Timestamp) async throws -> (added: Int, removed: Int) {
        try await writer.write { db in
            let keep = Set(declared.map(\.vkey.description))
            var removed = 0
            for vkey in try String.fetchAll(db, sql: "SELECT vkey FROM peer WHERE source = 'file'") where !keep.contains(vkey) {
                try db.execute(sql: "DELETE FROM peer WHERE vkey = ?", arguments: [vkey])
                removed += 1
            }
            var added = 0
            for peer in declared {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM peer WHERE vkey = ?", arguments: [peer.vkey.description]) == true {
                    try db.execute(sql: "UPDATE peer SET url = ?, operator = ?, contact = ? WHERE vkey = ? AND source = 'file'",
                                   arguments: [peer.url, peer.operatorName, peer.contact, peer.vkey.description])
                } else {
                    try db.execute(sql: """
                        INSERT INTO peer (vkey, name, url, operator, contact, source, added) VALUES (?, ?, ?, ?, ?, 'file', ?)
                        """, arguments: [peer.vkey.description, peer.vkey.name, peer.url, peer.operatorName, peer.contact, time.atom])
                    added += 1
                }
            }
            return (added, removed)
        }
    }

    /// Records that `vkey` was proven to equivocate (its cosignatures stop counting).
    public func markEquivocating(vkey: String, evidence: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE peer SET equivocation = ? WHERE vkey = ? AND equivocation IS NULL", arguments: [evidence, vkey])
        }
    }

    /// Every peer, by name.
    public func peers() throws -> [PeerRecord] {
        try reader.read { db in try Self.peers(db) }
    }

    static func peers(_ db: Database) throws -> [PeerRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM peer ORDER BY name, vkey")).compactMap(Self.peer)
    }

    static func peer(_ row: Row) -> PeerRecord? {
        guard let vkey = VerifierKey(row["vkey"] as String) else { return nil }
        return PeerRecord(id: row["id"], vkey: vkey, url: row["url"], operatorName: row["operator"], contact: row["contact"],
                          source: PeerRecord.Source(rawValue: row["source"]) ?? .cli,
                          added: Timestamp.parse(row["added"]) ?? Timestamp(seconds: 0), equivocation: row["equivocation"])
    }

    // MARK: - Peer cosignatures

    /// Stores verified peer cosignatures on `checkpoint` (newest time per size wins) and returns
    /// every conflict: a peer key that already cosigned another root at this size. A conflicting
    /// cosignature is not stored; the caller turns the conflict into evidence.
    public func recordPeerCosignatures(_ checkpoint: Checkpoint, _ cosignatures: [(VerifierKey, Cosignature)],
                                       at time: Timestamp) async throws -> [CosignatureConflict] {
        guard !cosignatures.isEmpty else { return [] }
        return try await writer.write { db in
            var conflicts: [CosignatureConflict] = []
            for (vkey, cosignature) in cosignatures {
                let key = vkey.description
                // A time past Int64 is no time this node can store or compare: never a trap.
                guard let cosignedAt = Int64(exactly: cosignature.time) else { continue }
                if let row = try Row.fetchOne(db, sql: "SELECT root, time, line FROM peer_cosignature WHERE vkey = ? AND origin = ? AND size = ?",
                                              arguments: [key, checkpoint.origin, checkpoint.size]) {
                    let root = Array(row["root"] as Data)
                    if root != checkpoint.root {
                        let stored = Checkpoint(origin: checkpoint.origin, size: checkpoint.size, root: root)
                        let line = SignedNote.Line(name: vkey.name, bytes: Array(row["line"] as Data))
                        if let storedCosignature = Cosignature(line) {
                            conflicts.append(CosignatureConflict(vkey: vkey, stored: (stored, storedCosignature),
                                                                 received: (checkpoint, cosignature)))
                        }
                        continue
                    }
                    guard cosignedAt > (row["time"] as Int64) else { continue }
                    try db.execute(sql: "UPDATE peer_cosignature SET time = ?, line = ?, received = ? WHERE vkey = ? AND origin = ? AND size = ?",
                                   arguments: [cosignedAt, Data(cosignature.line.bytes), time.seconds,
                                               key, checkpoint.origin, checkpoint.size])
                } else {
                    try db.execute(sql: """
                        INSERT INTO peer_cosignature (vkey, origin, size, root, time, line, received) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [key, checkpoint.origin, checkpoint.size, Data(checkpoint.root), cosignedAt,
                                         Data(cosignature.line.bytes), time.seconds])
                    try db.execute(sql: """
                        DELETE FROM peer_cosignature WHERE vkey = ? AND origin = ? AND size NOT IN
                            (SELECT size FROM peer_cosignature WHERE vkey = ? AND origin = ? ORDER BY size DESC LIMIT ?)
                        """, arguments: [key, checkpoint.origin, key, checkpoint.origin, Self.peerCosignatureHistory])
                }
            }
            return conflicts
        }
    }

    /// Every stored peer cosignature on exactly `checkpoint`, newest first.
    public func peerCosignatures(on checkpoint: Checkpoint) throws -> [PeerCosignature] {
        try reader.read { db in try Self.peerCosignatures(db, on: checkpoint) }
    }

    static func peerCosignatures(_ db: Database, on checkpoint: Checkpoint) throws -> [PeerCosignature] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM peer_cosignature WHERE origin = ? AND size = ? AND root = ? ORDER BY time DESC
            """), arguments: [checkpoint.origin, checkpoint.size, Data(checkpoint.root)]).compactMap(Self.peerCosignature)
    }

    /// Each peer's largest cosigned checkpoint per origin (the head it last showed this node).
    public func latestPeerCosignatures() throws -> [PeerCosignature] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.* FROM peer_cosignature p
                WHERE p.size = (SELECT MAX(size) FROM peer_cosignature q WHERE q.vkey = p.vkey AND q.origin = p.origin)
                ORDER BY p.origin, p.vkey
                """).compactMap(Self.peerCosignature)
        }
    }

    static func peerCosignature(_ row: Row) -> PeerCosignature? {
        guard let vkey = VerifierKey(row["vkey"] as String),
              let cosignature = Cosignature(SignedNote.Line(name: vkey.name, bytes: Array(row["line"] as Data))) else { return nil }
        return PeerCosignature(vkey: vkey.description,
                               checkpoint: Checkpoint(origin: row["origin"], size: row["size"], root: Array(row["root"] as Data)),
                               cosignature: cosignature, received: Timestamp(seconds: row["received"]))
    }
}

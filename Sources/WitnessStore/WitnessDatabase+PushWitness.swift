import Foundation
import GRDB
import WitnessCore

/// A C2SP witness the own log's checkpoints are pushed to (`witness-push add`), and what it last said.
public struct PushWitness: Sendable, Equatable {
    /// Its submission prefix: checkpoints go to `url + "/add-checkpoint"`.
    public var url: String
    /// Its cosigning key: only cosignatures verifying under it are kept.
    public var vkey: VerifierKey
    /// When it was added (ATOM).
    public var added: String
    /// The size of the own log the witness holds, as it last said (a 200, or a 409's body); nil: unknown.
    public var knownSize: Int?
    /// The size its kept cosignature is of.
    public var cosignedSize: Int?
    /// Its latest verified cosignature line (`— name base64`).
    public var cosignature: String?
    /// That cosignature's timestamp.
    public var cosignedAt: Int64?
    /// When the last push was made.
    public var lastPush: Int64?
    /// Why the last push failed; nil after a success.
    public var lastError: String?
}

extension WitnessDatabase {
    /// Adds a push witness, or re-keys the one at `url` (what it cosigned under another key is dropped).
    @discardableResult
    public func addPushWitness(url: String, vkey: VerifierKey, at time: Timestamp) async throws -> PushWitness {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO push_witness (url, vkey, added) VALUES (?, ?, ?)
                ON CONFLICT(url) DO UPDATE SET vkey = excluded.vkey, cosigned_size = NULL, cosignature = NULL, cosigned_at = NULL,
                    last_error = NULL WHERE vkey != excluded.vkey
                """, arguments: [url, vkey.description, time.atom])
            return try Row.fetchOne(db, sql: "SELECT * FROM push_witness WHERE url = ?", arguments: [url]).flatMap(Self.pushWitness)!
        }
    }

    /// Stops pushing to the witness at `url`; false if there was none.
    public func removePushWitness(url: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM push_witness WHERE url = ?", arguments: [url])
            return db.changesCount > 0
        }
    }

    /// Every push witness, by URL.
    public func pushWitnesses() throws -> [PushWitness] {
        try reader.read { db in try Row.fetchAll(db, sql: "SELECT * FROM push_witness ORDER BY url").compactMap(Self.pushWitness) }
    }

    /// Records what a push to `url` under key `vkey` came to: the size the witness said it holds
    /// (if it said), its verified cosignature of the checkpoint of `size` (if any), or the error.
    /// Nothing is recorded if the witness was removed or re-keyed meanwhile.
    public func recordPush(url: String, vkey: VerifierKey, at time: Int64, knownSize: Int?,
                           cosigned: (size: Int, line: String, time: Int64)?, error: String?) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE push_witness SET known_size = COALESCE(?, known_size), last_push = ?, last_error = ?,
                    cosigned_size = COALESCE(?, cosigned_size), cosignature = COALESCE(?, cosignature), cosigned_at = COALESCE(?, cosigned_at)
                WHERE url = ? AND vkey = ?
                """, arguments: [knownSize, time, error, cosigned?.size, cosigned?.line, cosigned?.time, url, vkey.description])
        }
    }

    private static func pushWitness(_ row: Row) -> PushWitness? {
        guard let vkey = VerifierKey(row["vkey"] as String) else { return nil }
        return PushWitness(url: row["url"], vkey: vkey, added: row["added"], knownSize: row["known_size"], cosignedSize: row["cosigned_size"],
                           cosignature: row["cosignature"], cosignedAt: row["cosigned_at"], lastPush: row["last_push"],
                           lastError: row["last_error"])
    }
}

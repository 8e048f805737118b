import Foundation
import GRDB
import WitnessCore

/// A Merkle log this node witnesses through C2SP tlog-witness (issue 12): its keys and the latest
/// checkpoint it cosigned.
public struct MerkleLog: Sendable, Equatable {
    /// The checkpoint origin line that names the log.
    public var origin: String
    /// The keys whose signature makes a checkpoint the log's (any one of them).
    public var keys: [LogKey]
    /// Queries per day accepted from the log (nil: no limit).
    public var qpd: Double?
    /// The latest checkpoint cosigned, as a signed note: its text and the log's signature lines
    /// (nil: none yet).
    public var note: String?
    /// Its size and root.
    public var size: Int?
    public var root: [UInt8]?
    /// When it was cosigned (POSIX seconds).
    public var cosignedAt: Int64?
    /// The id of evidence proving the log forked (nil: none). The log is still cosigned on the
    /// branch this witness holds (a cosignature claims consistency with what it cosigned before,
    /// as on every C2SP witness); status and freshness say split-view.
    public var splitView: String? = nil
}

/// What `witnessCheckpoint` did.
public enum WitnessedCheckpoint: Sendable, Equatable {
    /// No log has this origin.
    case unknownLog
    /// The verdict; for `.cosign` the checkpoint is stored (committed) before this returns.
    case decided(AddCheckpointVerdict)
}

extension WitnessDatabase {
    /// Adds a log, or a key or a query budget to a known one (add-only: nothing is ever removed).
    @discardableResult
    public func addMerkleLog(origin: String, key: LogKey, qpd: Double?, at time: Timestamp) async throws -> MerkleLog {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO merkle_log (origin, origin_hash, qpd, added) VALUES (?, ?, ?, ?)
                ON CONFLICT(origin) DO UPDATE SET qpd = COALESCE(excluded.qpd, merkle_log.qpd)
                """, arguments: [origin, SHA256.hash(Array(origin.utf8)).hexString, qpd, time.atom])
            try db.execute(sql: "INSERT OR IGNORE INTO merkle_log_key (origin, vkey) VALUES (?, ?)", arguments: [origin, key.description])
            return try Self.merkleLog(origin: origin, in: db)!
        }
    }

    /// The log named by `origin`, if configured.
    public func merkleLog(origin: String) throws -> MerkleLog? {
        try reader.read { db in try Self.merkleLog(origin: origin, in: db) }
    }

    /// Every configured log, by origin.
    public func merkleLogs() throws -> [MerkleLog] {
        try reader.read { db in
            try String.fetchAll(db, sql: "SELECT origin FROM merkle_log ORDER BY origin").compactMap { try Self.merkleLog(origin: $0, in: db) }
        }
    }

    /// Every log's origin, cosigned size and time in one query (metrics, status page), most
    /// recently cosigned first; at most `limit` when given.
    public func merkleLogHeads(limit: Int? = nil) throws -> [(origin: String, size: Int?, cosignedAt: Int64?, splitView: String?)] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT origin, size, cosigned_at, split_view FROM merkle_log ORDER BY cosigned_at IS NULL, cosigned_at DESC, origin"
                                 + (limit.map { " LIMIT \(max(0, $0))" } ?? "")).map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }

    /// The `limit` most recently cosigned logs, whole (keys and note): what gossip carries.
    public func recentlyCosignedMerkleLogs(limit: Int) throws -> [MerkleLog] {
        try reader.read { db in
            try String.fetchAll(db, sql: "SELECT origin FROM merkle_log WHERE note IS NOT NULL ORDER BY cosigned_at DESC, origin LIMIT ?",
                                arguments: [max(0, limit)]).compactMap { try Self.merkleLog(origin: $0, in: db) }
        }
    }

    /// How many logs are configured.
    public func merkleLogCount() throws -> Int {
        try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_log") ?? 0 }
    }

    /// The log whose origin's SHA-256 is `hex` (the C2SP monitoring path), if configured.
    public func merkleLog(originHash hex: String) throws -> MerkleLog? {
        try reader.read { db in
            guard let origin = try String.fetchOne(db, sql: "SELECT origin FROM merkle_log WHERE origin_hash = ?", arguments: [hex]) else { return nil }
            return try Self.merkleLog(origin: origin, in: db)
        }
    }

    /// Decides an authenticated add-checkpoint request against the checkpoint held for its log and,
    /// when it is consistent, stores it and counts the cosignature, in one transaction: the check
    /// and the update are atomic, so two requests racing from the same old size cannot both pass
    /// and a larger tree is never replaced by a smaller one.
    ///
    /// SPEC: C2SP tlog-witness v1.0.0 — "checking the old size against the latest checkpoint and
    /// persisting the new checkpoint must be performed atomically"; the witness "MUST persist the
    /// new checkpoint before responding". Throws `StoreError.cosigningRefused` when this
    /// database may not cosign (state epoch); nothing is stored then.
    ///
    /// `note` is what is kept and served: the checkpoint with the log's verified signature lines.
    public func witnessCheckpoint(_ request: AddCheckpointRequest, note: String, at time: Int64) async throws -> WitnessedCheckpoint {
        checkpointsPending.add(1)
        defer { checkpointsPending.add(-1) }
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, root FROM merkle_log WHERE origin = ?"),
                                             arguments: [request.checkpoint.origin]) else { return .unknownLog }
            let held: (size: Int, root: [UInt8])? = (row[0] as Int?).map { ($0, Array(row[1] as Data)) }
            let verdict = AddCheckpointVerdict.decide(held: held, request: request)
            guard verdict == .cosign else { return .decided(verdict) }
            try Self.countCosignature(db)
            try db.cachedStatement(sql: "UPDATE merkle_log SET size = ?, root = ?, note = ?, cosigned_at = ? WHERE origin = ?")
                .execute(arguments: [request.checkpoint.size, Data(request.checkpoint.root), note, time,
                                     request.checkpoint.origin])
            return .decided(.cosign)
        }
    }

    private static func merkleLog(origin: String, in db: Database) throws -> MerkleLog? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merkle_log WHERE origin = ?", arguments: [origin]) else { return nil }
        return MerkleLog(origin: origin, keys: try keys(origin: origin, in: db), qpd: row["qpd"], note: row["note"],
                         size: row["size"], root: (row["root"] as Data?).map { Array($0) }, cosignedAt: row["cosigned_at"],
                         splitView: row["split_view"])
    }

    private static func keys(origin: String, in db: Database) throws -> [LogKey] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT vkey FROM merkle_log_key WHERE origin = ? ORDER BY vkey"), arguments: [origin])
            .compactMap { try? LogKey(parsing: $0) }
    }
}

import Foundation
import GRDB
import WitnessCore

extension WitnessDatabase {
    // MARK: - Writes

    /// What `addUpstream` did.
    public enum AddUpstreamOutcome: Sendable, Equatable {
        /// A new upstream.
        case added(UpstreamRecord)
        /// An existing origin was updated (URL, replicate) or unblocked; its head is kept.
        case updated(UpstreamRecord)
    }

    /// Adds an upstream, or updates/unblocks an existing origin while keeping its verified head.
    ///
    /// The key of a known origin can only change while nothing was verified yet: a new key with an
    /// old head would let the node follow a different history under the same name.
    public func addUpstream(origin: String, url: String, publicKey: Ed25519PublicKey, replicate: Bool,
                            at time: Timestamp) async throws -> AddUpstreamOutcome {
        try await writer.write { db in
            if let existing = try Self.upstream(db, origin: origin) {
                if existing.publicKey != publicKey, existing.size > 0 {
                    throw StoreError.upstreamKeyChange(origin: origin, stored: existing.publicKey.base64url)
                }
                try db.execute(sql: "UPDATE upstream SET url = ?, publickey = ?, replicate = ?, blocked = 0 WHERE id = ?",
                               arguments: [url, Data(publicKey.bytes), replicate || existing.replicate, existing.id])
                return .updated(try Self.upstream(db, origin: origin)!)
            }
            try Self.insertUpstream(db, origin: origin, url: url, publicKey: publicKey, replicate: replicate, at: time)
            return .added(try Self.upstream(db, origin: origin)!)
        }
    }

    /// Adds many new upstreams in one transaction (one fsync, not one per row): bulk setup such as
    /// `bench`. Every origin must be new; an existing one fails the whole batch.
    package func addUpstreams(_ upstreams: [(origin: String, url: String, publicKey: Ed25519PublicKey)], at time: Timestamp) async throws {
        try await writer.write { db in
            for upstream in upstreams {
                try Self.insertUpstream(db, origin: upstream.origin, url: upstream.url, publicKey: upstream.publicKey,
                                        replicate: false, at: time)
            }
        }
    }

    /// Inserts a new upstream row, with its replica source id and the hash freshness requests use.
    private static func insertUpstream(_ db: Database, origin: String, url: String, publicKey: Ed25519PublicKey,
                                       replicate: Bool, at time: Timestamp) throws {
        try db.execute(sql: """
            INSERT INTO upstream (origin, origin_hash, url, publickey, replicate, uniqueid, added) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [origin, SHA256.hash(Array(origin.utf8)).hexString, url, Data(publicKey.bytes), replicate,
                             Base64URL.encode(SecureRandom.bytes(33)), time.atom])
    }

    /// Stops polling `origin`; the row and its head stay. Returns false for an unknown origin.
    public func blockUpstream(origin: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE upstream SET blocked = 1 WHERE origin = ?", arguments: [origin])
            return db.changesCount > 0
        }
    }

    /// Records a poll's outcome for status and backoff (nil error: success).
    public func recordPoll(upstream id: Int64, at time: Timestamp, error: String?) async throws {
        try await writer.write { db in
            if let error {
                try db.execute(sql: "UPDATE upstream SET last_poll = ?, last_error = ?, failures = failures + 1 WHERE id = ?",
                               arguments: [time.seconds, error, id])
            } else {
                try db.execute(sql: "UPDATE upstream SET last_poll = ?, last_success = ?, last_error = NULL, failures = 0, sync_target = NULL WHERE id = ?",
                               arguments: [time.seconds, time.seconds, id])
            }
        }
    }

    /// Closes an open freeze: the upstream serves this node its verified head (or a newer one) again.
    public func clearFrozen(upstream id: Int64) async throws {
        try await writer.write { db in try db.execute(sql: "UPDATE upstream SET frozen = NULL WHERE id = ?", arguments: [id]) }
    }

    /// Remembers the size a first sync is heading for (status shows progress).
    public func recordSyncTarget(upstream id: Int64, _ target: Int?) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE upstream SET sync_target = ? WHERE id = ?", arguments: [target, id])
        }
    }

    // MARK: - Reads

    /// Every upstream, blocked ones included, by origin.
    public func upstreams() throws -> [UpstreamRecord] {
        try reader.read { db in try Row.fetchAll(db, sql: "SELECT * FROM upstream ORDER BY origin").map(Self.upstream) }
    }

    /// Ids of the upstreams the poller may poll (not blocked, no proven split view), ascending.
    ///
    /// The poller reads this every tick, so it reads one integer per row rather than whole rows.
    public func pollableUpstreamIDs() throws -> [Int64] {
        try reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM upstream WHERE blocked = 0 AND split_view IS NULL ORDER BY id")
        }
    }

    /// One upstream by origin.
    public func upstream(origin: String) throws -> UpstreamRecord? {
        try reader.read { db in try Self.upstream(db, origin: origin) }
    }

    /// The upstream whose origin hashes to `hex` (lowercase hex SHA-256 of the origin).
    public func upstream(originHash hex: String) throws -> UpstreamRecord? {
        try reader.read { db in try Self.upstream(db, originHash: hex) }
    }

    static func upstream(_ db: Database, originHash hex: String) throws -> UpstreamRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM upstream WHERE origin_hash = ?"), arguments: [hex]).map(Self.upstream)
    }

    /// One upstream by row id.
    public func upstream(id: Int64) throws -> UpstreamRecord? {
        try reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM upstream WHERE id = ?", arguments: [id]).map(Self.upstream) }
    }

    /// The verified raw currhash of `position` in an upstream's chain.
    public func upstreamCurrhash(upstream id: Int64, position: Int) throws -> [UInt8]? {
        try reader.read { db in try Self.currhash(db, upstream: id, position: position) }
    }

    /// The position of a verified currhash in an upstream's chain.
    public func upstreamPosition(upstream id: Int64, currhash: [UInt8]) throws -> Int? {
        try reader.read { db in
            try Int.fetchOne(db, sql: "SELECT MIN(position) FROM upstream_entry WHERE upstream = ? AND currhash = ?",
                             arguments: [id, Data(currhash)])
        }
    }

    /// The stored upstream-signed body that served `position`.
    public func upstreamResponse(upstream id: Int64, containing position: Int) throws -> UpstreamSignedBody? {
        try reader.read { db in
            try Row.fetchOne(db, sql: """
                SELECT r.id, r.body, r.rows_at, r.rows_style, r.signature, r.fetched FROM upstream_entry e JOIN upstream_response r ON r.id = e.response
                WHERE e.upstream = ? AND e.position = ?
                """, arguments: [id, position]).map { try Self.signedBody(db, $0) }
        }
    }

    /// The distinct stored bodies that served positions `range`, in order (evidence material).
    public func upstreamResponses(upstream id: Int64, positions range: ClosedRange<Int>, limit: Int = 64) throws -> [UpstreamSignedBody] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.body, r.rows_at, r.rows_style, r.signature, r.fetched FROM upstream_response r
                WHERE r.id IN (SELECT DISTINCT response FROM upstream_entry WHERE upstream = ? AND position BETWEEN ? AND ?)
                ORDER BY r.id LIMIT ?
                """, arguments: [id, range.lowerBound, range.upperBound, limit]).map { try Self.signedBody(db, $0) }
        }
    }

    /// A stored response row (`id, body, rows_at, rows_style, signature, fetched`) as the signed body it was.
    private static func signedBody(_ db: Database, _ row: Row) throws -> UpstreamSignedBody {
        let body = try CompactResponse.body(db, id: row["id"], stored: Array(row["body"] as Data), rowsAt: row["rows_at"], style: row["rows_style"])
        return UpstreamSignedBody(body: body, signature: row["signature"], fetched: Timestamp(seconds: row["fetched"]))
    }

    /// Every verified raw currhash of an upstream, position 1 first.
    public func upstreamCurrhashes(upstream id: Int64) throws -> [[UInt8]] {
        try reader.read { db in
            try Data.fetchAll(db, sql: "SELECT currhash FROM upstream_entry WHERE upstream = ? ORDER BY position", arguments: [id]).map { Array($0) }
        }
    }

    /// Number of stored upstream-signed bodies (status, tests).
    public func upstreamResponseCount(upstream id: Int64) throws -> Int {
        try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM upstream_response WHERE upstream = ?", arguments: [id]) ?? 0 }
    }

    /// The verified raw currhash at `position`, inside an open transaction.
    static func currhash(_ db: Database, upstream id: Int64, position: Int) throws -> [UInt8]? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT currhash FROM upstream_entry WHERE upstream = ? AND position = ?"),
                          arguments: [id, position]).map { Array($0) }
    }

    static func upstream(_ db: Database, origin: String) throws -> UpstreamRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM upstream WHERE origin = ?", arguments: [origin]).map(upstream)
    }

    static func upstream(_ row: Row) -> UpstreamRecord {
        let size: Int = row["size"]
        let tip = BlakechainTip(size: size, currhash: (row["currhash"] as Data?).map { Array($0) } ?? [],
                                hashstate: (row["hashstate"] as Data?).map { Array($0) } ?? [])
        var cosigned: CosignedHead?
        if let cosignedSize: Int = row["cosigned_size"], let root: Data = row["cosigned_root"], root.count == 32 {
            let headBody: Data? = row["head_body"]
            let fetched: Int64? = row["head_fetched"]
            cosigned = CosignedHead(
                checkpoint: Checkpoint(origin: row["origin"], size: cosignedSize, root: Array(root)),
                currhash: (row["cosigned_currhash"] as Data?).map { Array($0) },
                note: row["cosigned_note"], time: row["cosigned_time"],
                upstreamSigned: headBody.map { UpstreamSignedBody(body: Array($0), signature: row["head_signature"],
                                                                  fetched: Timestamp(seconds: fetched ?? 0)) })
        }
        func time(_ column: String) -> Timestamp? { (row[column] as Int64?).map { Timestamp(seconds: $0) } }
        return UpstreamRecord(
            id: row["id"], origin: row["origin"], url: row["url"],
            publicKey: Ed25519PublicKey(bytes: Array(row["publickey"] as Data))!,
            replicate: row["replicate"], uniqueID: row["uniqueid"], blocked: row["blocked"],
            splitView: row["split_view"], frozen: row["frozen"], added: Timestamp.parse(row["added"]) ?? Timestamp(seconds: 0),
            tip: tip, cosigned: cosigned,
            lastPoll: time("last_poll"), lastSuccess: time("last_success"), lastAdvance: time("last_advance"),
            lastError: row["last_error"], failures: row["failures"], syncTarget: row["sync_target"],
            storedBytes: row["stored_bytes"])
    }
}

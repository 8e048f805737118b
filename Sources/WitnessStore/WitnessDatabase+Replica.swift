import Foundation
import GRDB
import WitnessCore

/// A Chronicle this node replicates and serves under `/chronicle/replica/{uniqueid}`.
///
/// SPEC: chronicle-protocol §4.7.1 — `uniqueid`, `canonical` (the source URL), `name`,
/// `serverPublicKey` (the source key). Here: an upstream with `replicate` set; `name` is its origin.
public struct ReplicaSource: Sendable, Equatable {
    /// The upstream row id.
    public var id: Int64
    /// b64u of 33 random bytes (44 characters, no padding), the path segment.
    public var uniqueid: String
    /// The URL this node fetches the source from.
    public var canonical: String
    /// The label (the upstream's origin).
    public var name: String
    /// The source's server key, b64u.
    public var serverPublicKey: String
}

extension WitnessDatabase {
    // Replica rows are the verified `upstream_entry` rows of a replicated upstream. Only rows whose
    // full record was kept (`contents` not NULL) can be served. Since schema v8 every upstream keeps
    // every record (entry proofs carry them), and v8 copied the older ones out of their signed
    // bodies; a row whose body could not give it back keeps none. If position 1 lacks its record
    // the replica is treated as empty rather than served from the middle: a replica must verify
    // from genesis (§2.7).

    private static let replicaSelect = """
        SELECT e.position, e.contents, e.currhash, e.summaryhash, e.created, e.publickey, e.signature,
               (SELECT p.currhash FROM upstream_entry p WHERE p.upstream = e.upstream AND p.position = e.position - 1) AS prevhash
        FROM upstream_entry e
        """

    private static func replicaEntry(_ row: Row) -> ChronicleEntry {
        let prev: Data? = row["prevhash"]
        // SPEC: chronicle-protocol §4.7 — the replica genesis `prevhash` is "" (not null).
        return ChronicleEntry(
            contents: row["contents"],
            prevhash: prev.map { Base64URL.encode($0) } ?? "",
            currhash: Base64URL.encode(row["currhash"] as Data),
            summaryhash: Base64URL.encode(row["summaryhash"] as Data),
            created: row["created"] ?? "",
            publickey: row["publickey"] ?? "",
            signature: row["signature"] ?? "")
    }

    private static func replicaSource(_ row: Row) -> ReplicaSource {
        ReplicaSource(id: row["id"], uniqueid: row["uniqueid"], canonical: row["url"], name: row["origin"],
                      serverPublicKey: Base64URL.encode(row["publickey"] as Data))
    }

    /// Number of servable replica rows of `source` (0 when position 1 has no full record).
    private static func replicaSize(_ db: Database, _ source: ReplicaSource) throws -> Int {
        guard try Bool.fetchOne(db, sql: """
            SELECT 1 FROM upstream_entry WHERE upstream = ? AND position = 1 AND contents IS NOT NULL
            """, arguments: [source.id]) == true else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT MAX(position) FROM upstream_entry WHERE upstream = ? AND contents IS NOT NULL",
                                arguments: [source.id]) ?? 0
    }

    /// Every replicated upstream, in the order they were added.
    public func replicaSources() throws -> [ReplicaSource] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, uniqueid, url, origin, publickey FROM upstream WHERE replicate = 1 ORDER BY id")
                .map(Self.replicaSource)
        }
    }

    /// The replicated upstream with this `uniqueid` (exact match), if any.
    public func replicaSource(uniqueid: String) throws -> ReplicaSource? {
        try reader.read { db in
            try Row.fetchOne(db, sql: "SELECT id, uniqueid, url, origin, publickey FROM upstream WHERE replicate = 1 AND uniqueid = ?",
                             arguments: [uniqueid]).map(Self.replicaSource)
        }
    }

    /// The last servable replica row, if any.
    public func replicaLastEntry(_ source: ReplicaSource) throws -> ChronicleEntry? {
        try reader.read { db in
            let size = try Self.replicaSize(db, source)
            guard size > 0 else { return nil }
            return try Row.fetchOne(db, sql: Self.replicaSelect + " WHERE e.upstream = ? AND e.position = ?",
                                    arguments: [source.id, size]).map(Self.replicaEntry)
        }
    }

    /// Every servable replica row whose currhash or summaryhash is `hash` (exact padded b64u).
    public func replicaEntries(_ source: ReplicaSource, matching hash: String) throws -> [ChronicleEntry] {
        guard let raw = Self.canonicalHash(hash) else { return [] }
        return try reader.read { db in
            let size = try Self.replicaSize(db, source)
            return try Row.fetchAll(db, sql: Self.replicaSelect + """
                 WHERE e.upstream = ? AND e.position <= ? AND (e.currhash = ? OR e.summaryhash = ?) ORDER BY e.position
                """, arguments: [source.id, size, raw, raw]).map(Self.replicaEntry)
        }
    }

    /// Replica rows strictly after the lowest row matching `hash`, ascending, with the total after
    /// the anchor; nil when no servable row matches.
    public func replicaEntries(_ source: ReplicaSource, since hash: String, offset: Int = 0,
                               limit: Int? = nil) throws -> (total: Int, entries: [ChronicleEntry])? {
        guard let raw = Self.canonicalHash(hash) else { return nil }
        return try reader.read { db in
            let size = try Self.replicaSize(db, source)
            guard let anchor = try Int.fetchOne(db, sql: """
                SELECT MIN(position) FROM upstream_entry WHERE upstream = ? AND position <= ? AND (currhash = ? OR summaryhash = ?)
                """, arguments: [source.id, size, raw, raw]) else { return nil }
            return (size - anchor, try Self.replicaRange(db, source, after: anchor.saturatingAdd(offset), through: size, limit: limit))
        }
    }

    /// Replica rows from position `offset + 1`, ascending, at most `limit`; with the replica size.
    public func replicaExport(_ source: ReplicaSource, offset: Int = 0, limit: Int? = nil) throws -> (total: Int, entries: [ChronicleEntry]) {
        try reader.read { db in
            let size = try Self.replicaSize(db, source)
            return (size, try Self.replicaRange(db, source, after: offset, through: size, limit: limit))
        }
    }

    private static func replicaRange(_ db: Database, _ source: ReplicaSource, after position: Int, through size: Int,
                                     limit: Int?) throws -> [ChronicleEntry] {
        try Row.fetchAll(db, sql: replicaSelect + " WHERE e.upstream = ? AND e.position > ? AND e.position <= ? ORDER BY e.position LIMIT ?",
                         arguments: [source.id, position, size, limit ?? -1]).map(replicaEntry)
    }
}

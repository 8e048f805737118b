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
    // bodies; `upstream.record_gap` (v10) is the first row whose body could not give it back. The
    // replica is served up to the row before it: a replica must verify from genesis (§2.7), so a
    // missing record at position 1 serves an empty replica rather than one from the middle.
    //
    // Every query below is an index search, never a scan (issue 13, item 2):
    // `ReplicaQueryPlanTests` asserts SQLite's plan for each, so it cannot silently regress.

    /// A stored entry row as a Chronicle record (`EntryRowSQL.select`'s columns).
    static func entryRow(_ row: Row) -> ChronicleEntry {
        let prev: Data? = row["prevhash"]
        // SPEC: chronicle-protocol §4.7 — the replica genesis `prevhash` is "" (not null).
        return ChronicleEntry(
            contents: StoredText.string(row["contents"]),
            prevhash: prev.map { Base64URL.encode($0) } ?? "",
            currhash: Base64URL.encode(row["currhash"] as Data),
            summaryhash: Base64URL.encode(row["summaryhash"] as Data),
            created: StoredText.string(row["created"]),
            publickey: StoredBase64.text(row["publickey"]),
            signature: StoredBase64.text(row["signature"]))
    }

    private static func replicaSource(_ row: Row) -> ReplicaSource {
        ReplicaSource(id: row["id"], uniqueid: row["uniqueid"], canonical: row["url"], name: row["origin"],
                      serverPublicKey: Base64URL.encode(row["publickey"] as Data))
    }

    /// Number of servable replica rows of `source`: the verified size, or the rows before the
    /// first missing record. One row read.
    static func replicaSize(_ db: Database, _ source: ReplicaSource) throws -> Int {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: EntryRowSQL.size), arguments: [source.id]) else { return 0 }
        let size: Int = row["size"]
        guard let gap: Int = row["record_gap"] else { return size }
        return max(0, min(size, gap - 1))
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
            try Row.fetchOne(db.cachedStatement(sql: EntryRowSQL.source), arguments: [uniqueid]).map(Self.replicaSource)
        }
    }

    /// The last servable replica row, if any.
    public func replicaLastEntry(_ source: ReplicaSource) throws -> ChronicleEntry? {
        try reader.read { db in
            let size = try Self.replicaSize(db, source)
            guard size > 0 else { return nil }
            return try Row.fetchOne(db.cachedStatement(sql: EntryRowSQL.at), arguments: [source.id, size]).map(Self.entryRow)
        }
    }

    /// Every servable replica row whose currhash or summaryhash is `hash` (exact padded b64u).
    public func replicaEntries(_ source: ReplicaSource, matching hash: String) throws -> [ChronicleEntry] {
        guard let raw = Self.canonicalHash(hash) else { return [] }
        return try reader.read { db in
            let size = try Self.replicaSize(db, source)
            return try Row.fetchAll(db.cachedStatement(sql: EntryRowSQL.matching),
                                    arguments: [source.id, raw, size, source.id, raw, size]).map(Self.entryRow)
        }
    }

    /// Replica rows strictly after the lowest row matching `hash`, ascending, with the total after
    /// the anchor; nil when no servable row matches.
    public func replicaEntries(_ source: ReplicaSource, since hash: String, offset: Int = 0,
                               limit: Int? = nil) throws -> (total: Int, entries: [ChronicleEntry])? {
        guard let raw = Self.canonicalHash(hash) else { return nil }
        return try reader.read { db in
            let size = try Self.replicaSize(db, source)
            guard let anchor = try Int.fetchOne(db.cachedStatement(sql: EntryRowSQL.anchor),
                                                arguments: [source.id, raw, size, source.id, raw, size]) else { return nil }
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
        try Row.fetchAll(db.cachedStatement(sql: EntryRowSQL.range), arguments: [source.id, position, size, limit ?? -1]).map(entryRow)
    }
}

/// The queries that read stored entry rows — the replica routes' and an entry proof's — each an
/// index search (`ReplicaQueryPlanTests` checks SQLite's plans).
enum EntryRowSQL {
    /// The columns of a served row, its prevhash from the row before (primary key), from `from`.
    static func select(from: String = "upstream_entry e") -> String {
        """
        SELECT e.position, \(StoredText.read("e.contents")), e.currhash, e.summaryhash, \(StoredText.read("e.created")), e.publickey, e.signature,
               (SELECT p.currhash FROM upstream_entry p WHERE p.upstream = e.upstream AND p.position = e.position - 1) AS prevhash
        FROM \(from)
        """
    }
    /// A replicated upstream by its uniqueid.
    static let source = "SELECT id, uniqueid, url, origin, publickey FROM upstream WHERE replicate = 1 AND uniqueid = ?"
    /// The verified size and the first row without a record.
    static let size = "SELECT size, record_gap FROM upstream WHERE id = ?"
    /// One row by position.
    static let at = select() + " WHERE e.upstream = ? AND e.position = ?"
    /// One row by position, only if its record was kept (an entry proof's entry).
    static let record = at + " AND e.contents IS NOT NULL"
    /// Rows after a position, through the replica size.
    static let range = select() + " WHERE e.upstream = ? AND e.position > ? AND e.position <= ? ORDER BY e.position LIMIT ?"
    /// Rows whose currhash or summaryhash is the hash: one search per index, named with INDEXED BY
    /// (SQLite then fails the query rather than plan without it). Left to itself, with no
    /// statistics (nobody runs ANALYZE), SQLite walked the primary key for `position <= ?` —
    /// every row of the upstream — and an OR of the two columns did the same.
    static let matching = select(from: "upstream_entry e INDEXED BY upstream_entry_currhash")
        + " WHERE e.upstream = ? AND e.currhash = ? AND e.position <= ?"
        + " UNION " + select(from: "upstream_entry e INDEXED BY upstream_entry_summaryhash")
        + " WHERE e.upstream = ? AND e.summaryhash = ? AND e.position <= ? ORDER BY 1"
    /// The lowest row whose currhash or summaryhash is the hash (the same two searches).
    static let anchor = """
        SELECT MIN(position) FROM (
            SELECT position FROM upstream_entry INDEXED BY upstream_entry_currhash WHERE upstream = ? AND currhash = ? AND position <= ?
            UNION ALL
            SELECT position FROM upstream_entry INDEXED BY upstream_entry_summaryhash WHERE upstream = ? AND summaryhash = ? AND position <= ?)
        """
}

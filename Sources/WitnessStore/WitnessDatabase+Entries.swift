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
        return try reader.read { db in
            let position = try Int.fetchOne(db, sql: "SELECT MIN(position) FROM upstream_entry WHERE upstream = ? AND currhash = ?",
                                            arguments: [id, Data(hash)])
                ?? Int.fetchOne(db, sql: "SELECT MIN(position) FROM upstream_entry WHERE upstream = ? AND summaryhash = ?",
                                arguments: [id, Data(hash)])
            guard let position, let row = try Row.fetchOne(db, sql: """
                SELECT e.contents, e.currhash, e.summaryhash, e.created, e.publickey, e.signature,
                       (SELECT p.currhash FROM upstream_entry p WHERE p.upstream = e.upstream AND p.position = e.position - 1) AS prevhash
                FROM upstream_entry e WHERE e.upstream = ? AND e.position = ? AND e.contents IS NOT NULL
                """, arguments: [id, position]) else { return nil }
            let prev: Data? = row["prevhash"]
            let entry = ChronicleEntry(contents: row["contents"], prevhash: prev.map { Base64URL.encode($0) },
                                       currhash: Base64URL.encode(row["currhash"] as Data), summaryhash: Base64URL.encode(row["summaryhash"] as Data),
                                       created: row["created"] ?? "", publickey: row["publickey"] ?? "", signature: row["signature"] ?? "")
            return (position, entry)
        }
    }
}

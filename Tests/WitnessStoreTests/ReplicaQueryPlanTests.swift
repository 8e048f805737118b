import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessTesting
@testable import WitnessStore

private typealias F = StoreFixtures

/// Issue 13, item 2: every replica query is an index search, never a walk of the upstream's
/// rows. SQLite's own plan is asserted, so a changed query or a dropped index fails here.
@Suite("Replica query plans")
struct ReplicaQueryPlanTests {
    /// The `EXPLAIN QUERY PLAN` detail lines of `sql` with `arguments`.
    static func plan(_ database: WitnessDatabase, _ sql: String, _ arguments: StatementArguments) async throws -> [String] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    @Test func everyReplicaQuerySearchesAnIndex() async throws {
        let (database, id) = try await F.watching(replicate: true)
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(F.entries(40)), at: F.t0)
        // No ANALYZE: a node's database never has statistics, and without them SQLite walked the
        // primary key for `position <= ?` rather than search the hash index.
        let hash = Data(repeating: 1, count: 32)
        let queries: [(String, String, StatementArguments)] = [
            ("size", EntryRowSQL.size, [id]),
            ("at", EntryRowSQL.at, [id, 3]),
            ("record", EntryRowSQL.record, [id, 3]),
            ("range", EntryRowSQL.range, [id, 3, 40, 10]),
            ("matching", EntryRowSQL.matching, [id, hash, 40, id, hash, 40]),
            ("anchor", EntryRowSQL.anchor, [id, hash, 40, id, hash, 40]),
        ]
        for (name, sql, arguments) in queries {
            let details = try await Self.plan(database, sql, arguments)
            #expect(!details.isEmpty, "\(name)")
            for detail in details {
                // A scan is allowed only over the few rows a UNION or a subquery produced; a primary
                // key search on the upstream alone walks all its rows (what the OR and MAX did).
                if detail.hasPrefix("SCAN") {
                    #expect(!detail.contains("upstream_entry") && !detail.contains(" e") && !detail.contains("upstream "),
                            "\(name) walks a table: \(details)")
                }
                #expect(!detail.hasSuffix("USING PRIMARY KEY (upstream=?)") && !detail.hasSuffix("USING PRIMARY KEY (upstream=? AND position<?)"),
                        "\(name) walks every row of the upstream: \(details)")
            }
            if name == "size" { #expect(!details.joined().contains("upstream_entry"), "\(details)") }
            if name == "matching" || name == "anchor" {
                #expect(details.contains { $0.contains("upstream_entry_currhash") }, "\(name): \(details)")
                #expect(details.contains { $0.contains("upstream_entry_summaryhash") }, "\(name): \(details)")
            }
        }
    }

    /// The replica is served up to the row before the first missing record, found at v10.
    @Test func aRecordGapEndsTheServedReplica() async throws {
        let page = try F.page(F.entries(6))
        try await MerkleStoreTests.migrating(upTo: "v9-tiled-merkle", page: page, extra: """
            UPDATE upstream SET replicate = 1;
            UPDATE upstream_entry SET contents = 'c', created = 'x', publickey = 'p', signature = 's' WHERE position <> 4;
            """) { database in
            let source = try #require(try database.replicaSources().first)
            #expect(try database.replicaExport(source).total == 3)
            #expect(try database.replicaEntries(source, matching: Base64URL.encode(page.entries[4].currhash)).isEmpty)
            #expect(try database.replicaEntries(source, matching: Base64URL.encode(page.entries[2].currhash)).count == 1)
        }
    }
}

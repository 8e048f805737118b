import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessTesting
@testable import WitnessStore

private typealias F = StoreFixtures

/// A database written by every released schema opens under this release and keeps its state;
/// the issue 9 columns are filled in from what it holds.
@Suite("Migrations from every released schema")
struct MigrationTests {
    @Test(arguments: ["v1-ledger", "v2-witness", "v3-network", "v4-node-state"])
    func aReleasedDatabaseMigratesKeepingItsState(_ released: String) async throws {
        let dirDirectory = try TemporaryDirectory(prefix: "migrate")
        defer { dirDirectory.remove() }
        let dir = dirDirectory.url
        let path = dir.appendingPathComponent("witness.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: released)
            if released != "v1-ledger" {
                // A watched upstream with one stored page of 100 bytes and a verified size of 2.
                try await queue.write { db in
                    try db.execute(sql: """
                        INSERT INTO upstream (id, origin, origin_hash, url, publickey, uniqueid, added, size)
                        VALUES (1, ?, ?, 'https://store.example/chronicle', ?, 'u1', '2026-01-01T00:00:00+00:00', 2);
                        INSERT INTO upstream_response (id, upstream, path, fetched, body, signature) VALUES (1, 1, '/export', 0, ?, 'sig');
                        """, arguments: [F.origin, SHA256.hash(Array(F.origin.utf8)).hexString, Data(F.server.publicKey.bytes),
                                         Data(repeating: 0x20, count: 100)])
                }
            }
        }
        let database = try WitnessDatabase.open(path: path)
        if released != "v1-ledger" {
            let record = try #require(try database.upstream(origin: F.origin))
            #expect(record.storedBytes == 100 + 2 * VerifiedPage.rowBytes)
            #expect(record.size == 2)
        }
        // The new tables work, and the ledger goes on.
        try await database.rememberAdminRequest(signature: "sig", at: F.t0, keepFor: 600)
        await #expect(throws: StoreError.duplicateSignature) { try await database.rememberAdminRequest(signature: "sig", at: F.t0, keepFor: 600) }
        _ = try await database.append(LedgerAppend.signed("after the migration", by: F.client), at: F.t0)
        #expect(try database.ledgerSize() == 1)
    }

    @Test func adminRequestsAreForgottenOnlyAfterTheirWindow() async throws {
        let database = try WitnessDatabase.inMemory()
        try await database.rememberAdminRequest(signature: "a", at: F.t0, keepFor: 600)
        // Still inside the window: refused; past it, pruned, and a stale request-time refuses it anyway.
        await #expect(throws: StoreError.duplicateSignature) {
            try await database.rememberAdminRequest(signature: "a", at: F.t0.adding(seconds: 599), keepFor: 600)
        }
        try await database.rememberAdminRequest(signature: "a", at: F.t0.adding(seconds: 601), keepFor: 600)
    }
}

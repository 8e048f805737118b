import Foundation
import Testing
import WitnessCore
import WitnessTesting
import GRDB
import WitnessStore

@Suite("The ledger in SQLite")
struct LedgerStoreTests {
    let client = Ed25519SecretKey(seed: Array(0..<32))
    let t0 = Timestamp.parse("2024-01-01T00:00:00+00:00")!

    func request(_ body: String) -> LedgerAppend {
        LedgerAppend.signed(body, by: client)
    }

    func verifyAll(_ db: WitnessDatabase) throws -> Int {
        let verifier = ChainVerifier()
        for entry in try db.export().entries { try verifier.verify(entry) }
        return verifier.size
    }

    @Test func reproducesTheSpecVectors() async throws {
        // SPEC: chronicle-protocol §2.8 — the three entries, their hashes and the hashstate after row 3.
        let db = try WitnessDatabase.inMemory()
        let first = try await db.append(request(#"{"hello":"world"}"#), at: t0)
        let second = try await db.append(request("second entry"), at: t0.adding(seconds: 1))
        let third = try await db.append(request(""), at: t0.adding(seconds: 2))
        #expect(first.currhash == "rFqgLh4ggh6kkEjvWmAcOwdoQ_TYpT8bPCrGM2UgsgM=")
        #expect(first.summaryhash == "anq8WnlSSSZsYZLZwYuJebVnrGiAHIV0NLYxTEeNt9Q=")
        #expect(second.currhash == "LsatxkH1IEEKuZxU-SRLTI1F86R4GmLdb5aIH2VAhcs=")
        #expect(third.currhash == "9TOXcSlxbEsxD72FmRln_hQMGOVp0PX7pu_F9h7YSfo=")
        #expect(third.summaryhash == "3wCWpYY1iWvEsWGoUWxBDYEsSnwnz-3E7UbK6iq6BHQ=")
        let tip = try db.ledgerTip()
        #expect(Base64URL.encode(tip.hashstate).replacingOccurrences(of: "=", with: "").count == 512)
        #expect(Base64URL.encode(tip.hashstate).hasPrefix("KMm98mfmCWo7p8qEha5nuyv4lP5y82488TYdXzr1T6XRguatf1IOUR9sPiuMaAWb"))
        let lookup = try db.entries(matching: first.summaryhash)
        #expect(lookup.first?.prevhash == nil, "main-chain genesis prevhash is null")
        #expect(try db.entry(at: 2)?.prevhash == first.currhash)
    }

    @Test func acknowledgedEntriesSurviveAnUncleanStop() async throws {
        let dirDirectory = try TemporaryDirectory(prefix: "ledger")
        defer { dirDirectory.remove() }
        let dir = dirDirectory.url
        let path = dir.appendingPathComponent("witness.sqlite").path
        var heads: [String] = []
        do {
            // The handle is dropped without any shutdown step: only committed transactions may remain.
            let db = try WitnessDatabase.open(path: path)
            for i in 0..<25 { heads.append(try await db.append(request("entry \(i)"), at: t0.adding(seconds: Int64(i))).currhash) }
        }
        let reopened = try WitnessDatabase.open(path: path)
        #expect(try reopened.ledgerSize() == 25)
        #expect(try reopened.lastEntry()?.currhash == heads.last)
        #expect(try verifyAll(reopened) == 25)
        // The restored tip continues the same chain.
        let next = try await reopened.append(request("after reopen"), at: t0.adding(seconds: 100))
        #expect(next.position == 26)
        #expect(try verifyAll(reopened) == 26)
    }

    @Test func concurrentAppendsNeverFork() async throws {
        let dirDirectory = try TemporaryDirectory(prefix: "ledger")
        defer { dirDirectory.remove() }
        let dir = dirDirectory.url
        let db = try WitnessDatabase.open(path: dir.appendingPathComponent("witness.sqlite").path)
        let key = client
        let start = t0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<25 {
                        _ = try await db.append(LedgerAppend.signed("writer \(writer) entry \(i)", by: key), at: start)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try db.ledgerSize() == 100)
        #expect(try verifyAll(db) == 100)
    }

    @Test func duplicateSignatureIsRefusedAndChangesNothing() async throws {
        let db = try WitnessDatabase.inMemory()
        _ = try await db.append(request("same"), at: t0)
        await #expect(throws: StoreError.duplicateSignature) {
            _ = try await db.append(request("same"), at: t0.adding(seconds: 5))
        }
        #expect(try db.ledgerSize() == 1)
    }

    @Test func sinceAndExportWindows() async throws {
        let db = try WitnessDatabase.inMemory()
        var appended: [AppendedEntry] = []
        for i in 0..<10 { appended.append(try await db.append(request("e\(i)"), at: t0)) }
        let since = try #require(try db.entries(since: appended[3].summaryhash))
        #expect(since.total == 6)
        #expect(since.entries.map(\.currhash) == appended[4...].map(\.currhash))
        let page = try #require(try db.entries(since: appended[3].currhash, offset: 2, limit: 2))
        #expect(page.entries.map(\.currhash) == appended[6...7].map(\.currhash))
        #expect(try db.entries(since: Base64URL.encode([UInt8](repeating: 0, count: 32))) == nil)
        #expect(try db.export(offset: 8, limit: 5).entries.count == 2)
        #expect(try db.export().total == 10)
    }

    @Test func nonCanonicalSignatureTextIsServedVerbatim() async throws {
        // SPEC: chronicle-protocol §2.5 — the signature column keeps the client's string.
        let db = try WitnessDatabase.inMemory()
        let sig = client.signature(for: Array("x".utf8))
        let unpadded = String(Base64URL.encode(sig).dropLast(2))
        _ = try await db.append(LedgerAppend(contents: "x", publicKey: client.publicKey, signature: sig, signatureText: unpadded), at: t0)
        #expect(try db.lastEntry()?.signature == unpadded)
        #expect(try verifyAll(db) == 1)
    }
}

@Suite("Schema versions")
struct SchemaVersionTests {
    @Test func refusesADatabaseMigratedByANewerRelease() async throws {
        let directory = try TemporaryDirectory(prefix: "schema")
        defer { directory.remove() }
        let path = directory.path("witness.sqlite")
        do {
            let database = try WitnessDatabase.open(path: path)
            try await database.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
        }
        #expect(throws: StoreError.newerSchema) { try WitnessDatabase.open(path: path) }
    }
}

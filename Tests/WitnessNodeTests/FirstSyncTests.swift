import Foundation
import GRDB
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// A first sync of a long chain: every entry verified and stored, and an interrupted sync
/// resumes from its verified prefix (witness-protocol §2).
@Suite("First sync of a long upstream")
struct FirstSyncTests {
    static let origin = "big.example/chronicle"
    static let base = "https://big.example/chronicle"

    func setUp(entries: Int, pageSize: Int?) throws -> (FakeChronicle, FakeTransport, WitnessHarness) {
        let fake = FakeChronicle()
        fake.append(entries)
        fake.pageSize = pageSize
        let transport = FakeTransport([Self.base: fake])
        return (fake, transport, try WitnessHarness(transport: transport))
    }

    func expectEveryPositionStored(_ witness: WitnessHarness, _ fake: FakeChronicle, count: Int,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let record = try witness.upstream(Self.origin)
        let stored = try witness.database.upstreamCurrhashes(upstream: record.id)
        #expect(stored.count == count, sourceLocation: sourceLocation)
        #expect(stored == fake.entries().prefix(count).map { Base64URL.decode($0.currhash, length: 32)! }, sourceLocation: sourceLocation)
        #expect(record.size == count, sourceLocation: sourceLocation)
    }

    @Test func verifiesStoresAndCosignsThreeThousandEntriesFromPaginatedExport() async throws {
        let (fake, transport, witness) = try setUp(entries: 3000, pageSize: 500)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)

        let outcome = try await witness.poll(Self.origin)
        #expect(outcome == .advanced(Checkpoint(origin: Self.origin, size: 3000, root: fake.treeRoot(3000))))
        try expectEveryPositionStored(witness, fake, count: 3000)
        // 3000 = 6 × 500: page 6 is full, so `next` names an empty page 7 (chronicle-protocol §4.13).
        #expect(transport.requested == [Self.base + "/lasthash", Self.base + "/export"] + (2...7).map { Self.base + "/export/\($0)" })
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned?.checkpoint.size == 3000)
        #expect(record.syncTarget == nil)
        #expect(try witness.database.upstreamResponseCount(upstream: record.id) == 6)
        #expect(try witness.headSizes(Self.origin) == [3000])
        let note = try #require(record.cosigned?.note)
        #expect(IndependentCosignature.verify(note: note, name: WitnessHarness.name, publicKey: witness.key.publicKey.bytes)?.checkpointText
                == IndependentCosignature.checkpointText(origin: Self.origin, size: 3000, root: fake.treeRoot(3000)))
    }

    @Test func verifiesAnUnpaginatedExportInOneResponse() async throws {
        let (fake, transport, witness) = try setUp(entries: 1200, pageSize: nil)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 1200)
        try expectEveryPositionStored(witness, fake, count: 1200)
        #expect(transport.requested == [Self.base + "/lasthash", Self.base + "/export"])
    }

    @Test func resumesAnInterruptedFirstSyncFromTheVerifiedPrefix() async throws {
        let (fake, transport, witness) = try setUp(entries: 3000, pageSize: 500)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        transport.failing { url in url.hasSuffix("/export/3") ? .transport(url: url, reason: "connection reset") : nil }

        let broken = try await witness.poll(Self.origin)
        #expect(broken == .failed(.outbound(.transport(url: Self.base + "/export/3", reason: "connection reset"))))
        // Pages 1 and 2 were verified and committed; nothing was cosigned.
        try expectEveryPositionStored(witness, fake, count: 1000)
        var record = try witness.upstream(Self.origin)
        #expect(record.cosigned == nil)
        #expect(record.failures == 1)
        #expect(record.lastError != nil)
        #expect(try witness.ledgerRecords().isEmpty)
        #expect(UpstreamStatus(record, evidence: [], now: witness.clock.now(), staleAfter: 1800).state == .syncing)

        transport.failing(nil)
        let before = transport.requested.count
        let resumed = try await witness.poll(Self.origin)
        #expect(resumed == .advanced(Checkpoint(origin: Self.origin, size: 3000, root: fake.treeRoot(3000))))
        try expectEveryPositionStored(witness, fake, count: 3000)
        // The resumed sync starts at the stored head, not at genesis.
        let again = Array(transport.requested[before...])
        let anchor = fake.entries()[999].currhash.replacingOccurrences(of: "=", with: "%3D")
        #expect(again.first == Self.base + "/lasthash")
        #expect(again.dropFirst().first == Self.base + "/since/" + anchor)
        #expect(!again.contains { $0.contains("/export") })
        record = try witness.upstream(Self.origin)
        #expect(record.failures == 0)
        #expect(record.lastError == nil)
        #expect(try witness.headSizes(Self.origin) == [3000])
    }

    @Test("the page fetched ahead while a bad page is verified is dropped: only the verified prefix is stored, nothing cosigned")
    func aPageFetchedAheadOfABadOneIsDropped() async throws {
        let (fake, transport, witness) = try setUp(entries: 3000, pageSize: 500)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        // Entry 700, on page 2, is served with a flipped byte: its signature fails.
        fake.misbehave { $0.tamperedPosition = 700 }
        let outcome = try await witness.poll(Self.origin)
        guard case .failed(.chain) = outcome else {
            Issue.record("expected a chain failure, got \(outcome)")
            return
        }
        // Page 3 was fetched while page 2 was verified (the pipelined sync); nothing of it is
        // stored, and no page beyond it was asked for (one page ahead at most).
        try expectEveryPositionStored(witness, fake, count: 699)
        #expect(transport.requested.contains(Self.base + "/export/3"))
        #expect(!transport.requested.contains(Self.base + "/export/4"))
        #expect(try witness.upstream(Self.origin).cosigned == nil)
        #expect(try witness.ledgerRecords().isEmpty)
    }

    @Test("export pages are stored without the records they repeat and read back byte for byte, signature and all")
    func exportBodiesAreStoredCompactAndRebuiltExactly() async throws {
        let (fake, _, witness) = try setUp(entries: 1200, pageSize: 500)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 1200)
        let id = try witness.upstream(Self.origin).id
        // All three pages' lists were exactly their records: each body is kept cut, and small.
        let stored = try witness.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT length(body) AS length, rows_at FROM upstream_response WHERE upstream = ?", arguments: [id])
        }
        #expect(stored.count == 3)
        #expect(stored.allSatisfy { ($0["rows_at"] as Int?) != nil && ($0["length"] as Int) < 300 }, "\(stored)")
        // Read back (as evidence reads them): the bytes the upstream served and signed.
        for (position, path) in [(1, "/export"), (501, "/export/2"), (1001, "/export/3")] {
            let served = await fake.signed(path: path)
            let rebuilt = try #require(try witness.database.upstreamResponse(upstream: id, containing: position))
            #expect(rebuilt.body == served.body, "\(path)")
            #expect(Sapient.verify(rebuilt.body, headerValues: [rebuilt.signature], key: fake.serverKey.publicKey))
        }
        let all = try witness.database.upstreamResponses(upstream: id, positions: 1...1200)
        #expect(all.count == 3 && all.allSatisfy { Sapient.verify($0.body, headerValues: [$0.signature], key: fake.serverKey.publicKey) })
    }

    @Test("/since pages of later polls are stored cut too (lookup style) and read back as signed")
    func sinceBodiesAreStoredCompact() async throws {
        let (fake, _, witness) = try setUp(entries: 40, pageSize: 16)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 40)
        fake.append(25)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 65)
        let id = try witness.upstream(Self.origin).id
        let stored = try witness.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT path, rows_at, rows_style FROM upstream_response WHERE upstream = ? ORDER BY id", arguments: [id])
        }
        let since = stored.filter { ($0["path"] as String).hasPrefix("/since/") }
        #expect(!since.isEmpty)
        #expect(since.allSatisfy { ($0["rows_at"] as Int?) != nil && ($0["rows_style"] as Int?) == ExportRows.Style.lookup.rawValue }, "\(stored)")
        // Rebuilt, every stored body still carries the upstream's signature: the same bytes.
        let all = try witness.database.upstreamResponses(upstream: id, positions: 1...65)
        #expect(all.count == stored.count)
        #expect(all.allSatisfy { Sapient.verify($0.body, headerValues: [$0.signature], key: fake.serverKey.publicKey) })
    }

    @Test func growthAfterTheFirstSyncIsFetchedWithSinceOnly() async throws {
        let (fake, transport, witness) = try setUp(entries: 40, pageSize: 16)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 40)
        fake.advance(seconds: 30)
        fake.append(35)
        let before = transport.requested.count
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 75, root: fake.treeRoot(75))))
        try expectEveryPositionStored(witness, fake, count: 75)
        let since = "/since/" + fake.entries()[39].currhash
        let anchor = fake.entries()[39].currhash.replacingOccurrences(of: "=", with: "%3D")
        // 35 after the anchor at 16 a page: pages 1–3, the third partly full, so no page 4.
        #expect(Array(transport.requested[before...]) == [Self.base + "/lasthash", Self.base + "/since/" + anchor,
                                                           Self.base + since + "/2", Self.base + since + "/3"])
        #expect(try witness.headSizes(Self.origin) == [40, 75])
    }
}

import Foundation
import Testing
import WitnessCore
import WitnessStore

private typealias F = StoreFixtures

/// The store's own guarantees for witnessing, tested without the poller: a verified page is
/// stored whole or not at all and only onto the chain it continues (compare-and-swap), and a
/// cosigned head only ever extends (witness-protocol §2, §3).
@Suite("Upstream chains and cosigned heads in SQLite")
struct UpstreamStoreTests {
    @Test(arguments: [false, true]) func aVerifiedPageIsStoredWholeWithItsRecordsAndItsCost(replicate: Bool) async throws {
        let (database, id) = try await F.watching(replicate: replicate)
        let entries = F.entries(3)
        let page = try F.page(entries)
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, page, at: F.t0)
        let record = try #require(try database.upstream(id: id))
        #expect(record.size == 3 && record.tip == page.tipAfter)
        for (offset, entry) in entries.enumerated() {
            #expect(try database.upstreamCurrhash(upstream: id, position: offset + 1).map(Base64URL.encode) == entry.currhash)
            // witness-protocol §7.1: every upstream keeps each record, so an entry proof can carry it,
            // found by its currhash or its summaryhash.
            for hash in [entry.currhash, entry.summaryhash] {
                let found = try #require(try database.upstreamEntry(upstream: id, hash: Base64URL.decode(hash, length: 32)!))
                #expect(found.position == offset + 1 && found.entry.contents == entry.contents && found.entry.signature == entry.signature)
                #expect(found.entry.prevhash == (offset == 0 ? nil : entries[offset - 1].currhash))
            }
        }
        #expect(try database.upstreamEntry(upstream: id, hash: [UInt8](repeating: 9, count: 32)) == nil)
        #expect(record.storedBytes == page.storedBytes)
        #expect(page.storedBytes > page.response.body.count + entries.map(\.contents.utf8.count).reduce(0, +), "each record is counted again")
        #expect(try database.upstreamResponseCount(upstream: id) == 1)
    }

    @Test func aPageForAChainThatMovedIsRefusedWhole() async throws {
        let (database, id) = try await F.watching()
        let first = F.entries(3)
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(first), at: F.t0)
        let before = try #require(try database.upstream(id: id))
        // Another history from genesis, committed by a poll that started before the first one's commit.
        let other = try F.page(F.entries(4, tag: "other"))
        await #expect(throws: StoreError.upstreamMoved(origin: F.origin, expected: 0, found: 3)) {
            try await database.commitVerifiedPage(upstream: id, fromSize: 0, other, at: F.t0)
        }
        // A page claiming to continue from size 3 but starting at position 1.
        await #expect(throws: StoreError.self) {
            try await database.commitVerifiedPage(upstream: id, fromSize: 3, other, at: F.t0)
        }
        let after = try #require(try database.upstream(id: id))
        #expect(after.tip == before.tip && after.storedBytes == before.storedBytes)
        #expect(try database.upstreamCurrhashes(upstream: id).map(Base64URL.encode) == first.map(\.currhash))
        #expect(try database.upstreamResponseCount(upstream: id) == 1)
    }

    @Test func aCosignedHeadOnlyEverExtends() async throws {
        let (database, id) = try await F.watching()
        let first = try F.page(F.entries(3))
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, first, at: F.t0)
        let three = try F.checkpoint(database, id, size: 3)
        #expect(try await F.advance(database, id, to: three, at: 10) == .advance)
        #expect(try await F.advance(database, id, to: three, at: 20) == .unchanged)
        #expect(try database.upstream(id: id)?.cosigned?.time == F.t0.seconds + 20, "re-cosigned with the fresh time")
        #expect(try await F.advance(database, id, to: try F.checkpoint(database, id, size: 2), at: 30) == .stale(stored: 3))
        // A root that is not the verified currhash at its size is never stored.
        let forged = Checkpoint(origin: F.origin, size: 3, root: [UInt8](repeating: 1, count: 32))
        await #expect(throws: StoreError.unverifiedCheckpoint(origin: F.origin, size: 3)) {
            try await F.advance(database, id, to: forged, at: 40)
        }
        try await database.commitVerifiedPage(upstream: id, fromSize: 3, try F.page(F.entries(2, after: first.tipAfter), after: first.tipAfter),
                                              at: F.t0)
        #expect(try await F.advance(database, id, to: try F.checkpoint(database, id, size: 5), at: 50) == .advance)
        let head = try #require(try database.upstream(id: id)?.cosigned)
        #expect(head.checkpoint.size == 5 && head.time == F.t0.seconds + 50)
        #expect(try database.ledgerSize() == 2, "one witness-head record per advance, none for a re-cosign")
    }

    @Test func nothingIsWrittenWhenCosigningIsRefusedOrTheCommitAborts() async throws {
        let (database, id) = try await F.watching()
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(F.entries(3)), at: F.t0)
        let three = try F.checkpoint(database, id, size: 3)
        struct Abort: Error {}
        await #expect(throws: Abort.self) { try await F.advance(database, id, to: three, beforeCommit: { throw Abort() }) }
        #expect(try database.upstream(id: id)?.cosigned == nil && database.ledgerSize() == 0)
        try await database.refuseCosigning("test: state lost")
        await #expect(throws: StoreError.cosigningRefused("test: state lost")) { try await F.advance(database, id, to: three) }
        #expect(try database.upstream(id: id)?.cosigned == nil && database.ledgerSize() == 0)
    }

    @Test func anOversizedHeadBodyIsNotKeptAndNeverAnOlderOne() async throws {
        let (database, id) = try await F.watching()
        let first = try F.page(F.entries(3))
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, first, at: F.t0)
        let small = UpstreamSignedBody(body: Array("small".utf8), signature: "s", fetched: F.t0)
        try await F.advance(database, id, to: try F.checkpoint(database, id, size: 3), headBody: small)
        #expect(try database.upstream(id: id)?.cosigned?.upstreamSigned == small)
        let huge = UpstreamSignedBody(body: [UInt8](repeating: 0x20, count: WitnessDatabase.maxStoredHeadBodyBytes + 1), signature: "h",
                                      fetched: F.t0)
        try await F.advance(database, id, to: try F.checkpoint(database, id, size: 3), at: 5, headBody: huge)
        #expect(try database.upstream(id: id)?.cosigned?.upstreamSigned == nil, "no body rather than an older one")
    }

    @Test func evidenceIsRecordedOnceAndMarksItsUpstream() async throws {
        let (database, id) = try await F.watching()
        let evidence = Evidence(kind: .fork, origin: F.origin, upstreamKey: F.server.publicKey.base64url,
                                reportedBy: VerifierKey(name: "store.test", publicKey: F.witness.publicKey).description,
                                detectedAt: F.t0, items: [EvidenceItem(cosigned: "note")], explanation: "test")
        let record = LedgerAppend.signed(String(decoding: evidence.canonicalBytes, as: UTF8.self), by: F.witness)
        #expect(try await database.recordEvidence(evidence, ledgerRecord: record, markUpstream: id, at: F.t0))
        #expect(try await !database.recordEvidence(evidence, ledgerRecord: record, markUpstream: id, at: F.t0))
        #expect(try database.ledgerSize() == 1)
        #expect(try database.evidence(id: evidence.id)?.body == evidence.canonicalBytes)
        #expect(try database.upstream(id: id)?.splitView == evidence.id)
    }
}

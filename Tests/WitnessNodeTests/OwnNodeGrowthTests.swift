import Foundation
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// Witnessing our own node in plain ledger mode over real HTTP: the normal life of a witness.
@Suite("Witnessing a growing Chronicle over HTTP")
struct OwnNodeGrowthTests {
    let upstreamKey = Ed25519SecretKey(seed: (0..<32).map { 0x60 + $0 })
    let writer = Ed25519SecretKey(seed: (0..<32).map { 0x70 + $0 })

    /// Our node as the upstream, with one registered client `writer`.
    func upstreamNode(paginate: Int? = nil) async throws -> (WitnessDatabase, ChronicleService) {
        let database = try WitnessDatabase.inMemory()
        try await database.addClient(ClientRecord(publicid: "writer", publickey: writer.publicKey.base64url,
                                                  isAdmin: false, comment: "", created: "2026-01-01T00:00:00+00:00"))
        let service = ChronicleService(database: database, key: upstreamKey,
                                       config: NodeConfig(name: "upstream.test", paginateExport: paginate))
        return (database, service)
    }

    func publish(_ count: Int, from first: Int, to url: String) async throws {
        let client = try ChronicleClient(baseURL: url, serverKey: upstreamKey.publicKey)
        for i in first..<(first + count) {
            _ = try await client.publish(Array("entry number \(i)".utf8), clientID: "writer", key: writer)
        }
    }

    /// Checks a stored cosigned head against the upstream's own ledger with independent code.
    func expectCosigned(_ witness: WitnessHarness, origin: String, size: Int, upstream: WitnessDatabase,
                        time: Int64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let record = try witness.upstream(origin)
        let head = try #require(record.cosigned, sourceLocation: sourceLocation)
        let upstreamHead = try #require(try upstream.entry(at: size), sourceLocation: sourceLocation)
        let currhash = try #require(Base64URL.decode(upstreamHead.currhash, length: 32))
        // SPEC: witness-protocol v2 §2.1 — the root is the tree hash over the upstream's own
        // currhashes, computed here with swift-crypto from the upstream's ledger.
        let root = IndependentMerkle.treeHash(try (0..<size).map {
            Base64URL.decode(try #require(try upstream.entry(at: $0 + 1)).currhash, length: 32)!
        })
        #expect(head.checkpoint == Checkpoint(origin: origin, size: size, root: root), sourceLocation: sourceLocation)
        #expect(head.currhash == currhash, sourceLocation: sourceLocation)
        #expect(try witness.database.upstreamCurrhash(upstream: record.id, position: size) == currhash, sourceLocation: sourceLocation)
        #expect(head.time == time, sourceLocation: sourceLocation)
        let parsed = try CosignedCheckpoint(parsing: head.note)
        #expect(parsed.checkpoint == head.checkpoint, sourceLocation: sourceLocation)
        let checked = IndependentCosignature.verify(note: head.note, name: WitnessHarness.name, publicKey: witness.key.publicKey.bytes)
        #expect(checked == .init(checkpointText: IndependentCosignature.checkpointText(origin: origin, size: size, root: root),
                                 time: UInt64(time)), sourceLocation: sourceLocation)
    }

    @Test func cosignsEachAdvanceOnceAndRefreshesTheTimeOfAnUnchangedHead() async throws {
        let (upstream, service) = try await upstreamNode()
        try await withLiveServers([ownNodeServer(service)]) { urls in
            let url = urls[0]
            let origin = url.originOfURL
            let witness = try WitnessHarness(transport: HTTPTransport())
            try await witness.add(origin, url: url, key: upstreamKey.publicKey)
            try await publish(3, from: 1, to: url)

            let t0 = witness.clock.now().seconds
            let first = try await witness.poll(origin)
            #expect(first == .advanced(try #require(try witness.upstream(origin).cosigned?.checkpoint)))
            #expect(first.checkpoint?.size == 3)
            try expectCosigned(witness, origin: origin, size: 3, upstream: upstream, time: t0)
            #expect(try witness.headSizes(origin) == [3])

            // Idle upstream: re-cosigned with a fresh time, no new ledger entry.
            witness.clock.advance(seconds: 60)
            let idle = try await witness.poll(origin)
            #expect(idle.checkpoint?.size == 3)
            if case .unchanged = idle {} else { Issue.record("expected .unchanged, got \(idle)") }
            try expectCosigned(witness, origin: origin, size: 3, upstream: upstream, time: t0 + 60)
            #expect(try witness.headSizes(origin) == [3])

            // Growth: one more entry per advance.
            try await publish(2, from: 4, to: url)
            witness.clock.advance(seconds: 60)
            let grown = try await witness.poll(origin)
            if case .advanced(let c) = grown { #expect(c.size == 5) } else { Issue.record("expected .advanced, got \(grown)") }
            try expectCosigned(witness, origin: origin, size: 5, upstream: upstream, time: t0 + 120)
            #expect(try witness.headSizes(origin) == [3, 5])

            let record = try witness.upstream(origin)
            #expect(record.size == 5)
            #expect(record.lastError == nil)
            #expect(record.failures == 0)
            #expect(record.lastAdvance == Timestamp(seconds: t0 + 120))
            #expect(record.splitView == nil)
            #expect(try witness.database.evidenceList().isEmpty)
        }
    }

    @Test func witnessHeadRecordsAreSignedByTheWitnessAndNameTheCosignedNote() async throws {
        let (upstream, service) = try await upstreamNode()
        try await withLiveServers([ownNodeServer(service)]) { urls in
            let url = urls[0]
            let origin = url.originOfURL
            let witness = try WitnessHarness(transport: HTTPTransport())
            try await witness.add(origin, url: url, key: upstreamKey.publicKey)
            try await publish(2, from: 1, to: url)
            _ = try await witness.poll(origin)

            let records = try witness.ledgerRecords(type: "witness-head/v1")
            let record = try #require(records.first)
            let head = try #require(try witness.upstream(origin).cosigned)
            let upstreamEntries = try (1...2).map { try #require(try upstream.entry(at: $0)) }
            let upstreamRoot = IndependentMerkle.treeHash(upstreamEntries.map { Base64URL.decode($0.currhash, length: 32)! })
            #expect(record["origin"]?.stringValue == origin)
            #expect(record["size"]?.intValue == 2)
            #expect(record["root"]?.stringValue == Data(upstreamRoot).base64EncodedString())
            #expect(record["currhash"]?.stringValue == upstreamEntries[1].currhash)
            #expect(record["time"]?.stringValue == witness.clock.now().rfc3339)
            #expect(record["cosigned"]?.stringValue == head.note)

            // The own ledger is a valid Chronicle chain, its entries signed by the witness key.
            let verifier = ChainVerifier()
            for entry in try witness.database.export().entries {
                try verifier.verify(entry)
                #expect(entry.publickey == witness.key.publicKey.base64url)
            }
            #expect(verifier.size == (try witness.database.ledgerSize()))
        }
    }

    @Test func followsAPaginatedUpstreamThroughExportAndSincePages() async throws {
        let (upstream, service) = try await upstreamNode(paginate: 3)
        try await withLiveServers([ownNodeServer(service)]) { urls in
            let url = urls[0]
            let origin = url.originOfURL
            let witness = try WitnessHarness(transport: HTTPTransport())
            try await witness.add(origin, url: url, key: upstreamKey.publicKey)
            // 6 entries: the last /export page is exactly full, so `next` points at an empty page.
            try await publish(6, from: 1, to: url)
            #expect(try await witness.poll(origin).checkpoint?.size == 6)
            try expectCosigned(witness, origin: origin, size: 6, upstream: upstream, time: witness.clock.now().seconds)

            try await publish(7, from: 7, to: url)
            witness.clock.advance(seconds: 30)
            #expect(try await witness.poll(origin).checkpoint?.size == 13)
            try expectCosigned(witness, origin: origin, size: 13, upstream: upstream, time: witness.clock.now().seconds)
            #expect(try witness.headSizes(origin) == [6, 13])
            let record = try witness.upstream(origin)
            for position in 1...13 {
                let served = try #require(try upstream.entry(at: position))
                #expect(try witness.database.upstreamCurrhash(upstream: record.id, position: position)
                        == Base64URL.decode(served.currhash, length: 32))
            }
        }
    }

    @Test func cosignsTheEmptyChainOnceAndThenItsGrowth() async throws {
        let (upstream, service) = try await upstreamNode()
        try await withLiveServers([ownNodeServer(service)]) { urls in
            let url = urls[0]
            let origin = url.originOfURL
            let witness = try WitnessHarness(transport: HTTPTransport())
            try await witness.add(origin, url: url, key: upstreamKey.publicKey)
            let first = try await witness.poll(origin)
            #expect(first.checkpoint == Checkpoint.empty(origin: origin))
            witness.clock.advance(seconds: 60)
            let second = try await witness.poll(origin)
            #expect(second.checkpoint == Checkpoint.empty(origin: origin))
            // SPEC: witness-protocol §4 — one ledger entry per advance, not per poll.
            if case .unchanged = second {} else { Issue.record("re-polling an empty upstream must be .unchanged, got \(second)") }
            #expect(try witness.headSizes(origin) == [0], "an idle empty upstream must not add a witness-head entry per poll")

            try await publish(1, from: 1, to: url)
            #expect(try await witness.poll(origin).checkpoint?.size == 1)
            try expectCosigned(witness, origin: origin, size: 1, upstream: upstream, time: witness.clock.now().seconds)
        }
    }
}

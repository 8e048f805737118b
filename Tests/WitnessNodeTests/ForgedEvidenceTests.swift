import Testing
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// The spec's rollback and freeze rules accept material that does not say which request it
/// answered (WitnessCoreTests/EvidenceForgeryTests), so a stranger who only ever *read* an honest
/// upstream can assemble a "rollback". A node must not store it, repeat it, or stop witnessing
/// the upstream for it: such evidence is kept only when a trusted peer relays it, and acted on
/// only when it is self-contained.
@Suite("Forged evidence from an honest upstream's genuine answers")
struct ForgedEvidenceTests {
    static let origin = "honest.example/chronicle"

    @Test func aStrangerCannotStopAnHonestUpstreamBeingWitnessed() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 1, services: false) { network in
                let node = network[0]
                try await network.watch(0, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey)
                try await network.pollAll(Self.origin)
                #expect(try node.database.upstream(origin: Self.origin)?.cosigned?.checkpoint.size == 4)

                // Anyone may ask: the export, then a minute later a lookup of a made-up hash.
                let export = await fake.signed(path: "/export")
                fake.advance(seconds: 60)
                let notFound = await fake.signed(path: "/lookup/" + Base64URL.encode([UInt8](repeating: 7, count: 32)))
                let stranger = VerifierKey(name: "stranger.test", publicKey: Ed25519SecretKey(seed: [UInt8](repeating: 0x77, count: 32)).publicKey)
                let forged = Evidence.rollback(origin: Self.origin, upstreamKey: fake.serverKey.publicKey, reportedBy: stranger,
                                               detectedAt: fake.now, containing: export, later: notFound)
                let status = StatusMap.status(await node.node.gossip.receive(GossipMessage(from: stranger, heads: [], evidence: [forged]).bytes).kind)

                let stored = try node.database.evidenceList().count
                let splitView = try node.database.upstream(origin: Self.origin)?.splitView
                // The message is fine (its evidence verifies under the spec's rule): answered, ignored.
                #expect(status == 200)
                #expect(stored == 0)
                #expect(splitView == nil)
                #expect(try node.database.ledgerSize() == 1, "only the witness-head record")
            }
        }
    }
}

import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The hostile world, gossip side (issue 9 rows 1, 3, 4, 9 and the replay and lying-peer cases):
/// each test does what the attacker did against real nodes on 127.0.0.1 and asserts that the
/// harm did not happen — not the wording of any error.
@Suite("Hostile world: gossip", .serialized)
struct HostileGossipTests {
    static let origin = "honest.example/chronicle"

    /// Row 1: a stranger shows a node its own public checkpoint under a random `upstream_key` (and
    /// under the right one). Before: a state-epoch refusal, cosigning stopped for good.
    @Test func aStrangerShowingANodeItsOwnCheckpointDoesNotSilenceIt() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await TestNetwork.watching(fake, as: Self.origin, count: 1) { network in
            let node = network[0]
            let own = try await Attacker.publicCheckpoint(Self.origin, of: node)
            for key in [Ed25519SecretKey.generate().publicKey, fake.serverKey.publicKey] {
                let head = GossipHead(origin: Self.origin, upstreamKey: key, cosigned: own, upstreamSigned: nil)
                _ = try await Attacker.gossip(GossipMessage(from: Attacker.stranger, heads: [head], evidence: []), to: node)
            }
            #expect(try !node.refusesCosigning)
            fake.append(1)
            #expect(try await node.pollSucceeds(Self.origin))
            #expect(try node.database.upstream(origin: Self.origin)?.cosigned?.checkpoint.size == 4)
        }
    }

    /// Row 3: a stranger claims to be a trusted peer and sends "rollback" evidence assembled from an
    /// honest upstream's genuine answers, hundreds of copies in one request, unsigned or signed
    /// with its own key in the peer's name. Before: stored, ledgered forever, relayed.
    @Test func aStrangerInATrustedPeersNameCannotPlantReporterEvidence() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        try await TestNetwork.watching(fake, as: Self.origin, count: 3) { network in
            let victim = network[0], impersonated = network[1]
            var planted: [Evidence] = []
            for copy in 0..<200 {
                let forged = await StagedEvidence.rollback(fake, origin: Self.origin, reportedBy: impersonated.vkey,
                                                           detectedAt: fake.now.adding(seconds: Int64(copy)))
                // Half unsigned; half "signed" in the peer's name with the stranger's key.
                planted.append(copy.isMultiple(of: 2) ? forged : Self.signInNameOf(forged, key: Attacker.strangerKey, name: impersonated.vkey))
            }
            let ledgerBefore = try victim.database.ledgerSize()
            let answer = try await Attacker.gossip(GossipMessage(from: impersonated.vkey, heads: [], evidence: planted), to: victim)
            #expect(answer.status == 200, "the message is well formed: answered, its reporter-attested part ignored")
            for _ in 0..<2 { await network.gossipRound() }
            for member in network.members {
                #expect(try member.database.evidenceList().isEmpty, "\(member.name) kept planted evidence")
                #expect(try member.database.upstream(origin: Self.origin)?.splitView == nil)
            }
            #expect(try victim.database.ledgerSize() == ledgerBefore)
            #expect(try await victim.pollSucceeds(Self.origin))
        }
    }

    /// Row 4: a stranger claims to be peer P and lists evidence ids; the node must still send
    /// that evidence to P. Before: never sent until restart.
    @Test func aStrangerCannotSuppressWhatANodeSendsAPeer() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        try await TestNetwork.watching(fake, as: Self.origin, count: 2) { network in
            let node = network[0], peer = network[1]
            let fork = await StagedEvidence.fork(fake, origin: Self.origin, reportedBy: node.vkey)
            guard case .proven = EvidenceVerifier.verify(fork) else { Issue.record("the staged fork must prove"); return }
            // The stranger hands the node genuine (self-contained) evidence "as P": the node keeps
            // it, but must not conclude that P holds it.
            _ = try await Attacker.gossip(GossipMessage(from: peer.vkey, heads: [], evidence: [fork]), to: node)
            #expect(try node.database.evidence(id: fork.id) != nil)
            #expect(try peer.database.evidence(id: fork.id) == nil)
            let record = try #require(try node.database.peers().first { $0.vkey == peer.vkey })
            _ = await node.node.gossip.exchange(with: record)
            #expect(try peer.database.evidence(id: fork.id) != nil, "the node withheld evidence from its peer")
        }
    }

    /// Row 9: a trusted peer gossips cosignatures dated 2^63 and 2^64 - 1 (and one an hour ahead).
    /// Before: the process died on `Int64(time)`. Now: not counted, nothing stored, no trap.
    @Test func aTrustedPeersImpossibleCosignatureTimesAreNotATrap() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await TestNetwork.watching(fake, as: Self.origin, count: 2) { network in
            let node = network[0], peer = network[1]
            let checkpoint = try #require(try node.database.upstream(origin: Self.origin)?.cosigned?.checkpoint)
            let hourAhead = UInt64(Date().timeIntervalSince1970) + 3600
            for time in [UInt64(1) << 63, .max, hourAhead] {
                let note = CosignedCheckpoint(checkpoint: checkpoint,
                                              cosignatures: [Cosignature.sign(checkpoint, time: time, name: peer.name, key: peer.key)])
                let head = GossipHead(origin: Self.origin, upstreamKey: fake.serverKey.publicKey, cosigned: note, upstreamSigned: nil)
                #expect(try await peer.gossip(GossipMessage(from: peer.vkey, heads: [head], evidence: []), to: node) == 200)
            }
            #expect(try node.database.peerCosignatures(on: checkpoint).isEmpty)
            #expect(try !node.refusesCosigning)
            // The node is alive and still witnessing.
            #expect(try await node.pollSucceeds(Self.origin))
        }
    }

    /// A stranger replays a trusted peer's genuine signed gossip: to its receiver it changes
    /// nothing the original did not; to another node it is a stranger's message (the signature
    /// names its receiver), so reporter-attested evidence in it is not kept there.
    @Test func aReplayedSignedBodyIsIdempotentAndBoundToItsReceiver() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        try await TestNetwork.watching(fake, as: Self.origin, count: 3) { network in
            let reporter = network[1], receiver = network[0], bystander = network[2]
            let freeze = await StagedEvidence.freeze(fake, origin: Self.origin, reportedBy: reporter.vkey)
                .signedByReporter(key: reporter.key, time: UInt64(Date().timeIntervalSince1970))
            guard case .proven(.freeze, _) = EvidenceVerifier.verify(freeze) else { Issue.record("the staged freeze must prove"); return }
            let body = GossipMessage(from: reporter.vkey, heads: [], evidence: [freeze]).bytes
            let header = reporter.signGossip(body, for: receiver)
            #expect(try await Attacker.replay(body, header: header, to: receiver) == 200)
            // Kept from an authenticated trusted reporter, shown, but witnessing goes on.
            #expect(try receiver.database.evidence(id: freeze.id) != nil)
            let ledger = try receiver.database.ledgerSize()
            for _ in 0..<3 { #expect(try await Attacker.replay(body, header: header, to: receiver) == 200) }
            #expect(try receiver.database.ledgerSize() == ledger)
            #expect(try receiver.database.evidenceList().count == 1)
            #expect(try receiver.database.upstream(origin: Self.origin)?.frozen == nil)
            #expect(try await receiver.pollSucceeds(Self.origin))
            // The same bytes and header sent to another node: a stranger's word there.
            #expect(try await Attacker.replay(body, header: header, to: bystander) == 200)
            #expect(try bystander.database.evidence(id: freeze.id) == nil)
            // A stranger relaying the reporter's genuinely signed evidence cannot make anyone store it either.
            _ = try await Attacker.gossip(GossipMessage(from: Attacker.stranger, heads: [], evidence: [freeze]), to: bystander)
            #expect(try bystander.database.evidence(id: freeze.id) == nil)
        }
    }

    /// A trusted peer that lies in its own name: its reporter-attested evidence is kept (the spec
    /// lets a trusted reporter attest) but never stops cosigning; unsigned, it is not kept at all.
    @Test func aTrustedReportersWordIsShownButNeverStopsCosigning() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        try await TestNetwork.watching(fake, as: Self.origin, count: 2) { network in
            let node = network[0], liar = network[1]
            let unsigned = await StagedEvidence.rollback(fake, origin: Self.origin, reportedBy: liar.vkey, detectedAt: fake.now)
            #expect(try await liar.gossip(GossipMessage(from: liar.vkey, heads: [], evidence: [unsigned]), to: node) == 200)
            #expect(try node.database.evidenceList().isEmpty, "unsigned reporter-attested evidence is nobody's word")
            let signed = unsigned.signedByReporter(key: liar.key, time: UInt64(Date().timeIntervalSince1970))
            #expect(try await liar.gossip(GossipMessage(from: liar.vkey, heads: [], evidence: [signed]), to: node) == 200)
            #expect(try node.database.evidence(id: signed.id) != nil)
            let upstream = try #require(try node.database.upstream(origin: Self.origin))
            #expect(upstream.splitView == nil && upstream.frozen == nil)
            fake.append(1)
            #expect(try await node.pollSucceeds(Self.origin))
            #expect(try !node.refusesCosigning)
        }
    }

    /// Every answer is signed by the node for the requester it names (witness-protocol §5.1),
    /// refusals too, and an independent verifier agrees; a stranger gets signed answers as well.
    @Test func answersAreSignedForTheRequesterRefusalsToo() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await TestNetwork.watching(fake, as: Self.origin, count: 2) { network in
            let node = network[0], peer = network[1]
            let good = GossipMessage(from: peer.vkey, heads: try peer.node.gossip.view.heads(), evidence: []).bytes
            var bad = try peer.node.gossip.view.heads()
            bad[0].upstreamSigned = UpstreamSigned(body: Array("{}".utf8), signature: Sapient.sign(Array("{}".utf8), with: peer.key))
            let refused = GossipMessage(from: peer.vkey, heads: bad, evidence: []).bytes
            let url = node.url + "/witness/v1/gossip"
            for (body, expected) in [(good, 200), (refused, 400)] {
                let answer = try await postWithHeaders(body, to: url, headers: [(GossipSignature.headerName, peer.signGossip(body, for: node))])
                #expect(answer.status == expected)
                let header = try #require(answer.gossipSignatures.first)
                let now = Int64(Date().timeIntervalSince1970)
                #expect(GossipSignature.authenticate(headerValues: answer.gossipSignatures, body: answer.body, to: peer.name, claimedFrom: nil,
                                                     trusted: [node.vkey], now: now) == node.vkey)
                let independent = try await IndependentVerifier.verifyGossipSignature(header: header, body: answer.body, to: peer.name,
                                                                                 vkey: node.vkey, now: now)
                #expect(independent.authentic, "\(independent)")
            }
            // A stranger is answered, signed for the name it gave.
            let strangers = try await Attacker.gossip(GossipMessage(from: Attacker.stranger, heads: [], evidence: []), to: node)
            #expect(strangers.status == 200)
        }
    }

    /// Evidence "signed" in `name`'s name with someone else's `key`.
    static func signInNameOf(_ evidence: Evidence, key: Ed25519SecretKey, name: VerifierKey) -> Evidence {
        var forged = evidence
        let time = UInt64(Date().timeIntervalSince1970)
        forged.reporterSignature = TimestampedSignature(keyID: name.keyID, time: time,
                                                        signature: key.signature(for: evidence.reporterMessage(time: time))).base64
        return forged
    }
}

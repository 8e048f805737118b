import Testing
import WitnessClient
import WitnessCore
import WitnessTesting

/// Evidence the witnesses list, fetched by the client and acted on only when it proves itself
/// under the pinned key, against witnesses on 127.0.0.1.
@Suite("Witness freshness client: served evidence")
struct FreshnessClientEvidenceTests {
    /// A real fork of a fake Chronicle for `Net.origin`, reported by `reporter`.
    static func fork(reporter: VerifierKey) async -> (Evidence, Ed25519PublicKey) {
        let fake = FakeChronicle(serverSeed: 0x20)
        _ = fake.append(2)
        fake.branch("other", keeping: 1)
        _ = fake.append(1, to: "other")
        let first = await fake.signed(path: "/export")
        fake.serve("other")
        fake.advance(seconds: 1)
        let second = await fake.signed(path: "/export")
        let evidence = Evidence.fork(origin: Net.origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reporter,
                                     detectedAt: Net.now, first: first, second: second)
        return (evidence, fake.serverKey.publicKey)
    }

    @Test func aProvenForkListedByOneWitnessRefusesTheHeadUnderThePinnedKey() async throws {
        let ws = Net.witnesses(3)
        let (evidence, key) = await Self.fork(reporter: ws[1].vkey)
        for w in ws { Net.hold(w, size: 57) }
        ws[1].hold(CosignedCheckpoint(checkpoint: Net.checkpoint(57), cosignatures: [ws[1].cosign(Net.checkpoint(57), time: Net.now)]),
                   evidence: [evidence.id])
        ws[1].serve(evidence)
        try await withCannedWitnesses(ws) { urls in
            let client = WitnessFreshnessClient(timeout: .seconds(10))
            let pinned = await client.check(policy: Net.policy(ws, urls), origin: Net.origin, maxAge: Net.maxAge, upstreamKey: key,
                                            now: { Net.now })
            guard case .misbehaviourProven(let proven, _) = pinned.verdict else {
                Issue.record("a proven fork under the pinned key did not refuse the head: \(pinned.verdict)")
                return
            }
            #expect(proven.map(\.id) == [evidence.id])
            let unpinned = await client.check(policy: Net.policy(ws, urls), origin: Net.origin, maxAge: Net.maxAge, now: { Net.now })
            #expect(unpinned.verdict.exitCode == 0)
        }
    }

    /// The attack: a policy witness lists junk ids first, to use up the client's fetches so that
    /// an honest witness's proven fork is never read. Each witness's ids are capped on their own.
    @Test func aWitnessListingJunkCannotCrowdOutAnothersEvidence() async throws {
        let ws = Net.witnesses(3)
        let (evidence, key) = await Self.fork(reporter: ws[2].vkey)
        for w in ws { Net.hold(w, size: 57) }
        let junk = (0..<64).map { SHA256.hash(Array("junk \($0)".utf8)).hexString }
        ws[0].hold(CosignedCheckpoint(checkpoint: Net.checkpoint(57), cosignatures: [ws[0].cosign(Net.checkpoint(57), time: Net.now)]),
                   evidence: junk + ["not hex"])
        ws[2].hold(CosignedCheckpoint(checkpoint: Net.checkpoint(57), cosignatures: [ws[2].cosign(Net.checkpoint(57), time: Net.now)]),
                   evidence: [evidence.id])
        ws[2].serve(evidence)
        try await withCannedWitnesses(ws) { urls in
            let check = await WitnessFreshnessClient(timeout: .seconds(10)).check(
                policy: Net.policy(ws, urls), origin: Net.origin, maxAge: Net.maxAge, upstreamKey: key, now: { Net.now })
            #expect(check.verdict.exitCode == 4, "\(check.verdict)")
            let asked = ws[0].requests.filter { $0.hasPrefix("/witness/v1/evidence/") }
            #expect(asked.count == 8, "the junk-listing witness is asked for at most 8 ids: \(asked.count)")
        }
    }
}

import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessTesting

/// Evidence served by witnesses: verified by the client itself, acted on only under the log's
/// pinned key (anyone can mint a key and "prove" that it forked).
@Suite("Freshness: evidence against the log")
struct FreshnessEvidenceTests {
    /// A real fork of a fake Chronicle (seed `seed`), as two signed `/export` bodies.
    func fork(origin: String = World.origin, seed: UInt8 = 0x20) async -> (Evidence, Ed25519PublicKey) {
        let fake = FakeChronicle(serverSeed: seed)
        fake.append(2)
        fake.branch("other", keeping: 1)
        fake.append(1, to: "other")
        let first = await fake.respond(path: "/export")
        fake.serve("other")
        fake.advance(seconds: 1)
        let second = await fake.respond(path: "/export")
        let reporter = World.vkey(1)
        let evidence = Evidence.fork(origin: origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reporter, detectedAt: World.now,
                                     first: UpstreamSigned(body: first.body, signature: first.signatures[0]),
                                     second: UpstreamSigned(body: second.body, signature: second.signatures[0]))
        return (evidence, fake.serverKey.publicKey)
    }

    func decide(evidence: [Evidence], key: Ed25519PublicKey?) -> FreshnessVerdict {
        let c = World.checkpoint(5)
        var input = FreshnessInput(policy: World.policy(), origin: World.origin,
                                   notes: [World.note(c, [(1, 10), (2, 10), (3, 10)])], maxAge: World.maxAge, now: World.now)
        input.evidence = evidence
        input.upstreamKey = key
        return Freshness.decide(input)
    }

    @Test func provenForkUnderThePinnedKeyRefusesEveryHead() async {
        let (evidence, key) = await fork()
        guard case .misbehaviourProven(let proven, _) = decide(evidence: [evidence], key: key) else {
            Issue.record("a proven fork under the pinned key did not refuse the head")
            return
        }
        #expect(proven.map(\.id) == [evidence.id] && proven.first?.kind == .fork)
        #expect(decide(evidence: [evidence], key: key).exitCode == 4)
    }

    @Test func withoutAPinnedKeyEvidenceIsOnlyReported() async {
        let (evidence, _) = await fork()
        let verdict = decide(evidence: [evidence], key: nil)
        guard case .accepted(let report) = verdict else { Issue.record("expected acceptance, got \(verdict)"); return }
        #expect(report.remarks.contains { $0.contains("--upstream-key") })
    }

    @Test func evidenceUnderAnotherKeyOrForAnotherOriginOrUnprovenIsIgnored() async {
        let (minted, _) = await fork(seed: 0x77)
        let (_, pinned) = await fork()
        #expect(decide(evidence: [minted], key: pinned).exitCode == 0)
        let (elsewhere, key) = await fork(origin: "elsewhere.example/chronicle")
        #expect(decide(evidence: [elsewhere], key: key).exitCode == 0)
        var broken = (await fork()).0
        broken.items.removeLast()
        #expect(decide(evidence: [broken], key: pinned).exitCode == 0)
    }
}

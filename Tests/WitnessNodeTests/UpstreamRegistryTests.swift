import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Adding, blocking and re-adding upstreams never lets the witness follow a second history
/// under one origin (witness-protocol §1, §3).
@Suite("Upstream registry")
struct UpstreamRegistryTests {
    static let origin = "registry.example/chronicle"
    static let base = "https://registry.example/chronicle"

    func cosignedWitness(_ entries: Int) async throws -> (FakeChronicle, WitnessHarness) {
        let fake = FakeChronicle()
        fake.append(entries)
        let witness = try WitnessHarness(transport: FakeTransport([Self.base: fake]))
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == entries)
        return (fake, witness)
    }

    @Test func reAddingABlockedOriginKeepsItsHead() async throws {
        let (fake, witness) = try await cosignedWitness(5)
        #expect(try await witness.database.blockUpstream(origin: Self.origin))
        let blocked = try witness.upstream(Self.origin)
        #expect(blocked.blocked)
        #expect(UpstreamStatus(blocked, evidence: [], now: witness.clock.now(), staleAfter: 1800).state == .blocked)

        let outcome = try await witness.database.addUpstream(origin: Self.origin, url: Self.base + "/", publicKey: fake.serverKey.publicKey,
                                                             replicate: false, at: witness.clock.now())
        guard case .updated(let record) = outcome else {
            Issue.record("expected .updated, got \(outcome)")
            return
        }
        #expect(record.id == blocked.id)
        #expect(!record.blocked)
        #expect(record.size == 5)
        #expect(record.tip == blocked.tip)
        #expect(record.cosigned == blocked.cosigned)
        // It continues from the kept head, not from genesis.
        fake.append(2)
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 7, root: fake.treeRoot(7))))
        #expect(try witness.headSizes(Self.origin) == [5, 7])
    }

    @Test func refusesAnotherKeyForAnOriginWithAVerifiedHead() async throws {
        let (fake, witness) = try await cosignedWitness(3)
        let other = FakeChronicle(serverSeed: 0x90).serverKey.publicKey
        await #expect(throws: StoreError.upstreamKeyChange(origin: Self.origin, stored: fake.serverKey.publicKey.base64url)) {
            _ = try await witness.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: other,
                                                       replicate: false, at: witness.clock.now())
        }
        // Blocked first: still refused.
        _ = try await witness.database.blockUpstream(origin: Self.origin)
        await #expect(throws: StoreError.self) {
            _ = try await witness.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: other,
                                                       replicate: false, at: witness.clock.now())
        }
        let record = try witness.upstream(Self.origin)
        #expect(record.publicKey == fake.serverKey.publicKey)
        #expect(record.blocked)
        #expect(record.cosigned?.checkpoint.size == 3)
    }

    @Test func allowsAKeyCorrectionBeforeAnythingIsVerified() async throws {
        let fake = FakeChronicle()
        fake.append(2)
        let witness = try WitnessHarness(transport: FakeTransport([Self.base: fake]))
        let typo = FakeChronicle(serverSeed: 0x90).serverKey.publicKey
        try await witness.add(Self.origin, url: Self.base, key: typo)
        #expect(try await witness.poll(Self.origin).error == .outbound(.badResponseSignature(url: Self.base + "/lasthash")))
        let outcome = try await witness.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                             replicate: false, at: witness.clock.now())
        guard case .updated(let record) = outcome else {
            Issue.record("expected .updated, got \(outcome)")
            return
        }
        #expect(record.publicKey == fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 2)
    }

    @Test func blockingAnUnknownOriginReportsFalse() async throws {
        let witness = try WitnessHarness(transport: FakeTransport())
        #expect(try await witness.database.blockUpstream(origin: "nobody.example") == false)
    }

    @Test func statusFollowsTheUpstreamsLife() async throws {
        let (fake, witness) = try await cosignedWitness(2)
        var record = try witness.upstream(Self.origin)
        #expect(UpstreamStatus(record, evidence: [], now: witness.clock.now(), staleAfter: 1800).state == .ok)
        #expect(UpstreamStatus(record, evidence: [], now: witness.clock.now().adding(seconds: 1801), staleAfter: 1800).state == .stale)
        fake.misbehave { $0.wrongKey = true }
        _ = try await witness.poll(Self.origin)
        record = try witness.upstream(Self.origin)
        #expect(record.failures == 1)
        #expect(record.lastError?.contains("Body-Signature-Ed25519") == true)
        #expect(record.lastSuccess != nil)
    }
}

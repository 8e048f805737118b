import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Forks, rollbacks and freezes: the witness proves them with upstream-signed bodies, records the
/// evidence in its ledger, and never cosigns past the fork (witness-protocol §3, §4, §6).
@Suite("Misbehaviour evidence")
struct MisbehaviourEvidenceTests {
    static let origin = "liar.example/chronicle"
    static let base = "https://liar.example/chronicle"

    /// A witness that has cosigned entries 1…`seen` of history "main".
    func witnessAfterSeeing(_ seen: Int, pageSize: Int? = nil) async throws -> (FakeChronicle, WitnessHarness) {
        let fake = FakeChronicle()
        fake.append(seen)
        fake.pageSize = pageSize
        let witness = try WitnessHarness(transport: FakeTransport([Self.base: fake]))
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == seen)
        return (fake, witness)
    }

    /// The one stored evidence, checked offline and against the ledger entry that carries it.
    func expectProvenEvidence(_ witness: WitnessHarness, kind: EvidenceKind, id: String? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws -> EvidenceRecord {
        let list = try witness.database.evidenceList(origin: Self.origin)
        let stored = try #require(list.first, sourceLocation: sourceLocation)
        #expect(list.count == 1, sourceLocation: sourceLocation)
        if let id { #expect(stored.id == id, sourceLocation: sourceLocation) }
        #expect(stored.kind == kind.rawValue, sourceLocation: sourceLocation)
        let evidence = try Evidence(bytes: stored.body)
        #expect(evidence.id == stored.id, sourceLocation: sourceLocation)
        #expect(evidence.reportedBy == witness.vkey.description, sourceLocation: sourceLocation)
        #expect(evidence.upstreamKey == (try witness.upstream(Self.origin)).publicKey.base64url, sourceLocation: sourceLocation)
        guard case .proven(let provenKind, _) = EvidenceVerifier.verify(evidence) else {
            Issue.record("stored evidence does not verify: \(EvidenceVerifier.verify(evidence))", sourceLocation: sourceLocation)
            return stored
        }
        #expect(provenKind == kind, sourceLocation: sourceLocation)
        // An independent verifier (Python, from the specs alone) reaches the same verdict.
        let independent = try await IndependentVerifier.verify(bytes: stored.body)
        #expect(independent.proven && independent.output.hasPrefix("proven: \(kind.rawValue)"), "\(independent)",
                sourceLocation: sourceLocation)
        // SPEC: witness-protocol §4 — the evidence object is appended to the ledger whole.
        let position = try #require(stored.ledgerPosition, sourceLocation: sourceLocation)
        let entry = try #require(try witness.database.entry(at: position), sourceLocation: sourceLocation)
        #expect(Array(entry.contents.utf8) == stored.body, sourceLocation: sourceLocation)
        #expect(entry.publickey == witness.key.publicKey.base64url, sourceLocation: sourceLocation)
        return stored
    }

    func expectCosignedHeadStays(_ witness: WitnessHarness, _ fake: FakeChronicle, at size: Int,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned?.checkpoint == Checkpoint(origin: Self.origin, size: size, root: fake.treeRoot(size)),
                sourceLocation: sourceLocation)
        #expect(try witness.headSizes(Self.origin) == [size], sourceLocation: sourceLocation)
        #expect(record.size == size, sourceLocation: sourceLocation)
    }

    @Test(arguments: [nil, 2] as [Int?])
    func provesAForkAndNeverCosignsPastIt(pageSize: Int?) async throws {
        let (fake, witness) = try await witnessAfterSeeing(5, pageSize: pageSize)
        // One key, two histories: B shares entries 1…3 with A, differs at 4 and is longer.
        fake.advance(seconds: 60)
        fake.branch("B", keeping: 3)
        fake.append(4, to: "B")
        fake.serve("B")
        witness.clock.advance(seconds: 60)

        let outcome = try await witness.poll(Self.origin)
        guard case .failed(.misbehaviour(let origin, let kind, let id)) = outcome else {
            Issue.record("expected a proven fork, got \(outcome)")
            return
        }
        #expect(origin == Self.origin)
        #expect(kind == "fork")
        let stored = try await expectProvenEvidence(witness, kind: .fork, id: id)
        let record = try witness.upstream(Self.origin)
        #expect(record.splitView == stored.id)
        #expect(UpstreamStatus(record, evidence: [stored.id], now: witness.clock.now(), staleAfter: 1800).state == .splitView)
        try expectCosignedHeadStays(witness, fake, at: 5)

        // Polling again (directly: the poller skips split views) still cosigns nothing of B.
        for _ in 0..<2 {
            witness.clock.advance(seconds: 60)
            fake.advance(seconds: 60)
            #expect(!(try await witness.poll(Self.origin)).succeeded)
            try expectCosignedHeadStays(witness, fake, at: 5)
            #expect(try witness.upstream(Self.origin).splitView == stored.id)
        }
    }

    @Test func provesAForkNamedByLasthash() async throws {
        let (fake, witness) = try await witnessAfterSeeing(5)
        // /lasthash names B4, whose prevhash is A3: two signed entries after A3.
        fake.advance(seconds: 60)
        fake.branch("B", keeping: 3)
        fake.append(1, to: "B")
        fake.misbehave { $0.historyByPath = ["/lasthash": "B"] }
        let outcome = try await witness.poll(Self.origin)
        guard case .failed(.misbehaviour(_, "fork", let id)) = outcome else {
            Issue.record("expected a proven fork, got \(outcome)")
            return
        }
        _ = try await expectProvenEvidence(witness, kind: .fork, id: id)
        try expectCosignedHeadStays(witness, fake, at: 5)
    }

    @Test(arguments: [(nil, 3), (2, 3), (2, 4), (3, 3)] as [(Int?, Int)])
    func provesARollback(pageSize: Int?, keeping: Int) async throws {
        let (fake, witness) = try await witnessAfterSeeing(5, pageSize: pageSize)
        fake.advance(seconds: 60)
        fake.branch("cut", keeping: keeping)
        fake.serve("cut")
        let outcome = try await witness.poll(Self.origin)
        guard case .failed(.misbehaviour(_, "rollback", let id)) = outcome else {
            Issue.record("expected a proven rollback (page size \(pageSize.map(String.init) ?? "none"), \(keeping) kept), got \(outcome)")
            #expect(!outcome.succeeded)
            try expectCosignedHeadStays(witness, fake, at: 5)
            return
        }
        let stored = try await expectProvenEvidence(witness, kind: .rollback, id: id)
        #expect(try witness.upstream(Self.origin).splitView == stored.id)
        try expectCosignedHeadStays(witness, fake, at: 5)
    }

    @Test func provesARollbackToTheEmptyChain() async throws {
        let (fake, witness) = try await witnessAfterSeeing(3)
        fake.advance(seconds: 60)
        fake.branch("wiped", keeping: 0)
        fake.serve("wiped")
        let outcome = try await witness.poll(Self.origin)
        guard case .failed(.misbehaviour(_, "rollback", let id)) = outcome else {
            Issue.record("expected a proven rollback, got \(outcome)")
            return
        }
        _ = try await expectProvenEvidence(witness, kind: .rollback, id: id)
        #expect(!outcome.succeeded)
        try expectCosignedHeadStays(witness, fake, at: 3)
    }

    @Test func sameSecondRollbackIsRetriedUntilItCanBeProven() async throws {
        let (fake, witness) = try await witnessAfterSeeing(5)
        // Same datetime on both bodies: nothing orders them, so nothing is proven yet.
        fake.branch("cut", keeping: 3)
        fake.serve("cut")
        let first = try await witness.poll(Self.origin)
        #expect(!first.succeeded)
        if case .failed(.misbehaviour) = first { Issue.record("unprovable evidence must not be reported: \(first)") }
        #expect(try witness.database.evidenceList().isEmpty)
        #expect(try witness.upstream(Self.origin).splitView == nil)
        try expectCosignedHeadStays(witness, fake, at: 5)

        fake.advance(seconds: 1)
        witness.clock.advance(seconds: 60)
        guard case .failed(.misbehaviour(_, "rollback", _)) = try await witness.poll(Self.origin) else {
            Issue.record("a later signed body proves the rollback")
            return
        }
        _ = try await expectProvenEvidence(witness, kind: .rollback)
    }

    @Test func provesAFreezeAndKeepsTheCosignedHead() async throws {
        let (fake, witness) = try await witnessAfterSeeing(5)
        // Later, /lasthash names entry 3 as the last entry, though 4 and 5 were served.
        fake.advance(seconds: 60)
        fake.misbehave { $0.lasthashPosition = 3 }
        witness.clock.advance(seconds: 60)
        let note = try #require(try witness.upstream(Self.origin).cosigned?.note)
        let outcome = try await witness.poll(Self.origin)
        #expect(outcome.checkpoint == nil || outcome.checkpoint?.size == 5, "the cosigned head is never rolled back: \(outcome)")
        let stored = try await expectProvenEvidence(witness, kind: .freeze)
        // SPEC: witness-protocol §6 — the cosignatures of the witnesses that saw E are included for context.
        #expect(try Evidence(bytes: stored.body).items.contains { $0.cosigned == note })
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned?.checkpoint == Checkpoint(origin: Self.origin, size: 5, root: fake.treeRoot(5)))
        #expect(try witness.headSizes(Self.origin) == [5])
    }

    @Test func aPersistentFreezeIsRecordedOnceAndClosesWhenTheHeadIsServedAgain() async throws {
        let (fake, witness) = try await witnessAfterSeeing(5)
        fake.misbehave { $0.lasthashPosition = 3 }
        for _ in 0..<3 {
            fake.advance(seconds: 60)
            witness.clock.advance(seconds: 60)
            let outcome = try await witness.poll(Self.origin)
            #expect(outcome == .unchanged(Checkpoint(origin: Self.origin, size: 5, root: fake.treeRoot(5))))
        }
        // One withholding episode, one evidence object and one ledger entry, not one per poll.
        let stored = try await expectProvenEvidence(witness, kind: .freeze)
        #expect(try witness.upstream(Self.origin).frozen == stored.id)
        let frozen = try UpstreamStatus.all(in: witness.database, now: witness.clock.now(), pollInterval: 900)
        #expect(frozen.first?.state == .frozen)
        // The upstream serves the head again: the freeze closes, the evidence stays.
        fake.misbehave { $0.lasthashPosition = nil }
        fake.advance(seconds: 60)
        witness.clock.advance(seconds: 60)
        _ = try await witness.poll(Self.origin)
        #expect(try witness.upstream(Self.origin).frozen == nil)
        #expect(try witness.database.evidenceList().count == 1)
        let open = try UpstreamStatus.all(in: witness.database, now: witness.clock.now(), pollInterval: 900)
        #expect(open.first?.state == .ok)
    }

    @Test func laggingLasthashWithoutALaterDatetimeIsNotEvidence() async throws {
        let (fake, witness) = try await witnessAfterSeeing(5)
        // A cached /lasthash: same signed datetime as the body that served 4 and 5.
        fake.misbehave { $0.lasthashPosition = 3 }
        witness.clock.advance(seconds: 60)
        let outcome = try await witness.poll(Self.origin)
        #expect(outcome.checkpoint == nil || outcome.checkpoint?.size == 5)
        #expect(try witness.database.evidenceList().isEmpty)
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned?.checkpoint.size == 5)
        #expect(record.splitView == nil)
        #expect(try witness.headSizes(Self.origin) == [5])
    }
}

import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// Generated-corpus fuzzing of what peers send: gossip messages, evidence objects and the offline
/// evidence verifier, seeded with real signed bodies from a `FakeChronicle` and notes cosigned
/// with real keys. Beyond round trips, the verifier must never call proven what the upstream did
/// not sign, nor count a cosignature its witness did not make.
@Suite("Generated-corpus fuzzing: gossip messages, evidence, the evidence verifier")
struct GossipEvidenceFuzzTests {
    typealias Outcome = FuzzCampaign.Outcome

    /// Everything the staged upstream and witnesses really signed.
    struct Signed {
        let stage = FuzzSeeds.Stage()
        let evidence: [Evidence]
        let bodies: Set<[UInt8]>
        let pairs: [VerifierKey: Set<[UInt8]>]

        init() async {
            evidence = await FuzzSeeds.evidence(stage)
            bodies = Set(evidence.flatMap { $0.items.compactMap { $0.upstreamSigned?.body } })
            let notes = evidence.flatMap { $0.items.compactMap { $0.cosigned } }.compactMap { try? CosignedCheckpoint(parsing: $0) }
            pairs = ParserFuzzTests.signedPairs(notes)
        }
    }

    // MARK: - Evidence

    /// Decodes one upstream-signed body, changes one byte and re-encodes it: still readable, no
    /// longer what the upstream signed.
    static func tamperBody(_ random: inout SeededRandom, _ input: [UInt8]) -> [UInt8] {
        guard var evidence = try? Evidence(bytes: input) else { return input }
        let signedItems = evidence.items.indices.filter { evidence.items[$0].upstreamSigned != nil }
        guard !signedItems.isEmpty else { return input }
        let item = random.pick(signedItems)
        var body = evidence.items[item].upstreamSigned!.body
        body[random.below(body.count)] ^= UInt8(1 + random.below(255))
        evidence.items[item].upstreamSigned!.body = body
        return evidence.canonicalBytes
    }

    /// Reorders, drops or borrows items, or claims another kind.
    static func reshape(_ others: [Evidence]) -> (inout SeededRandom, [UInt8]) -> [UInt8] {
        { random, input in
            guard var evidence = try? Evidence(bytes: input) else { return input }
            switch random.below(4) {
            case 0: evidence.items.shuffle(using: &random)
            case 1 where !evidence.items.isEmpty: evidence.items.remove(at: random.below(evidence.items.count))
            case 2: evidence.items += random.pick(others).items
            default: evidence.kind = random.pick(EvidenceKind.allCases)
            }
            if random.oneIn(3) { evidence.witness = random.pick(FuzzSeeds.witnesses).description }
            return evidence.canonicalBytes
        }
    }

    /// The evidence property; `signed` says what is genuine.
    static func evidenceProperty(_ signed: Signed, _ input: [UInt8]) -> Outcome {
        let evidence: Evidence
        do { evidence = try Evidence(bytes: input) } catch { return .rejected }
        guard let again = try? Evidence(bytes: evidence.canonicalBytes), again.canonicalBytes == evidence.canonicalBytes,
              again.id == evidence.id else { return .violated("the canonical bytes do not re-read to the same evidence") }
        let verdict = EvidenceVerifier.verify(evidence)
        guard EvidenceVerifier.verify(again) == verdict else { return .violated("the verdict changed on re-reading") }
        guard case .proven(let kind, _) = verdict else { return .accepted }
        guard kind == evidence.kind else { return .violated("proved \(kind) for a \(evidence.kind) claim") }
        guard let key = Ed25519PublicKey(base64url: evidence.upstreamKey) else { return .violated("proven under an invalid key") }
        for (index, item) in evidence.items.enumerated() {
            guard let body = item.upstreamSigned else { continue }
            guard body.verifies(under: key) else { return .violated("proven with item \(index + 1) not signed by upstream_key") }
            if key == signed.stage.fake.serverKey.publicKey, !signed.bodies.contains(body.body) {
                return .violated("proven with a body the upstream never signed")
            }
        }
        if kind == .witnessEquivocation, let vkey = evidence.witness.flatMap(VerifierKey.init) {
            for note in evidence.items.compactMap(\.cosigned) {
                guard let parsed = try? CosignedCheckpoint(parsing: note), let cosignature = try? parsed.cosignature(by: vkey) else { continue }
                guard signed.pairs[vkey]?.contains(Array((parsed.checkpoint.text + cosignature.line.text).utf8)) == true else {
                    return .violated("equivocation proven with a cosignature \(vkey.name) never made")
                }
            }
        }
        return .accepted
    }

    @Test("the seed evidence of every kind proves its kind")
    func seedsProve() async {
        let signed = await Signed()
        for evidence in signed.evidence {
            guard case .proven(evidence.kind, _) = EvidenceVerifier.verify(evidence) else {
                Issue.record("\(evidence.kind) seed: \(EvidenceVerifier.verify(evidence))")
                continue
            }
        }
    }

    @Test("mutated evidence re-reads exactly and is never proven with a body or cosignature nobody signed")
    func evidence() async throws {
        let signed = await Signed()
        var proven = 0
        let tally = FuzzCampaign(name: "Evidence", seed: 0x150_0010, iterations: 500, seeds: signed.evidence.map(\.canonicalBytes),
                                 structured: [Self.tamperBody, Self.tamperBody, Self.reshape(signed.evidence)]).run { input in
            let outcome = Self.evidenceProperty(signed, input)
            if outcome == .accepted, let e = try? Evidence(bytes: input), case .proven = EvidenceVerifier.verify(e) { proven += 1 }
            return outcome
        }
        #expect(tally.violations.isEmpty)
        #expect(proven > signed.evidence.count, "no mutant stayed provable: the proven branch was never exercised")
    }

    @Test("evidence built from recorded PHP bodies re-reads exactly, whatever is mutated")
    func recordedEvidence() throws {
        let key = try Fixtures.serverPublicKey("a")
        let at = Timestamp(seconds: 1_795_000_000)
        let bodies = try ["a/lasthash", "a/lookup-currhash-25", "a/since-currhash-40-page-1", "a/err-lookup-unknown-hash"]
            .map(FuzzSeeds.recordedSigned)
        let seeds = [Evidence.fork(origin: "127.0.0.1:18081/chronicle", upstreamKey: key, reportedBy: FuzzSeeds.reporter, detectedAt: at,
                                   first: bodies[0], second: bodies[2]),
                     Evidence.rollback(origin: "127.0.0.1:18081/chronicle", upstreamKey: key, reportedBy: FuzzSeeds.reporter, detectedAt: at,
                                       containing: bodies[1], later: bodies[3])].map(\.canonicalBytes)
        let tally = FuzzCampaign(name: "RecordedEvidence", seed: 0x150_0011, iterations: 150, seeds: seeds,
                                 structured: [Self.tamperBody]).run { input in
            guard let evidence = try? Evidence(bytes: input) else { return .rejected }
            let verdict = EvidenceVerifier.verify(evidence)
            let unsigned = evidence.items.contains { item in
                item.upstreamSigned.map { !$0.verifies(under: key) } ?? false
            }
            if unsigned, case .proven = verdict { return .violated("proven with a body the PHP server did not sign") }
            return .check((try? Evidence(bytes: evidence.canonicalBytes))?.canonicalBytes == evidence.canonicalBytes, "no round trip")
        }
        #expect(tally.violations.isEmpty)
    }

    // MARK: - Gossip

    /// A message whose head names its origin in one Unicode spelling and whose (validly
    /// cosigned) checkpoint uses a canonically equivalent one: equal to Swift, different bytes.
    static func twinOrigins(_ stage: FuzzSeeds.Stage) -> [UInt8] {
        let checkpoint = Checkpoint(origin: "caf\u{E9}.example/chronicle", size: 6, root: stage.fake.currhash(6))
        let head = GossipHead(origin: "cafe\u{301}.example/chronicle", upstreamKey: stage.fake.serverKey.publicKey,
                              cosigned: FuzzSeeds.note(checkpoint), upstreamSigned: nil)
        return GossipMessage(from: FuzzSeeds.witnesses[0], heads: [head], evidence: []).bytes
    }

    /// The gossip property: the typed error (413 only for size) or a message within every §5 limit
    /// that re-serialises to a fixpoint.
    static func gossipProperty(_ input: [UInt8]) -> Outcome {
        let message: GossipMessage
        do {
            message = try GossipMessage(bytes: input)
        } catch {
            if case .tooLarge = error {
                return input.count > GossipMessage.maxBodyBytes ? .rejected : .violated("too large at \(input.count) bytes")
            }
            // Any other refusal is bad input (the server answers it 400: StatusMap).
            return .rejected
        }
        guard input.count <= GossipMessage.maxBodyBytes, message.heads.count <= GossipMessage.maxHeads,
              message.heads.allSatisfy({ $0.cosigned.note.lines.count <= GossipMessage.maxSignatureLines }) else {
            return .violated("accepted a message over a §5 limit")
        }
        guard message.heads.allSatisfy({ Exactly.equal($0.origin, $0.cosigned.checkpoint.origin) }) else {
            return .violated("accepted a head whose origin differs in bytes from its checkpoint's")
        }
        guard let again = try? GossipMessage(bytes: message.bytes) else { return .violated("its own bytes do not re-parse") }
        return .check(again.bytes == message.bytes, "re-serialising is not a fixpoint")
    }

    /// Pads one head's note to 17 signature lines.
    static func seventeenLineHead(_ random: inout SeededRandom, _ input: [UInt8]) -> [UInt8] {
        guard var message = try? GossipMessage(bytes: input), !message.heads.isEmpty else { return input }
        let index = random.below(message.heads.count)
        var note = message.heads[index].cosigned
        while note.note.lines.count < 17 { note.note.lines.append(random.pick(note.note.lines)) }
        message.heads[index].cosigned = note
        return message.bytes
    }

    @Test("GossipMessage(bytes:) throws GossipError or returns a message within the §5 limits that re-serialises exactly")
    func gossipMessages() async throws {
        let signed = await Signed()
        let messages = await FuzzSeeds.gossip(signed.stage, evidence: signed.evidence)
        let twin = Self.twinOrigins(signed.stage)
        let tally = FuzzCampaign(name: "GossipMessage", seed: 0x150_0020, iterations: 800, seeds: messages.map(\.bytes),
                                 structured: [Self.seventeenLineHead, ParserFuzzTests.duplicateKey, { _, _ in twin }]).run(Self.gossipProperty)
        #expect(tally.violations.isEmpty)
    }

    @Test("a head whose origin and checkpoint origin are only canonically equivalent is refused (found by the campaign)")
    func twinOriginsAreRefused() throws {
        #expect(throws: GossipError.self) { try GossipMessage(bytes: Self.twinOrigins(FuzzSeeds.Stage())) }
    }

    @Test("1,001 heads, 17 signature lines and 1 MiB + 1 byte are each refused whole; the limits themselves pass")
    func gossipLimits() async throws {
        let stage = FuzzSeeds.Stage()
        let head = GossipHead(origin: FuzzSeeds.origin, upstreamKey: stage.fake.serverKey.publicKey,
                              cosigned: FuzzSeeds.note(stage.checkpoint(1), signers: [0]), upstreamSigned: nil)
        let from = FuzzSeeds.witnesses[1]
        #expect(Self.gossipProperty(GossipMessage(from: from, heads: Array(repeating: head, count: 1_000), evidence: []).bytes) == .accepted)
        #expect(throws: GossipError.tooManyHeads(count: 1_001, limit: 1_000)) {
            try GossipMessage(bytes: GossipMessage(from: from, heads: Array(repeating: head, count: 1_001), evidence: []).bytes)
        }
        var crowded = head
        crowded.cosigned.note.lines = Array(repeating: head.cosigned.note.lines[0], count: 16)
        #expect(Self.gossipProperty(GossipMessage(from: from, heads: [crowded], evidence: []).bytes) == .accepted)
        crowded.cosigned.note.lines.append(head.cosigned.note.lines[0])
        #expect(throws: GossipError.self) { try GossipMessage(bytes: GossipMessage(from: from, heads: [crowded], evidence: []).bytes) }
        let padded = GossipMessage(from: from, heads: [head], evidence: []).bytes
        let big = padded + [UInt8](repeating: 0x20, count: GossipMessage.maxBodyBytes - padded.count)
        #expect(Self.gossipProperty(big) == .accepted)
        #expect(throws: GossipError.tooLarge(bytes: big.count + 1, limit: GossipMessage.maxBodyBytes)) {
            try GossipMessage(bytes: big + [0x20])
        }
    }

    // MARK: - Position attestations

    @Test("PositionAttestation(json:) throws NoteError or reads an attestation that re-reads exactly")
    func positionAttestations() async {
        let stage = FuzzSeeds.Stage()
        let seeds = await FuzzSeeds.attestations(stage).map { PHPJSON.pretty($0.json) }
        let tally = FuzzCampaign(name: "PositionAttestation", seed: 0x150_0030, iterations: 2000, seeds: seeds,
                                 structured: [ParserFuzzTests.duplicateKey]).run { input in
            guard let json = try? JSONParser.parse(input) else { return .rejected }
            let attestation: PositionAttestation
            do { attestation = try PositionAttestation(json: json) } catch { return .rejected }
            guard attestation.size >= 0, attestation.verifiedSize >= attestation.size, attestation.root.count == 32 else {
                return .violated("accepted inconsistent sizes or root")
            }
            guard let again = try? PositionAttestation(json: JSONParser.parse(PHPJSON.pretty(attestation.json))) else {
                return .violated("its JSON does not re-read")
            }
            return .check(Exactly.equal(again.origin, attestation.origin) && again.size == attestation.size && again.root == attestation.root
                          && again.verifiedSize == attestation.verifiedSize && again.upstreamSigned?.body == attestation.upstreamSigned?.body
                          && Exactly.equal(again.upstreamSigned?.signature, attestation.upstreamSigned?.signature), "re-reads differently")
        }
        #expect(tally.violations.isEmpty)
    }
}

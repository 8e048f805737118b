import Testing
import WitnessCore
import WitnessTesting

/// Evidence assembled only from an honest upstream's genuine signed answers must prove nothing.
///
/// Two of the witness-protocol §6 rules rest on facts a signed body does not carry
/// (chronicle-protocol §9.3: "Responses do not echo the request"): a `/lookup/<hash>` answer is
/// byte-for-byte a `/lasthash` answer, and the signed "No record found" error names no hash.
/// So anyone can ask an honest Chronicle for an old entry, or for a made-up hash, and get a
/// "freeze" or "rollback" that the spec's rules call proven (`EvidenceVerifier.Standard.reporter`).
/// Found while writing the evidence fuzz properties. What nodes act on and what clients refuse
/// on is the self-contained standard, under which such material proves nothing; these tests pin
/// both facts down.
@Suite("Evidence soundness: an honest upstream's genuine answers prove nothing")
struct EvidenceForgeryTests {
    static func proves(_ evidence: Evidence, standard: EvidenceVerifier.Standard = .selfContained) -> Bool {
        if case .proven = EvidenceVerifier.verify(evidence, standard: standard) { return true }
        return false
    }

    @Test("recorded PHP bytes: a later /lookup of an ancestor is not a /lasthash, so it proves no freeze")
    func lookupOfAnAncestorIsNoFreeze() throws {
        // 03:08:27: b's replicator read entries 52-54 from a (/since); 03:08:46: the recorder looked
        // up entry 51 on a. Both genuine, both signed by a, and a never froze anybody.
        let since = try FuzzSeeds.recordedSigned("replication-crosssign/b5-scheduled-incremental/"
            + "01-guzzle-to-a-GET-chronicle-since-5IO5D6gEN-cDF-fpFjmfb4oXClUxoERxvszviqRlujo-")
        let lookup = try FuzzSeeds.recordedSigned("a/final-lookup-crosssign-51")
        let evidence = FuzzSeeds.signedByReporter(Evidence.freeze(origin: "127.0.0.1:18081/chronicle",
                                       upstreamKey: try Fixtures.serverPublicKey("a"),
                                       reportedBy: FuzzSeeds.reporter, detectedAt: Timestamp(seconds: 1_795_000_000),
                                       containing: since, lasthash: lookup))
        // The spec's rule accepts it, on the reporter's word; the self-contained standard does not.
        #expect(Self.proves(evidence, standard: .reporter))
        #expect(!Self.proves(evidence), "\(EvidenceVerifier.verify(evidence, standard: .selfContained))")
    }

    @Test("an honest fake: a later signed 'No record found' for a made-up hash proves no rollback")
    func notFoundForAnotherHashIsNoRollback() async {
        let fake = FakeChronicle()
        fake.append(4)
        let export = await fake.signed(path: "/export")
        fake.advance(seconds: 60)
        let notFound = await fake.signed(path: "/lookup/" + Base64URL.encode([UInt8](repeating: 7, count: 32)))
        let evidence = FuzzSeeds.signedByReporter(Evidence.rollback(origin: FuzzSeeds.origin, upstreamKey: fake.serverKey.publicKey,
                                         reportedBy: FuzzSeeds.reporter, detectedAt: fake.now, containing: export,
                                         later: notFound))
        // The spec's rule accepts it, on the reporter's word; the self-contained standard does not.
        #expect(Self.proves(evidence, standard: .reporter))
        #expect(!Self.proves(evidence), "\(EvidenceVerifier.verify(evidence, standard: .selfContained))")
    }

    @Test("an honest fake: a later /lookup of entry 2 proves no freeze of entries 3 and 4")
    func honestLookupIsNoFreeze() async {
        let fake = FakeChronicle()
        fake.append(4)
        let since = await fake.signed(path: "/since/" + fake.entries()[0].currhash)
        fake.advance(seconds: 60)
        let lookup = await fake.signed(path: "/lookup/" + fake.entries()[1].currhash)
        let evidence = FuzzSeeds.signedByReporter(Evidence.freeze(origin: FuzzSeeds.origin, upstreamKey: fake.serverKey.publicKey,
                                       reportedBy: FuzzSeeds.reporter, detectedAt: fake.now, containing: since,
                                       lasthash: lookup))
        // The spec's rule accepts it, on the reporter's word; the self-contained standard does not.
        #expect(Self.proves(evidence, standard: .reporter))
        #expect(!Self.proves(evidence), "\(EvidenceVerifier.verify(evidence, standard: .selfContained))")
    }
}

import Testing
import WitnessCore
import WitnessTesting

/// Evidence built from bodies that PHP Chronicle really signed (Tests/Fixtures/chronicle-real).
///
/// The recording is of an honest server, so it holds no genuine split view: the only signed
/// "No record found" bodies (`err-lookup-unknown-hash`, `err-since-unknown-hash`) carry the same
/// `datetime` (03:06:17) as the earliest bodies that serve entries, so no strictly later denial
/// exists. These tests show that real signed bodies and their entries pass every check up to the
/// rule that an honest server never breaks.
@Suite("Evidence over recorded PHP Chronicle bodies")
struct EvidenceRecordedTests {
    static let origin = "127.0.0.1:18081/chronicle"

    /// The recorded response of exchange `name` on server a, as upstream-signed material.
    static func signed(_ name: String) throws -> UpstreamSigned {
        let response = try Fixtures.exchange("a", name).response
        return UpstreamSigned(body: response.body, signature: try #require(response.signatureHeaderValues.first))
    }

    static func evidence(_ kind: EvidenceKind, _ names: [String]) throws -> Evidence {
        Evidence(kind: kind, origin: origin, upstreamKey: try Fixtures.serverPublicKey("a").base64url,
                 reportedBy: EvidenceStage.reporter.description, detectedAt: Timestamp(seconds: 1_795_000_000),
                 items: try names.map { EvidenceItem(upstreamSigned: try signed($0)) }, explanation: "recorded")
    }

    @Test("recorded bodies verify under server a's key and parse into envelope and records")
    func recordedBodiesParse() throws {
        let key = try Fixtures.serverPublicKey("a")
        let lookup = try Self.signed("lookup-currhash-25")
        #expect(lookup.verifies(under: key))
        #expect(!lookup.verifies(under: try Fixtures.serverPublicKey("b")))
        let parsed = try lookup.parsed()
        #expect(parsed.datetime == Timestamp.parse("2026-11-25T03:06:17+00:00"))
        #expect(parsed.entries.map(\.currhash) == ["OP1T6gORjeKFbj4KpWxMtPOdHOhVGus_yXUc4Sfx-uo="])
        #expect(parsed.isLasthashShaped)
        let error = try Self.signed("err-lookup-unknown-hash").parsed()
        #expect(error.isNoRecordFound && error.datetime == parsed.datetime)
        let since = try Self.signed("since-currhash-40").parsed()
        #expect(since.entries.count == 10 && since.total == 10 && since.listsToHead)
        let export = try Self.signed("final-export").parsed()
        #expect(export.entries.count == 56 && export.listsToHead)
    }

    @Test("a real entry and the real \"No record found\" of the same second prove no rollback")
    func sameSecondDenialIsNoRollback() throws {
        let verdict = EvidenceVerifier.verify(try Self.evidence(.rollback, ["lookup-currhash-25", "err-lookup-unknown-hash"]))
        // Stage reached: the signatures verified and entry 25 recomputed; only the ordering is missing.
        #expect(EvidenceStage.reason(verdict)?.contains("no other upstream-signed body has a datetime later than item 1") == true,
                "\(verdict)")
    }

    @Test("real bodies served at different times by an honest server prove no fork, rollback or freeze")
    func honestServerProvesNothing() throws {
        let fork = EvidenceVerifier.verify(try Self.evidence(.fork, ["since-currhash-40", "final-since-currhash-50", "final-export"]))
        #expect(EvidenceStage.reason(fork)?.contains("share a prevhash") == true, "\(fork)")
        let rollback = EvidenceVerifier.verify(try Self.evidence(.rollback, ["since-currhash-40", "final-since-currhash-50"]))
        #expect(EvidenceStage.reason(rollback)?.contains("is later than item 1") == true, "\(rollback)")
        let freeze = EvidenceVerifier.verify(try Self.evidence(.freeze, ["lookup-currhash-25", "final-lasthash", "final-export"]))
        #expect(EvidenceStage.reason(freeze)?.contains("do not link") == true, "\(freeze)")
    }

    @Test("a real earlier /lasthash and a later body serving newer entries: the later one names no ancestor")
    func recordedLasthashOrder() throws {
        // lasthash (03:06:17, entry 50) is older than final-since-currhash-50 (03:08:46, entries 51-56):
        // the upstream moved forward, which is no freeze.
        let verdict = EvidenceVerifier.verify(try Self.evidence(.freeze, ["final-since-currhash-50", "lasthash"]))
        #expect(EvidenceStage.reason(verdict) != nil, "\(verdict)")
    }

    @Test("one flipped byte in a real signed body is refused")
    func tamperedRecordedBody() throws {
        var evidence = try Self.evidence(.rollback, ["lookup-currhash-25", "err-lookup-unknown-hash"])
        evidence.items[1].upstreamSigned!.body[60] ^= 0x01
        #expect(EvidenceStage.reason(EvidenceVerifier.verify(evidence)) == "item 2's upstream_signed does not verify under upstream_key")
    }
}

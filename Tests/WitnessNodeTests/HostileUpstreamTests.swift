import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// An upstream that signs with the wrong key or serves a corrupted chain: nothing it says past
/// the last verified entry is cosigned (witness-protocol §2).
@Suite("Hostile upstream responses")
struct HostileUpstreamTests {
    static let origin = "hostile.example/chronicle"
    static let base = "https://hostile.example/chronicle"

    func setUp(_ entries: Int) async throws -> (FakeChronicle, FakeTransport, WitnessHarness) {
        let fake = FakeChronicle()
        fake.append(entries)
        let transport = FakeTransport([Self.base: fake])
        let witness = try WitnessHarness(transport: transport)
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        return (fake, transport, witness)
    }

    @Test func rejectsABadResponseSignatureAndStoresNothing() async throws {
        let (fake, _, witness) = try await setUp(5)
        fake.misbehave { $0.wrongKey = true }
        let outcome = try await witness.poll(Self.origin)
        #expect(outcome == .failed(.outbound(.badResponseSignature(url: Self.base + "/lasthash"))))
        let record = try witness.upstream(Self.origin)
        #expect(record.size == 0)
        #expect(record.cosigned == nil)
        #expect(try witness.database.upstreamResponseCount(upstream: record.id) == 0)
        #expect(try witness.database.ledgerSize() == 0)
        #expect(record.failures == 1)
    }

    @Test func badSignatureAfterACosignedHeadKeepsTheHead() async throws {
        let (fake, _, witness) = try await setUp(5)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 5)
        let before = try witness.upstream(Self.origin).cosigned
        fake.append(3)
        fake.misbehave { $0.wrongKey = true }
        witness.clock.advance(seconds: 60)
        #expect(try await witness.poll(Self.origin).error == .outbound(.badResponseSignature(url: Self.base + "/lasthash")))
        let record = try witness.upstream(Self.origin)
        #expect(record.size == 5)
        #expect(record.cosigned == before, "a failed poll neither advances nor re-cosigns")
        #expect(try witness.headSizes(Self.origin) == [5])
    }

    @Test func rejectsATamperedEntryAndNeverCosignsPastIt() async throws {
        let (fake, _, witness) = try await setUp(10)
        fake.misbehave { $0.tamperedPosition = 7 }
        for _ in 0..<2 {
            let outcome = try await witness.poll(Self.origin)
            #expect(outcome == .failed(.chain(origin: Self.origin, .badEntrySignature(position: 7))))
            let record = try witness.upstream(Self.origin)
            // The verified prefix may be kept, but entry 7 is never stored nor cosigned.
            #expect(record.size <= 6)
            #expect(try witness.database.upstreamCurrhash(upstream: record.id, position: 7) == nil)
            #expect((record.cosigned?.checkpoint.size ?? 0) < 7)
            #expect(try witness.ledgerRecords(type: "witness-head/v1").allSatisfy { ($0["size"]?.intValue ?? 0) < 7 })
            witness.clock.advance(seconds: 60)
        }
        // Once the upstream serves the true chain again, it is verified and cosigned.
        fake.misbehave { $0.tamperedPosition = nil }
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 10, root: fake.treeRoot(10))))
    }

    @Test(arguments: [1, 75, 150, 300])
    func aTamperedEntryInALongPageStopsTheSyncRightThere(position: Int) async throws {
        // Long pages check their signatures on every core at once; the verdict must not change.
        let (fake, _, witness) = try await setUp(300)
        fake.misbehave { $0.tamperedPosition = position }
        let outcome = try await witness.poll(Self.origin)
        #expect(outcome == .failed(.chain(origin: Self.origin, .badEntrySignature(position: position))))
        let record = try witness.upstream(Self.origin)
        #expect(record.size == position - 1, "the verified prefix is kept, nothing from the bad entry on")
        #expect(try witness.database.upstreamCurrhashes(upstream: record.id) == (0..<(position - 1)).map { fake.currhash($0 + 1) })
        #expect(record.cosigned == nil)
        fake.misbehave { $0.tamperedPosition = nil }
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 300, root: fake.treeRoot(300))))
    }

    @Test func tamperedGrowthLeavesTheCosignedHeadWhereItWas() async throws {
        let (fake, _, witness) = try await setUp(5)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 5)
        fake.append(5)
        fake.misbehave { $0.tamperedPosition = 8 }
        witness.clock.advance(seconds: 60)
        #expect(try await witness.poll(Self.origin) == .failed(.chain(origin: Self.origin, .badEntrySignature(position: 8))))
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned?.checkpoint == Checkpoint(origin: Self.origin, size: 5, root: fake.treeRoot(5)))
        #expect(record.size <= 7)
        #expect(try witness.headSizes(Self.origin) == [5])
        #expect(try witness.database.evidenceList().isEmpty, "a corrupt entry is not signed misbehaviour evidence")
    }

    @Test func tamperedFirstEntryStoresNothing() async throws {
        let (fake, _, witness) = try await setUp(4)
        fake.misbehave { $0.tamperedPosition = 1 }
        #expect(try await witness.poll(Self.origin) == .failed(.chain(origin: Self.origin, .badEntrySignature(position: 1))))
        let record = try witness.upstream(Self.origin)
        #expect(record.size == 0)
        #expect(record.cosigned == nil)
        #expect(try witness.database.ledgerSize() == 0)
    }

    @Test func refusesAHeadThatIsNotOnTheServedChain() async throws {
        let (fake, _, witness) = try await setUp(5)
        // /lasthash shows another history's head whose parent the witness never saw.
        fake.branch("other", keeping: 3)
        fake.append(3, to: "other")
        fake.misbehave { $0.historyByPath = ["/lasthash": "other"] }
        let outcome = try await witness.poll(Self.origin)
        #expect(outcome == .failed(.headNotOnChain(origin: Self.origin, currhash: fake.entries("other")[5].currhash)))
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned == nil)
        #expect(try witness.database.ledgerSize() == 0)
    }

    /// Found reviewing where upstream-chosen numbers meet arithmetic: `start.size + total`
    /// trapped on a `/since` whose signed `total` was Int.max, and a trap stops the whole node.
    @Test(arguments: [Int.max, Int.min, -1])
    func aLyingTotalIsAMalformedResponseNotACrash(total: Int) async throws {
        let (fake, _, witness) = try await setUp(3)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 3)
        fake.append(2)
        fake.misbehave { $0.total = total }
        witness.clock.advance(seconds: 60)
        guard case .outbound(.malformedResponse(let url, _))? = try await witness.poll(Self.origin).error else {
            Issue.record("a lying total was not refused")
            return
        }
        #expect(url.hasPrefix(Self.base + "/since/"))
        #expect(try witness.upstream(Self.origin).cosigned?.checkpoint.size == 3, "nothing is cosigned on a malformed response")
        fake.misbehave { $0.total = nil }
        witness.clock.advance(seconds: 60)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 5, "the next honest answer is followed as usual")
    }
}

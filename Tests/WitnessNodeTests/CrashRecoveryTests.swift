import Foundation
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// A crash between verification and commit: the head transaction is all or nothing, and what
/// was committed survives an unclean stop (witness-protocol §3: state persisted before a
/// cosignature leaves the process).
@Suite("Crash between verification and commit")
struct CrashRecoveryTests {
    static let origin = "crash.example/chronicle"
    static let base = "https://crash.example/chronicle"

    struct Crash: Error {}

    /// The cosigned note `GET /witness/v1/upstreams` serves for the origin (nil: none).
    func servedNote(_ witness: WitnessHarness) async throws -> String? {
        let service = ChronicleService(database: witness.database, key: witness.key, config: NodeConfig(name: WitnessHarness.name),
                                       clock: witness.clock)
        let response = await WitnessAPI(service: service).respond(method: "GET", path: "/witness/v1/upstreams")
        #expect(response.status == 200)
        let json = try JSONParser.parse(response.body)
        let upstream = try #require(json["upstreams"]?.arrayValue?.first { $0["origin"]?.stringValue == Self.origin })
        return upstream["cosigned"]?.stringValue
    }

    @Test func abortedFirstCommitLeavesNothingCosigned() async throws {
        let fake = FakeChronicle()
        fake.append(5)
        var witness = try WitnessHarness(transport: FakeTransport([Self.base: fake]))
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        witness.sync.beforeHeadCommit = { throw Crash() }

        let outcome = try await witness.poll(Self.origin)
        guard case .storeFailure = outcome else {
            Issue.record("expected a local storage failure, got \(outcome)")
            return
        }
        let record = try witness.upstream(Self.origin)
        #expect(record.cosigned == nil)
        #expect(record.lastAdvance == nil)
        #expect(try witness.database.ledgerSize() == 0)
        #expect(try await servedNote(witness) == nil)

        witness.sync.beforeHeadCommit = nil
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 5, root: fake.treeRoot(5))))
        #expect(try witness.headSizes(Self.origin) == [5])
        #expect(try await servedNote(witness) == (try witness.upstream(Self.origin)).cosigned?.note)
    }

    @Test func abortedAdvanceKeepsTheOldHeadNoteAndLedger() async throws {
        let fake = FakeChronicle()
        fake.append(5)
        var witness = try WitnessHarness(transport: FakeTransport([Self.base: fake]))
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 5)
        let before = try witness.upstream(Self.origin)
        let ledgerBefore = try witness.database.ledgerSize()

        fake.append(3)
        witness.clock.advance(seconds: 60)
        witness.sync.beforeHeadCommit = { throw Crash() }
        guard case .storeFailure = try await witness.poll(Self.origin) else {
            Issue.record("expected a local storage failure")
            return
        }
        let after = try witness.upstream(Self.origin)
        #expect(after.cosigned == before.cosigned, "checkpoint, note, time and head body all unchanged")
        #expect(after.lastAdvance == before.lastAdvance)
        #expect(try witness.database.ledgerSize() == ledgerBefore)
        #expect(try await servedNote(witness) == before.cosigned?.note)

        witness.sync.beforeHeadCommit = nil
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 8, root: fake.treeRoot(8))))
        #expect(try witness.headSizes(Self.origin) == [5, 8])
    }

    @Test func abortedReCosignKeepsTheOlderTime() async throws {
        let fake = FakeChronicle()
        fake.append(2)
        var witness = try WitnessHarness(transport: FakeTransport([Self.base: fake]))
        try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
        #expect(try await witness.poll(Self.origin).checkpoint?.size == 2)
        let before = try witness.upstream(Self.origin).cosigned
        witness.clock.advance(seconds: 60)
        witness.sync.beforeHeadCommit = { throw Crash() }
        #expect(!(try await witness.poll(Self.origin)).succeeded)
        #expect(try witness.upstream(Self.origin).cosigned == before)
    }

    @Test func resumesAfterAnUncleanStopOfAFileDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("witness.sqlite")
        let fake = FakeChronicle()
        fake.append(5)
        fake.pageSize = 4
        let transport = FakeTransport([Self.base: fake])
        let clock = ManualWallClock(Timestamp(seconds: 1_767_225_600))
        do {
            // The handle is dropped without any shutdown step, mid-advance.
            var witness = try WitnessHarness(database: try WitnessDatabase.open(path: path), transport: transport, clock: clock)
            try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
            #expect(try await witness.poll(Self.origin).checkpoint?.size == 5)
            fake.append(6)
            clock.advance(seconds: 60)
            witness.sync.beforeHeadCommit = { throw Crash() }
            guard case .storeFailure = try await witness.poll(Self.origin) else {
                Issue.record("expected a local storage failure")
                return
            }
        }
        clock.advance(seconds: 60)
        let witness = try WitnessHarness(database: try WitnessDatabase.open(path: path), transport: transport, clock: clock)
        let record = try witness.upstream(Self.origin)
        // What was acknowledged (the head at 5, its ledger entry, the verified pages) is still there.
        #expect(record.cosigned?.checkpoint == Checkpoint(origin: Self.origin, size: 5, root: fake.treeRoot(5)))
        #expect(try witness.headSizes(Self.origin) == [5])
        #expect(try witness.database.upstreamCurrhashes(upstream: record.id).count == record.size)

        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 11, root: fake.treeRoot(11))))
        #expect(try witness.headSizes(Self.origin) == [5, 11])
        #expect(try witness.database.upstreamCurrhashes(upstream: record.id) == (1...11).map { fake.currhash($0) })
        let verifier = ChainVerifier()
        for entry in try witness.database.export().entries { try verifier.verify(entry) }
        #expect(verifier.size == (try witness.database.ledgerSize()))
    }

    @Test func resumesAnInterruptedDownloadAfterAnUncleanStop() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("witness.sqlite")
        let fake = FakeChronicle()
        fake.append(30)
        fake.pageSize = 10
        let transport = FakeTransport([Self.base: fake])
        transport.failing { url in url.hasSuffix("/export/3") ? .transport(url: url, reason: "reset") : nil }
        do {
            let witness = try WitnessHarness(database: try WitnessDatabase.open(path: path), transport: transport)
            try await witness.add(Self.origin, url: Self.base, key: fake.serverKey.publicKey)
            #expect(try await witness.poll(Self.origin).error == .outbound(.transport(url: Self.base + "/export/3", reason: "reset")))
        }
        transport.failing(nil)
        let witness = try WitnessHarness(database: try WitnessDatabase.open(path: path), transport: transport)
        #expect(try witness.upstream(Self.origin).size == 20)
        #expect(try await witness.poll(Self.origin) == .advanced(Checkpoint(origin: Self.origin, size: 30, root: fake.treeRoot(30))))
        #expect(try witness.database.upstreamCurrhashes(upstream: try witness.upstream(Self.origin).id) == (1...30).map { fake.currhash($0) })
    }
}

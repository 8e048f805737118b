import Foundation
import GRDB
import Logging
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The state epoch (issue 5): a database lost or restored from an old backup is detected, the
/// node refuses to cosign until `rotate-key`, and a new key starts a new epoch.
@Suite("State epoch")
struct StateEpochTests {
    static let origin = "epoch.example/chronicle"
    static let base = "https://epoch.example/chronicle"

    /// A data directory with a key and config, its database, and a sync step with that key.
    struct Node {
        let dir: DataDirectory
        let database: WitnessDatabase
        let sync: UpstreamSync
        let clock: ManualWallClock

        init(_ dir: DataDirectory, databasePath: String? = nil, transport: FakeTransport, clock: ManualWallClock) throws {
            self.dir = dir
            database = try WitnessDatabase.open(path: databasePath ?? dir.databasePath)
            self.clock = clock
            sync = UpstreamSync(database: database, key: try dir.loadKey(), name: "epoch.test", transport: transport, clock: clock,
                                logger: Logger(label: "epoch", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        func poll() async throws -> UpstreamSync.Outcome {
            clock.advance(seconds: 60)
            return await sync.poll(try #require(try database.upstream(origin: StateEpochTests.origin)))
        }

        func epochFile() throws -> StateEpoch.Record? { try StateEpoch.read(dir) }
    }

    func setUp(_ temp: TemporaryDirectory) throws -> (DataDirectory, FakeChronicle, FakeTransport, ManualWallClock) {
        let dir = DataDirectory(path: temp.path("node"))
        _ = try dir.initialize(config: NodeConfig(name: "epoch.test"))
        let fake = FakeChronicle()
        fake.append(3)
        return (dir, fake, FakeTransport([Self.base: fake]), ManualWallClock(Timestamp(seconds: 1_767_225_600)))
    }

    @Test func countsCosignaturesAndRecordsThemBesideTheKey() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let (dir, fake, transport, clock) = try setUp(temp)
        let node = try Node(dir, transport: transport, clock: clock)
        #expect(try await StateEpoch.reconcile(dir, database: node.database, key: try dir.loadKey()) == nil)
        let epoch = try #require(try node.epochFile())
        #expect(epoch.cosignCount == 0)
        #expect(try epoch.publicKey == dir.loadKey().publicKey.base64url)
        _ = try await node.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                replicate: false, at: clock.now())
        for _ in 0..<3 { #expect(try await node.poll().succeeded) }
        #expect(try node.database.nodeState()?.cosignCount == 3)
        let recorder = StateEpochRecorder(dir: dir, database: node.database, logger: Logger(label: "epoch"))
        await recorder.flush()
        #expect(try node.epochFile() == StateEpoch.Record(publicKey: epoch.publicKey, epoch: epoch.epoch, cosignCount: 3))
        // A restart with both records in step is fine.
        #expect(try await StateEpoch.reconcile(dir, database: node.database, key: try dir.loadKey()) == nil)
    }

    @Test func refusesADatabaseRestoredFromAnOlderBackupUntilTheKeyIsRotated() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let (dir, fake, transport, clock) = try setUp(temp)
        let backup = temp.path("backup.sqlite")
        do {
            let node = try Node(dir, transport: transport, clock: clock)
            try await StateEpoch.reconcile(dir, database: node.database, key: try dir.loadKey())
            _ = try await node.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                    replicate: false, at: clock.now())
            #expect(try await node.poll().succeeded)
            try await node.database.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [backup]) }
            fake.append(2)
            #expect(try await node.poll().checkpoint?.size == 5)
            await StateEpochRecorder(dir: dir, database: node.database, logger: Logger(label: "epoch")).flush()
        }
        // The operator restores the backup taken at size 3: the key has cosigned more than it knows.
        let restored = try Node(dir, databasePath: backup, transport: transport, clock: clock)
        let reason = try #require(try await StateEpoch.reconcile(dir, database: restored.database, key: try dir.loadKey()))
        #expect(reason.contains("older backup"))
        guard case .storeFailure(let failure) = try await restored.poll() else {
            Issue.record("a refused node cosigned")
            return
        }
        #expect(failure.contains("cosigning is refused"))
        #expect(try restored.database.upstream(origin: Self.origin)?.cosigned?.checkpoint.size == 3)
        // The refusal is stored: a restart does not clear it.
        #expect(try await StateEpoch.reconcile(dir, database: restored.database, key: try dir.loadKey()) == reason)

        // rotate-key: a new identity with a new epoch cosigns afresh; the ledger records the rotation.
        let oldKey = try dir.loadKey()
        let rotation = try await StateEpoch.rotateKey(dir, database: restored.database, name: "epoch.test",
                                                      reason: "restored from backup", now: clock.now())
        #expect(rotation.key.publicKey != oldKey.publicKey)
        #expect(try dir.loadKey().publicKey == rotation.key.publicKey)
        #expect(FileManager.default.fileExists(atPath: rotation.retiredKeyPath))
        #expect(try await StateEpoch.reconcile(dir, database: restored.database, key: rotation.key) == nil)
        let rotated = try Node(dir, databasePath: backup, transport: transport, clock: clock)
        #expect(try await rotated.poll().checkpoint?.size == 5)
        let size = try rotated.database.ledgerSize()
        let entries = try (1...size).compactMap { try rotated.database.entry(at: $0) }
        let record = try #require(entries.first { $0.contents.contains("key-rotation\\/v1") })
        #expect(record.publickey == rotation.key.publicKey.base64url)
    }

    @Test func refusesAFreshDatabaseBesideAKeyThatHasCosigned() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let (dir, fake, transport, clock) = try setUp(temp)
        do {
            let node = try Node(dir, transport: transport, clock: clock)
            try await StateEpoch.reconcile(dir, database: node.database, key: try dir.loadKey())
            _ = try await node.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                    replicate: false, at: clock.now())
            #expect(try await node.poll().succeeded)
            await StateEpochRecorder(dir: dir, database: node.database, logger: Logger(label: "epoch")).flush()
        }
        let lost = try Node(dir, databasePath: temp.path("empty.sqlite"), transport: transport, clock: clock)
        let reason = try #require(try await StateEpoch.reconcile(dir, database: lost.database, key: try dir.loadKey()))
        #expect(reason.contains("lost or replaced"))
        _ = try await lost.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                replicate: false, at: clock.now())
        guard case .storeFailure = try await lost.poll() else {
            Issue.record("a node with a lost database cosigned")
            return
        }
        #expect(try lost.database.upstream(origin: Self.origin)?.cosigned == nil)
    }

    @Test func aPeerShowingANewerOwnCosignatureStopsCosigning() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 2, services: false) { network in
                for index in 0..<2 { try await network.watch(index, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey) }
                try await network.pollAll(Self.origin)
                let node = network[0]
                let stored = try #require(try node.database.upstream(origin: Self.origin)?.cosigned)
                // Honest gossip echoes node 0's own cosignature back: nothing happens.
                await network.gossipRound()
                #expect(try node.database.nodeState()?.refusal == nil)
                // Node 0's key signed the same checkpoint later than its state knows: its state went back.
                let newer = Cosignature.sign(stored.checkpoint, time: UInt64(stored.time + 3600), name: node.name, key: node.key)
                let note = CosignedCheckpoint(checkpoint: stored.checkpoint, cosignatures: [newer])
                let head = GossipHead(origin: Self.origin, upstreamKey: fake.serverKey.publicKey, cosigned: note, upstreamSigned: nil)
                let reply = try await post(GossipMessage(from: network[1].vkey, heads: [head], evidence: []).bytes,
                                           to: node.url + "/witness/v1/gossip")
                #expect(reply.status == 200)
                #expect(try node.database.nodeState()?.refusal?.contains("restored from an old backup") == true)
                guard case .storeFailure = await node.node.sync.poll(try #require(try node.database.upstream(origin: Self.origin))) else {
                    Issue.record("the node cosigned after its state was shown to be behind")
                    return
                }
            }
        }
    }
}

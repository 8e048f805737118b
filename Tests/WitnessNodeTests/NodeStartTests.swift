import Foundation
import Logging
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// `NodeRuntime.start` (issue 10, item 5): the one way a node comes up, for `serve`, the
/// benchmark and in-process tests alike.
@Suite("Node start")
struct NodeStartTests {
    static let quiet = Logger(label: "start", factory: { _ in SwiftLogNoOpLogHandler() })
    static let origin = "start.example/chronicle"
    static let base = "https://start.example/chronicle"
    static let upstreamKey = FakeChronicle().serverKey.publicKey

    /// A data directory with a key, a config whose `peers-dir` holds one peer file, and an upstream.
    func prepare(_ temp: TemporaryDirectory) throws -> (DataDirectory, NodeConfig, FakeTransport) {
        let dir = DataDirectory(path: temp.path("node"))
        var config = NodeConfig(name: "start.test")
        config.peersDir = temp.path("peers")
        _ = try dir.initialize(config: config)
        try FileManager.default.createDirectory(atPath: temp.path("peers"), withIntermediateDirectories: true)
        let peer = PeerFile(vkey: VerifierKey(name: "peer.example", publicKey: Ed25519SecretKey(seed: [UInt8](repeating: 9, count: 32)).publicKey),
                            url: "https://peer.example", operator: "Peer Org", contact: "mailto:peer@example")
        try peer.render().write(toFile: temp.path("peers/" + peer.fileName), atomically: true, encoding: .utf8)
        let fake = FakeChronicle()
        fake.append(3)
        return (dir, try dir.loadConfig(environment: [:]), FakeTransport([Self.base: fake]))
    }

    @Test func aNodeWithADataDirectoryStartsAsServeDoes() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let (dir, config, transport) = try prepare(temp)
        let database = try dir.openDatabase()
        let node = try await NodeRuntime.start(database: database, key: try dir.loadKey(), config: config, directory: dir,
                                               transport: transport, logger: Self.quiet)
        #expect(node.cosigningRefusal == nil)
        // The state epoch is in the database and beside the key, the peers directory is loaded, and the
        // epoch recorder runs among the services.
        let state = try #require(try database.nodeState())
        #expect(try StateEpoch.read(dir)?.epoch == state.epoch)
        #expect(try database.peers().map(\.vkey.name) == ["peer.example"])
        #expect(node.services.contains { $0 is StateEpochRecorder })
        _ = try await database.addUpstream(origin: Self.origin, url: Self.base, publicKey: Self.upstreamKey,
                                           replicate: false, at: Timestamp(seconds: 0))
        guard case .advanced = await node.sync.poll(try #require(try database.upstream(origin: Self.origin))) else {
            Issue.record("a started node did not cosign")
            return
        }
        #expect(try database.nodeState()?.cosignCount == 1)
    }

    @Test func aReplacedDatabaseStartsWithCosigningRefused() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let (dir, config, transport) = try prepare(temp)
        let key = try dir.loadKey()
        // The key's state file says it committed cosignatures the fresh database does not know.
        _ = try await NodeRuntime.start(database: try dir.openDatabase(), key: key, config: config, directory: dir, logger: Self.quiet)
        var record = try #require(try StateEpoch.read(dir))
        record.cosignCount = 5
        try StateEpoch.write(record, to: dir)
        let replaced = try WitnessDatabase.inMemory()
        let node = try await NodeRuntime.start(database: replaced, key: key, config: config, directory: dir, transport: transport,
                                               logger: Self.quiet)
        let refusal = try #require(node.cosigningRefusal)
        #expect(refusal.contains("lost or replaced"))
        _ = try await replaced.addUpstream(origin: Self.origin, url: Self.base, publicKey: Self.upstreamKey,
                                           replicate: false, at: Timestamp(seconds: 0))
        _ = await node.sync.poll(try #require(try replaced.upstream(origin: Self.origin)))
        #expect(try replaced.upstream(origin: Self.origin)?.cosigned == nil, "a node whose state epoch is refused cosigned")
    }

    @Test func anInMemoryNodeGetsAnEpochAndNoFileRecorder() async throws {
        let database = try WitnessDatabase.inMemory()
        var config = NodeConfig(name: "memory.test")
        config.peersDir = nil
        let node = try await NodeRuntime.start(database: database, key: Ed25519SecretKey(seed: [UInt8](repeating: 3, count: 32)),
                                               config: config, logger: Self.quiet)
        #expect(try database.nodeState()?.cosignCount == 0)
        #expect(node.cosigningRefusal == nil)
        #expect(!node.services.contains { $0 is StateEpochRecorder })
    }
}

import Logging
import Synchronization
import Testing
import WitnessBench
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The services run on the clock and random source they are given (issue 10, item 4): a manual
/// clock drives a poll cycle and a gossip round by moving time, and nothing happens before its time.
@Suite("Services on an injected clock")
struct ManualTimeTests {
    static let quiet = Logger(label: "manual-time", factory: { _ in SwiftLogNoOpLogHandler() })
    static let origin = "timed.example/chronicle"
    static let base = "https://timed.example/chronicle"

    @Test func thePollerPollsOnItsScheduleAndNotBefore() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        let timer = ManualMonotonicClock()
        var config = NodeConfig(name: "timed.test")
        config.peersDir = nil // in-process: peers are never read from the working directory
        config.pollInterval = 900
        let node = try await NodeRuntime.start(database: try WitnessDatabase.inMemory(), key: Ed25519SecretKey(seed: [UInt8](repeating: 0x71, count: 32)),
                               config: config, clock: ManualWallClock(Timestamp(seconds: 1_767_225_600)), timer: timer, random: { 0.5 },
                               transport: FakeTransport([Self.base: fake]), logger: Self.quiet)
        _ = try await node.sync.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                     replicate: false, at: Timestamp(seconds: 1_767_225_600))
        let polls = { fake.requests.filter { $0 == "/lasthash" }.count }
        let due = Mutex<Duration?>(nil)
        var poller = node.poller
        poller.scheduled = { _, when in due.withLock { $0 = when } }
        let running = Task { [poller] in try await poller.run() }
        defer { running.cancel() }
        // The first tick polls at once, and the next poll is scheduled when it ends.
        #expect(await eventually { due.withLock { $0 } != nil && timer.sleepers == 1 })
        #expect(polls() == 1)
        #expect(try node.sync.database.upstream(origin: Self.origin)?.cosigned?.checkpoint.size == 3)
        // With jitter 0 (random 0.5) it is due at exactly the interval: not before.
        #expect(due.withLock { $0 } == .seconds(900))
        timer.advance(by: .seconds(899))
        #expect(await eventually { timer.sleepers == 1 && timer.elapsed() == .seconds(899) })
        #expect(polls() == 1)
        timer.advance(by: .seconds(2))
        #expect(await eventually { polls() == 2 })
    }

    @Test func gossipRoundsComeOnTheirIntervalAndNotBefore() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        let network = InProcessNetwork()
        let timer = ManualMonotonicClock()
        var nodes: [NodeRuntime] = []
        for index in 0..<2 {
            var config = NodeConfig(name: "t\(index).test")
            config.peersDir = nil // in-process: peers are never read from the working directory
            config.gossipInterval = 60
            let key = Ed25519SecretKey(seed: [UInt8](repeating: UInt8(0x72 + index), count: 32))
            let node = try await NodeRuntime.start(database: try WitnessDatabase.inMemory(), key: key, config: config, timer: timer, random: { 0.5 },
                                   transport: FakeTransport([Self.base: fake]), peerTransport: network, logger: Self.quiet)
            network.register(config.name, node.gossip)
            nodes.append(node)
        }
        for (index, node) in nodes.enumerated() {
            let other = nodes[1 - index].gossip.vkey
            try await node.sync.database.addPeer(vkey: other, url: InProcessNetwork.url(other.name), operatorName: nil, contact: nil,
                                                 source: .cli, at: Timestamp(seconds: 0))
            _ = try await node.sync.database.addUpstream(origin: Self.origin, url: Self.base, publicKey: fake.serverKey.publicKey,
                                                         replicate: false, at: Timestamp(seconds: 0))
            _ = await node.sync.poll(try #require(try node.sync.database.upstream(origin: Self.origin)))
        }
        _ = network.traffic(reset: true)
        let service = GossipService(gossip: nodes[0].gossip, timer: timer, random: { 0.5 })
        let running = Task { try await service.run() }
        defer { running.cancel() }
        // Jitter 1.0 (random 0.5): the first round is due after exactly 60 s.
        #expect(await eventually { timer.sleepers == 1 })
        timer.advance(by: .seconds(59))
        #expect(await eventually { timer.sleepers == 1 && timer.elapsed() == .seconds(59) })
        #expect(network.traffic().exchanges == 0)
        timer.advance(by: .seconds(1))
        #expect(await eventually { network.traffic().exchanges == 1 })
        // The round brought the peer's cosignature on the shared head.
        let head = try #require(try nodes[0].sync.database.upstream(origin: Self.origin)?.cosigned?.checkpoint)
        // (The exchange is counted when sent; its answer is applied after: wait for it.)
        let peer = nodes[1].gossip.vkey.description
        #expect(await eventually { (try? nodes[0].sync.database.peerCosignatures(on: head).map(\.vkey)) == [peer] })
    }
}

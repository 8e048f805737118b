import Logging
import Synchronization
import WitnessCore
import WitnessNode
import WitnessStore

/// A split view shown to some of N witnesses, gossiped round by round in one process: how many
/// rounds until every honest node holds the proof, and how many bytes that costs.
///
/// Every node is a real `NodeRuntime` (its own in-memory database and key); the upstream is a
/// `SplitUpstream` (one key, entries 1–3 shared, then two histories); peers talk through
/// `InProcessNetwork`. A round is: every node runs `Gossip.round()` (fan-out exchanges), then
/// every node does its follow-ups (fork searches) — what the gossip timer and service do.
package enum GossipSimulation {
    /// What one run measured.
    package struct Result: Sendable {
        /// Nodes in the network.
        package var nodes: Int
        /// Nodes shown the forked history.
        package var victims: Int
        /// Rounds until every node held fork evidence (nil if `maxRounds` passed first).
        package var rounds: Int?
        /// Gossip bytes (requests and answers) per node per round, averaged over the rounds run.
        package var bytesPerNodePerRound: Double
        /// Exchanges per round.
        package var exchangesPerRound: Double
    }

    static let origin = "simulated.example/chronicle"

    /// Runs the scenario with `nodes` witnesses of which the first `victims` see the fork.
    package static func splitView(nodes: Int, victims: Int, fanout: Int = 3, maxRounds: Int = 50) async throws -> Result {
        precondition(nodes >= 2 && victims >= 1 && victims < nodes)
        let upstreams = SplitUpstream(shared: 3, diverging: 3)
        let network = InProcessNetwork()
        let quiet = Logger(label: "simulation", factory: { _ in SwiftLogNoOpLogHandler() })
        let clock = SimulationClock(Timestamp(seconds: 1_800_000_000))
        var runtimes: [NodeRuntime] = []
        var vkeys: [VerifierKey] = []
        for index in 0..<nodes {
            var config = NodeConfig(name: "w\(index).sim")
            config.peersDir = nil // in-process: peers are never read from the working directory
            config.gossipFanout = fanout
            let key = Ed25519SecretKey(seed: (0..<32).map { UInt8(truncatingIfNeeded: index &* 7 &+ Int($0)) })
            let runtime = try await NodeRuntime.start(database: try WitnessDatabase.inMemory(), key: key, config: config, clock: clock,
                                      transport: upstreams, peerTransport: network, logger: quiet)
            network.register(config.name, runtime.gossip)
            runtimes.append(runtime)
            vkeys.append(VerifierKey(name: config.name, publicKey: key.publicKey))
        }
        for (index, runtime) in runtimes.enumerated() {
            let database = runtime.sync.database
            for (other, vkey) in vkeys.enumerated() where other != index {
                try await database.addPeer(vkey: vkey, url: InProcessNetwork.url(vkey.name), operatorName: nil, contact: nil,
                                           source: .cli, at: clock.now())
            }
            let url = index < victims ? SplitUpstream.forkedURL : SplitUpstream.honestURL
            let record = try await database.addUpstream(origin: origin, url: url, publicKey: upstreams.serverKey.publicKey,
                                                        replicate: false, at: clock.now())
            if case .added(let upstream) = record { _ = await runtime.sync.poll(upstream) }
        }
        _ = network.traffic(reset: true)
        var rounds = 0
        var converged: Int?
        while rounds < maxRounds {
            rounds += 1
            clock.advance(seconds: 60)
            for runtime in runtimes { await runtime.gossip.round() }
            for runtime in runtimes { await runtime.gossip.runPendingFollowUps() }
            if try runtimes.allSatisfy({ try $0.sync.database.evidenceList(origin: origin).contains { $0.kind == "fork" } }) {
                converged = rounds
                break
            }
        }
        let traffic = network.traffic()
        return Result(nodes: nodes, victims: victims, rounds: converged,
                      bytesPerNodePerRound: Double(traffic.bytes) / Double(nodes * rounds),
                      exchangesPerRound: Double(traffic.exchanges) / Double(rounds))
    }
}

/// The simulation's wall time: it moves a minute per round, as the simulation says.
final class SimulationClock: WallClock {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp) { current = Mutex(start) }

    func now() -> Timestamp { current.withLock { $0 } }

    /// Moves the simulated time forward.
    func advance(seconds: Int64) { current.withLock { $0 = $0.adding(seconds: seconds) } }
}

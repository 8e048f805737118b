import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// N real witness nodes on 127.0.0.1: each a full `NodeRuntime` with its own in-memory
/// database and key behind its own HTTP server (port 0), all peered with each other.
///
/// With `services: true` the nodes run their poller and gossip timers as `serve` does; with
/// `false` the test drives polls and gossip rounds itself, round by round.
struct TestNetwork: Sendable {
    /// One node.
    struct Member: Sendable {
        let name: String
        let key: Ed25519SecretKey
        let database: WitnessDatabase
        let node: NodeRuntime
        let url: String
        var vkey: VerifierKey { VerifierKey(name: name, publicKey: key.publicKey) }
    }

    let members: [Member]

    subscript(index: Int) -> Member { members[index] }

    static let quiet = Logger(label: "network-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts `count` nodes (names `w0.test`, `w1.test`, …), peers them all, runs `body`, stops them.
    static func run(count: Int, services: Bool, pollInterval: Int64 = 1, gossipInterval: Int64 = 1,
                    gossipRateLimit: Double? = nil, configure: @Sendable (inout NodeConfig) -> Void = { _ in },
                    _ body: @Sendable (TestNetwork) async throws -> Void) async throws {
        var prepared: [(String, Ed25519SecretKey, WitnessDatabase, NodeRuntime, PortBox, any ApplicationProtocol)] = []
        for index in 0..<count {
            let name = "w\(index).test"
            let key = Ed25519SecretKey(seed: (0..<32).map { UInt8(0x60 + index) &+ $0 })
            let database = try WitnessDatabase.inMemory()
            var config = NodeConfig(name: name)
            config.peersDir = nil // in-process: peers are never read from the working directory
            config.pollInterval = pollInterval
            config.gossipInterval = gossipInterval
            config.upstreamTimeout = 5
            // Every node shares 127.0.0.1: a per-address limit would count the whole network as one peer.
            config.gossipRateLimit = gossipRateLimit
            configure(&config)
            let node = try await NodeRuntime.start(database: database, key: key, config: config, logger: quiet)
            let box = PortBox()
            let onRunning: @Sendable (any Channel) async -> Void = { channel in await box.set(channel.localAddress?.port ?? 0) }
            let app: any ApplicationProtocol = services
                ? buildApplication(node: node, host: "127.0.0.1", port: 0, logger: quiet, onServerRunning: onRunning)
                : buildApplication(api: ChronicleAPI(service: node.ledger), witness: WitnessAPI(service: node.ledger, gossip: node.gossip),
                                   metrics: node.metrics, host: "127.0.0.1", port: 0, logger: quiet, onServerRunning: onRunning)
            prepared.append((name, key, database, node, box, app))
        }
        let serviceGroup = ServiceGroup(configuration: .init(services: prepared.map { $0.5 as any Service }, logger: quiet))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            var members: [Member] = []
            for (name, key, database, node, box, _) in prepared {
                members.append(Member(name: name, key: key, database: database, node: node,
                                      url: "http://127.0.0.1:\(await box.get())"))
            }
            let network = TestNetwork(members: members)
            do {
                try await network.peerAll()
                try await body(network)
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                throw error
            }
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    /// Every node trusts every other.
    func peerAll() async throws {
        for a in members {
            for b in members where b.name != a.name {
                try await a.database.addPeer(vkey: b.vkey, url: b.url, operatorName: "test", contact: nil, source: .cli,
                                             at: Timestamp(seconds: 0))
            }
        }
    }

    /// Node `index` watches `origin` at `url`.
    func watch(_ index: Int, origin: String, url: String, key: Ed25519PublicKey) async throws {
        _ = try await members[index].database.addUpstream(origin: origin, url: url, publicKey: key, replicate: false,
                                                          at: Timestamp(seconds: 0))
    }

    /// Polls `origin` once on every node that watches it.
    func pollAll(_ origin: String) async throws {
        for member in members {
            guard let record = try member.database.upstream(origin: origin) else { continue }
            _ = await member.node.sync.poll(record)
        }
    }

    /// One round driven by hand: every node gossips with its fan-out, then does its follow-ups.
    func gossipRound() async {
        for member in members { await member.node.gossip.round() }
        for member in members { await member.node.gossip.runPendingFollowUps() }
    }
}

extension TestNetwork.Member {
    /// The freshness answer for `origin` over HTTP, its cosigned note parsed.
    func freshness(_ origin: String) async throws -> (json: JSONValue, note: CosignedCheckpoint)? {
        let hex = SHA256.hash(Array(origin.utf8)).hexString
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(url)/witness/v1/freshness/\(hex)"),
                                                           timeout: TimeAmount(loopbackRequestTimeout))
        let body = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        guard response.status.code == 200 else { return nil }
        let json = try JSONParser.parse(body)
        return (json, try CosignedCheckpoint(parsing: try #require(json["cosigned"]?.stringValue)))
    }

    /// The vkeys whose valid cosignatures `note` carries, among `keys`.
    func cosigners(of note: CosignedCheckpoint, among keys: [VerifierKey]) throws -> Set<String> {
        Set(try note.cosignatures(by: keys).keys.map(\.name))
    }
}

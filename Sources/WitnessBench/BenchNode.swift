import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore

/// A real node for the HTTP benchmarks: its own SQLite file (WAL, `synchronous = FULL`), key and
/// Chronicle API, served by the same `buildApplication` as `serve`, on 127.0.0.1 and a free port.
struct BenchNode {
    let directory: TemporaryDirectory
    let database: WitnessDatabase
    let key: Ed25519SecretKey
    /// The key's seed (a separate upstream process signs with the same key).
    let seed: [UInt8]
    let service: ChronicleService

    /// A fresh node in a temporary directory.
    init(_ name: String, config: NodeConfig = BenchNode.unlimited, in parent: String? = nil) throws {
        directory = try TemporaryDirectory(name, in: parent)
        database = try WitnessDatabase.open(path: directory.path + "/witness.sqlite")
        seed = (0..<32).map { _ in UInt8.random(in: 0...255) }
        key = Ed25519SecretKey(seed: seed)
        service = ChronicleService(database: database, key: key, config: config, logger: BenchLog.quiet)
    }

    /// The node's defaults without the per-client rate limits (they cap a publisher at 100/s):
    /// the benchmarks measure what the node can do, not the policy an operator sets.
    static var unlimited: NodeConfig {
        var config = NodeConfig(port: 0)
        config.publishRateLimit = nil
        config.gossipRateLimit = nil
        return config
    }

    /// Metrics as `serve` keeps them (every request is timed into a histogram).
    let metrics = NodeMetrics()

    /// Appends `count` client-signed entries of `bodyBytes`-byte bodies, 1,000 per transaction.
    func seed(count: Int, bodyBytes: Int) async throws {
        let client = Ed25519SecretKey(seed: (0..<32).map { 0x61 &+ $0 })
        var next = 1
        while next <= count {
            let batch = (next...min(count, next + 999)).map { i in
                let contents = ChainBench.body(i, bytes: bodyBytes)
                return LedgerAppend(contents: contents, publicKey: client.publicKey, signature: client.signature(for: contents.utf8))
            }
            _ = try await database.append(batch, at: SystemWallClock().now())
            next += batch.count
        }
    }

    /// Makes the node a replica of its own ledger served at `base` (one verified first sync), so the
    /// replica routes serve the same rows as the own ledger; returns the replica's uniqueid.
    func replicateItself(from base: String, http: HTTPClient) async throws -> String {
        let sync = UpstreamSync(database: database, key: key, name: "bench.node", transport: HTTPTransport(http: http),
                                clock: SystemWallClock(), logger: BenchLog.quiet, maxResponseBytes: 1 << 30, timeout: .seconds(600))
        guard case .added(let upstream) = try await database.addUpstream(origin: "bench.replica/chronicle", url: base, publicKey: key.publicKey,
                                                                         replicate: true, at: SystemWallClock().now()) else {
            throw BenchFailure("the bench node already replicated itself")
        }
        guard case .advanced = await sync.poll(upstream), let source = try database.replicaSources().first else {
            throw BenchFailure("the bench node could not replicate its own ledger")
        }
        return source.uniqueid
    }

    /// Serves the node's Chronicle API while `body` runs with its API base URL, then stops it.
    func serving<R: Sendable>(_ body: @Sendable (String) async throws -> R) async throws -> R {
        let api = ChronicleAPI(service: service)
        return try await BenchServer.run({ onRunning in
            buildApplication(api: api, metrics: metrics, host: "127.0.0.1", port: 0, logger: BenchLog.quiet, onServerRunning: onRunning)
        }, body: { port in try await body("http://127.0.0.1:\(port)/chronicle") })
    }

    func remove() { directory.remove() }
}

/// Runs a Hummingbird application in this process for the duration of a closure.
enum BenchServer {
    /// Builds the app with an `onServerRunning` hook, waits for its port, runs `body(port)`, then
    /// shuts the app down gracefully (so no server outlives the benchmark).
    static func run<App: ApplicationProtocol, R: Sendable>(
        _ make: (@escaping @Sendable (any Channel) async -> Void) -> App,
        body: @Sendable (Int) async throws -> R
    ) async throws -> R {
        let port = PortPromise()
        let app = make { channel in await port.set(channel.localAddress?.port ?? 0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: BenchLog.quiet))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: R
            do {
                result = try await body(await port.get())
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}

/// Learns a server's bound port from `onServerRunning`.
actor PortPromise {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        waiters.forEach { $0.resume(returning: value) }
        waiters = []
    }

    func get() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// Loggers for benchmark runs: silent, so logging cost and noise stay out of the figures.
enum BenchLog {
    static let quiet = Logger(label: "chronicle-witness.bench", factory: { _ in SwiftLogNoOpLogHandler() })
}

extension TemporaryDirectory {
    /// A fresh directory under `parent` (default: the system temporary directory).
    init(_ prefix: String, in parent: String?) throws {
        try self.init(prefix, base: parent ?? FileManager.default.temporaryDirectory.path)
    }
}

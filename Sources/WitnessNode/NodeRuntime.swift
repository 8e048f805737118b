import AsyncHTTPClient
import Logging
import ServiceLifecycle
import WitnessCore
import WitnessStore

/// Everything one node runs, assembled from its world (database, key, config, clock, transport).
///
/// `serve` and multi-node tests build nodes the same way, so what tests exercise is what runs.
public struct NodeRuntime: Sendable {
    /// The ledger write side.
    public let ledger: ChronicleService
    /// The upstream poll step (tests call `poll` directly).
    public let sync: UpstreamSync
    /// The poller service.
    public let poller: UpstreamPoller
    /// The cross-sign pusher.
    public let crossSigner: CrossSigner

    /// Assembles a node.
    public init(database: WitnessDatabase, key: Ed25519SecretKey, config: NodeConfig, clock: any WallClock = SystemWallClock(),
                transport: (any UpstreamTransport)? = nil, http: HTTPClient = .shared, logger: Logger) {
        ledger = ChronicleService(database: database, key: key, config: config, clock: clock, logger: logger)
        sync = UpstreamSync(database: database, key: key, name: config.name, transport: transport ?? HTTPUpstreamTransport(http: http),
                            clock: clock, logger: logger, maxResponseBytes: config.upstreamMaxResponseBytes,
                            timeout: .seconds(config.upstreamTimeout))
        poller = UpstreamPoller(sync: sync, interval: .seconds(config.pollInterval), attestationInterval: config.attestationInterval,
                                concurrency: config.pollConcurrency)
        crossSigner = CrossSigner(database: database, key: key, interval: .seconds(config.pollInterval), clock: clock,
                                  logger: logger, http: http)
    }

    /// The background services to run beside the HTTP server.
    public var services: [any Service] { [poller, crossSigner] }
}

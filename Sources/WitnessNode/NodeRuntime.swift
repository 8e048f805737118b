import Logging
import ServiceLifecycle
import WitnessClient
import WitnessCore
import WitnessStore

/// Everything one node runs, assembled from its world (database, key, config, clock, transports).
///
/// Every node starts through `start` (`NodeRuntime+Start.swift`): `serve`, the benchmark and
/// every in-process test, so what tests exercise is what runs.
public struct NodeRuntime: Sendable {
    /// The ledger write side.
    public let ledger: ChronicleService
    /// The upstream poll step (tests call `poll` directly).
    public let sync: UpstreamSync
    /// The poller service.
    public let poller: UpstreamPoller
    /// The cross-sign pusher.
    public let crossSigner: CrossSigner
    /// Signs the own ledger's C2SP checkpoint and pushes it to C2SP witnesses (`witness-push`).
    public let pusher: CheckpointPusher
    /// Gossip with peer witnesses (the HTTP face calls `gossip.receive`).
    public let gossip: Gossip
    /// Head and evidence announcements between the services.
    public let events: NodeEvents
    /// Where the services measure and wait (the wall clock is `ledger.clock`).
    public let timer: any MonotonicClock
    /// The services' jitter.
    public let random: RandomSource
    /// The node's Prometheus metrics.
    public let metrics: NodeMetrics
    /// Why cosigning is refused since start (the state epoch did not match), or nil.
    public internal(set) var cosigningRefusal: String?
    /// Keeps the state-epoch file up (nodes with a data directory).
    var epochRecorder: StateEpochRecorder?

    /// Assembles a node's services; `start` is the way in.
    init(database: WitnessDatabase, key: Ed25519SecretKey, config: NodeConfig, clock: any WallClock = SystemWallClock(),
                timer: any MonotonicClock = SystemMonotonicClock(), random: @escaping RandomSource = systemRandom,
                transport: any OutboundTransport = HTTPTransport(), peerTransport: (any OutboundTransport)? = nil,
                logger: Logger) {
        self.timer = timer
        self.random = random
        let events = NodeEvents()
        self.events = events
        let metrics = NodeMetrics()
        self.metrics = metrics
        ledger = ChronicleService(database: database, key: key, config: config, clock: clock, logger: logger)
        var sync = UpstreamSync(database: database, key: key, name: config.name, transport: transport,
                                clock: clock, logger: logger, maxResponseBytes: config.upstreamMaxResponseBytes,
                                timeout: .seconds(config.upstreamTimeout))
        sync.events = events
        sync.budget = config.pollBudget
        sync.maxStoredBytes = config.upstreamMaxStoredBytes
        sync.metrics = metrics
        self.sync = sync
        poller = UpstreamPoller(sync: sync, interval: .seconds(config.pollInterval), attestationInterval: config.attestationInterval,
                                concurrency: config.pollConcurrency, timer: timer, random: random)
        crossSigner = CrossSigner(database: database, key: key, interval: .seconds(config.pollInterval), clock: clock,
                                  timer: timer, logger: logger, transport: transport)
        pusher = CheckpointPusher(database: database, key: key, origin: config.ownOrigin, interval: .seconds(config.pushInterval),
                                  refresh: config.pollInterval, clock: clock, timer: timer, logger: logger, transport: transport)
        var settings = Gossip.Settings()
        settings.interval = .seconds(config.gossipInterval)
        settings.fanout = config.gossipFanout
        settings.maxResponseBytes = config.upstreamMaxResponseBytes
        var gossip = Gossip(database: database, key: key, name: config.name, sync: sync,
                            transport: peerTransport ?? transport, clock: clock, logger: logger,
                            events: events, settings: settings)
        gossip.metrics = metrics
        self.gossip = gossip
    }

    /// The background services to run beside the HTTP server.
    public var services: [any Service] {
        [poller, crossSigner, pusher, GossipService(gossip: gossip, timer: timer, random: random)] + (epochRecorder.map { [$0] } ?? [])
    }
}

import Logging
import WitnessClient
import WitnessCore
import WitnessStore

extension NodeRuntime {
    /// Starts a node: the one way every node comes up, whether `serve` runs it, the benchmark
    /// simulates it or a test drives it in-process.
    ///
    /// 1. The state epoch (`StateEpoch.reconcile`): with a data directory, the database is
    ///    compared with the key's `state-epoch.json`, and a database that lost cosignatures
    ///    (an older backup, a replacement) stops cosigning, nothing else (`cosigningRefusal`);
    ///    without one (an in-memory node) the database only gets its epoch.
    /// 2. The peers directory (`peers-dir`), synced add-only into the database.
    /// 3. The services (`services`), with the epoch recorder when there is a directory.
    ///
    /// - Parameters:
    ///   - directory: the data directory `database` was opened from, or nil for an in-memory node.
    ///   - clock/timer/random: the wall clock, the services' monotonic clock and jitter (tests pass manual ones).
    ///   - transport: how upstreams are reached (and cross-signing targets); `peerTransport`: how peers are (default: the same).
    public static func start(database: WitnessDatabase, key: Ed25519SecretKey, config: NodeConfig, directory: DataDirectory? = nil,
                             clock: any WallClock = SystemWallClock(), timer: any MonotonicClock = SystemMonotonicClock(),
                             random: @escaping RandomSource = systemRandom, transport: any OutboundTransport = HTTPTransport(),
                             peerTransport: (any OutboundTransport)? = nil, logger: Logger) async throws -> NodeRuntime {
        let refusal = try await StateEpoch.reconcile(directory, database: database, key: key)
        if let refusal { logger.critical("cosigning refused: \(refusal)") }
        if let peersDir = config.peersDir {
            let own = VerifierKey(name: config.name, publicKey: key.publicKey)
            if let count = try await PeerDirectory.sync(peersDir, into: database, own: own, at: clock.now()) {
                logger.info("loaded \(count) peer(s) from \(peersDir)")
            }
        }
        var node = NodeRuntime(database: database, key: key, config: config, clock: clock, timer: timer, random: random,
                               transport: transport, peerTransport: peerTransport, logger: logger)
        node.cosigningRefusal = refusal
        node.epochRecorder = directory.map { StateEpochRecorder(dir: $0, database: database, logger: logger, timer: timer) }
        return node
    }
}

import Metrics
import Synchronization
import Prometheus
import WitnessClient
import WitnessCore
import WitnessStore

/// The node's Prometheus metrics (`GET /metrics`), one registry per node so that nodes sharing a
/// process (tests, benchmarks) never mix their figures.
///
/// Events are counted through swift-metrics with this node's factory as they happen (polls,
/// cosignatures, gossip exchanges, HTTP requests); the state an operator alerts on — head age,
/// last advance, sizes, evidence, refusal — is read from the database at scrape time, so it is
/// exactly what the node would serve, and never drifts from it.
public final class NodeMetrics: Sendable {
    /// The registry the endpoint renders.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    /// Request timers by (route, status): made once, so timing a request is a lock and a record.
    private let timers = Mutex<[String: Metrics.Timer]>([:])

    /// A node's metrics with a fresh registry.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5), .seconds(30),
        ]
        self.factory = factory
    }

    // MARK: - Events

    /// One poll of `origin` ended with `outcome` (advanced, unchanged, failed, misbehaviour, store-failure).
    public func poll(origin: String, outcome: String) {
        Counter(label: "witness_polls_total", dimensions: [("origin", origin), ("outcome", outcome)], factory: factory).increment()
        if outcome == "advanced" || outcome == "unchanged" {
            Counter(label: "witness_cosignatures_total", dimensions: [("origin", origin)], factory: factory).increment()
        } else {
            Counter(label: "witness_poll_errors_total", dimensions: [("origin", origin)], factory: factory).increment()
        }
    }

    /// One gossip exchange: `direction` in (received) or out (sent), `outcome` ok or failed.
    public func gossip(direction: String, outcome: String, bytes: Int) {
        Counter(label: "witness_gossip_exchanges_total", dimensions: [("direction", direction), ("outcome", outcome)],
                factory: factory).increment()
        Counter(label: "witness_gossip_bytes_total", dimensions: [("direction", direction)], factory: factory)
            .increment(by: Int64(bytes))
    }

    /// One HTTP request: its route pattern (never the raw path), status and duration.
    public func request(route: String, status: Int, duration: Duration) {
        let key = "\(status) \(route)"
        let timer = timers.withLock { timers in
            if let timer = timers[key] { return timer }
            let timer = Metrics.Timer(label: "witness_http_request_duration_seconds",
                                      dimensions: [("route", route), ("status", "\(status)")], factory: factory)
            timers[key] = timer
            return timer
        }
        timer.recordNanoseconds(duration.wholeNanoseconds)
    }

    // MARK: - Scrape

    /// The Prometheus text exposition, with the state gauges refreshed from `database` at `now`.
    public func render(database: WitnessDatabase, now: Timestamp, pollInterval: Int64) throws -> String {
        var gauges = StateGauges()
        for status in try UpstreamStatus.all(in: database, now: now, pollInterval: pollInterval) {
            let u = status.upstream
            let labels = [("origin", u.origin)]
            gauges.set("witness_head_age_seconds", labels, Double(status.ageSeconds ?? -1))
            gauges.set("witness_last_advance_timestamp_seconds", labels, Double(u.lastAdvance?.seconds ?? 0))
            gauges.set("witness_cosigned_size", labels, Double(u.cosigned?.checkpoint.size ?? 0))
            gauges.set("witness_verified_size", labels, Double(u.size))
            gauges.set("witness_consecutive_poll_failures", labels, Double(u.failures))
            for state in ["ok", "syncing", "stale", "blocked", "frozen", "split-view"] {
                gauges.set("witness_upstream_state", labels + [("state", state)], status.state.rawValue == state ? 1.0 : 0.0)
            }
        }
        // Merkle logs witnessed through add-checkpoint (outcomes are the /add-checkpoint request metrics).
        let logs = try database.merkleLogHeads()
        gauges.set("witness_merkle_logs", Double(logs.count))
        for log in logs {
            gauges.set("witness_merkle_log_cosigned_size", [("origin", log.origin)], Double(log.size ?? 0))
            gauges.set("witness_merkle_log_last_cosign_timestamp_seconds", [("origin", log.origin)], Double(log.cosignedAt ?? 0))
            gauges.set("witness_merkle_log_split_view", [("origin", log.origin)], log.splitView == nil ? 0.0 : 1.0)
        }
        // The own ledger as a C2SP log, and what each push witness last cosigned of it.
        if let own = try database.ownCheckpoint() { gauges.set("witness_own_checkpoint_size", Double(own.size)) }
        for witness in try database.pushWitnesses() {
            let labels = [("witness", witness.url)]
            gauges.set("witness_push_cosigned_size", labels, Double(witness.cosignedSize ?? 0))
            gauges.set("witness_push_cosignature_timestamp_seconds", labels, Double(witness.cosignedAt ?? 0))
            gauges.set("witness_push_failing", labels, witness.lastError == nil ? 0.0 : 1.0)
        }
        var byKind: [String: Int] = Dictionary(uniqueKeysWithValues: EvidenceKind.allCases.map { ($0.rawValue, 0) })
        for record in try database.evidenceList() { byKind[record.kind, default: 0] += 1 }
        for (kind, count) in byKind.sorted(by: { $0.key < $1.key }) {
            gauges.set("witness_evidence", [("kind", kind)], Double(count))
        }
        let peers = try database.peers()
        gauges.set("witness_peers", [("trusted", "true")], Double(peers.filter(\.isTrusted).count))
        gauges.set("witness_peers", [("trusted", "false")], Double(peers.filter { !$0.isTrusted }.count))
        let state = try database.nodeState()
        gauges.set("witness_cosigning_refused", state?.refusal == nil ? 0.0 : 1.0)
        gauges.set("witness_ledger_size", Double(try database.ledgerSize()))
        return registry.emitToString() + gauges.text
    }
}

import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WitnessCore
import WitnessNode

/// The request context: Hummingbird's core plus the peer address (for per-address rate limits).
struct WitnessRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connected client's address.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Builds a whole node's HTTP application: its Chronicle API, its witness API and every
/// background service of `node` (poller, cross-signer, gossip) in one `ServiceGroup`.
public func buildApplication(node: NodeRuntime, host: String, port: Int, additionalServices: [any Service] = [], logger: Logger,
                             onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
    buildApplication(api: ChronicleAPI(service: node.ledger), witness: WitnessAPI(service: node.ledger, gossip: node.gossip),
                     metrics: node.metrics, host: host, port: port, services: node.services + additionalServices, logger: logger,
                     onServerRunning: onServerRunning)
}

/// Builds the node's HTTP application: the Chronicle API plus any background services.
///
/// - Parameters:
///   - api: the Chronicle API of the node's ledger.
///   - witness: the witness API (default: without gossip).
///   - host/port: where to listen (port 0 picks a free port; `onServerRunning` learns it).
///   - services: background services run in the same `ServiceGroup` (poller, gossip, …).
public func buildApplication(api: ChronicleAPI, witness: WitnessAPI? = nil, metrics: NodeMetrics? = nil, host: String, port: Int,
                             services: [any Service] = [],
                             logger: Logger,
                             onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        responder: ChronicleResponder(api: api, witness: witness ?? WitnessAPI(service: api.service), metrics: metrics),
        // A slow or silent client is dropped after 30 s of idleness instead of holding a connection.
        server: .http1(configuration: .init(idleTimeout: .seconds(30))),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}

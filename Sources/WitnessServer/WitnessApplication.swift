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

/// Adapts Hummingbird requests to `ChronicleAPI` and `WitnessAPI` and back, enforcing the body
/// size limits and the per-client rate limits before anything is parsed.
struct ChronicleResponder: HTTPResponder {
    typealias Context = WitnessRequestContext

    let api: ChronicleAPI
    let witness: WitnessAPI
    /// Publishes per client id.
    let publishLimiter: RateLimiter?
    /// Gossip requests per remote address.
    let gossipLimiter: RateLimiter?
    /// Request latency histograms and `/metrics` (nil: no metrics).
    let metrics: NodeMetrics?

    init(api: ChronicleAPI, witness: WitnessAPI, metrics: NodeMetrics?) {
        self.api = api
        self.witness = witness
        self.metrics = metrics
        let config = api.service.config
        publishLimiter = config.publishRateLimit.map { RateLimiter(.init(rate: $0, burst: max(1, 2 * $0))) }
        gossipLimiter = config.gossipRateLimit.map { RateLimiter(.init(rate: $0, burst: max(1, 2 * $0))) }
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await route(request, context: context)
        metrics?.request(route: ChronicleRoute.metricsLabel(request.uri.path), status: response.status.code,
                         duration: ContinuousClock.now - started)
        return response
    }

    func route(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let path = request.uri.path
        if path == "/metrics", let metrics {
            // SPEC: issue 5 — Prometheus text exposition, state gauges read from the database now.
            let config = api.service.config
            do {
                let text = try metrics.render(database: api.database, now: api.service.clock.now(), pollInterval: config.pollInterval)
                return Self.response(APIResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                                 body: Array(text.utf8)))
            } catch {
                context.logger.error("metrics read failed: \(error)")
                return Self.response(WitnessAPI.error("internal error; the node logged the details", status: 500))
            }
        }
        if WitnessAPI.handles(path) {
            var body: [UInt8] = []
            if request.method == .post {
                if let gossipLimiter, let wait = await gossipLimiter.acquire(context.remoteAddress?.ipAddress ?? "unknown") {
                    return Self.response(Self.tooMany(WitnessAPI.error("too many gossip requests from this address; retry later", status: 429), wait))
                }
                // SPEC: witness-protocol §5 — a gossip body over 1 MiB is refused with 413 and changes nothing.
                do {
                    body = Array(try await request.collectBody(upTo: GossipMessage.maxBodyBytes).readableBytesView)
                } catch {
                    return Self.response(WitnessAPI.error("request body too large (limit \(GossipMessage.maxBodyBytes) bytes)", status: 413))
                }
            }
            let signatures = request.headers[values: HTTPField.Name(GossipSignature.headerName)!]
            let answer = await witness.respond(method: request.method.rawValue, path: path, query: request.uri.query, body: body,
                                               gossipSignatures: signatures)
            return Self.response(request.method == .head ? APIResponse(status: answer.status, headers: answer.headers, body: []) : answer)
        }
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        var body: [UInt8] = []
        if request.method != .get, request.method != .head {
            if request.method == .post, path == "/chronicle/publish", let publishLimiter,
               let client = request.headers[HTTPField.Name(Sapient.clientHeader)!], let wait = await publishLimiter.acquire(client) {
                let refusal = APIResponse.signedError("Too many requests from this client; retry later.", status: 429,
                                                      at: api.service.clock.now(), key: api.key)
                return Self.response(Self.tooMany(refusal, wait))
            }
            do {
                let buffer = try await request.collectBody(upTo: api.service.config.maxBodyBytes)
                body = Array(buffer.readableBytesView)
            } catch {
                // SPEC: issue 2 — a body over the limit is refused whole and changes nothing.
                let refusal = APIResponse.signedError("Request body too large (limit \(api.service.config.maxBodyBytes) bytes).",
                                                      status: 413, at: api.service.clock.now(), key: api.key)
                return Self.response(refusal)
            }
        }
        let answer = await api.respond(to: ChronicleAPI.Request(method: request.method.rawValue, path: path,
                                                                headers: headers, body: body))
        return Self.response(request.method == .head ? APIResponse(status: answer.status, headers: answer.headers, body: []) : answer)
    }

    /// Adds `Retry-After` (whole seconds, at least 1) to a 429.
    static func tooMany(_ answer: APIResponse, _ wait: Duration) -> APIResponse {
        var answer = answer
        answer.headers.append(("Retry-After", "\(max(1, wait.components.seconds + (wait.components.attoseconds > 0 ? 1 : 0)))"))
        return answer
    }

    static func response(_ answer: APIResponse) -> Response {
        var fields = HTTPFields()
        for header in answer.headers {
            // Header names are ours and valid; `rawName` keeps `Body-Signature-Ed25519` in this exact case on HTTP/1.1.
            fields.append(HTTPField(name: HTTPField.Name(header.name)!, value: header.value))
        }
        return Response(status: .init(code: answer.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
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

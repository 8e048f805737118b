import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import WitnessCore
import WitnessNode
import WitnessStore

/// Adapts Hummingbird requests to `ChronicleAPI` and `WitnessAPI` and back, deciding who is
/// asking before spending anything on them (issue 9, "a server that authenticates before it spends"):
///
/// - request bodies are collected under one bound for all connections (`max-inflight-body-bytes`);
/// - a publish without its headers, or from an unknown client, is answered without reading its
///   body (the same signed refusal stock Chronicle gives); publishes are rate-limited per
///   *verified* client inside the API, failed attempts per address here;
/// - gossip is rate-limited per authenticated peer, strangers sharing one bucket, and a sender
///   claiming a peer's name without its signature counts as a failed attempt of its address;
/// - addresses come from `X-Forwarded-For` only through `trusted-proxies`.
struct ChronicleResponder: HTTPResponder {
    typealias Context = WitnessRequestContext

    let api: ChronicleAPI
    let witness: WitnessAPI
    /// Request latency histograms and `/metrics` (nil: no metrics).
    let metrics: NodeMetrics?
    /// Gossip per authenticated peer; strangers share the bucket `strangersKey`.
    let gossipLimiter: RateLimiter?
    /// Failed authentications (publish, admin, gossip signatures) per address.
    let failures: RateLimiter
    /// Request bodies held at once.
    let inflight: InflightBodies
    /// Who is asking.
    let address: ClientAddress
    /// The C2SP tlog-witness role (`POST /add-checkpoint`).
    let logWitness: LogWitness

    /// The bucket every stranger's gossip shares.
    static let strangersKey = "strangers"

    init(api: ChronicleAPI, witness: WitnessAPI, metrics: NodeMetrics?) {
        self.api = api
        self.witness = witness
        self.metrics = metrics
        let config = api.service.config
        gossipLimiter = config.gossipRateLimit.map { RateLimiter(.init(rate: $0, burst: max(1, 2 * $0))) }
        failures = RateLimiter(.init(rate: 2, burst: 30))
        inflight = InflightBodies(limit: config.maxInflightBodyBytes)
        address = ClientAddress(trustedProxies: Set(config.trustedProxies))
        logWitness = LogWitness(service: api.service)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let (response, label) = try await route(request, context: context)
        metrics?.request(route: label, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }

    /// The answer and its metrics label (the route pattern, found while routing: a path is parsed once).
    func route(_ request: Request, context: Context) async throws -> (Response, String) {
        let path = request.uri.path
        if path == Self.addCheckpointPath { return (await addCheckpoint(request, context: context), path) }
        if WitnessAPI.handles(path) { return (try await witnessRoute(request, context: context), ChronicleRoute.witnessLabel(path)) }
        guard path != "/metrics" else { return (metricsPage(context), path) }
        let route = ChronicleRoute.parse(path: path)
        return (await chronicleRoute(request, route: route, context: context), route?.pattern ?? "unmatched")
    }

    private func metricsPage(_ context: Context) -> Response {
        if let metrics {
            // SPEC: issue 5 — Prometheus text exposition, state gauges read from the database now.
            let config = api.service.config
            do {
                let text = try metrics.render(database: api.database, now: api.service.clock.now(), pollInterval: config.pollInterval)
                return Self.response(APIResponse(status: StatusMap.ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                                 body: Array(text.utf8)))
            } catch {
                context.logger.error("metrics read failed: \(error)")
                return Self.response(WitnessAPI.refusal(.internalError("internal error; the node logged the details")))
            }
        }
        return Self.response(.notFoundPage)
    }

    private func witnessRoute(_ request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let answer = request.method == .post
            ? await gossip(request, from: address.of(remote: context.remoteAddress, headers: request.headers))
            : await witness.respond(method: request.method.rawValue, path: path, query: request.uri.query)
                .conditional(ifNoneMatch: request.headers[values: .ifNoneMatch])
        return Self.response(request.method == .head ? Self.headOnly(answer) : answer)
    }

    private func chronicleRoute(_ request: Request, route: ChronicleRoute?, context: Context) async -> Response {
        let path = request.uri.path
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        var apiRequest = ChronicleAPI.Request(method: request.method.rawValue, path: path, headers: headers)
        guard request.method != .get, request.method != .head else {
            let answer = await api.respond(to: apiRequest, route: route)
            return Self.response(request.method == .head ? Self.headOnly(answer) : answer)
        }
        let client = address.of(remote: context.remoteAddress, headers: request.headers)
        if let wait = failures.wait(client) {
            return Self.response(Self.tooMany(signed(.tooManyRequests("Too many failed requests from this address; retry later.", retryAfter: 1)), wait))
        }
        // A publish that cannot authenticate whatever its body says is refused before the body is read.
        if request.method == .post, route == .publish {
            guard let known = mayAuthenticate(apiRequest) else {
                let answer = await api.respond(to: apiRequest, route: route)
                _ = failures.acquire(client)
                return Self.response(answer)
            }
            apiRequest.client = known
        }
        let outcome = await inflight.withBody(request, limit: api.service.config.maxBodyBytes) { body in
            apiRequest.body = body
            return await api.respond(to: apiRequest, route: route)
        }
        switch outcome {
        case .success(let answer):
            if StatusMap.isAuthenticationFailure(answer.status) { _ = failures.acquire(client) }
            return Self.response(answer)
        case .failure(.tooLarge(let limit)):
            // SPEC: issue 2 — a body over the limit is refused whole and changes nothing.
            return Self.response(signed(.tooLarge("Request body too large (limit \(limit) bytes).")))
        case .failure(.busy):
            return Self.response(Self.tooMany(signed(.busy("The server is busy; retry later.")), .seconds(1)))
        }
    }

    /// The client a publish's headers name, if they name exactly one known client with a key and
    /// carry a signature: the checks stock Chronicle makes before it reads the body
    /// (chronicle-protocol §5.3). Authentication uses this record rather than looking it up again.
    private func mayAuthenticate(_ request: ChronicleAPI.Request) -> ClientRecord? {
        let ids = request.values(of: Sapient.clientHeader)
        let signed = !request.values(of: Sapient.signatureHeader).isEmpty
        guard ids.count == 1, signed, let client = try? api.database.client(publicid: ids[0]), client.key != nil else { return nil }
        return client
    }

    /// `POST` under the witness API: gossip, rate-limited by who is asking.
    private func gossip(_ request: Request, from client: String) async -> APIResponse {
        let signatures = request.headers[values: HTTPField.Name(GossipSignature.headerName)!]
        let claimsPeer = witness.gossip?.claimsTrustedPeer(signatures) ?? false
        if let wait = failures.wait(client) {
            return Self.tooMany(WitnessAPI.refusal(.tooMany("too many failed requests from this address; retry later")), wait)
        }
        // A stranger spends the shared budget before its body is read; a claimed peer only once verified.
        if !claimsPeer, let gossipLimiter, let wait = gossipLimiter.acquire(Self.strangersKey) {
            return Self.tooMany(WitnessAPI.refusal(.tooMany("too many gossip requests from strangers; retry later")), wait)
        }
        let limiter = gossipLimiter, failures = self.failures
        let admit: @Sendable (PeerRecord?) async -> Bool = { peer in
            if let peer { return limiter?.acquire(peer.vkey.description) == nil }
            guard claimsPeer else { return true }
            // It named a trusted peer but is not it: a failed attempt, and a stranger's share.
            _ = failures.acquire(client)
            return limiter?.acquire(Self.strangersKey) == nil
        }
        // SPEC: witness-protocol §5 — a gossip body over 1 MiB is refused with 413 and changes nothing.
        let outcome = await inflight.withBody(request, limit: GossipMessage.maxBodyBytes) { body in
            await witness.respond(method: "POST", path: request.uri.path, query: request.uri.query, body: body,
                                  gossipSignatures: signatures, admit: admit)
        }
        switch outcome {
        case .success(let answer):
            return StatusMap.isThrottled(answer.status) ? Self.tooMany(answer, .seconds(1)) : answer
        case .failure(.tooLarge(let limit)):
            return WitnessAPI.refusal(.tooLarge("request body too large (limit \(limit) bytes)"))
        case .failure(.busy):
            return Self.tooMany(WitnessAPI.refusal(.busy("the server is busy; retry later")), .seconds(1))
        }
    }

    private func signed(_ refusal: ChronicleRefusal) -> APIResponse {
        APIResponse.signedError(refusal, at: api.service.clock.now(), key: api.key)
    }

    static func headOnly(_ answer: APIResponse) -> APIResponse { APIResponse(status: answer.status, headers: answer.headers, body: []) }

    /// Adds `Retry-After` (whole seconds, at least 1) to a 429 or 503.
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
        if let stream = answer.stream {
            return Response(status: .init(code: answer.status), headers: fields, body: ResponseBody(contentLength: stream.count) { writer in
                try await stream.write { piece in try await writer.write(ByteBuffer(bytes: piece)) }
                // Without it the connection never learns the response ended: it stays busy and
                // holds a graceful shutdown until the client closes it.
                try await writer.finish(nil)
            })
        }
        return Response(status: .init(code: answer.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

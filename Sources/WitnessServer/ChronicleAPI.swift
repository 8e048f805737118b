import Logging
import WitnessCore
import WitnessNode
import WitnessStore

/// The Chronicle HTTP API over the node's own ledger, as a function from request to exact bytes.
///
/// Hummingbird is only the socket (see `WitnessApplication`): every status, header and body is
/// decided here, so fixture replays can compare bytes without a network.
public struct ChronicleAPI: Sendable {
    /// The write side (and the database, key, config and clock it holds).
    public let service: ChronicleService
    /// Signed read answers reused within a second over an unchanged ledger.
    let cache = ResponseCache()
    /// Signed exports of an unchanged ledger, kept up to a minute.
    let exportCache: ExportCache
    /// Publishes per verified client (`publish-rate-limit`), nil without a limit.
    let publishLimiter: RateLimiter?

    /// Makes the API.
    public init(service: ChronicleService) {
        self.init(service: service, exportCache: ExportCache())
    }

    /// Makes the API with its export cache's limits (tests make an export stream with a small one).
    init(service: ChronicleService, exportCache: ExportCache) {
        self.service = service
        self.exportCache = exportCache
        publishLimiter = service.config.publishRateLimit.map { RateLimiter(.init(rate: $0, burst: Swift.max(1, 2 * $0))) }
    }

    var database: WitnessDatabase { service.database }
    var key: Ed25519SecretKey { service.key }
    var logger: Logger { service.logger }

    /// A request reduced to what the API reads.
    public struct Request: Sendable {
        /// `GET`, `POST`, …
        public var method: String
        /// Path without the query string, not decoded.
        public var path: String
        /// Header fields in order.
        public var headers: [(name: String, value: String)]
        /// The body (already size-limited by the caller).
        public var body: [UInt8]
        /// The client the headers name, when the caller looked it up before reading the body.
        public var client: ClientRecord?

        /// Makes a request.
        public init(method: String, path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }

        func values(of name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    /// Answers one request.
    public func respond(to request: Request) async -> APIResponse {
        let path = request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        var request = request
        request.path = path
        return await respond(to: request, route: ChronicleRoute.parse(path: path))
    }

    /// Answers a request whose path (without a query string) the caller parsed already.
    func respond(to request: Request, route: ChronicleRoute?) async -> APIResponse {
        let path = request.path
        guard let route else { return .notFoundPage }
        let method = request.method == "HEAD" ? "GET" : request.method
        guard method == route.method else { return .methodNotAllowed(route.method) }
        let now = service.clock.now()
        do {
            switch route {
            case .home: return homePage()
            case .index: return try index(clientIDs: request.values(of: Sapient.clientHeader), now: now)
            case .lasthash: return try cached(path, now: now) { try lasthash(now: now) }
            case .lookup(let hash): return try cached(path, now: now) { try lookup(hash, now: now) }
            case .since(let hash, let page): return try cached(path, now: now) { try since(hash, page: page, now: now) }
            case .export(let page): return try await export(page: page, now: now)
            case .mirrors: return try mirrors(now: now)
            case .replicaIndex: return try replicaList(now: now)
            case .replica(let source, let rest): return try replica(source: source, rest: rest, path: path, now: now)
            case .publish, .register, .revoke: return await write(route, request, now: now)
            }
        } catch {
            logger.error("request failed", metadata: ["path": "\(path)", "error": "\(error)"])
            return .signedError(.internalError("Internal error; the node logged the details."), at: now, key: key)
        }
    }

    /// A ledger read through the response cache, keyed by the raw path, the second and the version
    /// of the ledger it reads: `ledgerVersion` for the own ledger (the default), `upstreamVersion`
    /// for a replica; neither costs a SQLite read.
    func cached(_ path: String, now: Timestamp, version: Int? = nil, _ render: () throws -> APIResponse) throws -> APIResponse {
        let version = version ?? database.ledgerVersion
        if let hit = cache.get(path, version: version, second: now.seconds) { return hit }
        let response = try render()
        cache.put(path, version: version, second: now.seconds, response)
        return response
    }

    // MARK: - Writes

    private func write(_ route: ChronicleRoute, _ request: Request, now: Timestamp) async -> APIResponse {
        let signed = ChronicleService.SignedRequest(clientIDs: request.values(of: Sapient.clientHeader),
                                                    signatures: request.values(of: Sapient.signatureHeader), body: request.body,
                                                    client: request.client)
        do {
            let results: JSONValue
            switch route {
            case .publish:
                let limiter = publishLimiter
                results = Self.appended(try await service.publish(signed) { client in
                    limiter?.acquire(client.publicid)
                })
            case .register:
                let (clientID, notice) = try await service.register(signed)
                var members = [JSONMember("client-id", .string(clientID))]
                if let notice { members.append(JSONMember("publish", Self.appended(notice))) }
                results = .object(members)
            default:
                let notice = try await service.revoke(signed)
                var members = [JSONMember("deleted", true)]
                if let notice { members.append(JSONMember("revoke", Self.appended(notice))) }
                results = .object(members)
            }
            return .signed(ChronicleEnvelope.ok(at: service.clock.now(), [JSONMember("results", results)]), key: key)
        } catch let refusal as ChronicleRefusal {
            logger.debug("write refused", metadata: ["path": "\(request.path)", "reason": "\(refusal.message)"])
            var answer = APIResponse.signedError(refusal, at: now, key: key)
            if case .tooManyRequests(_, let seconds) = refusal { answer.headers.append(("Retry-After", "\(seconds)")) }
            return answer
        } catch {
            logger.error("write failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            return .signedError(.internalError("Internal error; nothing was appended."), at: now, key: key)
        }
    }

    /// `{currhash, summaryhash, created}` as publish answers it.
    static func appended(_ entry: AppendedEntry) -> JSONValue {
        .object([JSONMember("currhash", .string(entry.currhash)),
                 JSONMember("summaryhash", .string(entry.summaryhash)),
                 JSONMember("created", .string(entry.created))])
    }
}

import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WitnessCore
import WitnessNode

/// Adapts Hummingbird requests to `ChronicleAPI` and back, enforcing the body size limit.
struct ChronicleResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let api: ChronicleAPI
    let witness: WitnessAPI

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        if WitnessAPI.handles(request.uri.path) {
            var body: [UInt8] = []
            if request.method == .post {
                // SPEC: witness-protocol §5 — a gossip body over 1 MiB is refused with 413 and changes nothing.
                do {
                    body = Array(try await request.collectBody(upTo: GossipMessage.maxBodyBytes).readableBytesView)
                } catch {
                    return Self.response(WitnessAPI.error("request body too large (limit \(GossipMessage.maxBodyBytes) bytes)", status: 413))
                }
            }
            let answer = await witness.respond(method: request.method.rawValue, path: request.uri.path,
                                               query: request.uri.query, body: body)
            return Self.response(request.method == .head ? APIResponse(status: answer.status, headers: answer.headers, body: []) : answer)
        }
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        var body: [UInt8] = []
        if request.method != .get, request.method != .head {
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
        let answer = await api.respond(to: ChronicleAPI.Request(method: request.method.rawValue, path: request.uri.path,
                                                                headers: headers, body: body))
        return Self.response(request.method == .head ? APIResponse(status: answer.status, headers: answer.headers, body: []) : answer)
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
public func buildApplication(node: NodeRuntime, host: String, port: Int, logger: Logger,
                             onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
    buildApplication(api: ChronicleAPI(service: node.ledger), witness: WitnessAPI(service: node.ledger, gossip: node.gossip),
                     host: host, port: port, services: node.services, logger: logger, onServerRunning: onServerRunning)
}

/// Builds the node's HTTP application: the Chronicle API plus any background services.
///
/// - Parameters:
///   - api: the Chronicle API of the node's ledger.
///   - witness: the witness API (default: without gossip).
///   - host/port: where to listen (port 0 picks a free port; `onServerRunning` learns it).
///   - services: background services run in the same `ServiceGroup` (poller, gossip, …).
public func buildApplication(api: ChronicleAPI, witness: WitnessAPI? = nil, host: String, port: Int, services: [any Service] = [],
                             logger: Logger,
                             onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        responder: ChronicleResponder(api: api, witness: witness ?? WitnessAPI(service: api.service)),
        // A slow or silent client is dropped after 30 s of idleness instead of holding a connection.
        server: .http1(configuration: .init(idleTimeout: .seconds(30))),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}

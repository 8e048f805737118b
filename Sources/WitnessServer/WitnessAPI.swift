import Logging
import WitnessCore
import WitnessNode
import WitnessStore

/// The witness endpoints under `/witness/v1/` (JSON; errors as `{"error": "…"}`).
///
/// SPEC: witness-protocol §8 — JSON endpoints answer errors as `{"error": "<message>"}` with a
/// 4xx status for bad input and 5xx only for the node's own faults.
public struct WitnessAPI: Sendable {
    /// The node's ledger service (database, key, config, clock).
    public let service: ChronicleService

    /// Makes the API.
    public init(service: ChronicleService) { self.service = service }

    /// Whether `path` belongs to this API.
    public static func handles(_ path: String) -> Bool { path.hasPrefix("/witness/") }

    /// Answers one request.
    public func respond(method: String, path: String) async -> APIResponse {
        let path = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        switch path {
        case "/witness/v1/upstreams":
            guard method == "GET" || method == "HEAD" else { return Self.error("use GET", status: 405) }
            do {
                let statuses = try UpstreamStatus.all(in: service.database, now: service.clock.now(),
                                                      pollInterval: service.config.pollInterval)
                return json(.object([
                    JSONMember("witness", .string(VerifierKey(name: service.config.name, publicKey: service.key.publicKey).description)),
                    JSONMember("time", .string(service.clock.now().rfc3339)),
                    JSONMember("upstreams", .array(statuses.map(\.json))),
                ]))
            } catch {
                service.logger.error("status read failed: \(error)")
                return Self.error("internal error; the node logged the details", status: 500)
            }
        default:
            return Self.error("no such witness endpoint: \(path)", status: 404)
        }
    }

    /// A 200 JSON answer, signed with the node key like every Chronicle body.
    func json(_ value: JSONValue) -> APIResponse {
        APIResponse.signed(value, key: service.key)
    }

    /// `{"error": message}`.
    static func error(_ message: String, status: Int) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", "application/json")],
                    body: PHPJSON.pretty(.object([JSONMember("error", .string(message))])))
    }
}

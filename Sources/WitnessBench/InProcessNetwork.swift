import Synchronization
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer

/// An `OutboundTransport` that delivers gossip and position requests to nodes in the same process,
/// exactly as the HTTP face would answer them (status, body, the node's signature), without
/// sockets: the gossip benchmark runs a hundred nodes with it. URLs are `inproc://<name>`.
package final class InProcessNetwork: OutboundTransport {
    private struct State {
        var nodes: [String: Gossip] = [:]
        var bytes = 0
        var exchanges = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// Makes `gossip` reachable at `inproc://<name>`.
    package func register(_ name: String, _ gossip: Gossip) {
        state.withLock { $0.nodes[name] = gossip }
    }

    /// The URL of a registered node.
    package static func url(_ name: String) -> String { "inproc://\(name)" }

    /// Bytes carried (requests and answers) and gossip exchanges so far; `reset` zeroes them.
    package func traffic(reset: Bool = false) -> (bytes: Int, exchanges: Int) {
        state.withLock { s in
            defer { if reset { s.bytes = 0; s.exchanges = 0 } }
            return (s.bytes, s.exchanges)
        }
    }

    private func node(_ url: String) throws(OutboundError) -> (Gossip, path: String) {
        guard url.hasPrefix("inproc://") else { throw .transport(url: url, reason: "not an in-process URL") }
        let rest = url.dropFirst("inproc://".count)
        let name = String(rest.prefix { $0 != "/" })
        guard let gossip = state.withLock({ $0.nodes[name] }) else { throw .transport(url: url, reason: "no such node") }
        return (gossip, String(rest.dropFirst(name.count)))
    }

    package func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        request.method == "POST" ? try await post(request, maxBytes: maxBytes) : try get(request.url, maxBytes: maxBytes)
    }

    private func post(_ request: OutboundRequest, maxBytes: Int) async throws(OutboundError) -> OutboundResponse {
        let (url, body) = (request.url, request.body)
        let (gossip, path) = try node(url)
        guard path == "/witness/v1/gossip" else { throw .refused(url: url, status: 404, message: "no such endpoint") }
        let reply = await gossip.receive(body, signatures: request.headers.filter { $0.name == GossipSignature.headerName }.map(\.value))
        let (status, answer) = (StatusMap.status(reply.kind), reply.body)
        guard answer.count <= maxBytes else { throw .responseTooLarge(url: url, limit: maxBytes) }
        state.withLock { s in
            s.bytes += body.count + answer.count
            s.exchanges += 1
        }
        return OutboundResponse(status: status, signatures: [Sapient.sign(answer, with: gossip.key)], body: answer,
                            gossipSignatures: reply.signature.map { [$0] } ?? [])
    }

    private func get(_ url: String, maxBytes: Int) throws(OutboundError) -> OutboundResponse {
        let (gossip, path) = try node(url)
        let query = path.split(separator: "?", maxSplits: 1)
        let parts = query[0].split(separator: "/")
        guard parts.count == 5, parts[2] == "position", let size = Int(parts[4]) else {
            throw .refused(url: url, status: 404, message: "no such endpoint")
        }
        let material = query.count < 2 || query[1] != "material=0"
        let answer: Result<PositionAttestation, WitnessView.PositionRefusal>
        do { answer = try gossip.view.position(originHash: String(parts[3]), size: size, material: material) } catch {
            throw .refused(url: url, status: 500, message: "\(error)")
        }
        guard case .success(let attestation) = answer else { throw .refused(url: url, status: 404, message: "not served") }
        let body = PHPJSON.pretty(attestation.json)
        state.withLock { $0.bytes += body.count }
        return OutboundResponse(status: 200, signatures: [Sapient.sign(body, with: gossip.key)], body: body)
    }
}

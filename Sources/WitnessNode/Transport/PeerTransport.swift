import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessClient
import WitnessCore

/// One raw answer from a peer witness, before any check: the same shape as an upstream's.
public typealias PeerResponse = UpstreamResponse

/// Why an exchange with a peer failed. The peer backs off; nothing of ours changed.
public enum PeerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection failed or broke off.
    case transport(url: String, reason: String)
    /// No complete answer within the deadline.
    case timeout(url: String)
    /// The answer exceeded the size limit.
    case tooLarge(url: String, limit: Int)
    /// The peer answered with an error status.
    case refused(url: String, status: Int, message: String)
    /// The answer is not what the witness protocol describes.
    case malformed(url: String, reason: String)

    public var description: String {
        switch self {
        case .transport(let u, let r): return "\(u): \(r)"
        case .timeout(let u): return "\(u): no complete answer in time"
        case .tooLarge(let u, let l): return "\(u): answer larger than \(l) bytes; refused"
        case .refused(let u, let s, let m): return "\(u): HTTP \(s): \(m)"
        case .malformed(let u, let r): return "\(u): \(r)"
        }
    }
}

/// Where the world comes in for gossip: how a node reaches its peers. Tests and the gossip
/// benchmark substitute an in-process network.
public protocol PeerTransport: Sendable {
    /// POSTs a JSON body with extra `headers`, refusing answers over `maxBytes`, giving up after
    /// `timeout` in total.
    func post(_ url: String, body: [UInt8], headers: [(String, String)], maxBytes: Int, timeout: Duration) async throws(PeerError) -> PeerResponse
    /// GETs `url` under the same limits.
    func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(PeerError) -> PeerResponse
}

/// The production peer transport over AsyncHTTPClient.
public struct HTTPPeerTransport: PeerTransport {
    let http: HTTPClient

    /// Uses `http` (default: the outbound client, which never follows redirects).
    public init(http: HTTPClient = OutboundHTTP.client) { self.http = http }

    public func post(_ url: String, body: [UInt8], headers: [(String, String)], maxBytes: Int,
                     timeout: Duration) async throws(PeerError) -> PeerResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await run(request, url: url, maxBytes: maxBytes, timeout: timeout)
    }

    public func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(PeerError) -> PeerResponse {
        try await run(HTTPClientRequest(url: url), url: url, maxBytes: maxBytes, timeout: timeout)
    }

    private func run(_ request: HTTPClientRequest, url: String, maxBytes: Int, timeout: Duration) async throws(PeerError) -> PeerResponse {
        switch await OutboundHTTP.exchange(request, maxBytes: maxBytes, timeout: timeout, http: http) {
        case .success(let r):
            return PeerResponse(status: r.status, signatures: r.headers[Sapient.signatureHeader], body: r.body,
                                gossipSignatures: r.headers[GossipSignature.headerName])
        case .failure(.tooLarge): throw .tooLarge(url: url, limit: maxBytes)
        case .failure(.timeout): throw .timeout(url: url)
        case .failure(.transport(let reason)): throw .transport(url: url, reason: reason)
        case .failure(.cancelled): throw .transport(url: url, reason: "cancelled")
        }
    }
}

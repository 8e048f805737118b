import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessClient
import WitnessCore

/// One raw HTTP answer (from an upstream or a peer), before any check.
public struct UpstreamResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Every `Body-Signature-Ed25519` value.
    public var signatures: [String]
    /// The exact body bytes.
    public var body: [UInt8]
    /// Every `Gossip-Signature` value (peer answers, witness-protocol §5.1).
    public var gossipSignatures: [String]

    /// Makes a response.
    public init(status: Int, signatures: [String], body: [UInt8], gossipSignatures: [String] = []) {
        self.status = status
        self.signatures = signatures
        self.body = body
        self.gossipSignatures = gossipSignatures
    }
}

/// Where the world comes in: how the poller reaches an upstream. Tests substitute hostile fakes.
public protocol UpstreamTransport: Sendable {
    /// GETs `url`, refusing bodies over `maxBytes` and giving up after `timeout` in total
    /// (headers and body: a slow upstream cannot hold a poll forever).
    func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(UpstreamError) -> UpstreamResponse
}

/// The production transport over AsyncHTTPClient.
public struct HTTPUpstreamTransport: UpstreamTransport {
    let http: HTTPClient

    /// Uses `http` (default: the outbound client, which never follows redirects).
    public init(http: HTTPClient = OutboundHTTP.client) { self.http = http }

    public func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(UpstreamError) -> UpstreamResponse {
        switch await OutboundHTTP.exchange(HTTPClientRequest(url: url), maxBytes: maxBytes, timeout: timeout, http: http) {
        case .success(let response):
            return UpstreamResponse(status: response.status, signatures: response.headers[Sapient.signatureHeader], body: response.body)
        case .failure(.tooLarge): throw .responseTooLarge(url: url, limit: maxBytes)
        case .failure(.timeout): throw .timeout(url: url, seconds: Int(timeout.components.seconds))
        case .failure(.transport(let reason)): throw .transport(url: url, reason: reason)
        case .failure(.cancelled): throw .transport(url: url, reason: "cancelled")
        }
    }
}

import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessCore

/// One request on its way out.
public struct OutboundRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Extra headers, in order.
    public var headers: [(name: String, value: String)]
    /// The exact body (empty for a GET).
    public var body: [UInt8]

    /// Makes a request.
    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One raw answer, before any check.
public struct OutboundResponse: Sendable {
    /// HTTP status (3xx included: nothing is followed).
    public var status: Int
    /// Every header, in order.
    public var headers: [(name: String, value: String)]
    /// The exact body bytes.
    public var body: [UInt8]

    /// Makes a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response carrying `Body-Signature-Ed25519` and `Gossip-Signature` values (how fakes answer).
    public init(status: Int, signatures: [String], body: [UInt8], gossipSignatures: [String] = []) {
        self.init(status: status, headers: signatures.map { (Sapient.signatureHeader, $0) }
                    + gossipSignatures.map { (GossipSignature.headerName, $0) }, body: body)
    }

    /// Every value of header `name` (case-insensitive), in order.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.name.equalsIgnoringCase(name) }.map(\.value)
    }

    /// Every `Body-Signature-Ed25519` value.
    public var signatures: [String] { values(Sapient.signatureHeader) }
    /// Every `Gossip-Signature` value (peer answers, witness-protocol §5.1).
    public var gossipSignatures: [String] { values(GossipSignature.headerName) }

    /// The `Body-Signature-Ed25519` value that verifies under `key`, whatever the status.
    ///
    /// SPEC: witness-protocol §2 and chronicle-protocol §3 — a body is used only under a valid
    /// signature. Without one: a 3xx is a refused redirect, a 5xx or an unsigned 4xx an
    /// unsigned error; anything else (a 2xx, a 4xx with a signature that does not verify) is a
    /// bad signature.
    public func signature(verifiedBy key: Ed25519PublicKey, url: String) throws(OutboundError) -> String {
        let signatures = self.signatures
        if let good = signatures.first(where: { Sapient.verify(body, headerValues: [$0], key: key) }) { return good }
        if (300..<400).contains(status) { throw .refused(url: url, status: status, message: "a redirect, which is never followed") }
        if status >= 500 || (status >= 400 && signatures.isEmpty) {
            throw .refused(url: url, status: status, message: "unsigned error response")
        }
        throw .badResponseSignature(url: url)
    }
}

extension String {
    fileprivate func equalsIgnoringCase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}

/// Where the world comes in: every outbound exchange of the node and of the client library goes
/// through one of these. `HTTPTransport` is the real one; tests and benchmarks substitute fakes
/// and in-process networks that keep the same contract (cap, deadline, no redirects).
public protocol OutboundTransport: Sendable {
    /// Sends `request`, refusing bodies over `maxBytes` and giving up after `timeout` in total
    /// (headers and body: a slow server cannot hold the caller).
    func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse
}

extension OutboundTransport {
    /// GETs `url`.
    public func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        try await send(OutboundRequest(url: url), maxBytes: maxBytes, timeout: timeout)
    }

    /// POSTs `body` with `headers`.
    public func post(_ url: String, body: [UInt8], headers: [(name: String, value: String)], maxBytes: Int,
                     timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        try await send(OutboundRequest(method: "POST", url: url, headers: headers, body: body), maxBytes: maxBytes, timeout: timeout)
    }

    /// GETs `url` and returns the answer with the signature that verified under `key`.
    public func signedGET(_ url: String, key: Ed25519PublicKey, maxBytes: Int,
                          timeout: Duration) async throws(OutboundError) -> (response: OutboundResponse, signature: String) {
        let response = try await get(url, maxBytes: maxBytes, timeout: timeout)
        return (response, try response.signature(verifiedBy: key, url: url))
    }
}

/// The production transport: `OutboundHTTP.exchange` over AsyncHTTPClient.
public struct HTTPTransport: OutboundTransport {
    let http: HTTPClient

    /// Uses `http` (default: the outbound client, which never follows redirects).
    public init(http: HTTPClient = OutboundHTTP.client) { self.http = http }

    public func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if request.method != "GET" { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        switch await OutboundHTTP.exchange(outgoing, maxBytes: maxBytes, timeout: timeout, http: http) {
        case .success(let r):
            return OutboundResponse(status: r.status, headers: r.headers.map { ($0.name, $0.value) }, body: r.body)
        case .failure(.tooLarge): throw .responseTooLarge(url: request.url, limit: maxBytes)
        case .failure(.timeout): throw .timeout(url: request.url, seconds: Int(timeout.components.seconds))
        case .failure(.transport(let reason)): throw .transport(url: request.url, reason: reason)
        case .failure(.cancelled): throw .transport(url: request.url, reason: "cancelled")
        }
    }
}

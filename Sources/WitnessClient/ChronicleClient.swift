import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessCore

/// A client of any Chronicle (this node or stock PHP): signed reads and signed publishes.
///
/// Every response is checked against the pinned server key before its body is parsed, and every
/// body is read with a size limit, so a hostile server can neither forge nor flood.
public struct ChronicleClient: Sendable {
    /// The API base, e.g. `http://127.0.0.1:7380/chronicle` (no trailing slash).
    public let baseURL: String
    /// The server's pinned public key (nil only for the unsigned key discovery of `fetchPublicKey`).
    public let serverKey: Ed25519PublicKey?
    /// Largest response body accepted.
    public var maxResponseBytes: Int
    /// Per-request timeout.
    public var timeout: TimeAmount
    private let http: HTTPClient

    /// Makes a client; `http` defaults to the process-wide shared client.
    public init(baseURL: String, serverKey: Ed25519PublicKey?, http: HTTPClient = OutboundHTTP.client,
                maxResponseBytes: Int = 256 << 20, timeout: TimeAmount = .seconds(60)) throws(ChronicleClientError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { throw .badURL(baseURL) }
        self.baseURL = base
        self.serverKey = serverKey
        self.http = http
        self.maxResponseBytes = maxResponseBytes
        self.timeout = timeout
    }

    /// A verified response: status, exact body, parsed JSON.
    public struct SignedResponse: Sendable {
        /// HTTP status.
        public var status: Int
        /// Exact body bytes (what the signature covers).
        public var body: [UInt8]
        /// The `Body-Signature-Ed25519` value that verified.
        public var signature: String
        /// The parsed body.
        public var json: JSONValue
    }

    private func execute(_ request: HTTPClientRequest, url: String) async throws(ChronicleClientError) -> (Int, HTTPHeaders, [UInt8]) {
        switch await OutboundHTTP.exchange(request, maxBytes: maxResponseBytes, timeout: .nanoseconds(timeout.nanoseconds), http: http) {
        case .success(let response): return (response.status, response.headers, response.body)
        case .failure(.tooLarge): throw .responseTooLarge(url: url, limit: maxResponseBytes)
        case .failure(.timeout): throw .transport(url: url, reason: "no complete answer in time")
        case .failure(.transport(let reason)): throw .transport(url: url, reason: reason)
        case .failure(.cancelled): throw .transport(url: url, reason: "cancelled")
        }
    }

    /// Checks the signature (when a key is pinned) and parses the JSON body.
    private func verified(_ status: Int, _ headers: HTTPHeaders, _ body: [UInt8], url: String) throws(ChronicleClientError) -> SignedResponse {
        let signatures = headers[Sapient.signatureHeader]
        var valid = signatures.first ?? ""
        if let serverKey {
            guard let good = signatures.first(where: { Sapient.verify(body, headerValues: [$0], key: serverKey) }) else {
                if !(200..<300).contains(status) {
                    throw .refused(url: url, status: status, message: "unsigned error response")
                }
                throw .badResponseSignature(url: url)
            }
            valid = good
        }
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch {
            throw .malformedResponse(url: url, reason: error.description)
        }
        guard (200..<300).contains(status), json["status"]?.stringValue == "OK" else {
            throw .refused(url: url, status: status, message: json["message"]?.stringValue ?? "status is not OK")
        }
        return SignedResponse(status: status, body: body, signature: valid, json: json)
    }

    /// GETs `path` (relative to the base, e.g. `/lasthash`) and verifies the signed reply.
    public func get(_ path: String) async throws(ChronicleClientError) -> SignedResponse {
        let url = baseURL + path
        let request = HTTPClientRequest(url: url)
        let (status, headers, body) = try await execute(request, url: url)
        return try verified(status, headers, body, url: url)
    }

    /// Reads the index without trusting it and returns the `public-key` it names.
    ///
    /// Used only to compare with a key the operator supplies, as `bin/replicate.php` does.
    public func fetchPublicKey() async throws(ChronicleClientError) -> String {
        let unpinned = try ChronicleClient(baseURL: baseURL, serverKey: nil, http: http, maxResponseBytes: 1 << 20, timeout: timeout)
        let response = try await unpinned.get("")
        guard let key = response.json["public-key"]?.stringValue else {
            throw .malformedResponse(url: baseURL, reason: "no \"public-key\" in the index")
        }
        return key
    }

    /// Publishes `body` signed with `key` as client `clientID`; returns the verified `results`.
    ///
    /// SPEC: chronicle-protocol §4.8 — raw body, `Chronicle-Client-Key-ID`, `Body-Signature-Ed25519`.
    public func publish(_ body: [UInt8], clientID: String, key: Ed25519SecretKey, path: String = "/publish",
                        contentType: String? = nil) async throws(ChronicleClientError) -> SignedResponse {
        let url = baseURL + path
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: Sapient.clientHeader, value: clientID)
        request.headers.add(name: Sapient.signatureHeader, value: Sapient.sign(body, with: key))
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let (status, headers, responseBody) = try await execute(request, url: url)
        return try verified(status, headers, responseBody, url: url)
    }
}

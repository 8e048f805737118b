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
    /// Total time allowed for one request, body included.
    public var timeout: Duration
    private let transport: any OutboundTransport

    /// Makes a client; `transport` defaults to the process-wide outbound HTTP client.
    public init(baseURL: String, serverKey: Ed25519PublicKey?, transport: any OutboundTransport = HTTPTransport(),
                maxResponseBytes: Int = 256 << 20, timeout: Duration = .seconds(60)) throws(OutboundError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { throw .badURL(baseURL) }
        self.baseURL = base
        self.serverKey = serverKey
        self.transport = transport
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

    /// Checks the signature (when a key is pinned) and parses the JSON body.
    private func verified(_ response: OutboundResponse, url: String) throws(OutboundError) -> SignedResponse {
        let signature = try serverKey.map { key throws(OutboundError) in try response.signature(verifiedBy: key, url: url) }
            ?? response.signatures.first ?? ""
        let json: JSONValue
        do { json = try JSONParser.parse(response.body) } catch {
            throw .malformedResponse(url: url, reason: error.description)
        }
        guard (200..<300).contains(response.status), json["status"]?.stringValue == "OK" else {
            throw .refused(url: url, status: response.status, message: json["message"]?.stringValue ?? "status is not OK")
        }
        return SignedResponse(status: response.status, body: response.body, signature: signature, json: json)
    }

    /// GETs `path` (relative to the base, e.g. `/lasthash`) and verifies the signed reply.
    public func get(_ path: String) async throws(OutboundError) -> SignedResponse {
        let url = baseURL + path
        return try verified(try await transport.get(url, maxBytes: maxResponseBytes, timeout: timeout), url: url)
    }

    /// Reads the index without trusting it and returns the `public-key` it names.
    ///
    /// Used only to compare with a key the operator supplies, as `bin/replicate.php` does.
    public func fetchPublicKey() async throws(OutboundError) -> String {
        let unpinned = try ChronicleClient(baseURL: baseURL, serverKey: nil, transport: transport, maxResponseBytes: 1 << 20, timeout: timeout)
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
                        contentType: String? = nil) async throws(OutboundError) -> SignedResponse {
        let url = baseURL + path
        var headers: [(name: String, value: String)] = [(Sapient.clientHeader, clientID), (Sapient.signatureHeader, Sapient.sign(body, with: key))]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let response = try await transport.post(url, body: body, headers: headers, maxBytes: maxResponseBytes, timeout: timeout)
        return try verified(response, url: url)
    }
}

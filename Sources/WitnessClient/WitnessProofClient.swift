import WitnessCore

/// Fetches proofs from a witness (witness-protocol v2 §7.1) and verifies them offline.
///
/// A proof authenticates itself — the entry recomputes, its leaf walks to the checkpoint root and
/// the policy's witnesses cosigned that root — so the answers are not body-signed and any HTTP
/// cache may serve them. What a witness sends is only parsed here; `EntryProof.verify` decides.
public struct WitnessProofClient: Sendable {
    /// Total time allowed for one request.
    public var timeout: Duration
    private let transport: any OutboundTransport

    /// Makes a client over `transport` (default: the process-wide outbound HTTP client).
    public init(transport: any OutboundTransport = HTTPTransport(), timeout: Duration = .seconds(10)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// The entry-proof URL of `origin`'s entry `hash` (raw currhash or summaryhash) at `witness`.
    public static func entryProofURL(witness: String, origin: String, hash: [UInt8]) -> String {
        proofURL(witness: witness, origin: origin, "entry/" + Base64URL.encode(hash))
    }

    /// `<witness>/witness/v1/proof/<hex(origin)>/<rest>`, the witness base without trailing slashes.
    static func proofURL(witness: String, origin: String, _ rest: String) -> String {
        var base = witness
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/witness/v1/proof/\(WitnessFreshnessClient.originHex(origin))/" + rest
    }

    /// Refuses a witness base that is not an http(s) URL.
    static func checkScheme(_ witness: String) throws(OutboundError) {
        guard witness.hasPrefix("http://") || witness.hasPrefix("https://") else { throw .badURL(witness) }
    }

    /// GETs the `c2sp.org/tlog-proof@v1` file for `origin`'s entry `hash` from the witness at
    /// `witness` (a base URL): its exact bytes and their parse. Not verified: call `verify`.
    public func entryProof(witness: String, origin: String, hash: [UInt8]) async throws(OutboundError) -> (bytes: [UInt8], proof: EntryProof) {
        try Self.checkScheme(witness)
        let url = Self.entryProofURL(witness: witness, origin: origin, hash: hash)
        let response = try await transport.get(url, maxBytes: EntryProof.maxBytes, timeout: timeout)
        guard response.status == 200 else {
            let message = (try? JSONParser.parse(response.body))?["error"]?.stringValue.map { Untrusted.excerpt($0, limit: 200) }
            throw .refused(url: url, status: response.status, message: message ?? "no error message")
        }
        let proof: EntryProof
        do { proof = try EntryProof(parsing: response.body) } catch { throw .malformedResponse(url: url, reason: error.description) }
        guard proof.cosigned.checkpoint.origin == origin else {
            throw .malformedResponse(url: url, reason: "the proof is against a checkpoint of \(proof.cosigned.checkpoint.origin), not \(origin)")
        }
        return (response.body, proof)
    }

    /// The RFC 6962 consistency proof between two verified sizes of `origin` at `witness`.
    public func consistencyProof(witness: String, origin: String, from oldSize: Int, to newSize: Int) async throws(OutboundError) -> [[UInt8]] {
        try Self.checkScheme(witness)
        let url = Self.proofURL(witness: witness, origin: origin, "consistency/\(oldSize)/\(newSize)")
        let response = try await transport.get(url, maxBytes: 64 * 64, timeout: timeout)
        guard response.status == 200 else { throw .refused(url: url, status: response.status, message: "no consistency proof") }
        var hashes: [[UInt8]] = []
        for line in response.body.split(separator: 0x0A) {
            guard let hash = Base64.decode(String(decoding: line, as: UTF8.self)), hash.count == 32, hashes.count < RFC6962.maxProofHashes else {
                throw .malformedResponse(url: url, reason: "not base64 hashes, one per line")
            }
            hashes.append(hash)
        }
        return hashes
    }
}

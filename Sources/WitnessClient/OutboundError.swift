import WitnessCore

/// Why an outbound exchange gave nothing usable: the one transport failure type, whoever asked
/// (the poller of an upstream, gossip with a peer, cross-signing, `check`, `publish`,
/// `verify-chain`). Callers that add a domain failure of their own wrap this one
/// (`UpstreamError.outbound`, `WitnessClientError.outbound`, `ChronicleClientError.outbound`).
///
/// The texts never echo fetched content beyond a status: they end up in public places
/// (`last_error` on the status page) and in logs.
public enum OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be used.
    case badURL(String)
    /// The connection failed or broke off.
    case transport(url: String, reason: String)
    /// No complete answer within the deadline (whole seconds).
    case timeout(url: String, seconds: Int)
    /// The body exceeded the size cap.
    case responseTooLarge(url: String, limit: Int)
    /// The server answered with an error status, or a redirect (never followed).
    case refused(url: String, status: Int, message: String)
    /// No `Body-Signature-Ed25519` value verifies under the pinned key.
    case badResponseSignature(url: String)
    /// The body is not what the endpoint answers.
    case malformedResponse(url: String, reason: String)

    /// The URL concerned.
    public var url: String {
        switch self {
        case .badURL(let u): return u
        case .transport(let u, _), .timeout(let u, _), .responseTooLarge(let u, _), .refused(let u, _, _),
             .badResponseSignature(let u), .malformedResponse(let u, _):
            return u
        }
    }

    public var description: String {
        switch self {
        case .badURL(let u): return "\(u) is not an http(s) URL"
        case .transport(let u, let r): return "\(u): \(r)"
        case .timeout(let u, let s): return "\(u): no complete answer within \(s)s"
        case .responseTooLarge(let u, let l): return "\(u): response larger than \(l) bytes; refused"
        case .refused(let u, let s, let m): return "\(u): HTTP \(s): \(m)"
        case .badResponseSignature(let u):
            return "\(u): the response's Body-Signature-Ed25519 does not verify under the pinned key; check the key or the URL"
        case .malformedResponse(let u, let r): return "\(u): malformed response: \(r)"
        }
    }
}

/// Why a Chronicle request failed, for operators and for callers that branch on it.
public enum ChronicleClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be used.
    case badURL(String)
    /// The server could not be reached or the exchange broke off.
    case transport(url: String, reason: String)
    /// The response body exceeded the limit.
    case responseTooLarge(url: String, limit: Int)
    /// No `Body-Signature-Ed25519` value verifies under the pinned key.
    case badResponseSignature(url: String)
    /// The body is not the JSON a Chronicle serves.
    case malformedResponse(url: String, reason: String)
    /// The server answered with an error (signed or not).
    case refused(url: String, status: Int, message: String)
    /// The index served another public key than the one configured.
    case publicKeyMismatch(url: String, served: String, expected: String)

    public var description: String {
        switch self {
        case .badURL(let u): return "\(u) is not an http(s) URL"
        case .transport(let u, let r): return "\(u): \(r)"
        case .responseTooLarge(let u, let l): return "\(u): response larger than \(l) bytes; refused"
        case .badResponseSignature(let u): return "\(u): the response's Body-Signature-Ed25519 does not verify under the configured public key"
        case .malformedResponse(let u, let r): return "\(u): malformed response: \(r)"
        case .refused(let u, let s, let m): return "\(u): HTTP \(s): \(m)"
        case .publicKeyMismatch(let u, let served, let expected): return "\(u) serves public key \(served), expected \(expected)"
        }
    }
}

import WitnessCore

/// Why asking one witness failed. The freshness check turns each into that witness's
/// "could not be asked" standing; callers branch on the case, never on the text.
public enum WitnessClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The witness's URL could not be used.
    case badURL(String)
    /// The witness could not be reached or the exchange broke off.
    case transport(url: String, reason: String)
    /// No complete answer within the per-request timeout.
    case timeout(url: String, seconds: Int)
    /// The response body exceeded the limit.
    case responseTooLarge(url: String, limit: Int)
    /// The witness answered with an error status (`{"error": …}` when it said why).
    case refused(url: String, status: Int, message: String)
    /// No `Body-Signature-Ed25519` value verifies under the witness's vkey.
    case badResponseSignature(url: String)
    /// The body is not the JSON the endpoint answers.
    case malformedResponse(url: String, reason: String)
    /// The answer is about another origin than the one asked for.
    case originMismatch(url: String, expected: String, served: String)
    /// The `cosigned` note is not a valid cosigned checkpoint.
    case badNote(url: String, NoteError)

    /// The URL concerned.
    public var url: String {
        switch self {
        case .badURL(let u): return u
        case .transport(let u, _), .timeout(let u, _), .responseTooLarge(let u, _), .refused(let u, _, _),
             .badResponseSignature(let u), .malformedResponse(let u, _), .originMismatch(let u, _, _), .badNote(let u, _):
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
        case .badResponseSignature(let u): return "\(u): the Body-Signature-Ed25519 does not verify under the witness's vkey"
        case .malformedResponse(let u, let r): return "\(u): malformed response: \(r)"
        case .originMismatch(let u, let e, let s): return "\(u): answered for origin \(s), not \(e)"
        case .badNote(let u, let e): return "\(u): \(e)"
        }
    }
}

/// Why a gossip message was refused whole (witness-protocol §5 limits, §8 errors).
public enum GossipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is over the 1 MiB limit (413).
    case tooLarge(bytes: Int, limit: Int)
    /// The body is not a JSON object.
    case notJSON(String)
    /// A top-level member is missing or malformed.
    case invalidField(String, String)
    /// More heads than the limit.
    case tooManyHeads(count: Int, limit: Int)
    /// Head `n` (1-based) carries a note with more signature lines than the limit.
    case tooManySignatures(Int, String)
    /// Head `n` (1-based) is malformed.
    case invalidHead(Int, String)
    /// Evidence object `n` (1-based) cannot be read.
    case invalidEvidence(Int, String)
    /// Head `n`'s upstream-signed body does not verify under its upstream key, or a known
    /// witness's line in its note does not verify.
    case badSignature(Int, String)
    /// Evidence object `n` does not prove what it claims: a receiver never stores or repeats it.
    case unprovenEvidence(Int, String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            return "the gossip body is \(bytes) bytes; at most \(limit) are accepted"
        case .notJSON(let reason): return "the gossip body is not a JSON object: \(reason)"
        case .invalidField(let field, let reason): return "gossip member \"\(field)\": \(reason)"
        case .tooManyHeads(let count, let limit): return "the gossip message carries \(count) heads; at most \(limit) are accepted"
        case .tooManySignatures(let n, let reason): return "head \(n): \(reason)"
        case .invalidHead(let n, let reason): return "head \(n): \(reason)"
        case .invalidEvidence(let n, let reason): return "evidence \(n): \(reason)"
        case .badSignature(let n, let reason): return "head \(n): \(reason)"
        case .unprovenEvidence(let n, let reason): return "evidence \(n) does not prove its kind: \(reason)"
        }
    }
}

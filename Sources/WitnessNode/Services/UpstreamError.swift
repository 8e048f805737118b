import WitnessClient
import WitnessCore

/// Why one poll of an upstream failed. Every case leaves the stored state as it was.
public enum UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The exchange gave nothing usable: unreachable, slow, too large, refused, unsigned, or not
    /// what a Chronicle serves.
    case outbound(OutboundError)
    /// A served entry broke a chain rule (tampered or corrupt): nothing past it is trusted.
    case chain(origin: String, ChainError)
    /// The upstream's `/lasthash` names a head that the served chain does not contain.
    case headNotOnChain(origin: String, currhash: String)
    /// Misbehaviour was proven; the evidence id is recorded and the upstream is marked.
    case misbehaviour(origin: String, kind: String, evidence: String)
    /// The poll spent its budget (pages, bytes or time); what was verified is kept, the next poll continues.
    case budgetExhausted(origin: String, size: Int, reason: String)
    /// Storing more of this upstream would pass its quota (`upstream-max-stored-bytes`).
    case storageQuota(origin: String, stored: Int, limit: Int)

    public var description: String {
        switch self {
        case .outbound(.timeout(let u, let s)): return "\(u): no complete answer within \(s)s; will retry with backoff"
        case .outbound(let e): return e.description
        case .chain(let origin, let e): return "\(origin): \(e); the upstream served a rewritten or corrupted chain; nothing past it was cosigned"
        case .headNotOnChain(let origin, let h):
            return "\(origin): /lasthash names \(h), which the served chain does not contain; nothing was cosigned"
        case .budgetExhausted(let origin, let size, let reason):
            return "\(origin): this poll stopped at its budget (\(reason)) with \(size) entries verified; the next poll continues from there"
        case .storageQuota(let origin, let stored, let limit):
            return "\(origin): the next page would take this upstream's stored data from \(stored) bytes past its limit of \(limit) "
                + "(upstream-max-stored-bytes); nothing more is stored or cosigned until the limit is raised"
        case .misbehaviour(let origin, let kind, let id):
            return "\(origin): \(kind) proven (evidence \(id)); the upstream is marked and nothing past the fork is cosigned"
        }
    }
}

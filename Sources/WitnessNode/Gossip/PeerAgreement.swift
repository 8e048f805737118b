import WitnessCore
import WitnessStore

/// How one peer's latest cosigned head of one origin relates to this node's verified chain.
public struct PeerAgreement: Sendable, Equatable {
    /// The relation.
    public enum Relation: String, Sendable {
        /// Same checkpoint as this node's cosigned head.
        case same
        /// Smaller, and its root is on the verified chain.
        case behind
        /// Larger than anything this node verified (not yet checked).
        case ahead
        /// Its root is not the verified tree hash at its size: a split view or a lying peer.
        case disagrees
    }

    /// The peer's vkey text.
    public var vkey: String
    /// The peer's latest cosigned checkpoint.
    public var checkpoint: Checkpoint
    /// Its cosignature time.
    public var time: Int64
    /// The relation to this node's view.
    public var relation: Relation

    /// Every peer's latest head per origin, compared with the verified chains.
    public static func all(in database: WitnessDatabase) throws -> [PeerAgreement] {
        let upstreams = Dictionary(try database.upstreams().map { ($0.origin, $0) }, uniquingKeysWith: { a, _ in a })
        return try database.latestPeerCosignatures().map { stored in
            let checkpoint = stored.checkpoint
            var relation = Relation.ahead
            if let upstream = upstreams[checkpoint.origin], checkpoint.size <= upstream.size {
                let ours = try database.verifiedRoot(upstream: upstream.id, size: checkpoint.size)
                if ours != checkpoint.root {
                    relation = .disagrees
                } else {
                    relation = upstream.cosigned?.checkpoint == checkpoint ? .same : .behind
                }
            }
            return PeerAgreement(vkey: stored.vkey, checkpoint: checkpoint, time: Int64(clamping: stored.cosignature.time), relation: relation)
        }
    }
}

/// What gossip knows of one peer right now (in memory: resets at restart).
public struct PeerActivity: Sendable, Equatable {
    /// Successful exchanges since start.
    public var exchanges: Int
    /// Consecutive failures.
    public var failures: Int
    /// Last successful exchange.
    public var lastSuccess: Timestamp?
    /// Last attempt.
    public var lastAttempt: Timestamp?
    /// The last failure, nil after a success.
    public var lastError: String?
    /// While backing off: when the peer is tried again.
    public var retryAt: Timestamp?
}

extension Gossip {
    /// Every contacted peer's activity, by vkey text.
    public func activity() async -> [String: PeerActivity] {
        let now = clock.now().seconds
        return await memory.snapshot().mapValues { state in
            PeerActivity(exchanges: state.exchanges, failures: state.failures, lastSuccess: state.lastSuccess,
                         lastAttempt: state.lastAttempt, lastError: state.lastError,
                         retryAt: state.retryAt > now ? Timestamp(seconds: state.retryAt) : nil)
        }
    }
}

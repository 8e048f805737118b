/// The pure witness decision: may a newly verified checkpoint replace the stored one?
///
/// SPEC: witness-protocol §3 — "A witness MUST NOT cosign two inconsistent checkpoints for one
/// origin, ever". The store runs this inside the write transaction that commits the new head
/// (transparency-dev's `Update(origin, f(prev) -> next)`), so the check and the commit are one.
/// SPEC: witness-protocol v2 §2 — two checkpoints of one origin are consistent iff an RFC 6962
/// consistency proof between them verifies: the decision checks the proof, never a position.
public enum HeadUpdate: Sendable, Equatable {
    /// The proposed checkpoint extends the stored one: store it and cosign it.
    case advance
    /// Same size and root: re-cosign with a fresh time.
    case unchanged
    /// Smaller than the stored head but consistent with it: keep the stored head.
    case stale(stored: Int)
    /// Inconsistent with the stored head: never cosign; this is a split view.
    case inconsistent(reason: String)

    /// Decides for `proposed`, given the stored checkpoint and `consistency`: the RFC 6962
    /// consistency proof from the smaller of the two sizes to the larger (nil when none could be
    /// made, which never counts as consistent for a larger proposal).
    public static func decide(stored: Checkpoint?, proposed: Checkpoint, consistency: [[UInt8]]?) -> HeadUpdate {
        guard let stored else { return .advance }
        guard stored.origin == proposed.origin else {
            return .inconsistent(reason: "origin \(proposed.origin) is not \(stored.origin)")
        }
        if proposed.size == stored.size {
            return proposed.root == stored.root ? .unchanged
                : .inconsistent(reason: "two roots at size \(stored.size)")
        }
        let (old, new) = proposed.size > stored.size ? (stored, proposed) : (proposed, stored)
        let consistent = consistency.map {
            RFC6962.verifyConsistency(oldSize: old.size, newSize: new.size, oldRoot: old.root, newRoot: new.root, proof: $0)
        } ?? false
        if proposed.size > stored.size {
            return consistent ? .advance
                : .inconsistent(reason: "no consistency proof shows the tree of size \(proposed.size) extends the cosigned size \(stored.size)")
        }
        return consistent ? .stale(stored: stored.size)
            : .inconsistent(reason: "the tree of size \(proposed.size) is not a prefix of the cosigned size \(stored.size)")
    }
}

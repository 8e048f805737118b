/// The pure witness decision: may a newly verified checkpoint replace the stored one?
///
/// SPEC: witness-protocol §3 — "A witness MUST NOT cosign two inconsistent checkpoints for one
/// origin, ever". The store runs this inside the write transaction that commits the new head
/// (transparency-dev's `Update(origin, f(prev) -> next)`), so the check and the commit are one.
public enum HeadUpdate: Sendable, Equatable {
    /// The proposed checkpoint extends the stored one: store it and cosign it.
    case advance
    /// Same size and root: re-cosign with a fresh time.
    case unchanged
    /// Smaller than the stored head but consistent with it: keep the stored head.
    case stale(stored: Int)
    /// Inconsistent with the stored head: never cosign; this is a split view.
    case inconsistent(reason: String)

    /// Decides for `proposed`, given the stored checkpoint and the proposed chain's currhash at
    /// the stored size (`currhashAtStoredSize`, nil if unknown) and, for a smaller proposal, the
    /// stored chain's currhash at the proposed size (`storedCurrhashAtProposedSize`).
    public static func decide(stored: Checkpoint?, proposed: Checkpoint,
                              currhashAtStoredSize: [UInt8]?,
                              storedCurrhashAtProposedSize: [UInt8]? = nil) -> HeadUpdate {
        guard let stored else { return .advance }
        guard stored.origin == proposed.origin else {
            return .inconsistent(reason: "origin \(proposed.origin) is not \(stored.origin)")
        }
        // Every chain extends the empty one: only a second empty head is "unchanged".
        if stored.size == 0 { return proposed.size == 0 ? .unchanged : .advance }
        if proposed.size == stored.size {
            return proposed.root == stored.root ? .unchanged
                : .inconsistent(reason: "two roots at size \(stored.size)")
        }
        if proposed.size > stored.size {
            guard let hash = currhashAtStoredSize else {
                return .inconsistent(reason: "no proof that size \(proposed.size) extends size \(stored.size)")
            }
            return hash == stored.root ? .advance
                : .inconsistent(reason: "the chain of size \(proposed.size) does not contain the cosigned entry \(stored.size)")
        }
        if proposed.size == 0 { return .stale(stored: stored.size) }
        guard let hash = storedCurrhashAtProposedSize else { return .stale(stored: stored.size) }
        return hash == proposed.root ? .stale(stored: stored.size)
            : .inconsistent(reason: "entry \(proposed.size) differs from the verified chain")
    }
}

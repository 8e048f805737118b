/// What a witness says about one upstream, derived in one place from what it stores: the status
/// page, `status`, `/witness/v1/upstreams`, `/metrics` and the freshness answers all read it.
public enum UpstreamState: String, Sendable, CaseIterable {
    case ok, syncing, stale, blocked, frozen
    case splitView = "split-view"

    /// What the state is derived from.
    public struct Facts: Sendable, Equatable {
        /// The operator blocked it.
        public var blocked: Bool
        /// A fork or rollback was proven (nothing more is cosigned).
        public var splitView: Bool
        /// An open freeze episode.
        public var frozen: Bool
        /// POSIX seconds of the last cosignature, nil if never cosigned.
        public var cosignedAt: Int64?
        /// A sync towards an announced size is in progress.
        public var syncing: Bool

        /// Makes the facts.
        public init(blocked: Bool = false, splitView: Bool = false, frozen: Bool = false, cosignedAt: Int64?, syncing: Bool = false) {
            self.blocked = blocked
            self.splitView = splitView
            self.frozen = frozen
            self.cosignedAt = cosignedAt
            self.syncing = syncing
        }
    }

    /// The state at `now`, a cosignature older than `staleAfter` seconds being stale. In order:
    /// blocked, split view, frozen, syncing (or never cosigned), stale, ok.
    public static func derive(_ facts: Facts, now: Int64, staleAfter: Int64) -> UpstreamState {
        if facts.blocked { return .blocked }
        if facts.splitView { return .splitView }
        if facts.frozen { return .frozen }
        guard let cosignedAt = facts.cosignedAt, !facts.syncing else { return .syncing }
        return age(since: cosignedAt, now: now) > staleAfter ? .stale : .ok
    }

    /// The freshness status of witness-protocol §7 (`fresh | stale | split-view | frozen`) of a
    /// cosigned head: what clients see, whether or not the operator blocked it or a sync runs.
    public static func freshness(_ facts: Facts, now: Int64, staleAfter: Int64) -> FreshnessStatus? {
        guard facts.cosignedAt != nil else { return nil }
        var cosigned = facts
        cosigned.blocked = false
        cosigned.syncing = false
        switch derive(cosigned, now: now, staleAfter: staleAfter) {
        case .splitView: return .splitView
        case .frozen: return .frozen
        case .stale: return .stale
        case .ok, .syncing, .blocked: return .fresh
        }
    }

    /// Seconds since `time` at `now`, never negative, never a trap.
    public static func age(since time: Int64, now: Int64) -> Int64 {
        let (age, overflow) = now.subtractingReportingOverflow(time)
        return overflow ? (time > now ? 0 : .max) : max(0, age)
    }

    /// How old a cosignature may be before its head is stale: twice the poll interval (a head
    /// re-cosigned on every poll is never older than one interval plus jitter and backoff).
    public static func staleAfter(pollInterval: Int64) -> Int64 { pollInterval.saturatingMultiply(2) }
}

/// SPEC: witness-protocol §7 — `"status": "fresh | stale | split-view | frozen"`.
public enum FreshnessStatus: String, Sendable { case fresh, stale, frozen, splitView = "split-view" }

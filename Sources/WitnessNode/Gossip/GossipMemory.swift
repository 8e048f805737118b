import WitnessCore

/// What gossip remembers between rounds, in memory only (the database holds what matters):
/// per-peer backoff and last outcome, which evidence each peer already has, and when each
/// origin was last caught up on a peer's word.
actor GossipMemory {
    /// One peer's recent history.
    struct PeerState: Sendable {
        var failures = 0
        var retryAt: Int64 = 0
        var lastSuccess: Timestamp?
        var lastAttempt: Timestamp?
        var lastError: String?
        var exchanges = 0
    }

    private var peers: [String: PeerState] = [:]
    private var knownEvidence: [String: Set<String>] = [:]
    private var lastCatchUp: [String: Int64] = [:]

    /// Whether `vkey` may be contacted at `now` (not backing off).
    func isReady(_ vkey: String, now: Timestamp) -> Bool {
        (peers[vkey]?.retryAt ?? 0) <= now.seconds
    }

    /// Records a successful exchange.
    func succeeded(_ vkey: String, at now: Timestamp) {
        var state = peers[vkey] ?? PeerState()
        state.failures = 0
        state.retryAt = 0
        state.lastSuccess = now
        state.lastAttempt = now
        state.lastError = nil
        state.exchanges += 1
        peers[vkey] = state
    }

    /// Records a failure; the peer is skipped for `base` doubling per consecutive failure, at most
    /// `cap` (a dead or slow peer costs one timeout now and then, never every round).
    func failed(_ vkey: String, at now: Timestamp, error: String, base: Int64, cap: Int64) {
        var state = peers[vkey] ?? PeerState()
        state.failures += 1
        let delay = min(base << min(state.failures - 1, 20), cap)
        state.retryAt = now.seconds + delay
        state.lastAttempt = now
        state.lastError = error
        peers[vkey] = state
    }

    /// Every peer's state (status page, `peer list`).
    func snapshot() -> [String: PeerState] { peers }

    /// Evidence ids `vkey` is known to hold.
    func known(by vkey: String) -> Set<String> { knownEvidence[vkey] ?? [] }

    /// Notes that `vkey` holds `ids`.
    func learn(_ ids: some Sequence<String>, heldBy vkey: String) {
        knownEvidence[vkey, default: []].formUnion(ids)
    }

    /// Whether a peer's head may trigger a catch-up poll of `origin` now (at most one per
    /// `spacing` seconds: a peer cannot make this node hammer an upstream).
    func mayCatchUp(_ origin: String, now: Timestamp, spacing: Int64) -> Bool {
        if let last = lastCatchUp[origin], now.seconds - last < spacing { return false }
        lastCatchUp[origin] = now.seconds
        return true
    }
}

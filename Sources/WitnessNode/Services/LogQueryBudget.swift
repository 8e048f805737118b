import Synchronization

/// Each Merkle log's `qpd` (queries per day, from its `log add --qpd` or its log-list entry),
/// enforced with 429 (issue 12, item 3).
///
/// A log-signed checkpoint can be replayed by anyone, so a single budget per log would let a
/// stranger spend the log's budget by resending its latest checkpoint. Requests that would
/// advance the held tree (a newer log-signed checkpoint with a proof that verifies: only the log,
/// or someone relaying its real progress, can make one) and requests that cannot (replays, stale
/// old sizes, bogus proofs, conflicts) spend separate budgets of `qpd` each: a replaying stranger
/// is throttled without the log's own pushes being refused.
final class LogQueryBudget: Sendable {
    private struct Key: Hashable, Sendable {
        var origin: String
        var advancing: Bool
    }

    private let buckets = Mutex<[Key: TokenBucket]>([:])
    private let maxKeys: Int

    init(maxKeys: Int = 100_000) { self.maxKeys = maxKeys }

    /// A day's budget of `qpd` arrives evenly; a burst may spend a minute's worth, at least 10.
    static func burst(qpd: Double) -> Double { max(10, qpd / 1440) }

    /// Takes one query from `origin`'s budget; nil if allowed, else how long until one is available.
    func acquire(origin: String, advancing: Bool, qpd: Double, now: ContinuousClock.Instant = .now) -> Duration? {
        let rate = qpd / 86_400, burst = Self.burst(qpd: qpd)
        return buckets.withLock { buckets in
            let key = Key(origin: origin, advancing: advancing)
            let tokens = (buckets[key] ?? TokenBucket(tokens: burst, at: now)).tokens(at: now, rate: rate, burst: burst)
            guard tokens >= 1 else {
                buckets[key] = TokenBucket(tokens: tokens, at: now)
                return TokenBucket.wait(missing: 1 - tokens, rate: rate)
            }
            buckets[key] = TokenBucket(tokens: tokens - 1, at: now)
            // Bounded memory: a full bucket carries no information, so dropping it changes nothing.
            if buckets.count > maxKeys { buckets = buckets.filter { $0.value.tokens < burst } }
            return nil
        }
    }
}

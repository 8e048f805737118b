import Synchronization
import WitnessNode

/// Token buckets per key (a client id, a peer address): `rate` requests per second on average,
/// bursts of up to `burst`. A request over the limit is answered 429 and changes nothing.
///
/// Memory is bounded: idle buckets are full again and are dropped once many keys are tracked.
///
/// A lock, not an actor: every write request consults it, and an actor hop there is a task
/// switch per request (issue 13, item 3); the work under the lock is a dictionary update.
final class RateLimiter: Sendable {
    /// Requests per second and the largest burst.
    struct Limit: Sendable, Equatable {
        var rate: Double
        var burst: Double
    }

    let limit: Limit
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let maxKeys: Int

    init(_ limit: Limit, maxKeys: Int = 10_000) {
        self.limit = limit
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key`; nil if allowed, else how long until one is available.
    func acquire(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            let tokens = (buckets[key] ?? TokenBucket(tokens: limit.burst, at: now)).tokens(at: now, rate: limit.rate, burst: limit.burst)
            guard tokens >= 1 else {
                buckets[key] = TokenBucket(tokens: tokens, at: now)
                return TokenBucket.wait(missing: 1 - tokens, rate: limit.rate)
            }
            buckets[key] = TokenBucket(tokens: tokens - 1, at: now)
            if buckets.count > maxKeys { prune(&buckets, now: now) }
            return nil
        }
    }

    /// How long until `key` has a token again, without taking one; nil if it has one now.
    func wait(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        guard let available = buckets.withLock({ $0[key] })?.tokens(at: now, rate: limit.rate, burst: limit.burst) else { return nil }
        return available >= 1 ? nil : TokenBucket.wait(missing: 1 - available, rate: limit.rate)
    }

    /// Drops buckets that have refilled completely (they behave exactly like absent ones).
    private func prune(_ buckets: inout [String: TokenBucket], now: ContinuousClock.Instant) {
        let refill = Duration.seconds(limit.burst / limit.rate)
        buckets = buckets.filter { now - $0.value.at < refill }
    }
}

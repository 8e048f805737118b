import Synchronization

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
    private let buckets = Mutex<[String: Bucket]>([:])
    private let maxKeys: Int

    private struct Bucket: Sendable {
        var tokens: Double
        var at: ContinuousClock.Instant

        /// The tokens it holds at `now`, refilled at `limit.rate` up to `limit.burst`.
        func tokens(at now: ContinuousClock.Instant, limit: Limit) -> Double {
            let elapsed = now - at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return min(limit.burst, tokens + seconds * limit.rate)
        }
    }

    init(_ limit: Limit, maxKeys: Int = 10_000) {
        self.limit = limit
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key`; nil if allowed, else how long until one is available.
    func acquire(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            let tokens = (buckets[key] ?? Bucket(tokens: limit.burst, at: now)).tokens(at: now, limit: limit)
            guard tokens >= 1 else {
                buckets[key] = Bucket(tokens: tokens, at: now)
                return Self.wait(missing: 1 - tokens, rate: limit.rate)
            }
            buckets[key] = Bucket(tokens: tokens - 1, at: now)
            if buckets.count > maxKeys { prune(&buckets, now: now) }
            return nil
        }
    }

    /// How long until `key` has a token again, without taking one; nil if it has one now.
    func wait(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        guard let available = buckets.withLock({ $0[key] })?.tokens(at: now, limit: limit) else { return nil }
        return available >= 1 ? nil : Self.wait(missing: 1 - available, rate: limit.rate)
    }

    /// The time `missing` tokens take at `rate`, in whole milliseconds, at most a day (never a trap).
    static func wait(missing: Double, rate: Double) -> Duration {
        let milliseconds = (missing / rate * 1000).rounded(.up)
        guard milliseconds.isFinite, milliseconds < 86_400_000 else { return .seconds(86_400) }
        return .milliseconds(Int(max(0, milliseconds)))
    }

    /// Drops buckets that have refilled completely (they behave exactly like absent ones).
    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let refill = Duration.seconds(limit.burst / limit.rate)
        buckets = buckets.filter { now - $0.value.at < refill }
    }
}

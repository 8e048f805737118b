/// Token buckets per key (a client id, a peer address): `rate` requests per second on average,
/// bursts of up to `burst`. A request over the limit is answered 429 and changes nothing.
///
/// Memory is bounded: idle buckets are full again and are dropped once many keys are tracked.
actor RateLimiter {
    /// Requests per second and the largest burst.
    struct Limit: Sendable, Equatable {
        var rate: Double
        var burst: Double
    }

    let limit: Limit
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    private let maxKeys: Int

    init(_ limit: Limit, maxKeys: Int = 10_000) {
        self.limit = limit
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key`; nil if allowed, else how long until one is available.
    func acquire(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        var (tokens, at) = buckets[key] ?? (limit.burst, now)
        let elapsed = now - at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(limit.burst, tokens + seconds * limit.rate)
        guard tokens >= 1 else {
            buckets[key] = (tokens, now)
            return Self.wait(missing: 1 - tokens, rate: limit.rate)
        }
        buckets[key] = (tokens - 1, now)
        if buckets.count > maxKeys { prune(now: now) }
        return nil
    }

    /// How long until `key` has a token again, without taking one; nil if it has one now.
    func wait(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        guard let (tokens, at) = buckets[key] else { return nil }
        let elapsed = now - at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let available = min(limit.burst, tokens + seconds * limit.rate)
        return available >= 1 ? nil : Self.wait(missing: 1 - available, rate: limit.rate)
    }

    /// The time `missing` tokens take at `rate`, in whole milliseconds, at most a day (never a trap).
    static func wait(missing: Double, rate: Double) -> Duration {
        let milliseconds = (missing / rate * 1000).rounded(.up)
        guard milliseconds.isFinite, milliseconds < 86_400_000 else { return .seconds(86_400) }
        return .milliseconds(Int(max(0, milliseconds)))
    }

    /// Drops buckets that have refilled completely (they behave exactly like absent ones).
    private func prune(now: ContinuousClock.Instant) {
        let refill = Duration.seconds(limit.burst / limit.rate)
        buckets = buckets.filter { now - $0.value.at < refill }
    }
}

/// One token bucket: the tokens it held at an instant. Refill and waiting arithmetic shared by
/// the per-client and per-address limits (WitnessServer's `RateLimiter`) and the per-log query
/// budgets (`LogQueryBudget`).
package struct TokenBucket: Sendable {
    package var tokens: Double
    package var at: ContinuousClock.Instant

    package init(tokens: Double, at: ContinuousClock.Instant) {
        self.tokens = tokens
        self.at = at
    }

    /// The tokens it holds at `now`, refilled at `rate` per second up to `burst`.
    package func tokens(at now: ContinuousClock.Instant, rate: Double, burst: Double) -> Double {
        let elapsed = now - at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(burst, tokens + seconds * rate)
    }

    /// The time `missing` tokens take at `rate`, in whole milliseconds, at most a day (never a trap).
    package static func wait(missing: Double, rate: Double) -> Duration {
        let milliseconds = (missing / rate * 1000).rounded(.up)
        guard milliseconds.isFinite, milliseconds < 86_400_000 else { return .seconds(86_400) }
        return .milliseconds(Int(max(0, milliseconds)))
    }
}

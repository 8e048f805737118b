import Testing
import WitnessNode
@testable import WitnessServer

/// The token buckets behind every rate limit, on explicit instants (no waiting, no timing).
@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func aBurstThenRefusalsUntilTokensRefill() async {
        let limiter = RateLimiter(.init(rate: 2, burst: 30))
        let start = ContinuousClock.now
        for _ in 0..<30 { #expect(limiter.acquire("203.0.113.7", now: start) == nil) }
        let wait = limiter.acquire("203.0.113.7", now: start)
        #expect(wait == .milliseconds(500), "one token takes half a second at 2/s")
        #expect(limiter.wait("203.0.113.7", now: start) != nil)
        // Another key has its own bucket; time refills this one.
        #expect(limiter.acquire("198.51.100.2", now: start) == nil)
        #expect(limiter.wait("203.0.113.7", now: start + .seconds(1)) == nil)
        #expect(limiter.acquire("203.0.113.7", now: start + .seconds(1)) == nil)
    }

    @Test func waitsAreBoundedWhateverTheRate() {
        #expect(TokenBucket.wait(missing: 1, rate: 1e-300) == .seconds(86_400))
        #expect(TokenBucket.wait(missing: 1, rate: 0.001) == .seconds(1_000))
        #expect(TokenBucket.wait(missing: .infinity, rate: 1) == .seconds(86_400))
        #expect(TokenBucket.wait(missing: -1, rate: 1) == .zero)
    }
}

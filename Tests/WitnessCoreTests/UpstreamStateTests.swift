import Testing
import WitnessCore

/// The one derivation of an upstream's state and freshness (issue 10, item 3), as a table.
@Suite("Upstream state")
struct UpstreamStateTests {
    typealias F = UpstreamState.Facts
    static let now: Int64 = 1_800_000_000
    static let staleAfter: Int64 = 1_800

    @Test(arguments: [
        ("never cosigned", F(cosignedAt: nil), UpstreamState.syncing, FreshnessStatus?.none),
        ("fresh", F(cosignedAt: now - 60), .ok, .fresh),
        ("exactly at the limit", F(cosignedAt: now - staleAfter), .ok, .fresh),
        ("one second past it", F(cosignedAt: now - staleAfter - 1), .stale, .stale),
        ("syncing with a head", F(cosignedAt: now - 60, syncing: true), .syncing, .fresh),
        ("syncing and old", F(cosignedAt: now - 9_999, syncing: true), .syncing, .stale),
        ("frozen", F(frozen: true, cosignedAt: now), .frozen, .frozen),
        ("split view wins over frozen", F(splitView: true, frozen: true, cosignedAt: now), .splitView, .splitView),
        ("blocked wins for the operator; clients still see the head's own state",
         F(blocked: true, splitView: true, cosignedAt: now), .blocked, .splitView),
        ("blocked and fresh", F(blocked: true, cosignedAt: now), .blocked, .fresh),
        ("a cosignature from the future is not stale", F(cosignedAt: now + 500), .ok, .fresh),
        ("an impossible past does not trap", F(cosignedAt: .min), .stale, .stale),
    ])
    func derives(_ what: String, _ facts: F, _ state: UpstreamState, _ freshness: FreshnessStatus?) {
        #expect(UpstreamState.derive(facts, now: Self.now, staleAfter: Self.staleAfter) == state, "\(what)")
        #expect(UpstreamState.freshness(facts, now: Self.now, staleAfter: Self.staleAfter) == freshness, "\(what)")
    }

    @Test func staleAfterIsTwoPollIntervalsWithoutATrap() {
        #expect(UpstreamState.staleAfter(pollInterval: 900) == 1_800)
        #expect(UpstreamState.staleAfter(pollInterval: .max) == .max)
        #expect(UpstreamState.age(since: 10, now: 5) == 0)
        #expect(UpstreamState.age(since: .min, now: .max) == .max)
    }
}

import Synchronization
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Counts the GETs in flight through a transport, and the most ever in flight at once.
final class InFlightCounter: OutboundTransport {
    let inner: FakeTransport
    private let counts = Mutex((now: 0, most: 0, total: 0))

    init(_ inner: FakeTransport) { self.inner = inner }

    var most: Int { counts.withLock { $0.most } }

    func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        counts.withLock { c in
            c.now += 1
            c.total += 1
            c.most = max(c.most, c.now)
        }
        defer { counts.withLock { $0.now -= 1 } }
        return try await inner.send(request, maxBytes: maxBytes, timeout: timeout)
    }
}

/// `poll-concurrency`: a witness of many upstreams polls them all, but never more than the limit at once.
@Suite("UpstreamPoller concurrency limit")
struct PollConcurrencyTests {
    /// Twelve upstreams whose answers take a moment, so polls would overlap if allowed to.
    func setUp(upstreams: Int) async throws -> (InFlightCounter, WitnessHarness, [FakeChronicle]) {
        let transport = FakeTransport()
        let counter = InFlightCounter(transport)
        let witness = try WitnessHarness(transport: counter)
        var fakes: [FakeChronicle] = []
        for i in 0..<upstreams {
            let fake = FakeChronicle(serverSeed: UInt8(0x20 + i))
            fake.append(2 + i % 3)
            fake.misbehave { $0.delay = .milliseconds(5) }
            transport.route("https://u\(i).example/chronicle", to: fake)
            try await witness.add("u\(i).example/chronicle", url: "https://u\(i).example/chronicle", key: fake.serverKey.publicKey)
            fakes.append(fake)
        }
        return (counter, witness, fakes)
    }

    @Test func oneCyclePollsEveryUpstreamOnceWithinTheLimit() async throws {
        let (counter, witness, fakes) = try await setUp(upstreams: 12)
        let poller = UpstreamPoller(sync: witness.sync, interval: .seconds(3600), concurrency: 3)
        let outcomes = await poller.pollEachOnce()
        #expect(outcomes.count == 12)
        #expect(outcomes.values.filter { !$0.succeeded }.isEmpty)
        for (i, fake) in fakes.enumerated() {
            #expect(try witness.cosignedSize("u\(i).example/chronicle") == fake.entries().count)
            #expect(fake.requests == ["/lasthash", "/export"], "each upstream is polled exactly once")
        }
        #expect(counter.most <= 3)
    }

    @Test func theServiceDrainsAQueueLongerThanTheLimit() async throws {
        let (counter, witness, fakes) = try await setUp(upstreams: 7)
        let poller = UpstreamPoller(sync: witness.sync, interval: .seconds(3600), tick: .milliseconds(20), concurrency: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            let all = try await eventually {
                try fakes.indices.allSatisfy { try witness.cosignedSize("u\($0).example/chronicle") != nil }
            }
            group.cancelAll()
            #expect(all)
        }
        #expect(counter.most <= 2)
    }

    @Test func oneCycleSkipsBlockedUpstreams() async throws {
        let (_, witness, fakes) = try await setUp(upstreams: 3)
        #expect(try await witness.database.blockUpstream(origin: "u1.example/chronicle"))
        let outcomes = await UpstreamPoller(sync: witness.sync, interval: .seconds(3600)).pollEachOnce()
        #expect(outcomes.count == 2)
        #expect(fakes[1].requests.isEmpty)
        #expect(try witness.cosignedSize("u1.example/chronicle") == nil)
    }

    @Test func pollConcurrencyIsAConfigKey() throws {
        var config = NodeConfig()
        #expect(config.pollConcurrency == UpstreamPoller.defaultConcurrency)
        try config.apply(key: "poll-concurrency", value: .string("4"), source: "test")
        #expect(config.pollConcurrency == 4)
        #expect(throws: ConfigError.self) { try config.apply(key: "poll-concurrency", value: .string("0"), source: "test") }
        #expect(config.json["poll-concurrency"] == JSONValue.int(4))
    }
}

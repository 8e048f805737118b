import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The transport contract over real HTTP: a size limit and a total timeout, body included, so a
/// hostile upstream can neither flood nor hold a poll (HTTPOutboundTransport).
@Suite("Upstream size limit and timeout over HTTP")
struct TransportLimitTests {
    @Test func refusesAnOversizedResponse() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        fake.misbehave { $0.oversizeBytes = 20_000 }
        try await withLiveServers([fakeServer(fake)]) { urls in
            let witness = try WitnessHarness(transport: HTTPTransport(), maxResponseBytes: 4096)
            let origin = urls[0].originOfURL
            try await witness.add(origin, url: urls[0], key: fake.serverKey.publicKey)
            #expect(try await witness.poll(origin) == .failed(.outbound(.responseTooLarge(url: urls[0] + "/lasthash", limit: 4096))))
            let record = try witness.upstream(origin)
            #expect(record.size == 0)
            #expect(record.cosigned == nil)
            // Within the limit, the same upstream is fine.
            fake.misbehave { $0.oversizeBytes = nil }
            #expect(try await witness.poll(origin).checkpoint?.size == 3)
        }
    }

    @Test func refusesAnExportPageOverTheLimit() async throws {
        let fake = FakeChronicle()
        fake.append(60)
        try await withLiveServers([fakeServer(fake)]) { urls in
            // /lasthash fits, the 60-entry /export does not.
            let witness = try WitnessHarness(transport: HTTPTransport(), maxResponseBytes: 8192)
            let origin = urls[0].originOfURL
            try await witness.add(origin, url: urls[0], key: fake.serverKey.publicKey)
            #expect(try await witness.poll(origin) == .failed(.outbound(.responseTooLarge(url: urls[0] + "/export", limit: 8192))))
            #expect(try witness.upstream(origin).size == 0)
        }
    }

    @Test func timesOutABodyThatTricklesPastTheDeadline() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        // Headers arrive at once, then 64 bytes every 300 ms: far longer than the 1 s budget.
        fake.misbehave { $0.trickle = (chunkBytes: 64, pause: .milliseconds(300)) }
        try await withLiveServers([fakeServer(fake)]) { urls in
            let witness = try WitnessHarness(transport: HTTPTransport(), timeout: .seconds(1))
            let origin = urls[0].originOfURL
            try await witness.add(origin, url: urls[0], key: fake.serverKey.publicKey)
            #expect(try await witness.poll(origin) == .failed(.outbound(.timeout(url: urls[0] + "/lasthash", seconds: 1))))
            #expect(try witness.upstream(origin).cosigned == nil)
            fake.misbehave { $0.trickle = nil }
        }
    }

    @Test func timesOutAnUpstreamThatNeverAnswers() async throws {
        let fake = FakeChronicle()
        fake.append(4)
        fake.misbehave { $0.delay = .seconds(4) }
        try await withLiveServers([fakeServer(fake)]) { urls in
            let witness = try WitnessHarness(transport: HTTPTransport(), timeout: .seconds(1))
            let origin = urls[0].originOfURL
            try await witness.add(origin, url: urls[0], key: fake.serverKey.publicKey)
            let outcome = try await witness.poll(origin)
            #expect(outcome == .failed(.outbound(.timeout(url: urls[0] + "/lasthash", seconds: 1))))
            #expect(try witness.upstream(origin).cosigned == nil)
            fake.misbehave { $0.delay = nil }
        }
    }

    @Test func honoursASubSecondTimeout() async throws {
        let fake = FakeChronicle()
        fake.append(2)
        try await withLiveServers([fakeServer(fake)]) { urls in
            // A prompt upstream must be reachable with a 900 ms budget (a truncation to whole seconds
            // would make it 0 s and fail every time). The first exchange with a just-started server,
            // while the whole suite starts on two cores, can take longer than the budget itself: it
            // is made first with a loose budget, so the 900 ms one measures the transport's deadline.
            let transport = HTTPTransport()
            _ = try await transport.get(urls[0] + "/lasthash", maxBytes: 1 << 20, timeout: .seconds(30))
            let response = try await transport.get(urls[0] + "/lasthash", maxBytes: 1 << 20, timeout: .milliseconds(900))
            #expect(response.status == 200)
        }
    }
}

/// The poller: each upstream in its own child task, blocked and split upstreams skipped.
@Suite("UpstreamPoller scheduling")
struct UpstreamPollerTests {
    /// Runs `poller` until `body` returns, then cancels it.
    func whileRunning(_ poller: UpstreamPoller, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            do { try await body() } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    @Test func aHangingUpstreamDoesNotDelayAnother() async throws {
        let slow = FakeChronicle(serverSeed: 0x20)
        slow.append(2)
        slow.misbehave { $0.delay = .seconds(3600) }
        let fast = FakeChronicle(serverSeed: 0x30)
        fast.append(4)
        let transport = FakeTransport(["https://slow.example/chronicle": slow, "https://fast.example/chronicle": fast])
        let witness = try WitnessHarness(transport: transport, timeout: .seconds(3600))
        try await witness.add("slow.example/chronicle", url: "https://slow.example/chronicle", key: slow.serverKey.publicKey)
        try await witness.add("fast.example/chronicle", url: "https://fast.example/chronicle", key: fast.serverKey.publicKey)
        let poller = UpstreamPoller(sync: witness.sync, interval: .seconds(3600), tick: .milliseconds(20))
        try await whileRunning(poller) {
            let cosigned = try await eventually { try witness.cosignedSize("fast.example/chronicle") == 4 }
            #expect(cosigned)
            #expect(slow.requests == ["/lasthash"], "the slow upstream's poll is still in flight")
            #expect(try witness.cosignedSize("slow.example/chronicle") == nil)
        }
    }

    @Test func aHangingHTTPUpstreamDoesNotDelayAnother() async throws {
        let slow = FakeChronicle(serverSeed: 0x20)
        slow.append(2)
        slow.misbehave { $0.delay = .seconds(3) }
        let fast = FakeChronicle(serverSeed: 0x30)
        fast.append(4)
        try await withLiveServers([fakeServer(slow), fakeServer(fast)]) { urls in
            let witness = try WitnessHarness(transport: HTTPTransport(), timeout: .seconds(60))
            try await witness.add("slow", url: urls[0], key: slow.serverKey.publicKey)
            try await witness.add("fast", url: urls[1], key: fast.serverKey.publicKey)
            let poller = UpstreamPoller(sync: witness.sync, interval: .seconds(3600), tick: .milliseconds(20))
            try await whileRunning(poller) {
                let reached = try await eventually { try witness.cosignedSize("fast") == 4 }
                #expect(reached)
                #expect(try witness.cosignedSize("slow") == nil)
            }
        }
    }

    @Test func skipsBlockedUpstreams() async throws {
        let blocked = FakeChronicle(serverSeed: 0x20)
        blocked.append(2)
        let open = FakeChronicle(serverSeed: 0x30)
        open.append(3)
        let transport = FakeTransport(["https://blocked.example/chronicle": blocked, "https://open.example/chronicle": open])
        let witness = try WitnessHarness(transport: transport)
        try await witness.add("blocked.example/chronicle", url: "https://blocked.example/chronicle", key: blocked.serverKey.publicKey)
        try await witness.add("open.example/chronicle", url: "https://open.example/chronicle", key: open.serverKey.publicKey)
        #expect(try await witness.database.blockUpstream(origin: "blocked.example/chronicle"))
        let poller = UpstreamPoller(sync: witness.sync, interval: .seconds(3600), tick: .milliseconds(20))
        try await whileRunning(poller) {
            // Both were listed in the same tick: once the open one is cosigned, the blocked one was passed over.
            let reached = try await eventually { try witness.cosignedSize("open.example/chronicle") == 3 }
            #expect(reached)
        }
        #expect(blocked.requests.isEmpty)
        #expect(!transport.requested.contains { $0.hasPrefix("https://blocked.example") })
        #expect(try witness.cosignedSize("blocked.example/chronicle") == nil)
    }

    @Test func skipsUpstreamsWithAProvenSplitView() async throws {
        let fake = FakeChronicle()
        fake.append(5)
        let canary = FakeChronicle(serverSeed: 0x30)
        canary.append(1)
        let transport = FakeTransport(["https://liar.example/chronicle": fake])
        let witness = try WitnessHarness(transport: transport)
        try await witness.add("liar.example/chronicle", url: "https://liar.example/chronicle", key: fake.serverKey.publicKey)
        #expect(try await witness.poll("liar.example/chronicle").checkpoint?.size == 5)
        fake.advance(seconds: 60)
        fake.branch("cut", keeping: 2)
        fake.serve("cut")
        guard case .failed(.misbehaviour) = try await witness.poll("liar.example/chronicle") else {
            Issue.record("expected a proven rollback")
            return
        }
        let asked = fake.requests.count
        transport.route("https://canary.example/chronicle", to: canary)
        try await witness.add("canary.example/chronicle", url: "https://canary.example/chronicle", key: canary.serverKey.publicKey)
        let poller = UpstreamPoller(sync: witness.sync, interval: .seconds(3600), tick: .milliseconds(20))
        try await whileRunning(poller) {
            // Both are listed in the same tick: once the canary is cosigned, the split one was passed over.
            let reached = try await eventually { try witness.cosignedSize("canary.example/chronicle") == 1 }
            #expect(reached)
        }
        #expect(fake.requests.count == asked)
    }
}

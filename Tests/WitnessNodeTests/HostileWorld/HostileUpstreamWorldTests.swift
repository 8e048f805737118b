import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The hostile world, upstream side (issue 9 rows 5, 6 and 11): a witness's configured upstream
/// turns hostile, served over real HTTP on 127.0.0.1 to real nodes.
@Suite("Hostile world: upstreams", .serialized)
struct HostileUpstreamWorldTests {
    static let origin = "hostile.example/chronicle"

    /// Row 5: a signed 32 MiB `/lasthash`. Before: kept with the head and re-encoded into
    /// every gossip exchange (19–23 s for an empty POST). Now: the head is still verified and
    /// cosigned, the oversized body is neither kept nor gossiped.
    @Test func anOversizedLasthashIsNeitherKeptNorGossiped() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        // A 32 MiB body takes seconds to sign, send and parse in a debug build on a loaded machine.
        try await TestNetwork.watching(fake, as: Self.origin, count: 2, configure: { $0.upstreamTimeout = 300 }) { network in
            let node = network[0]
            #expect(try node.database.upstream(origin: Self.origin)?.cosigned?.upstreamSigned != nil, "a small head body is kept")
            fake.misbehave { $0.oversizeBytes = 32 << 20 }
            #expect(try await node.pollSucceeds(Self.origin), "the head is still verified and re-cosigned")
            let head = try #require(try node.database.upstream(origin: Self.origin)?.cosigned)
            #expect(head.upstreamSigned == nil, "the oversized body is not kept")
            #expect(head.checkpoint.size == 3)
            let heads = try node.node.gossip.view.heads()
            let message = GossipMessage(from: node.vkey, heads: heads, evidence: [])
            #expect(message.bytes.count < 16 << 10, "gossip carries what fits")
            let peer = try #require(try node.database.peers().first)
            guard case .success(let report) = await node.node.gossip.exchange(with: peer) else {
                Issue.record("the exchange failed")
                return
            }
            #expect(report.bytesSent < 16 << 10 && report.bytesReceived < 16 << 10)
        }
    }

    /// Row 6: endless one-entry pages padded to 256 KiB. Before: 784 pages / 182 MB stored in
    /// three minutes, no end. Now: a padded page is refused before anything of it is stored.
    @Test func paddedPagesAreRefusedBeforeAnythingIsStored() async throws {
        let fake = FakeChronicle()
        fake.append(40)
        fake.pageSize = 1
        fake.misbehave { $0.oversizeBytes = 256 << 10 }
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 1, services: false) { network in
                try await network.watch(0, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey)
                let node = network[0]
                #expect(try await !node.pollSucceeds(Self.origin))
                let record = try #require(try node.database.upstream(origin: Self.origin))
                #expect(record.size == 0 && record.cosigned == nil)
                #expect(try node.database.upstreamResponseCount(upstream: record.id) == 0)
                #expect(record.storedBytes == 0)
                #expect(record.lastError?.contains("padding") == true, "\(record.lastError ?? "")")
            }
        }
    }

    /// Row 6, honest-looking: endless genuine pages of large entries. Each poll stops at its page
    /// budget with what it verified kept; all polls together stop at the upstream's quota, and
    /// once there nothing more is stored, however often it is polled.
    @Test func endlessGenuinePagesCostABoundedBudgetPerPollAndAQuotaInAll() async throws {
        let fake = FakeChronicle()
        fake.append(400, contentsPadding: 4 << 10)
        fake.pageSize = 1
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 1, services: false, configure: { config in
                config.pollBudget.maxPages = 60
                config.upstreamMaxStoredBytes = 1 << 20
            }) { network in
                try await network.watch(0, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey)
                let node = network[0]
                let record = { try #require(try node.database.upstream(origin: Self.origin)) }
                #expect(try await !node.pollSucceeds(Self.origin))
                let first = try record()
                #expect(first.size > 0 && first.size < 60, "one poll: at most its page budget")
                #expect(first.lastError?.contains("budget") == true, "\(first.lastError ?? "")")
                var polls = 1
                while try record().lastError?.contains("upstream-max-stored-bytes") != true, polls < 20 {
                    _ = try await node.pollSucceeds(Self.origin)
                    polls += 1
                }
                let capped = try record()
                #expect(capped.lastError?.contains("upstream-max-stored-bytes") == true, "\(capped.lastError ?? "")")
                #expect(capped.storedBytes <= 1 << 20)
                #expect(capped.size < 400)
                _ = try await node.pollSucceeds(Self.origin)
                #expect(try record().size == capped.size && record().storedBytes == capped.storedBytes, "nothing more is stored")
            }
        }
    }

    /// A hostile `next` link (another host, `..`, a query, a huge path) is never followed: the
    /// poll fails after the verified first page, and nothing but the upstream's own pages is asked for.
    @Test(arguments: ["@127.0.0.2:1/x", "/../../admin", "/export/2?x=1", "/" + String(repeating: "a", count: 300), "http://127.0.0.1:1/export/2"])
    func aNextLinkIsNeverFollowedOffTheChronicle(_ next: String) async throws {
        let fake = FakeChronicle()
        fake.append(6)
        fake.pageSize = 2
        fake.misbehave { $0.nextLink = next }
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 1, services: false) { network in
                let node = network[0]
                try await network.watch(0, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey)
                #expect(try await !node.pollSucceeds(Self.origin))
                let record = try #require(try node.database.upstream(origin: Self.origin))
                #expect(record.size == 2, "the verified first page is kept")
                #expect(record.cosigned == nil)
                #expect(fake.requests == ["/lasthash", "/export"], "\(fake.requests)")
                #expect(!(record.lastError ?? "").contains(next))
            }
        }
    }

    /// "A blocked upstream costs nothing": once blocked, a hostile upstream is neither polled nor
    /// gossiped (before: its oversized head still went into every exchange).
    @Test func aBlockedUpstreamCostsNothing() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await TestNetwork.watching(fake, as: Self.origin, count: 1) { network in
            let node = network[0]
            let before = try node.node.gossip.view.heads()
            #expect(before.count == 1)
            #expect(try await node.database.blockUpstream(origin: Self.origin))
            let requests = fake.requests.count
            _ = await node.node.poller.pollEachOnce()
            #expect(fake.requests.count == requests, "a blocked upstream is not polled")
            #expect(try node.node.gossip.view.heads().isEmpty, "nor gossiped")
        }
    }

    /// Row 11: the upstream answers 302 to another local address. Before: followed (blind SSRF),
    /// its answer shown in the public `last_error`. Now: not followed, nothing of it shown.
    @Test func aRedirectIsNeverFollowedAndNothingFetchedIsShown() async throws {
        let secret = Secret()
        let target = RedirectTarget()
        let secretApp = Application(responder: secret, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                    onServerRunning: { channel in await secret.box.set(channel.localAddress?.port ?? 0) },
                                    logger: Logger(label: "secret"))
        let redirectBox = PortBox()
        let redirector = Application(responder: Redirector(target: target),
                                     configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                     onServerRunning: { channel in await redirectBox.set(channel.localAddress?.port ?? 0) },
                                     logger: Logger(label: "redirector"))
        try await withLiveServers([(secretApp, secret.box), (redirector, redirectBox)]) { urls in
            target.url.withLock { $0 = urls[0] + "/lasthash" }
            try await TestNetwork.run(count: 1, services: false) { network in
                let node = network[0]
                try await network.watch(0, origin: Self.origin, url: urls[1], key: Ed25519SecretKey.generate().publicKey)
                #expect(try await !node.pollSucceeds(Self.origin))
                #expect(secret.hits.withLock { $0 } == 0, "the redirect was followed")
                let record = try #require(try node.database.upstream(origin: Self.origin))
                #expect(record.lastError?.contains("302") == true, "\(record.lastError ?? "")")
                let page = String(decoding: try await get(node.url + "/witness/v1/upstreams").body, as: UTF8.self)
                #expect(!page.contains(Secret.text) && !(record.lastError ?? "").contains(Secret.text))
            }
        }
    }
}

/// An internal service the attacker would like the witness to fetch.
final class Secret: HTTPResponder, Sendable {
    typealias Context = BasicRequestContext
    static let text = "TOP-SECRET-INTERNAL"
    let hits = Mutex(0)
    let box = PortBox()

    func respond(to request: Request, context: Context) async throws -> Response {
        hits.withLock { $0 += 1 }
        return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: Self.text)))
    }
}

/// Where `Redirector` points, set once the target's port is known.
final class RedirectTarget: Sendable {
    let url = Mutex("")
}

/// An "upstream" that answers every request with a 302 to `target`.
struct Redirector: HTTPResponder {
    typealias Context = BasicRequestContext
    let target: RedirectTarget

    func respond(to request: Request, context: Context) async throws -> Response {
        var fields = HTTPFields()
        fields[.location] = target.url.withLock { $0 }
        return Response(status: .found, headers: fields)
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// What the hostile-world tests share: the attacker's tools (unsigned and signed gossip posts,
/// public reads) and the staged material an attacker can gather from an honest upstream.
enum Attacker {
    /// A key nobody trusts.
    static let strangerKey = Ed25519SecretKey(seed: [UInt8](repeating: 0xA7, count: 32))
    static let stranger = VerifierKey(name: "stranger.test", publicKey: strangerKey.publicKey)

    /// POSTs a gossip body to `member` with no signature: what any stranger can send.
    static func gossip(_ message: GossipMessage, to member: TestNetwork.Member) async throws -> (status: Int, body: [UInt8]) {
        try await post(message.bytes, to: member.url + "/witness/v1/gossip")
    }

    /// POSTs raw gossip bytes to `member` with a given `Gossip-Signature` header value (a replay).
    static func replay(_ body: [UInt8], header: String, to member: TestNetwork.Member) async throws -> Int {
        try await postWithHeaders(body, to: member.url + "/witness/v1/gossip", headers: [(GossipSignature.headerName, header)]).status
    }

    /// The `/<hex>/checkpoint` note `member` serves publicly for `origin`.
    static func publicCheckpoint(_ origin: String, of member: TestNetwork.Member) async throws -> CosignedCheckpoint {
        let hex = SHA256.hash(Array(origin.utf8)).hexString
        let answer = try await get("\(member.url)/\(hex)/checkpoint")
        return try CosignedCheckpoint(parsing: String(decoding: answer.body, as: UTF8.self))
    }
}

extension TestNetwork {
    /// `count` nodes watching `fake`, served over real HTTP, as `origin`, each polled once.
    static func watching(_ fake: FakeChronicle, as origin: String, count: Int, gossipRateLimit: Double? = nil,
                         configure: @escaping @Sendable (inout NodeConfig) -> Void = { _ in },
                         _ body: @escaping @Sendable (TestNetwork) async throws -> Void) async throws {
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: count, services: false, gossipRateLimit: gossipRateLimit, configure: configure) { network in
                for index in 0..<count { try await network.watch(index, origin: origin, url: urls[0], key: fake.serverKey.publicKey) }
                try await network.pollAll(origin)
                try await body(network)
            }
        }
    }
}

extension TestNetwork.Member {
    /// A gossip body signed by this member for `receiver` now (witness-protocol §5.1).
    func signGossip(_ body: [UInt8], for receiver: TestNetwork.Member) -> String {
        GossipSignature.sign(body: body, to: receiver.name, time: UInt64(Date().timeIntervalSince1970), vkey: vkey, key: key).headerValue
    }

    /// Posts `message` to `receiver` as this trusted peer, signed.
    func gossip(_ message: GossipMessage, to receiver: TestNetwork.Member) async throws -> Int {
        try await gossip(bytes: message.bytes, to: receiver)
    }

    /// Posts raw gossip bytes to `receiver` as this trusted peer, signed.
    func gossip(bytes body: [UInt8], to receiver: TestNetwork.Member) async throws -> Int {
        try await Attacker.replay(body, header: signGossip(body, for: receiver), to: receiver)
    }

    /// Whether cosigning is refused (the state-safety stop).
    var refusesCosigning: Bool { get throws { try database.nodeState()?.refusal != nil } }

    /// Polls `origin` now; whether the poll cosigned.
    func pollSucceeds(_ origin: String) async throws -> Bool {
        guard let record = try database.upstream(origin: origin) else { return false }
        return await node.sync.poll(record).succeeded
    }
}

/// Evidence an attacker (or a trusted peer) can build from an honest `fake`'s genuine answers.
enum StagedEvidence {
    /// A "freeze": a `/since` body serving entries 2…n, and a minute later a signed `/lasthash`
    /// naming entry 2. The honest fake answers the second at the attacker's request (`lasthashPosition`
    /// stands in for asking `/lookup` of entry 2, which has the same shape), so only a reporter's
    /// word says it was a `/lasthash`. Leaves the fake honest again.
    static func freeze(_ fake: FakeChronicle, origin: String, reportedBy: VerifierKey) async -> Evidence {
        let since = await fake.signed(path: "/since/" + fake.entries()[0].currhash)
        fake.advance(seconds: 60)
        fake.misbehave { $0.lasthashPosition = 2 }
        let frozen = await fake.signed(path: "/lasthash")
        fake.misbehave { $0.lasthashPosition = nil }
        return Evidence.freeze(origin: origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reportedBy, detectedAt: fake.now,
                               containing: since, lasthash: frozen)
    }

    /// A "rollback": the export, then a minute later a signed "No record found" for a made-up hash
    /// (the fake's clock moves on a minute).
    static func rollback(_ fake: FakeChronicle, origin: String, reportedBy: VerifierKey, detectedAt: Timestamp) async -> Evidence {
        let export = await fake.signed(path: "/export")
        fake.advance(seconds: 60)
        let notFound = await fake.signed(path: "/lookup/" + Base64URL.encode([UInt8](repeating: 7, count: 32)))
        return Evidence.rollback(origin: origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reportedBy,
                                 detectedAt: detectedAt, containing: export, later: notFound)
    }

    /// A genuine fork: `fake` serves `main`, then a branch that rewrites it after entry 2.
    static func fork(_ fake: FakeChronicle, origin: String, reportedBy: VerifierKey) async -> Evidence {
        let main = await fake.signed(path: "/export")
        fake.branch("rewritten", keeping: 2)
        fake.append(2, to: "rewritten")
        fake.serve("rewritten")
        let other = await fake.signed(path: "/export")
        fake.serve("main")
        return Evidence.fork(origin: origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reportedBy, detectedAt: fake.now,
                             first: main, second: other)
    }
}

/// POSTs `body` with extra `headers`; the status, body and the answer's `Gossip-Signature` values.
func postWithHeaders(_ body: [UInt8], to url: String,
                     headers: [(String, String)]) async throws -> (status: Int, body: [UInt8], gossipSignatures: [String]) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    return (Int(response.status.code), Array(try await response.body.collect(upTo: 2 << 20).readableBytesView),
            response.headers[GossipSignature.headerName])
}

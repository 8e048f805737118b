import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Fuzzing against a running node (issue 9, "no traps on hostile numbers"): generated requests —
/// methods, paths with hostile numbers and hashes, queries, headers, bodies — sent as raw bytes
/// to a node that paginates, replicates, gossips and has clients; and mutated gossip messages,
/// signed by a trusted peer or not, end to end. The properties: no 5xx but a busy 503, the
/// process alive, and nothing of the node's witnessing state changed.
@Suite("Hostile world: fuzzing a running node", .serialized)
struct HostileFuzzTests {
    static let origin = "fuzzed.example/chronicle"

    /// What must not change under attack.
    struct Witnessed: Equatable {
        var checkpoint: Checkpoint?
        var refused: Bool
        var splitView: String?
        var frozen: String?
        var evidence: Int
        var ledger: Int

        init(_ member: TestNetwork.Member) throws {
            let upstream = try member.database.upstream(origin: HostileFuzzTests.origin)
            checkpoint = upstream?.cosigned?.checkpoint
            refused = try member.refusesCosigning
            splitView = upstream?.splitView
            frozen = upstream?.frozen
            evidence = try member.database.evidenceList().count
            ledger = try member.database.ledgerSize()
        }
    }

    static func stage(_ body: @escaping @Sendable (TestNetwork, FakeChronicle) async throws -> Void) async throws {
        let fake = FakeChronicle()
        fake.append(7)
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 2, services: false, configure: { config in
                config.paginateExport = 3
                config.trustedProxies = ["127.0.0.1"]
            }) { network in
                for member in network.members {
                    _ = try await member.database.addUpstream(origin: Self.origin, url: urls[0], publicKey: fake.serverKey.publicKey,
                                                              replicate: true, at: Timestamp(seconds: 0))
                }
                try await network.pollAll(Self.origin)
                try await body(network, fake)
            }
        }
    }

    @Test func generatedRequestsToEveryRouteNeverBreakTheNode() async throws {
        try await Self.stage { network, fake in
            let node = network[0]
            let port = try #require(Int(node.url.split(separator: ":").last!))
            let client = try await node.database.addClient(publickey: Ed25519SecretKey.generate().publicKey.base64url, isAdmin: false,
                                                           comment: "fuzz", at: Timestamp(seconds: 0)).0.publicid
            let source = try #require(try node.database.replicaSources().first?.uniqueid)
            let hex = SHA256.hash(Array(Self.origin.utf8)).hexString
            let hash = fake.entries()[2].currhash
            let before = try Witnessed(node)
            var random = SeededRandom(seed: 0x150_0901)
            var mutator = ByteMutator(seed: 0x150_0902)
            let numbers = ["0", "1", "-1", "3", "9223372036854775807", "9223372036854775808", "9223372036854776", "99999999999999999999999",
                           "000000000000000000001", "1e3", "0x10", "%31", "", "1.5", " 1"]
            let hashes = [hash, hash.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? hash, "AAAA", "%00", "..%2F..",
                          String(repeating: "A", count: 9000), "\u{00e9}", "%ZZ", "=", "null"]
            let hexes = [hex, hex.uppercased(), String(hex.prefix(63)), hex + "0", "../" + hex]
            let templates = ["/", "/chronicle", "/chronicle/", "/chronicle/lasthash", "/chronicle/lookup/{h}", "/chronicle/since/{h}",
                             "/chronicle/since/{h}/{n}", "/chronicle/export", "/chronicle/export/{n}", "/chronicle/mirrors",
                             "/chronicle/replica", "/chronicle/replica/{s}", "/chronicle/replica/{s}/lasthash",
                             "/chronicle/replica/{s}/lookup/{h}", "/chronicle/replica/{s}/since/{h}/{n}", "/chronicle/replica/{s}/export/{n}",
                             "/chronicle/publish", "/chronicle/register", "/chronicle/revoke", "/witness/v1/upstreams",
                             "/witness/v1/freshness/{x}", "/witness/v1/position/{x}/{n}", "/witness/v1/evidence", "/witness/v1/evidence/{x}",
                             "/witness/v1/peers", "/witness/v1/gossip", "/{x}/checkpoint", "/metrics", "//chronicle//export", "/%2e%2e/",
                             "/witness/v1/proof/{x}/entry/{h}", "/witness/v1/proof/{x}/consistency/{n}/{n}", "/witness/v1/proof/{x}/entry/{h}/x"]
            let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "G ET"]
            let gossipSeed = GossipMessage(from: network[1].vkey, heads: try network[1].node.gossip.view.heads(), evidence: []).bytes
            var answered = 0
            for _ in 0..<Int(400 * SeededRandom.scale) {
                var path = random.pick(templates)
                    .replacingOccurrences(of: "{n}", with: random.pick(numbers))
                    .replacingOccurrences(of: "{h}", with: random.pick(hashes))
                    .replacingOccurrences(of: "{s}", with: random.oneIn(4) ? "nope" : source)
                    .replacingOccurrences(of: "{x}", with: random.pick(hexes))
                if random.oneIn(4) { path += random.pick(["?material=0", "?instance=a", "?" + String(repeating: "q", count: 3000), "?%ZZ", "#x"]) }
                var pathBytes = Array(path.utf8)
                if random.oneIn(6) { pathBytes = mutator.mutate(pathBytes) }
                var headers: [String] = ["Host: 127.0.0.1", "Connection: close"]
                if random.oneIn(3) { headers.append("Chronicle-Client-Key-ID: " + random.pick([client, "nobody", client + "x", ""])) }
                if random.oneIn(3) { headers.append("Chronicle-Client-Key-ID: " + client) }
                if random.oneIn(3) { headers.append("Body-Signature-Ed25519: " + random.pick([Base64URL.encode(random.bytes(64)), "x", ""])) }
                if random.oneIn(4) {
                    headers.append("Gossip-Signature: " + random.pick([network[1].name + " " + Base64.encode(random.bytes(76)), "x y z", "", "a b"]))
                }
                if random.oneIn(6) { headers.append("If-None-Match: " + random.pick(["*", "\"x\"", "W/\"", String(repeating: "\"a\",", count: 400)])) }
                if random.oneIn(4) { headers.append("X-Forwarded-For: " + random.pick(["1.2.3.4", "", "x, y, ,", String(repeating: "9,", count: 500)])) }
                var body: [UInt8] = []
                if random.oneIn(2) {
                    body = random.oneIn(2) ? mutator.mutate(gossipSeed) : random.bytes(random.below(2048))
                }
                headers.append("Content-Length: \(body.count)")
                var request: [UInt8] = Array("\(random.pick(methods)) ".utf8)
                request += pathBytes
                request += Array(" HTTP/1.1\r\n".utf8)
                request += Array(headers.joined(separator: "\r\n").utf8)
                request += Array("\r\n\r\n".utf8)
                request += body
                if let status = RawRequest.send(port: port, request) {
                    answered += 1
                    #expect(status < 500 || status == 503, "\(status) for \(String(decoding: request.prefix(200), as: UTF8.self))")
                }
            }
            #expect(answered > 300, "most requests reach the routes (\(answered) answered)")
            #expect(try await get(node.url + "/chronicle/lasthash").status == 200, "the node is alive")
            #expect(try Witnessed(node) == before, "the campaign changed what the node witnessed")
        }
    }

    @Test func mutatedGossipSignedOrNotNeverBreaksTheNode() async throws {
        try await Self.stage { network, fake in
            let node = network[0], peer = network[1]
            let heads = try peer.node.gossip.view.heads()
            let unproven = await StagedEvidence.rollback(fake, origin: Self.origin, reportedBy: peer.vkey, detectedAt: fake.now)
            let seeds = [GossipMessage(from: peer.vkey, heads: heads, evidence: []).bytes,
                         GossipMessage(from: peer.vkey, heads: heads, evidence: [unproven]).bytes,
                         GossipMessage(from: Attacker.stranger, heads: heads, evidence: []).bytes]
            let before = try Witnessed(node)
            var mutator = ByteMutator(seed: 0x150_0903)
            var random = SeededRandom(seed: 0x150_0904)
            var answered = [Int: Int]()
            for seed in seeds {
                let answer = try await Attacker.replay(seed, header: peer.signGossip(seed, for: node), to: node)
                #expect(answer == 200, "an unmutated seed is refused")
            }
            for _ in 0..<Int(300 * SeededRandom.scale) {
                let body = mutator.mutate(random.pick(seeds), donors: seeds)
                // Half are signed by the trusted peer after mutation: they reach past authentication.
                let status = random.oneIn(2) ? try await peer.gossip(bytes: body, to: node)
                    : try await Attacker.replay(body, header: "", to: node)
                answered[status, default: 0] += 1
                #expect(status < 500, "\(status)")
            }
            // Byte mutations of signed material mostly break a signature: refused whole, 400.
            #expect(answered[400, default: 0] > 0, "\(answered)")
            let after = try Witnessed(node)
            #expect(after.refused == false && after.splitView == nil && after.frozen == nil)
            #expect(after.checkpoint == before.checkpoint && after.ledger == before.ledger)
            // Whatever was kept proves what it claims.
            for record in try node.database.evidenceList() {
                let evidence = try Evidence(bytes: record.body)
                guard case .proven = EvidenceVerifier.verify(evidence) else { Issue.record("unproven evidence kept: \(evidence.kind)"); continue }
            }
        }
    }
}

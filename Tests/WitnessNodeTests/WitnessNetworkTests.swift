import Foundation
import Hummingbird
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Five and more real nodes on 127.0.0.1 gossiping over HTTP (witness-protocol §5–7).
@Suite("Witness network on loopback", .serialized)
struct WitnessNetworkTests {
    static let origin = "upstream.example/chronicle"

    /// Starts `fakes` as HTTP Chronicles, then a network of `count` nodes.
    func withNetwork(_ count: Int, services: Bool, fakes: [FakeChronicle],
                     _ body: @Sendable (TestNetwork, [String]) async throws -> Void) async throws {
        try await withLiveServers(fakes.map(fakeServer)) { urls in
            try await TestNetwork.run(count: count, services: services) { network in
                try await body(network, urls)
            }
        }
    }

    @Test func honestGrowthConvergesOnEveryTrustedCosignature() async throws {
        let fake = FakeChronicle()
        fake.append(5)
        try await withNetwork(5, services: true, fakes: [fake]) { network, urls in
            for index in 0..<5 { try await network.watch(index, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey) }
            let keys = network.members.map(\.vkey)
            let everyone = Set(network.members.map(\.name))
            // Every node ends up serving the newest head with all five cosignatures on it.
            @Sendable func converged(at size: Int) async throws -> Bool {
                for member in network.members {
                    guard let (json, note) = try await member.freshness(Self.origin),
                          note.checkpoint.size == size, note.checkpoint.root == fake.treeRoot(size),
                          // v2 §7: the chain head a Chronicle user knows, proven as the tree's last leaf.
                          try FreshnessAnswer(json: json).provenCurrhash == fake.currhash(size),
                          json["status"]?.stringValue == "fresh",
                          try member.cosigners(of: note, among: keys) == everyone else { return false }
                }
                return true
            }
            #expect(try await eventually(timeout: .seconds(30)) { try await converged(at: 5) })
            fake.append(3)
            #expect(try await eventually(timeout: .seconds(30)) { try await converged(at: 8) })
            // The status page shows the upstream, the peers and their agreement, without JavaScript.
            let page = try await get(network[0].url + "/")
            #expect(page.status == 200)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains(Self.origin) && html.contains("w4.test") && html.contains("same") && !html.contains("<script"))
            #expect(html.contains("Evidence (0)"))
            // One witness-head record per advance on every node, and no evidence anywhere.
            for member in network.members {
                #expect(try member.database.evidenceList().isEmpty)
                let upstream = try #require(try member.database.upstream(origin: Self.origin))
                #expect(upstream.cosigned?.checkpoint.size == 8)
            }
        }
    }

    @Test func aSplitViewShownToASubsetIsProvenToEveryHonestNodeWithinAFewRounds() async throws {
        // One upstream key, two histories: entries 1–3 shared, then 4–6 differ.
        let (honest, forked) = FakeChronicle.splitView(shared: 3, diverging: 3)
        #expect(honest.serverKey.publicKey == forked.serverKey.publicKey)
        try await withNetwork(5, services: false, fakes: [honest, forked]) { network, urls in
            // Nodes 0 and 1 are shown the fork; 2, 3 and 4 the other history, under one origin.
            for index in 0..<5 {
                try await network.watch(index, origin: Self.origin, url: urls[index < 2 ? 1 : 0], key: honest.serverKey.publicKey)
            }
            try await network.pollAll(Self.origin)
            for index in 0..<5 {
                let expected = index < 2 ? forked.treeRoot(6, in: "fork") : honest.treeRoot(6)
                #expect(try network[index].database.upstream(origin: Self.origin)?.cosigned?.checkpoint.root == expected)
            }
            var rounds = 0
            func everyoneHoldsProof() throws -> Bool {
                try network.members.allSatisfy { member in
                    let list = try member.database.evidenceList(origin: Self.origin)
                    let marked = try member.database.upstream(origin: Self.origin)?.splitView != nil
                    return marked && list.contains { $0.kind == "fork" }
                }
            }
            while try !everyoneHoldsProof(), rounds < 6 {
                await network.gossipRound()
                rounds += 1
            }
            #expect(try everyoneHoldsProof(), "after \(rounds) rounds not every node holds the fork evidence")
            #expect(rounds <= 4, "the split view took \(rounds) rounds to reach every node")
            // Operators see it in Prometheus: the evidence, the upstream's state, the exchanges and the polls.
            let metrics = String(decoding: try await get(network[2].url + "/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"witness_evidence{kind="fork"} 1"#))
            #expect(metrics.contains(#"witness_upstream_state{origin="\#(Self.origin)",state="split-view"} 1"#))
            #expect(metrics.contains(#"witness_polls_total{origin="\#(Self.origin)",outcome="advanced"} 1"#))
            #expect(metrics.contains(#"witness_gossip_exchanges_total{direction="out",outcome="ok"}"#))
            #expect(metrics.contains(#"witness_http_request_duration_seconds_bucket{route="/witness/v1/gossip",status="200""#))
            // The stored evidence proves the fork offline, on every node, and sits in its ledger.
            for member in network.members {
                let record = try #require(try member.database.evidenceList(origin: Self.origin).first { $0.kind == "fork" })
                let evidence = try Evidence(bytes: record.body)
                guard case .proven(.fork, _) = EvidenceVerifier.verify(evidence, standard: .selfContained) else {
                    Issue.record("\(member.name) stored evidence that does not verify")
                    continue
                }
                // An independent verifier (Python, written from the specs) accepts it too.
                let independent = try await IndependentVerifier.verify(bytes: record.body)
                #expect(independent.proven && independent.output.hasPrefix("proven: fork"), "\(independent)")
                let position = try #require(record.ledgerPosition)
                #expect(try member.database.entry(at: position)?.contents == String(decoding: record.body, as: UTF8.self))
            }
        }
    }

    @Test func aFrozenNodeProvesTheFreezeAndTheNetworkLearnsIt() async throws {
        // The upstream shows node 0 a chain that stops at 5 while it serves everyone else 8.
        let live = FakeChronicle()
        live.append(5)
        let stale = FakeChronicle()
        stale.append(5)
        live.advance(seconds: 60)
        live.append(3)
        stale.setTime(live.now.adding(seconds: 600))
        try await withNetwork(5, services: false, fakes: [live, stale]) { network, urls in
            for index in 0..<5 {
                try await network.watch(index, origin: Self.origin, url: urls[index == 0 ? 1 : 0], key: live.serverKey.publicKey)
            }
            try await network.pollAll(Self.origin)
            #expect(try network[0].database.upstream(origin: Self.origin)?.cosigned?.checkpoint.size == 5)
            var rounds = 0
            func everyoneKnows() throws -> Bool {
                try network.members.allSatisfy { try $0.database.evidenceList(origin: Self.origin).contains { $0.kind == "freeze" } }
            }
            while try !everyoneKnows(), rounds < 6 {
                await network.gossipRound()
                rounds += 1
            }
            #expect(try everyoneKnows(), "after \(rounds) rounds not every node holds the freeze evidence")
            let frozen = try #require(try network[0].database.upstream(origin: Self.origin))
            #expect(frozen.frozen != nil)
            // Node 0 never cosigned beyond what it verified itself.
            #expect(frozen.cosigned?.checkpoint == Checkpoint(origin: Self.origin, size: 5, root: live.treeRoot(5)))
            let freshness = try #require(try await network[0].freshness(Self.origin))
            #expect(freshness.json["status"]?.stringValue == "frozen")
            let record = try #require(try network[4].database.evidenceList(origin: Self.origin).first)
            guard case .proven(.freeze, _) = EvidenceVerifier.verify(try Evidence(bytes: record.body)) else {
                Issue.record("the freeze evidence does not verify offline")
                return
            }
            let independent = try await IndependentVerifier.verify(bytes: record.body)
            #expect(independent.proven && independent.output.hasPrefix("proven: freeze"), "\(independent)")
            // One flipped byte in a signed body, and the independent verifier refuses it.
            var tampered = record.body
            let at = try #require(String(decoding: tampered, as: UTF8.self).range(of: "\"body\": \"")).upperBound.utf16Offset(in: String(decoding: tampered, as: UTF8.self)) + 20
            tampered[at] = tampered[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(!(try await IndependentVerifier.verify(bytes: tampered)).proven)
        }
    }
}

import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessTesting

/// The gossip rate limit on a real node: a stranger over the strangers' shared budget gets 429
/// with `{"error": …}` before its body is read (issue 9: peers have budgets of their own).
@Suite("Gossip rate limit")
struct GossipRateLimitTests {
    let senderKey = Ed25519SecretKey(seed: (0..<32).map { 0x50 + $0 })

    @Test func aGossipSenderOverItsBudgetIsRefusedWith429() async throws {
        try await TestNetwork.run(count: 1, services: false, gossipRateLimit: 0.01) { network in
            // A burst of one, then one request per 100 s: however slow the machine, the second is refused.
            let url = network[0].url + "/witness/v1/gossip"
            let sender = VerifierKey(name: "sender.test", publicKey: senderKey.publicKey)
            let body = GossipMessage(from: sender, heads: [], evidence: []).bytes
            #expect(try await post(body, to: url).status == 200)
            let refused = try await post(body, to: url)
            #expect(refused.status == 429)
            #expect(try JSONParser.parse(refused.body)["error"]?.stringValue?.contains("too many") == true)
        }
    }
}

import Foundation
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// Per-client rate limits (issue 5): a client over its budget gets 429 with `Retry-After`, signed
/// like every Chronicle answer, and nothing is stored; other clients are not affected.
@Suite("Rate limits")
struct RateLimitTests {
    let serverKey = Ed25519SecretKey(seed: (0..<32).map { 0x30 + $0 })
    let writers = [Ed25519SecretKey(seed: (0..<32).map { 0x50 + $0 }), Ed25519SecretKey(seed: (0..<32).map { 0x51 + $0 })]

    @Test func aPublisherOverItsBudgetIsRefusedWith429AndNothingIsStored() async throws {
        let database = try WitnessDatabase.inMemory()
        for (index, writer) in writers.enumerated() {
            try await database.addClient(ClientRecord(publicid: "writer\(index)", publickey: writer.publicKey.base64url,
                                                      isAdmin: false, comment: "", created: "2026-01-01T00:00:00+00:00"))
        }
        var config = NodeConfig(name: "limited.test")
        config.publishRateLimit = 0.01 // a burst of 1, then one per 100 s
        let service = ChronicleService(database: database, key: serverKey, config: config)
        try await withLiveServers([ownNodeServer(service)]) { urls in
            let client = try ChronicleClient(baseURL: urls[0], serverKey: serverKey.publicKey)
            _ = try await client.publish(Array("first".utf8), clientID: "writer0", key: writers[0])
            do {
                _ = try await client.publish(Array("second".utf8), clientID: "writer0", key: writers[0])
                Issue.record("the second publish within the budget window was accepted")
            } catch let error as ChronicleClientError {
                // The refusal is signed by the node (the client verified it) and names the status.
                guard case .refused(_, 429, let message) = error else { Issue.record("expected 429, got \(error)"); return }
                #expect(message.contains("Too many requests"))
            }
            // Another client has its own budget.
            _ = try await client.publish(Array("other client".utf8), clientID: "writer1", key: writers[1])
            #expect(try database.ledgerSize() == 2)
        }
    }

    @Test func aGossipSenderOverItsBudgetIsRefusedWith429() async throws {
        try await TestNetwork.run(count: 1, services: false, gossipRateLimit: 0.01) { network in
            // A burst of one, then one request per 100 s: however slow the machine, the second is refused.
            let url = network[0].url + "/witness/v1/gossip"
            let sender = VerifierKey(name: "sender.test", publicKey: writers[0].publicKey)
            let body = GossipMessage(from: sender, heads: [], evidence: []).bytes
            #expect(try await post(body, to: url).status == 200)
            let refused = try await post(body, to: url)
            #expect(refused.status == 429)
            #expect(try JSONParser.parse(refused.body)["error"]?.stringValue?.contains("too many") == true)
        }
    }
}

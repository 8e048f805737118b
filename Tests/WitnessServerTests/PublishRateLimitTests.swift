import Foundation
import Logging
import NIOCore
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// The publish rate limit (issue 5, keyed by the verified client since issue 9): a client over its
/// budget gets 429 with `Retry-After`, signed like every Chronicle answer, and nothing is stored;
/// other clients are not affected.
@Suite("Publish rate limit")
struct PublishRateLimitTests {
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
        let box = PortBox()
        let app = buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0,
                                   logger: Logger(label: "rate-limited")) { channel in await box.set(channel.localAddress?.port ?? 0) }
        try await withLiveServer(app, box: box) { url in
            let client = try ChronicleClient(baseURL: url, serverKey: serverKey.publicKey)
            _ = try await client.publish(Array("first".utf8), clientID: "writer0", key: writers[0])
            do {
                _ = try await client.publish(Array("second".utf8), clientID: "writer0", key: writers[0])
                Issue.record("the second publish within the budget window was accepted")
            } catch let error as OutboundError {
                // The refusal is signed by the node (the client verified it) and names the status.
                guard case .refused(_, 429, let message) = error else { Issue.record("expected 429, got \(error)"); return }
                #expect(message.contains("Too many requests"))
            }
            // Another client has its own budget.
            _ = try await client.publish(Array("other client".utf8), clientID: "writer1", key: writers[1])
            #expect(try database.ledgerSize() == 2)
        }
    }
}

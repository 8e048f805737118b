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

/// The public litewitness / Sunlight add-checkpoint sequence (signed by a log key this project
/// does not hold) against a real node on 127.0.0.1: the statuses of witness-protocol §9.
@Suite("C2SP add-checkpoint public vectors")
struct TlogWitnessVectorTests {
    @Test("the litewitness sequence, in order, on one fresh witness")
    func litewitnessSequence() async throws {
        let cases = try TlogWitnessVectors.sequence()
        #expect(cases.count == 11)
        let directory = try TemporaryDirectory(prefix: "tlog-vectors")
        defer { directory.remove() }
        let database = try WitnessDatabase.open(path: directory.path("witness.sqlite"))
        let key = try LogKey(parsing: TlogWitnessVectors.logVkey)
        try await database.addMerkleLog(origin: key.name, key: key, qpd: nil, at: Timestamp(seconds: 1_795_000_000))
        let witness = Ed25519SecretKey(seed: [UInt8](repeating: 0x5A, count: 32))
        let service = ChronicleService(database: database, key: witness, config: NodeConfig(name: "example.com/witness"))
        let box = PortBox()
        let app = buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0,
                                   logger: Logger(label: "tlog-vectors")) { channel in await box.set(channel.localAddress?.port ?? 0) }
        try await withRunningServers([(app, box)]) { ports in
            for vector in cases {
                let response = try await HTTPTransport().send(
                    OutboundRequest(method: "POST", url: "http://127.0.0.1:\(ports[0])/add-checkpoint", body: vector.body),
                    maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
                let body = String(decoding: response.body, as: UTF8.self)
                #expect(response.status == vector.status, "\(vector.name): \(response.status) \(body)")
                if let conflict = vector.conflictBody { #expect(body == conflict, "\(vector.name)") }
                if response.status == 200 {
                    // The answer is this witness's cosignature over the pushed checkpoint, by swift-crypto.
                    let text = String(decoding: vector.body, as: UTF8.self)
                    let note = String(text[text.range(of: "\n\n")!.upperBound...])
                    let checkpoint = String(note[..<note.range(of: "\n\n")!.lowerBound]) + "\n"
                    #expect(IndependentCosignature.verify(note: checkpoint + "\n" + body, name: "example.com/witness",
                                                          publicKey: witness.publicKey.bytes)?.checkpointText == checkpoint)
                }
            }
        }
        #expect(try database.merkleLog(origin: "sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562")?.size == 5)
    }

    @Test("a real Go checksum database checkpoint: origin with spaces, key named otherwise, cosigned")
    func sumdb() async throws {
        let vector = try #require(TlogWitnessVectors.sequence("sumdb.txt").first)
        let directory = try TemporaryDirectory(prefix: "tlog-sumdb")
        defer { directory.remove() }
        let database = try WitnessDatabase.open(path: directory.path("witness.sqlite"))
        try await database.addMerkleLog(origin: "go.sum database tree", key: LogKey(parsing: TlogWitnessVectors.sumdbVkey), qpd: nil,
                                        at: Timestamp(seconds: 1_795_000_000))
        let service = ChronicleService(database: database, key: Ed25519SecretKey(seed: [UInt8](repeating: 0x5B, count: 32)),
                                       config: NodeConfig(name: "example.com/witness"))
        let box = PortBox()
        let app = buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0,
                                   logger: Logger(label: "tlog-sumdb")) { channel in await box.set(channel.localAddress?.port ?? 0) }
        try await withRunningServers([(app, box)]) { ports in
            let response = try await HTTPTransport().send(
                OutboundRequest(method: "POST", url: "http://127.0.0.1:\(ports[0])/add-checkpoint", body: vector.body),
                maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        }
        #expect(try database.merkleLog(origin: "go.sum database tree")?.size == 35_225_469)
    }
}

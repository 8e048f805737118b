import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// Runs `app` on 127.0.0.1 with a free port, calls `body` with the base URL, then shuts the server down.
func withLiveServer(_ app: any ApplicationProtocol, box: PortBox, _ body: @Sendable (String) async throws -> Void) async throws {
    try await withRunningServers([(app, box)]) { ports in try await body("http://127.0.0.1:\(ports[0])/chronicle") }
}

/// Serves recorded PHP responses byte for byte (status, signature header, body) by path.
struct RecordedResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let responses: [String: RecordedHTTP]
    func respond(to request: Request, context: Context) async throws -> Response {
        guard let recorded = responses[request.uri.path] else { return Response(status: .notFound) }
        var fields = HTTPFields()
        for header in recorded.headers where header.name.lowercased() == "body-signature-ed25519" || header.name.lowercased() == "content-type" {
            fields.append(HTTPField(name: HTTPField.Name(header.name)!, value: header.value))
        }
        return Response(status: .init(code: recorded.statusCode ?? 500), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: recorded.body)))
    }
}

@Suite("verify-chain against live servers")
struct VerifyChainLiveTests {
    func recordedServer(_ exports: RecordedHTTP) -> (some ApplicationProtocol, PortBox) {
        let box = PortBox()
        let app = Application(responder: RecordedResponder(responses: ["/chronicle/export": exports]),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in await box.set(channel.localAddress?.port ?? 0) },
                              logger: Logger(label: "recorded"))
        return (app, box)
    }

    @Test func acceptsTheRealPHPChainAndRejectsTheWrongKey() async throws {
        let (_, recorded) = try Fixtures.exchange("a", "final-export")
        let (app, box) = recordedServer(recorded)
        let keyA = try Fixtures.serverPublicKey("a")
        let keyB = try Fixtures.serverPublicKey("b")
        try await withLiveServer(app, box: box) { url in
            let result = try await ChainDownload(client: try ChronicleClient(baseURL: url, serverKey: keyA)).run()
            let final = try Fixtures.chainEntries("chain/a-export-final.json")
            #expect(result.size == 56)
            #expect(result.currhash == final.last?.currhash)
            await #expect(throws: ChainDownload.Failure.self) {
                _ = try await ChainDownload(client: try ChronicleClient(baseURL: url, serverKey: keyB)).run()
            }
        }
    }

    @Test func rejectsARecordedChainWithOneTamperedByte() async throws {
        var recorded = try Fixtures.exchange("a", "final-export").response
        // Flip one character inside entry 17's contents: the PHP signature no longer covers the body.
        let marker = Array("fixture entry #2".utf8)
        let body = recorded.body
        var found: Int?
        for i in 0..<(body.count - marker.count) where Array(body[i..<(i + marker.count)]) == marker {
            found = i
            break
        }
        let at = try #require(found)
        recorded.body[at] ^= 0x01
        let (app, box) = recordedServer(recorded)
        let keyA = try Fixtures.serverPublicKey("a")
        try await withLiveServer(app, box: box) { url in
            do {
                _ = try await ChainDownload(client: try ChronicleClient(baseURL: url, serverKey: keyA)).run()
                Issue.record("a tampered response was accepted")
            } catch {
                guard let failure = error as? ChainDownload.Failure, case .response(let inner) = failure,
                      case .badResponseSignature = inner else { Issue.record("unexpected \(error)"); return }
            }
        }
    }

    @Test func publishesAndVerifiesAOneMebibyteUnicodeEntryOverHTTP() async throws {
        let database = try WitnessDatabase.inMemory()
        let nodeKey = Ed25519SecretKey.generate()
        let client = Ed25519SecretKey.generate()
        try await database.addClient(ClientRecord(publicid: "big", publickey: client.publicKey.base64url,
                                                  isAdmin: false, comment: "", created: "x"))
        let box = PortBox()
        let service = ChronicleService(database: database, key: nodeKey, config: NodeConfig())
        let app = buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0,
                                   logger: Logger(label: "node")) { channel in await box.set(channel.localAddress?.port ?? 0) }
        try await withLiveServer(app, box: box) { url in
            let chronicle = try ChronicleClient(baseURL: url, serverKey: nodeKey.publicKey)
            let unit = "é😀/\"\\\r\n\t<x>"
            let body = Array(String(repeating: unit, count: (1 << 20) / unit.utf8.count).utf8)
            let published = try await chronicle.publish(body, clientID: "big", key: client)
            let result = try await ChainDownload(client: chronicle).run()
            #expect(result.size == 1)
            #expect(result.currhash == published.json["results"]?["currhash"]?.stringValue)
            // Over the limit: refused whole, chain unchanged.
            let tooBig = [UInt8](repeating: 0x61, count: NodeConfig().maxBodyBytes + 1)
            await #expect(throws: OutboundError.self) { _ = try await chronicle.publish(tooBig, clientID: "big", key: client) }
            #expect(try database.ledgerSize() == 1)
        }
    }
}

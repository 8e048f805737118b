import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// A node of our own, on an in-memory database and a manual clock, fed recorded PHP traffic.
struct ReplayNode {
    let api: ChronicleAPI
    let clock: ManualWallClock
    let database: WitnessDatabase
    let key: Ed25519SecretKey

    init(config: NodeConfig = NodeConfig()) throws {
        database = try WitnessDatabase.inMemory()
        key = Ed25519SecretKey(seed: Array(repeating: 7, count: 32))
        clock = ManualWallClock(Timestamp(seconds: 0))
        api = ChronicleAPI(service: ChronicleService(database: database, key: key, config: config, clock: clock))
    }

    /// Registers a fixture client under its recorded id.
    func register(_ file: String, admin: Bool = false) async throws {
        let client = try Fixtures.clientKey(file)
        try await database.addClient(ClientRecord(publicid: client.clientID, publickey: client.publicKey.base64url,
                                                  isAdmin: admin, comment: "", created: "2026-11-25T03:00:00+00:00"))
    }

    /// Sends a recorded request with the clock at the recorded response's `datetime`.
    func replay(_ request: RecordedHTTP, at response: RecordedHTTP? = nil) async throws -> APIResponse {
        if let response, let stamp = Self.datetime(response) { clock.set(stamp) }
        let parts = request.startLine.split(separator: " ")
        let answer = await api.respond(to: ChronicleAPI.Request(method: String(parts[0]), path: String(parts[1]),
                                                                headers: request.headers, body: request.body))
        try checkSignature(answer)
        return answer
    }

    /// Replays exchange `name` of server `server`.
    func replay(_ server: String, _ name: String) async throws -> (ours: APIResponse, recorded: RecordedHTTP) {
        let (request, response) = try Fixtures.exchange(server, name)
        return (try await replay(request, at: response), response)
    }

    /// The time to replay a recorded response at: the `created` of an append it reports (the
    /// entry's time is hashed, so it must be exact), else its `datetime`.
    static func datetime(_ response: RecordedHTTP) -> Timestamp? {
        guard response.bodyLooksLikeJSON, let json = try? JSONParser.parse(response.body) else { return nil }
        let text = json["results"]?["created"]?.stringValue ?? json["datetime"]?.stringValue
        return text.flatMap(Timestamp.parse)
    }

    /// A body with its envelope `datetime` replaced (PHP's `created` and `datetime` may be a second apart).
    static func withDatetime(_ body: [UInt8], of recorded: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        guard let stamp = try? JSONParser.parse(recorded)["datetime"]?.stringValue,
              let ours = try? JSONParser.parse(body)["datetime"]?.stringValue else { return text }
        return text.replacingOccurrences(of: "\"datetime\": \"\(ours)\"", with: "\"datetime\": \"\(stamp)\"")
    }

    /// Every signed answer must verify under our key with an independent Ed25519 (swift-crypto).
    func checkSignature(_ answer: APIResponse) throws {
        let signatures = answer.values(of: Sapient.signatureHeader)
        guard answer.headers.first(where: { $0.name.lowercased() == "content-type" })?.value == "application/json" else {
            #expect(signatures.isEmpty, "unsigned framework responses carry no signature")
            return
        }
        #expect(signatures.count == 1, "exactly one Body-Signature-Ed25519")
        #expect(answer.headers.contains { $0.name == "Body-Signature-Ed25519" }, "header name in exact case")
        let independent = try Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey.bytes)
        let raw = try #require(Base64URL.decode(signatures.first ?? "", length: 64))
        #expect(independent.isValidSignature(Data(raw), for: Data(answer.body)))
    }

    /// Our body with our public key replaced by the recorded server's, for index-like bodies.
    func bodyAsServer(_ answer: APIResponse, _ server: String) throws -> String {
        let theirs = try Fixtures.serverPublicKey(server).base64url
        return String(decoding: answer.body, as: UTF8.self).replacingOccurrences(of: key.publicKey.base64url, with: theirs)
    }
}

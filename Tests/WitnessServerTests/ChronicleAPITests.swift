import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

@Suite("Chronicle routes")
struct ChronicleRouteTests {
    @Test(arguments: [
        ("/", ChronicleRoute.home),
        ("/chronicle", .index),
        ("/chronicle/", .index),
        ("/chronicle/lasthash", .lasthash),
        ("/chronicle/lookup/abc%3D", .lookup(hash: "abc=")),
        ("/chronicle/lookup/a+b", .lookup(hash: "a b")),
        ("/chronicle/since/abc=", .since(hash: "abc=", page: nil)),
        ("/chronicle/since/abc%3D/2", .since(hash: "abc=", page: 2)),
        ("/chronicle/export", .export(page: nil)),
        ("/chronicle/export/3", .export(page: 3)),
        ("/chronicle/mirrors", .mirrors),
        ("/chronicle/replica", .replicaIndex),
        ("/chronicle/replica/xyz/lasthash", .replica(source: "xyz", rest: ["lasthash"])),
        ("/chronicle/publish", .publish),
    ] as [(String, ChronicleRoute)])
    func parsesKnownPaths(path: String, route: ChronicleRoute) {
        #expect(ChronicleRoute.parse(path: path) == route)
    }

    @Test(arguments: ["/chronicle/lasthash/", "/chronicle/nonexistent", "/chronicle/export/x", "/chronicle/since/h/x",
                      "/chronicle//lasthash", "/chronicles", "/other", "/chronicle/lookup/a/b"])
    func refusesUnknownPaths(path: String) {
        #expect(ChronicleRoute.parse(path: path) == nil)
    }
}

@Suite("Chronicle API behaviour beyond the recording")
struct ChronicleAPITests {
    let client = Ed25519SecretKey(seed: Array(repeating: 1, count: 32))

    func node(_ config: NodeConfig = NodeConfig()) async throws -> ReplayNode {
        let node = try ReplayNode(config: config)
        node.clock.set(Timestamp.parse("2026-11-25T12:00:00+00:00")!)
        try await node.database.addClient(ClientRecord(publicid: "writer", publickey: client.publicKey.base64url,
                                                       isAdmin: false, comment: "", created: "2026-11-25T12:00:00+00:00"))
        return node
    }

    func publish(_ node: ReplayNode, _ body: String, signatures: [String]? = nil, clientID: String = "writer") async throws -> APIResponse {
        let bytes = Array(body.utf8)
        let sigs = signatures ?? [Sapient.sign(bytes, with: client)]
        let answer = await node.api.respond(to: .init(method: "POST", path: "/chronicle/publish",
                                                      headers: [("Chronicle-Client-Key-ID", clientID)] + sigs.map { ("Body-Signature-Ed25519", $0) },
                                                      body: bytes))
        try node.checkSignature(answer)
        return answer
    }

    func message(_ answer: APIResponse) throws -> String? {
        try JSONParser.parse(answer.body)["message"]?.stringValue
    }

    @Test func replayedPublishIsRefusedAndChangesNothing() async throws {
        let node = try await node()
        #expect(try await publish(node, "once").status == 200)
        let replay = try await publish(node, "once")
        #expect(replay.status == 409)
        #expect(try node.database.ledgerSize() == 1)
    }

    @Test func duplicateSignatureHeadersAreABadRequest() async throws {
        let node = try await node()
        let sig = Sapient.sign(Array("x".utf8), with: client)
        let answer = try await publish(node, "x", signatures: [sig, sig])
        #expect(answer.status == 400)
        #expect(try node.database.ledgerSize() == 0)
    }

    @Test func nonUTF8BodyIsRefusedSigned() async throws {
        let node = try await node()
        let body: [UInt8] = [0x66, 0xFF, 0xFE]
        let answer = await node.api.respond(to: .init(method: "POST", path: "/chronicle/publish", headers: [
            ("Chronicle-Client-Key-ID", "writer"), ("Body-Signature-Ed25519", Sapient.sign(body, with: client))], body: body))
        try node.checkSignature(answer)
        #expect(answer.status == 400)
        #expect(try node.database.ledgerSize() == 0)
    }

    @Test func serverKeyCannotPublish() async throws {
        let node = try await node()
        try await node.database.addClient(ClientRecord(publicid: "self", publickey: node.key.publicKey.base64url,
                                                       isAdmin: false, comment: "", created: "x"))
        let body = Array("impersonation".utf8)
        let answer = await node.api.respond(to: .init(method: "POST", path: "/chronicle/publish", headers: [
            ("Chronicle-Client-Key-ID", "self"), ("Body-Signature-Ed25519", Sapient.sign(body, with: node.key))], body: body))
        #expect(answer.status == 403)
        #expect(try message(answer) == "The server's signing keys cannot be used by clients.")
    }

    @Test func futureTimestampBeyondTheWindowIsRefused() async throws {
        let node = try await node()
        #expect(try await publish(node, #"{"now":"2026-11-25T12:05:00+00:00"}"#).status == 200)
        let far = try await publish(node, #"{"now":"2027-01-01T00:00:00+00:00"}"#)
        #expect(far.status == 408)
        #expect(try await publish(node, #"{"now":"yesterday-ish"}"#).status == 408)
        #expect(try await publish(node, #"{"now":""}"#).status == 200, "an empty now is ignored, as PHP does")
    }

    @Test func paginationFollowsChronicleRules() async throws {
        var config = NodeConfig()
        config.paginateExport = 2
        let node = try await node(config)
        for i in 1...4 { #expect(try await publish(node, "entry \(i)").status == 200) }
        func get(_ path: String) async throws -> JSONValue {
            let answer = await node.api.respond(to: .init(method: "GET", path: path))
            #expect(answer.status == 200)
            return try JSONParser.parse(answer.body)
        }
        let first = try await get("/chronicle/export")
        #expect(first.objectMembers?.map(\.key) == ["version", "datetime", "status", "paginated", "next", "results"])
        #expect(first["next"] == "/export/2")
        let second = try await get("/chronicle/export/2")
        #expect(second["prev"] == "/export/1")
        // SPEC: chronicle-protocol §4.13 — `next` when offset + N <= total, so a full last page links an empty one.
        #expect(second["next"] == "/export/3")
        #expect(try await get("/chronicle/export/3")["results"] == .array([]))
        let genesis = try #require(try node.database.entry(at: 1))
        let since = try await get("/chronicle/since/\(genesis.currhash)")
        #expect(since.objectMembers?.map(\.key) == ["version", "datetime", "status", "paginated", "next", "total", "results"])
        #expect(since["total"] == 3)
        #expect(since["results"]?.arrayValue?.count == 2)
        #expect(since["next"]?.stringValue == "/since/\(genesis.currhash)/2")
        let rest = try await get("/chronicle/since/\(genesis.currhash)/2")
        #expect(rest["results"]?.arrayValue?.count == 1)
        #expect(rest["next"] == nil)
    }

    @Test func lookupNeedsThePaddedHash() async throws {
        let node = try await node()
        #expect(try await publish(node, "x").status == 200)
        let head = try #require(try node.database.lastEntry())
        let padded = await node.api.respond(to: .init(method: "GET", path: "/chronicle/lookup/\(head.currhash)"))
        #expect(padded.status == 200)
        let percent = await node.api.respond(to: .init(method: "GET", path: "/chronicle/lookup/\(head.currhash.replacingOccurrences(of: "=", with: "%3D"))"))
        #expect(percent.status == 200)
        let unpadded = await node.api.respond(to: .init(method: "GET", path: "/chronicle/lookup/\(head.currhash.dropLast())"))
        #expect(unpadded.status == 400, "PHP matches the exact padded string only")
    }

    @Test func wrongMethodIsAnUnsigned405() async throws {
        let node = try await node()
        let answer = await node.api.respond(to: .init(method: "GET", path: "/chronicle/publish"))
        #expect(answer.status == 405)
        #expect(answer.values(of: "Allow") == ["POST"])
        #expect(answer.values(of: "Body-Signature-Ed25519").isEmpty)
    }
}

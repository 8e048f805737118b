import Crypto
import Foundation
import Hummingbird
import Logging
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
@testable import WitnessServer
import WitnessStore
import WitnessTesting

/// The export as issue 13 item 1 left it: rendered from stored bytes, signed once per ledger size
/// and kept for up to a minute, streamed in flat memory when too large to hold — and in every
/// case the bytes the JSON tree renders, under a signature independent code accepts.
@Suite("Export: rendered from stored bytes, cached, streamed")
struct ExportTests {
    static let texts = ["plain", "slash / quote \" backslash \\", "tab\tnew\nline", "NUL \u{0} inside", "é 漢字 🎉",
                        String(repeating: "long body ", count: 300)]
    let writer = Ed25519SecretKey(seed: Array(repeating: 3, count: 32))

    struct Node {
        let api: ChronicleAPI
        let database: WitnessDatabase
        let clock: ManualWallClock
        let key: Ed25519SecretKey
    }

    func node(bodyLimit: Int = 32 << 20, config: NodeConfig = NodeConfig()) throws -> Node {
        let database = try WitnessDatabase.inMemory()
        let key = Ed25519SecretKey(seed: Array(repeating: 9, count: 32))
        let clock = ManualWallClock(Timestamp.parse("2026-12-03T10:00:00+00:00")!)
        let service = ChronicleService(database: database, key: key, config: config, clock: clock)
        return Node(api: ChronicleAPI(service: service, exportCache: ExportCache(bodyLimit: bodyLimit)), database: database, clock: clock, key: key)
    }

    func seed(_ node: Node, count: Int, from start: Int = 0) async throws {
        for i in start..<(start + count) {
            let text = Self.texts[i % Self.texts.count] + " #\(i)"
            _ = try await node.database.append(LedgerAppend(contents: text, publicKey: writer.publicKey, signature: writer.signature(for: text.utf8)),
                                               at: node.clock.now())
        }
    }

    /// What the JSON tree renders for the same ledger at `time`.
    func expected(_ node: Node, at time: Timestamp, page: (offset: Int, limit: Int, members: [JSONMember])? = nil) throws -> [UInt8] {
        let (total, entries) = try node.database.export(offset: page?.offset ?? 0, limit: page?.limit)
        return PHPJSON.pretty(ChronicleEnvelope.ok(at: time, (page?.members ?? [JSONMember("total", .int(total))])
            + [JSONMember("results", .array(entries.map(\.exportStyle)))]))
    }

    func get(_ node: Node, _ path: String) async throws -> (APIResponse, [UInt8]) {
        let answer = await node.api.respond(to: .init(method: "GET", path: path))
        #expect(answer.status == 200)
        let body = try await answer.collectedBody()
        let signature = try #require(answer.values(of: "Body-Signature-Ed25519").first.flatMap { Base64URL.decode($0) })
        #expect(try Curve25519.Signing.PublicKey(rawRepresentation: node.key.publicKey.bytes).isValidSignature(signature, for: body))
        return (answer, body)
    }

    @Test("the export is the JSON tree's bytes, NUL and non-ASCII bodies included, and its chain verifies")
    func sameBytesAsTheTree() async throws {
        let node = try node()
        let (_, empty) = try await get(node, "/chronicle/export")
        #expect(empty == (try expected(node, at: node.clock.now())))
        try await seed(node, count: 25)
        node.clock.advance(seconds: 1)
        let (answer, body) = try await get(node, "/chronicle/export")
        #expect(answer.stream == nil)
        #expect(body == (try expected(node, at: node.clock.now())))
        let parsed = try JSONParser.parse(body)
        let entries = try #require(parsed["results"]?.arrayValue).map { try ChronicleEntry(json: $0) }
        #expect(entries.first?.contents == "plain #0")
        #expect(entries[3].contents == "NUL \u{0} inside #3")
        let verifier = ChainVerifier()
        for entry in entries { try verifier.verify(entry) }
    }

    @Test("an unchanged ledger's export is served again with its datetime for a minute; an append retires it")
    func cachedWhileUnchanged() async throws {
        let node = try node()
        try await seed(node, count: 5)
        let first = node.clock.now()
        let (_, a) = try await get(node, "/chronicle/export")
        node.clock.advance(seconds: 59)
        let (_, b) = try await get(node, "/chronicle/export")
        #expect(a == b)
        #expect(b == (try expected(node, at: first)))
        node.clock.advance(seconds: 1)
        let (_, c) = try await get(node, "/chronicle/export")
        #expect(c == (try expected(node, at: node.clock.now())))
        try await seed(node, count: 1, from: 5)
        let (_, d) = try await get(node, "/chronicle/export")
        #expect(d == (try expected(node, at: node.clock.now())))
        #expect(try JSONParser.parse(d)["total"] == .int(6))
    }

    @Test("an export larger than the cache holds streams: same bytes, signed, Content-Length known, pages too")
    func streamsWhenLarge() async throws {
        var config = NodeConfig()
        let whole = try node(bodyLimit: 1 << 20)
        let streaming = try node(bodyLimit: 2_000)
        try await seed(whole, count: 40)
        try await seed(streaming, count: 40)
        let (small, held) = try await get(whole, "/chronicle/export")
        let (large, streamed) = try await get(streaming, "/chronicle/export")
        #expect(small.stream == nil)
        let stream = try #require(large.stream)
        #expect(large.body.isEmpty && stream.count == streamed.count)
        #expect(streamed == held)
        // Served again from the kept signature: rendered again, the same bytes.
        streaming.clock.advance(seconds: 10)
        let (again, second) = try await get(streaming, "/chronicle/export")
        #expect(again.stream != nil && second == held)

        config.paginateExport = 15
        let paged = try node(bodyLimit: 2_000, config: config)
        try await seed(paged, count: 40)
        for (page, members) in [(1, [JSONMember("paginated", true), JSONMember("next", "/export/2")]),
                                (3, [JSONMember("paginated", true), JSONMember("prev", "/export/2")])] {
            let (answer, body) = try await get(paged, "/chronicle/export/\(page)")
            #expect(answer.stream != nil)
            #expect(body == (try expected(paged, at: paged.clock.now(), page: ((page - 1) * 15, 15, members))))
        }
    }

    @Test("no row is shorter than the length that decides whether to try holding an export")
    func shortestRow() async throws {
        let node = try node()
        _ = try await node.database.append(LedgerAppend(contents: "", publicKey: writer.publicKey, signature: writer.signature(for: [UInt8]())),
                                           at: node.clock.now())
        var row = [UInt8]()
        _ = try node.database.appendExportRows(after: 0, through: 1, index: 1, to: &row)
        #expect(row.count >= ExportPlan.minimumRowBytes)
    }

    @Test("over HTTP a streamed export arrives whole, verifies with ChainDownload, and HEAD sends no body")
    func streamsOverHTTP() async throws {
        let node = try node(bodyLimit: 4_000)
        try await seed(node, count: 60)
        let box = PortBox()
        let app = buildApplication(api: node.api, host: "127.0.0.1", port: 0, logger: Logger(label: "export-test"),
                                   onServerRunning: { await box.set($0.localAddress?.port ?? 0) })
        let expectedBody = try expected(node, at: node.clock.now())
        let key = node.key.publicKey
        try await withLiveServer(app, box: box) { url in
            let client = try ChronicleClient(baseURL: url, serverKey: key)
            let response = try await client.get("/export")
            #expect(response.body == expectedBody)
            let result = try await ChainDownload(client: client).run()
            #expect(result.size == 60)
            let head = try await HTTPTransport().send(OutboundRequest(method: "HEAD", url: url + "/export"), maxBytes: 1 << 20, timeout: .seconds(10))
            #expect(head.status == 200 && head.body.isEmpty)
        }
    }
}

/// The read routes' signed answers are reused within a second while the ledger's version holds
/// (issue 13, item 4), and an append in this process retires them at once, in the same second.
@Suite("Read answers across appends in the same second")
struct ReadCacheVersionTests {
    @Test func anAppendInTheSameSecondIsServedAtOnce() async throws {
        let database = try WitnessDatabase.inMemory()
        let key = Ed25519SecretKey(seed: Array(repeating: 4, count: 32))
        let clock = ManualWallClock(Timestamp.parse("2026-12-03T11:00:00+00:00")!)
        let api = ChronicleAPI(service: ChronicleService(database: database, key: key, config: NodeConfig(), clock: clock))
        let writer = Ed25519SecretKey(seed: Array(repeating: 5, count: 32))
        func lasthash() async throws -> String? {
            let answer = await api.respond(to: .init(method: "GET", path: "/chronicle/lasthash"))
            return try JSONParser.parse(answer.body)["results"]?.arrayValue?.first?["contents"]?.stringValue
        }
        #expect(try await lasthash() == nil)
        let before = database.ledgerVersion
        for text in ["one", "two"] {
            _ = try await database.append(LedgerAppend(contents: text, publicKey: writer.publicKey, signature: writer.signature(for: text.utf8)),
                                          at: clock.now())
            #expect(try await lasthash() == text)
        }
        #expect(database.ledgerVersion == before + 2)
        // A refused append (a replayed signature) rolls back and changes no version.
        await #expect(throws: StoreError.duplicateSignature) {
            _ = try await database.append(LedgerAppend(contents: "two", publicKey: writer.publicKey, signature: writer.signature(for: "two".utf8)),
                                          at: clock.now())
        }
        #expect(database.ledgerVersion == before + 2)
        // Writes that do not touch the ledger change no version either.
        try await database.addClient(ClientRecord(publicid: "reader", publickey: writer.publicKey.base64url, isAdmin: false,
                                                  comment: "", created: clock.now().atom))
        #expect(database.ledgerVersion == before + 2)
    }

    @Test func aReplicaThatGrowsInTheSameSecondIsServedAtOnce() async throws {
        let database = try WitnessDatabase.inMemory()
        let key = Ed25519SecretKey(seed: Array(repeating: 4, count: 32))
        let (server, client) = (Ed25519SecretKey(seed: Array(repeating: 6, count: 32)), Ed25519SecretKey(seed: Array(repeating: 7, count: 32)))
        let clock = ManualWallClock(Timestamp.parse("2026-12-03T11:00:00+00:00")!)
        let api = ChronicleAPI(service: ChronicleService(database: database, key: key, config: NodeConfig(), clock: clock))
        guard case .added(let upstream) = try await database.addUpstream(origin: "up.example/chronicle", url: "https://up.example/chronicle",
                                                                          publicKey: server.publicKey, replicate: true, at: clock.now()) else {
            Issue.record("not added"); return
        }
        let uniqueid = try #require(try database.replicaSources().first?.uniqueid)
        let chain = Blakechain()
        let verifier = ChainVerifier()
        func lasthash() async throws -> String? {
            let answer = await api.respond(to: .init(method: "GET", path: "/chronicle/replica/\(uniqueid)/lasthash"))
            // SPEC: chronicle-protocol §4.7.3 — the replica lasthash is `{curr-hash, summary-hash}`.
            return try JSONParser.parse(answer.body)["results"]?["curr-hash"]?.stringValue
        }
        #expect(try await lasthash() == nil)
        for text in ["first", "second"] {
            let entry = chain.appendEntry(contents: text, signedBy: client, created: clock.now().atom)
            let body = Array("{}".utf8)
            let page = VerifiedPage(path: "/export", response: UpstreamSignedBody(body: body, signature: Sapient.sign(body, with: server), fetched: clock.now()),
                                    entries: [try verifier.verify(entry)], tipAfter: verifier.chain.tip)
            try await database.commitVerifiedPage(upstream: upstream.id, fromSize: chain.size - 1, page, at: clock.now())
            #expect(try await lasthash() == entry.currhash)
        }
    }
}

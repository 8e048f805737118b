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

/// Fills replicated upstreams the way the poller does: verify with `ChainVerifier`, then `commitVerifiedPage`.
struct ReplicaFeeder {
    let database: WitnessDatabase
    let record: UpstreamRecord
    let verifier = ChainVerifier()

    init(_ database: WitnessDatabase, origin: String, url: String, key: Ed25519PublicKey, replicate: Bool = true) async throws {
        self.database = database
        guard case .added(let record) = try await database.addUpstream(origin: origin, url: url, publicKey: key, replicate: replicate,
                                                                      at: Timestamp(seconds: 1_800_000_000)) else {
            throw Fixtures.FixtureError("\(origin) was already there")
        }
        self.record = record
    }

    /// Verifies and commits one page of served records.
    func commit(_ entries: [ChronicleEntry], path: String = "/export", body: [UInt8] = [], signature: String = "") async throws {
        let fromSize = verifier.size
        let verified = try entries.map { entry throws in try verifier.verify(entry) }
        let page = VerifiedPage(path: path, response: UpstreamSignedBody(body: body, signature: signature, fetched: Timestamp(seconds: 1_800_000_000)),
                                entries: verified, tipAfter: verifier.chain.tip)
        try await database.commitVerifiedPage(upstream: record.id, fromSize: fromSize, page, at: Timestamp(seconds: 1_800_000_000))
    }

    /// Verifies and commits a recorded upstream response (its `results`, as the poller would).
    func commit(recorded path: String) async throws {
        let response = try Fixtures.http(path)
        let json = try JSONParser.parse(response.body)
        let entries = try (json["results"]?.arrayValue ?? []).map { row throws in try ChronicleEntry(json: row) }
        try await commit(entries, path: path, body: response.body, signature: response.signatureHeaderValues.first ?? "")
    }

    /// A chain of `count` entries signed by `key`, as a Chronicle would serve it (genesis prevhash null).
    static func chain(_ count: Int, key: Ed25519SecretKey, start: Int64 = 1_800_000_000) -> [ChronicleEntry] {
        let chain = Blakechain()
        var previous: String?
        return (1...count).map { i in
            let contents = "replicated entry \(i)"
            let signature = key.signature(for: contents.utf8)
            let created = Timestamp(seconds: start + Int64(i)).atom
            let (currhash, summaryhash) = chain.append(created: created, publicKey: key.publicKey.bytes, signature: signature, body: contents.utf8)
            defer { previous = Base64URL.encode(currhash) }
            return ChronicleEntry(contents: contents, prevhash: previous, currhash: Base64URL.encode(currhash),
                                  summaryhash: Base64URL.encode(summaryhash), created: created,
                                  publickey: key.publicKey.base64url, signature: Base64URL.encode(signature))
        }
    }
}

@Suite("Replica routes (chronicle-protocol §4.7)")
struct ReplicaRoutesTests {
    static let recordedID = "6JFqc3sc4zaal4xP-r37DwQ6ONSprjk0RYqhcXdlwRJT"

    func get(_ node: ReplayNode, _ path: String) async throws -> APIResponse {
        let answer = await node.api.respond(to: .init(method: "GET", path: "/chronicle" + path))
        try node.checkSignature(answer)
        return answer
    }

    func text(_ answer: APIResponse) -> String { String(decoding: answer.body, as: UTF8.self) }

    /// Replays b's recorded replica read `name`; our body (with b's random uniqueid in place of ours) must match.
    func expectRecorded(_ node: ReplayNode, _ name: String, uniqueid: String, sorted: Bool = false) async throws {
        let (request, recorded) = try Fixtures.exchange("b", name)
        let path = request.startLine.split(separator: " ")[1].replacingOccurrences(of: Self.recordedID, with: uniqueid)
        let answer = await node.api.respond(to: .init(method: "GET", path: path))
        try node.checkSignature(answer)
        #expect(answer.status == recorded.statusCode, "\(name): status")
        let ours = ReplayNode.withDatetime(answer.body, of: recorded.body).replacingOccurrences(of: uniqueid, with: Self.recordedID)
        guard sorted else {
            #expect(ours == String(decoding: recorded.body, as: UTF8.self), "\(name): body")
            return
        }
        // SPEC: B6 — PHP's replica since has no ORDER BY (the recording is shuffled); ours is ascending.
        let mine = try JSONParser.parse(ours), theirs = try JSONParser.parse(recorded.body)
        #expect(mine.objectMembers?.map(\.key) == theirs.objectMembers?.map(\.key), "\(name): keys")
        #expect(mine["total"] == theirs["total"])
        let position = Dictionary(uniqueKeysWithValues: try Fixtures.chainEntries("chain/a-export-final.json").enumerated().map { ($1.currhash, $0) })
        let ascending = try #require(theirs["results"]?.arrayValue).sorted {
            position[$0["currhash"]?.stringValue ?? ""] ?? 0 < position[$1["currhash"]?.stringValue ?? ""] ?? 0
        }
        #expect(mine["results"] == .array(ascending), "\(name): the recorded rows, in ascending order")
    }

    @Test func servesTheRecordedReplicaOfChronicleAByteForByte() async throws {
        let node = try ReplayNode()
        let feeder = try await ReplicaFeeder(node.database, origin: "chronicle-a", url: "http://127.0.0.1:18081/chronicle",
                                             key: try Fixtures.serverPublicKey("a"))
        let id = feeder.record.uniqueID
        // As b replicated a: `/export` (1-50), then `/since` pages (51; 52-54; 55-56). The b2 capture of
        // that export is cut off at 24576 bytes, so a's own recorded `/export` at 50 entries stands in.
        try await feeder.commit(recorded: "a/export.response.http")
        for name in ["b-replica-index", "b-replica-subindex", "b-replica-lasthash", "b-replica-lookup-currhash-25",
                     "b-replica-lookup-summaryhash-25", "b-replica-export"] {
            try await expectRecorded(node, name, uniqueid: id)
        }
        try await expectRecorded(node, "b-replica-since-currhash-40", uniqueid: id, sorted: true)
        for path in ["b4-scheduled-crosssign/02-guzzle-to-a-GET-chronicle-since-nH5GzijN8KmWngwiUc-BYfo6f8vzmeuVDGTFoCLKNQI-",
                     "b5-scheduled-incremental/01-guzzle-to-a-GET-chronicle-since-5IO5D6gEN-cDF-fpFjmfb4oXClUxoERxvszviqRlujo-",
                     "b7-scheduled-after-b-publishes/01-guzzle-to-a-GET-chronicle-since-AEbHkJvgyxIylF-rprJ8i0zAnvnUM3vO-uKBKSY4qHc-"] {
            try await feeder.commit(recorded: "replication-crosssign/\(path).response.http")
        }
        for name in ["final-b-replica-index", "final-b-replica-subindex", "final-b-replica-lasthash", "final-b-replica-export",
                     "final-b-replica-lookup-crosssign-51"] {
            try await expectRecorded(node, name, uniqueid: id)
        }
        try await expectRecorded(node, "final-b-replica-since-currhash-50", uniqueid: id, sorted: true)
        // The replica is b's replica of a, record for record ("" genesis prevhash included).
        let source = try #require(try node.database.replicaSource(uniqueid: id))
        #expect(try node.database.replicaExport(source).entries == Fixtures.chainEntries("chain/b-replica-of-a-export-final.json"))
    }

    @Test func answersEveryRouteOfASmallReplicaExactly() async throws {
        let node = try ReplayNode()
        let upstream = Ed25519SecretKey(seed: Array(repeating: 9, count: 32))
        let feeder = try await ReplicaFeeder(node.database, origin: "example.org/log", url: "https://example.org/chronicle", key: upstream.publicKey)
        let id = feeder.record.uniqueID
        #expect(id.utf8.count == 44)
        let chain = ReplicaFeeder.chain(3, key: upstream)
        try await feeder.commit(chain)
        node.clock.set(Timestamp.parse("2027-01-01T00:00:00+00:00")!)
        let head = "\"version\": \"1.3.x\",\n    \"datetime\": \"2027-01-01T00:00:00+00:00\",\n    \"status\": \"OK\""
        func row(_ e: ChronicleEntry, prev: String, export: Bool, indent: String) -> String {
            let (p, h, s) = export ? ("prev", "hash", "summary") : ("prevhash", "currhash", "summaryhash")
            return """
                \(indent){
                \(indent)    "contents": "\(e.contents)",
                \(indent)    "\(p)": "\(prev)",
                \(indent)    "\(h)": "\(e.currhash)",
                \(indent)    "\(s)": "\(e.summaryhash)",
                \(indent)    "created": "\(e.created)",
                \(indent)    "publickey": "\(e.publickey)",
                \(indent)    "signature": "\(e.signature)"
                \(indent)}
                """
        }
        let rows = zip(chain, [""] + chain.map(\.currhash))
        let lookup = try await get(node, "/replica/\(id)/lookup/\(chain[0].summaryhash)")
        #expect(text(lookup) == """
            {
                \(head),
                "notice": "This is replicated data from another Chronicle.",
                "results": [
            \(row(chain[0], prev: "", export: false, indent: "        "))
                ]
            }
            """)
        let export = try await get(node, "/replica/\(id)/export")
        #expect(text(export) == """
            {
                \(head),
                "total": 3,
                "results": [
            \(rows.map { row($0, prev: $1, export: true, indent: "        ") }.joined(separator: ",\n"))
                ]
            }
            """)
        let since = try await get(node, "/replica/\(id)/since/\(chain[1].currhash.replacingOccurrences(of: "=", with: "%3D"))")
        #expect(text(since) == """
            {
                \(head),
                "total": 1,
                "results": [
            \(row(chain[2], prev: chain[1].currhash, export: false, indent: "        "))
                ]
            }
            """)
        let last = try await get(node, "/replica/\(id)/lasthash")
        #expect(text(last) == """
            {
                \(head),
                "notice": "This is replicated data from another Chronicle.",
                "results": {
                    "curr-hash": "\(chain[2].currhash)",
                    "summary-hash": "\(chain[2].summaryhash)"
                }
            }
            """)
        let index = try JSONParser.parse(try await get(node, "/replica").body)
        #expect(index["results"]?.arrayValue?.count == 1)
        #expect(index["results"]?.arrayValue?.first?["name"] == "example.org/log")
        #expect(index["results"]?.arrayValue?.first?["canonical"] == "https://example.org/chronicle")
        #expect(index["results"]?.arrayValue?.first?["serverPublicKey"]?.stringValue == upstream.publicKey.base64url)
    }

    @Test func refusesUnknownSourcesMethodsAndHashesWithSigned404s() async throws {
        let node = try ReplayNode()
        node.clock.set(Timestamp.parse("2027-01-01T00:00:00+00:00")!)
        let upstream = Ed25519SecretKey(seed: Array(repeating: 9, count: 32))
        let feeder = try await ReplicaFeeder(node.database, origin: "o", url: "https://o.example/chronicle", key: upstream.publicKey)
        try await feeder.commit(ReplicaFeeder.chain(2, key: upstream))
        let plain = try await ReplicaFeeder(node.database, origin: "watched-only", url: "https://w.example/chronicle",
                                            key: upstream.publicKey, replicate: false)
        try await plain.commit(ReplicaFeeder.chain(2, key: upstream))
        let id = feeder.record.uniqueID
        func error(_ message: String) -> String {
            "{\n    \"version\": \"1.3.x\",\n    \"datetime\": \"2027-01-01T00:00:00+00:00\",\n    \"status\": \"ERROR\",\n    \"message\": \"\(message)\"\n}"
        }
        let unknownHash = Base64URL.encode([UInt8](repeating: 0, count: 32))
        let cases: [(String, String)] = [
            ("/replica/nope/lasthash", "Unknown URI"), ("/replica/nope", "Unknown URI"),
            ("/replica/\(plain.record.uniqueID)/export", "Unknown URI"),  // not replicated: not a replica source
            ("/replica/\(id)/nonsense", "Unknown URI"), ("/replica/\(id)/export/x", "Unknown URI"),
            ("/replica/\(id)/lasthash/extra", "Unknown URI"), ("/replica/\(id)/since/\(unknownHash)/x", "Unknown URI"),
            ("/replica/\(id)/lookup/\(unknownHash)", "No record found matching this hash."),
            ("/replica/\(id)/since/\(unknownHash)", "No record found matching this hash."),
            // Hashes match only in the canonical padded spelling (§1.1).
            ("/replica/\(id)/lookup/\(feeder.verifier.chain.tip.currhash.base64Unpadded)", "No record found matching this hash."),
        ]
        for (path, message) in cases {
            let answer = try await get(node, path)
            #expect(answer.status == 404, "\(path)")
            #expect(text(answer) == error(message), "\(path)")
        }
        // The plain upstream's rows never show through the replica views.
        #expect(try node.database.replicaSources().map(\.uniqueid) == [id])
    }

    @Test func paginatesLikeTheMainExport() async throws {
        var config = NodeConfig()
        config.paginateExport = 2
        let node = try ReplayNode(config: config)
        let upstream = Ed25519SecretKey(seed: Array(repeating: 9, count: 32))
        let feeder = try await ReplicaFeeder(node.database, origin: "o", url: "https://o.example/chronicle", key: upstream.publicKey)
        let chain = ReplicaFeeder.chain(5, key: upstream)
        try await feeder.commit(Array(chain.prefix(2)))
        try await feeder.commit(Array(chain.suffix(3)), path: "/since/x")
        let id = feeder.record.uniqueID
        func page(_ path: String) async throws -> JSONValue { try JSONParser.parse(try await get(node, path).body) }
        func keys(_ json: JSONValue) -> [String] { json.objectMembers?.map(\.key) ?? [] }

        let verifier = ChainVerifier()
        var path: String? = "/replica/\(id)/export"
        var links: [String] = []
        while let current = path {
            let json = try await page(current)
            #expect(json["total"] == nil, "a paginated export has no total")
            for row in json["results"]?.arrayValue ?? [] { try verifier.verify(try ChronicleEntry(json: row)) }
            path = json["next"]?.stringValue
            links.append(keys(json).joined(separator: ","))
            if let next = path { links.append(next) }
        }
        #expect(verifier.size == 5)
        #expect(links == ["version,datetime,status,paginated,next,results", "/replica/\(id)/export/2",
                          "version,datetime,status,paginated,prev,next,results", "/replica/\(id)/export/3",
                          "version,datetime,status,paginated,prev,results"])
        let since = try await page("/replica/\(id)/since/\(chain[0].summaryhash)/2")
        #expect(keys(since) == ["version", "datetime", "status", "paginated", "prev", "next", "total", "results"])
        #expect(since["prev"]?.stringValue == "/replica/\(id)/since/\(chain[0].summaryhash)/1")
        #expect(since["next"]?.stringValue == "/replica/\(id)/since/\(chain[0].summaryhash)/3", "next iff offset + N <= total (B7)")
        #expect(since["total"] == 4)
        #expect(since["results"]?.arrayValue?.compactMap { $0["currhash"]?.stringValue } == [chain[3].currhash, chain[4].currhash])
    }

    @Test func replicationTurnedOnAfterTheFirstSyncServesTheWholeChain() async throws {
        let node = try ReplayNode()
        let upstream = Ed25519SecretKey(seed: Array(repeating: 9, count: 32))
        let chain = ReplicaFeeder.chain(3, key: upstream)
        let feeder = try await ReplicaFeeder(node.database, origin: "late", url: "https://late.example/chronicle",
                                             key: upstream.publicKey, replicate: false)
        try await feeder.commit(Array(chain.prefix(2)))
        // The operator turns replication on after the first sync: every upstream keeps its verified
        // records (entry proofs carry them, witness-protocol §7.1), so rows 1-2 are servable too.
        _ = try await node.database.addUpstream(origin: "late", url: "https://late.example/chronicle", publicKey: upstream.publicKey,
                                                replicate: true, at: Timestamp(seconds: 1_800_000_100))
        try await feeder.commit([chain[2]], path: "/since/x")
        let id = feeder.record.uniqueID
        let export = try JSONParser.parse(try await get(node, "/replica/\(id)/export").body)
        #expect(export["total"] == 3)
        #expect(export["results"]?.arrayValue?.compactMap { $0["hash"]?.stringValue } == chain.map(\.currhash))
        #expect(try await get(node, "/replica/\(id)/lookup/\(chain[0].currhash)").status == 200)
    }

    @Test func theReplicaExportVerifiesWithChainDownloadOverHTTP() async throws {
        let database = try WitnessDatabase.inMemory()
        let nodeKey = Ed25519SecretKey.generate()
        let upstream = Ed25519SecretKey(seed: Array(repeating: 9, count: 32))
        let feeder = try await ReplicaFeeder(database, origin: "o", url: "https://o.example/chronicle", key: upstream.publicKey)
        let chain = ReplicaFeeder.chain(7, key: upstream)
        try await feeder.commit(chain)
        let box = PortBox()
        let api = ChronicleAPI(service: ChronicleService(database: database, key: nodeKey, config: NodeConfig()))
        let app = buildApplication(api: api, host: "127.0.0.1", port: 0, logger: Logger(label: "replica")) { channel in
            await box.set(channel.localAddress?.port ?? 0)
        }
        let id = feeder.record.uniqueID
        try await withLiveServer(app, box: box) { url in
            // A reader points at the replica exactly as at a Chronicle; the node's key signs the replica.
            let client = try ChronicleClient(baseURL: url + "/replica/\(id)", serverKey: nodeKey.publicKey)
            let result = try await ChainDownload(client: client).run()
            #expect(result.size == 7)
            #expect(result.currhash == chain[6].currhash)
            #expect(result.summaryhash == chain[6].summaryhash)
            await #expect(throws: ChainDownload.Failure.self) {
                _ = try await ChainDownload(client: try ChronicleClient(baseURL: client.baseURL, serverKey: upstream.publicKey)).run()
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// base64url without padding (a non-canonical spelling of a hash).
    var base64Unpadded: String { Base64URL.encode(self).replacingOccurrences(of: "=", with: "") }
}

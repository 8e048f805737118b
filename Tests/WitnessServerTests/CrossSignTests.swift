import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// A node with its own database, key and manual clock, served on 127.0.0.1 with a free port.
struct LiveNode {
    let database: WitnessDatabase
    let key: Ed25519SecretKey
    let clock: ManualWallClock
    let box = PortBox()

    init(seed: UInt8, at time: Timestamp) throws {
        database = try WitnessDatabase.inMemory()
        key = Ed25519SecretKey(seed: Array(repeating: seed, count: 32))
        clock = ManualWallClock(time)
    }

    func app(services: [any Service] = []) -> some ApplicationProtocol {
        let service = ChronicleService(database: database, key: key, config: NodeConfig(), clock: clock)
        return buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0, services: services,
                                logger: Logger(label: "node")) { channel in await box.set(channel.localAddress?.port ?? 0) }
    }

    /// Appends an entry by a throwaway writer, as a client publish would.
    func write(_ text: String) async throws {
        _ = try await database.append(.signed(text, by: Ed25519SecretKey(seed: Array(repeating: 0x55, count: 32))), at: clock.now())
    }
}

@Suite("Cross-signing (chronicle-protocol §6.2)")
struct CrossSignTests {
    static let start = Timestamp.parse("2027-03-01T12:00:00+00:00")!

    func makeSigner(_ node: LiveNode) -> CrossSigner {
        CrossSigner(database: node.database, key: node.key, interval: .seconds(3600), clock: node.clock, logger: Logger(label: "xsign"))
    }

    func target(_ node: LiveNode, _ name: String) throws -> CrossSignTarget? {
        try node.database.crossSignTargets().first { $0.name == name }
    }

    @Test func pushesTheHeadAndTheTargetRecordsIt() async throws {
        let a = try LiveNode(seed: 0xA1, at: Self.start)
        let b = try LiveNode(seed: 0xB2, at: Self.start)
        try await b.database.addClient(ClientRecord(publicid: "node-a", publickey: a.key.publicKey.base64url, isAdmin: false,
                                                    comment: "", created: Self.start.atom))
        try await withLiveServer(a.app(), box: a.box) { urlA in
            try await withLiveServer(b.app(), box: b.box) { urlB in
                let signer = makeSigner(a)
                try await a.database.setCrossSignTarget(name: "b", url: urlB, publicKey: b.key.publicKey, clientID: "node-a",
                                                        policy: CrossSignPolicy(pushAfter: 2, pushDays: nil))
                #expect(await signer.pushDue(now: Self.start) == [.nothingToPush(target: "b")])
                try await a.write("one")
                try await a.write("two")
                let now = Self.start.adding(seconds: 60)
                #expect(await signer.pushDue(now: now) == [.pushed(target: "b", position: 2)])

                // B's ledger holds A's exact §6.2 body, signed by A's node key.
                let lasthash = try await ChronicleClient(baseURL: urlA, serverKey: a.key.publicKey).get("/lasthash")
                let headA = try ChronicleEntry(json: try #require(lasthash.json["results"]?.arrayValue?.first))
                let statement = CrossSignStatement(target: b.key.publicKey, at: now, currhash: headA.currhash, summaryhash: headA.summaryhash)
                let onB = try #require(try b.database.lastEntry())
                #expect(Array(onB.contents.utf8) == statement.body)
                #expect(onB.publickey == a.key.publicKey.base64url)
                #expect(onB.signature == Base64URL.encode(a.key.signature(for: statement.body)))
                #expect(try b.database.receivedCrossSigns() == [ReceivedCrossSign(
                    position: 1, clientID: "node-a", sourceKey: a.key.publicKey, crossSignAt: now.atom,
                    currhash: headA.currhash, summaryhash: headA.summaryhash)])

                // A remembers the push: compact PHP JSON with B's signed reply.
                let recorded = try #require(try target(a, "b"))
                #expect(recorded.lastPosition == 2)
                #expect(recorded.lastTime == now)
                #expect(recorded.lastError == nil)
                #expect(recorded.lastrun?.hasPrefix(#"{"id":2,"time":"2027-03-01T12:01:00+00:00","response":{"version":"1.3.x","#) == true)
                #expect(try JSONParser.parse(recorded.lastrun ?? "")["response"]?["results"]?["currhash"]?.stringValue == onB.currhash)

                // push-after 2 only, one new entry: not due, and not an error (B2).
                try await a.write("three")
                #expect(await signer.pushDue(now: now.adding(seconds: 86_400 * 30)) == [.notDue(target: "b")])
                #expect(try target(a, "b")?.lastError == nil)
                #expect(try b.database.ledgerSize() == 1)
                try await a.write("four")
                #expect(await signer.pushDue(now: now.adding(seconds: 120)) == [.pushed(target: "b", position: 4)])
                #expect(try b.database.receivedCrossSigns().map(\.position) == [1, 2])
            }
        }
    }

    @Test(arguments: [
        // (push-after, push-days, last position, seconds since last push, ledger size, due)
        (nil, nil, nil, 0, 5, true),               // never pushed: always
        (1, nil, 5, 0, 5, false),                  // push-after only, not reached: no push (B2)
        (1, nil, 5, 0, 6, true),
        (10, nil, 5, 999_999_999, 14, false),      // time alone never triggers push-after
        (10, nil, 5, 0, 15, true),
        (nil, 2, 5, 2 * 86_400, 9, false),         // push-days: strictly later than last + D days
        (nil, 2, 5, 2 * 86_400 + 1, 5, true),
        (3, 7, 5, 86_400, 7, false),
        (3, 7, 5, 86_400, 8, true),
        (3, 7, 5, 7 * 86_400 + 1, 5, true),
    ] as [(Int?, Int?, Int?, Int64, Int, Bool)])
    func policyDecidesLikePHP(pushAfter: Int?, pushDays: Int?, last: Int?, elapsed: Int64, size: Int, due: Bool) {
        let policy = CrossSignPolicy(pushAfter: pushAfter, pushDays: pushDays)
        #expect(policy.isDue(lastPosition: last, lastTime: last.map { _ in Self.start }, ledgerSize: size,
                             now: Self.start.adding(seconds: elapsed)) == due)
    }

    @Test func aBadTargetFailsAloneAndKeepsItsLastRun() async throws {
        let a = try LiveNode(seed: 0xA1, at: Self.start)
        let b = try LiveNode(seed: 0xB2, at: Self.start)
        try await b.database.addClient(ClientRecord(publicid: "node-a", publickey: a.key.publicKey.base64url, isAdmin: false,
                                                    comment: "", created: Self.start.atom))
        try await withLiveServer(b.app(), box: b.box) { urlB in
            let signer = makeSigner(a)
            try await a.write("one")
            try await a.database.setCrossSignTarget(name: "b", url: urlB, publicKey: b.key.publicKey, clientID: "node-a",
                                                    policy: CrossSignPolicy(pushAfter: 1, pushDays: nil))
            #expect(await signer.pushDue(now: Self.start) == [.pushed(target: "b", position: 1)])
            let good = try #require(try target(a, "b")?.lastrun)

            // B's replies no longer verify under the key A holds for "b"; a broken target sorts first.
            let wrong = Ed25519SecretKey(seed: Array(repeating: 0xEE, count: 32)).publicKey
            try await a.database.setCrossSignTarget(name: "b", url: urlB, publicKey: wrong, clientID: "node-a",
                                                    policy: CrossSignPolicy(pushAfter: 1, pushDays: nil))
            try await setTarget(a, name: "a-broken", url: urlB + "/nonexistent", key: b.key.publicKey)  // unsigned 404
            try await setTarget(a, name: "c-good", url: urlB, key: b.key.publicKey)
            try await a.write("two")
            let outcomes = await signer.pushDue(now: Self.start.adding(seconds: 60))
            #expect(outcomes.count == 3)
            guard outcomes.count == 3 else { return }
            #expect(outcomes[2] == .pushed(target: "c-good", position: 2), "other targets are not blocked")
            for (i, name) in ["a-broken", "b"].enumerated() {
                guard case .failed(let failed, _) = outcomes[i] else { Issue.record("\(name): \(outcomes[i])"); continue }
                #expect(failed == name)
                #expect(try target(a, name)?.lastError != nil)
            }
            #expect(try target(a, "b")?.lastrun == good, "a failed push leaves lastrun unchanged")
            #expect(try target(a, "b")?.lastError?.contains("does not verify") == true)
            // B appended the statement addressed to the wrong key, but records only cross-signs addressed to itself.
            #expect(try b.database.ledgerSize() == 3)
            #expect(try b.database.receivedCrossSigns().map(\.position) == [1, 3])

            // Fixed key: the next due push succeeds and clears the error.
            try await setTarget(a, name: "b", url: urlB, key: b.key.publicKey)
            try await a.write("three")
            #expect(await signer.pushDue(now: Self.start.adding(seconds: 120)).contains(.pushed(target: "b", position: 3)))
            #expect(try target(a, "b")?.lastError == nil)
        }
    }

    func setTarget(_ node: LiveNode, name: String, url: String, key: Ed25519PublicKey) async throws {
        try await node.database.setCrossSignTarget(name: name, url: url, publicKey: key, clientID: "node-a",
                                                   policy: CrossSignPolicy(pushAfter: 1, pushDays: nil))
    }

    @Test func runsAsAServiceUntilShutdown() async throws {
        let a = try LiveNode(seed: 0xA1, at: Self.start)
        let b = try LiveNode(seed: 0xB2, at: Self.start)
        try await b.database.addClient(ClientRecord(publicid: "node-a", publickey: a.key.publicKey.base64url, isAdmin: false,
                                                    comment: "", created: Self.start.atom))
        try await withLiveServer(b.app(), box: b.box) { urlB in
            try await a.write("one")
            try await setTarget(a, name: "b", url: urlB, key: b.key.publicKey)
            let signer = CrossSigner(database: a.database, key: a.key, interval: .milliseconds(50), clock: a.clock,
                                     logger: Logger(label: "xsign"))
            try await withLiveServer(a.app(services: [signer]), box: a.box) { _ in
                let deadline = ContinuousClock.now.advanced(by: .seconds(20))
                while try b.database.receivedCrossSigns().isEmpty, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try b.database.receivedCrossSigns().count == 1)
            }
        }
    }

    @Test func lastrunIsTheCompactJSONPHPStores() async throws {
        // b's chronicle_xsign_targets.lastrun after its last push (b entry 3 → a entry 56), and a's signed reply to it.
        let stored = try #require(try Fixtures.json("db/b.json")["chronicle_xsign_targets"]?.arrayValue?.first?["lastrun"]?.stringValue)
        let reply = try Fixtures.http("replication-crosssign/b6-publish-to-b-triggers-crosssign/04-guzzle-to-a-POST-chronicle-publish.response.http")
        let database = try WitnessDatabase.inMemory()
        try await database.setCrossSignTarget(name: "chronicle-a", url: "http://127.0.0.1:18081/chronicle",
                                              publicKey: try Fixtures.serverPublicKey("a"), clientID: "FXMUTmRqsvu3siJJnjeGDrWATItlah9B",
                                              policy: CrossSignPolicy(pushAfter: 1, pushDays: 1))
        try await database.recordCrossSignPush(name: "chronicle-a", position: 3, at: Timestamp.parse("2026-11-25T03:08:33+00:00")!,
                                               response: try JSONParser.parse(reply.body))
        #expect(try database.crossSignTargets().first?.lastrun == stored)
    }
}

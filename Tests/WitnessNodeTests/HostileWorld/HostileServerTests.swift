import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The hostile world, server side (issue 9 rows 7, 8, 10, 12 and a stranger flooding gossip):
/// real nodes on 127.0.0.1. Distinct attacker and victim addresses come through
/// `trusted-proxies` and `X-Forwarded-For`, as behind the reverse proxy docs/operations.md recommends.
@Suite("Hostile world: the server", .serialized)
struct HostileServerTests {
    static let attacker = [("X-Forwarded-For", "203.0.113.7")]
    static let victim = [("X-Forwarded-For", "198.51.100.2")]
    static let clientKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x42, count: 32))

    static func publish(_ text: String, to member: TestNetwork.Member, as clientID: String, key: Ed25519SecretKey = clientKey,
                        extra: [(String, String)] = victim) async throws -> Int {
        let body = Array(text.utf8)
        return try await postWithHeaders(body, to: member.url + "/chronicle/publish", headers: extra + [
            ("Chronicle-Client-Key-ID", clientID), ("Body-Signature-Ed25519", Sapient.sign(body, with: key)),
        ]).status
    }

    static func client(on member: TestNetwork.Member, admin: Bool = false, key: Ed25519SecretKey = clientKey) async throws -> String {
        try await member.database.addClient(publickey: key.publicKey.base64url, isAdmin: admin, comment: "test",
                                            at: Timestamp(seconds: 0)).0.publicid
    }

    /// Row 7: 300 connections each drip a large POST. Before: +1.17 GB held. Now: the bodies held
    /// at once stay under `max-inflight-body-bytes`; the connections past it are answered 503 at
    /// once, mid-upload, and the node keeps serving.
    @Test func drippedBodiesAreHeldUnderOneBound() async throws {
        try await TestNetwork.run(count: 1, services: false, configure: { config in
            config.maxInflightBodyBytes = 1 << 20
            config.maxBodyBytes = 512 << 10
        }) { network in
            let node = network[0]
            let id = try await Self.client(on: node)
            let port = try #require(Int(node.url.split(separator: ":").last!))
            // A known (public) client id and some signature: enough to get the body read.
            let head = "POST /chronicle/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nChronicle-Client-Key-ID: \(id)\r\n"
                + "Body-Signature-Ed25519: \(Base64URL.encode([UInt8](repeating: 1, count: 64)))\r\nContent-Length: 400000\r\n\r\n"
            var drippers: [DripConnection] = []
            for _ in 0..<300 { drippers.append(try DripConnection(port: port, head: head, prefix: [UInt8](repeating: 0x41, count: 64_000))) }
            // Each holds 64 kB: at most 16 fit under 1 MiB; the others are refused without waiting for their bodies.
            // Wait (at most a minute, however loaded the machine) for the refusals to arrive.
            var statuses = [Int?](repeating: nil, count: drippers.count)
            let deadline = ContinuousClock.now + .seconds(60)
            while statuses.filter({ $0 == 503 }).count < 284, ContinuousClock.now < deadline {
                for index in drippers.indices where statuses[index] == nil { statuses[index] = drippers[index].earlyStatus(within: 20) }
            }
            let refused = statuses.filter { $0 == 503 }.count
            #expect(refused >= 250, "\(refused) of 300 connections refused while dripping")
            #expect(statuses.filter { $0 != nil && $0 != 503 }.isEmpty, "no dripper got anything but a refusal")
            #expect(try await get(node.url + "/chronicle/lasthash").status == 200, "reads are unaffected")
            drippers.removeAll()
            #expect(try await Self.publish("after the drip", to: node, as: id) == 200, "the node accepts real work again")
        }
    }

    /// Row 8: unsigned POSTs carrying a victim's (public) client id. Before: the victim's genuine
    /// publishes all got 429. Now: the limit is keyed by the verified client; the attacker's
    /// failures count against its own address only.
    @Test func unsignedPostsInAVictimsNameDoNotThrottleTheVictim() async throws {
        try await TestNetwork.run(count: 1, services: false, configure: { config in
            config.publishRateLimit = 2
            config.trustedProxies = ["127.0.0.1"]
        }) { network in
            let node = network[0]
            let id = try await Self.client(on: node)
            let attackerSaw = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        try await postWithHeaders(Array("x".utf8), to: node.url + "/chronicle/publish",
                                                  headers: Self.attacker + [("Chronicle-Client-Key-ID", id)]).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            // Refused (403, or 429 once its own address is over the failed-attempt budget); never stored.
            #expect(attackerSaw.count == 60 && attackerSaw.allSatisfy { $0 == 403 || $0 == 429 })
            for n in 0..<3 { #expect(try await Self.publish("genuine \(n)", to: node, as: id) == 200) }
            #expect(try node.database.ledgerSize() == 3)
        }
    }

    /// Row 10: a captured, signed admin register replayed after its key was revoked. Before: the
    /// revoked key was registered again and published. Now: refused, nothing registered.
    @Test func aReplayedAdminRegisterDoesNotBringARevokedKeyBack() async throws {
        let adminKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x43, count: 32))
        let revokedKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x44, count: 32))
        try await TestNetwork.run(count: 1, services: false) { network in
            let node = network[0]
            let admin = try await Self.client(on: node, admin: true, key: adminKey)
            func adminPost(_ path: String, _ json: String) async throws -> (status: Int, body: [UInt8], request: [UInt8], signature: String) {
                let body = Array(json.utf8)
                let signature = Sapient.sign(body, with: adminKey)
                let answer = try await postWithHeaders(body, to: node.url + "/chronicle/" + path, headers: Self.victim + [
                    ("Chronicle-Client-Key-ID", admin), ("Body-Signature-Ed25519", signature)])
                return (answer.status, answer.body, body, signature)
            }
            let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).atom
            let register = try await adminPost("register", #"{"request-time":"\#(now)","publickey":"\#(revokedKey.publicKey.base64url)"}"#)
            #expect(register.status == 200)
            let id = try #require(try JSONParser.parse(register.body)["results"]?["client-id"]?.stringValue)
            let revoke = try await adminPost("revoke", #"{"request-time":"\#(now)","clientid":"\#(id)","publickey":"\#(revokedKey.publicKey.base64url)"}"#)
            #expect(revoke.status == 200)
            // The attacker replays the captured register, byte for byte, within the window.
            let replay = try await postWithHeaders(register.request, to: node.url + "/chronicle/register", headers: Self.attacker + [
                ("Chronicle-Client-Key-ID", admin), ("Body-Signature-Ed25519", register.signature)])
            #expect(replay.status != 200)
            #expect(try node.database.clients().allSatisfy { $0.publickey != revokedKey.publicKey.base64url })
            let ledger = try node.database.ledgerSize()
            #expect(try await Self.publish("with the revoked key", to: node, as: id, key: revokedKey) == 403)
            #expect(try node.database.ledgerSize() == ledger)
        }
    }

    /// Row 12 and "a stranger flooding gossip while real peers keep converging": behind a proxy
    /// every request comes from one address. A stranger floods gossip (some of it in a trusted
    /// peer's name); the real peers' signed exchanges keep their own budgets and converge.
    @Test func aStrangerFloodingGossipDoesNotStarveRealPeers() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await TestNetwork.watching(fake, as: "flooded.example/chronicle", count: 3, gossipRateLimit: 2, configure: { config in
            config.trustedProxies = ["127.0.0.1"]
        }) { network in
            let target = network[0], impersonated = network[1]
            let flood = GossipMessage(from: Attacker.stranger, heads: [], evidence: []).bytes
            let inTheirName = GossipMessage(from: impersonated.vkey, heads: [], evidence: []).bytes
            let forged = GossipSignature.sign(body: inTheirName, to: target.name, time: UInt64(Date().timeIntervalSince1970),
                                              vkey: impersonated.vkey, key: Attacker.strangerKey).headerValue
            // Sixty at once: far past the strangers' burst of 4, however slow the machine.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<60 {
                    let headers = n.isMultiple(of: 2) ? Self.attacker : Self.attacker + [(GossipSignature.headerName, forged)]
                    group.addTask {
                        try await postWithHeaders(n.isMultiple(of: 2) ? flood : inTheirName, to: target.url + "/witness/v1/gossip",
                                                  headers: headers).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.contains(429), "the flood is throttled")
            // The real peers, signed, still get through and converge.
            for _ in 0..<2 { await network.gossipRound() }
            for member in network.members.dropFirst() {
                let record = try #require(try member.database.peers().first { $0.vkey == target.vkey })
                guard case .success = await member.node.gossip.exchange(with: record) else {
                    Issue.record("\(member.name)'s exchange with the flooded node failed")
                    continue
                }
            }
            let head = try #require(try target.database.upstream(origin: "flooded.example/chronicle")?.cosigned?.checkpoint)
            let cosigners = Set(try target.database.peerCosignatures(on: head).map(\.vkey))
            #expect(cosigners == Set([network[1].vkey.description, network[2].vkey.description]))
        }
    }
}

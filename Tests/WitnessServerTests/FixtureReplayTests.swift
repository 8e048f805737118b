import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// Replays, in recording order, every exchange the real PHP Chronicle "a" had, against our node.
/// Our node re-creates a's chain from the recorded publish requests alone, so every read must
/// answer the recorded body byte for byte (the clock is set to the recorded `datetime`); only the
/// signature differs, because it is made with our key (and verified under it independently).
@Suite("Replay of the real PHP Chronicle's traffic")
struct FixtureReplayTests {
    /// Names of a's exchanges that are reads whose body we must reproduce exactly.
    static let exactReadsAt50 = ["lasthash", "lookup-currhash-25", "lookup-summaryhash-25", "since-currhash-40",
                                 "since-currhash-40-page-1", "since-summaryhash-45", "since-last", "export",
                                 "export-page-1", "replica-index-empty"]
    static let indexLike = ["index", "index-trailing-slash", "index-with-client-header", "mirrors"]
    static let errors = ["err-lookup-unknown-hash", "err-since-unknown-hash", "err-publish-bad-signature",
                         "err-publish-invalid-now", "err-publish-no-client-header", "err-publish-no-signature",
                         "err-publish-stale-now", "err-publish-unknown-client", "err-register-not-admin",
                         "err-replica-unknown-source"]

    func expectSame(_ ours: APIResponse, _ recorded: RecordedHTTP, _ name: String) {
        #expect(ours.status == recorded.statusCode, "\(name): status")
        #expect(ReplayNode.withDatetime(ours.body, of: recorded.body) == String(decoding: recorded.body, as: UTF8.self), "\(name): body")
    }

    /// Publishes a's 50 entries from the recorded requests.
    func publishFifty(_ node: ReplayNode) async throws {
        for n in 1...50 {
            let name = String(format: "publish-%02d", n)
            let (ours, recorded) = try await node.replay("a", name)
            expectSame(ours, recorded, name)
        }
    }

    @Test func emptyChronicleAnswersAsRecorded() async throws {
        let node = try ReplayNode()
        for name in ["empty-lasthash", "empty-export"] {
            let (ours, recorded) = try await node.replay("a", name)
            expectSame(ours, recorded, name)
        }
        let (ours, recorded) = try await node.replay("a", "empty-index")
        #expect(try node.bodyAsServer(ours, "a") == String(decoding: recorded.body, as: UTF8.self))
    }

    @Test func wholeRecordingReplaysByteForByte() async throws {
        let node = try ReplayNode()
        try await node.register("client1-on-a")
        try await node.register("b-server-key-as-client-on-a")
        try await node.register("admin-on-a", admin: true)
        try await publishFifty(node)

        for name in Self.exactReadsAt50 {
            let (ours, recorded) = try await node.replay("a", name)
            expectSame(ours, recorded, name)
        }
        for name in Self.indexLike {
            let (ours, recorded) = try await node.replay("a", name)
            #expect(ours.status == 200)
            #expect(try node.bodyAsServer(ours, "a") == String(decoding: recorded.body, as: UTF8.self), "\(name)")
        }
        for name in Self.errors {
            let (ours, recorded) = try await node.replay("a", name)
            expectSame(ours, recorded, name)
        }
        let (notFound, recordedNotFound) = try await node.replay("a", "err-not-found-route")
        #expect(notFound.status == recordedNotFound.statusCode)
        #expect(notFound.values(of: "Body-Signature-Ed25519").isEmpty, "Slim's 404 is unsigned")
        #expect(String(decoding: notFound.body, as: UTF8.self).contains("Page Not Found"))
        let (afterErrors, recordedAfterErrors) = try await node.replay("a", "lasthash-after-errors")
        expectSame(afterErrors, recordedAfterErrors, "lasthash-after-errors: errors changed nothing")

        // b cross-signs onto a (entry 51), a's client publishes 52-54, b's publishes cross-sign 55 and 56.
        for path in ["replication-crosssign/b4-scheduled-crosssign/01-guzzle-to-a-POST-chronicle-publish"] {
            let response = try Fixtures.http(path + ".response.http")
            let ours = try await node.replay(try Fixtures.http(path + ".request.http"), at: response)
            expectSame(ours, response, path)
        }
        for n in 1...3 {
            let (ours, recorded) = try await node.replay("a", "publish-after-xsign-\(n)")
            expectSame(ours, recorded, "publish-after-xsign-\(n)")
        }
        for file in ["02", "04"] {
            let path = "replication-crosssign/b6-publish-to-b-triggers-crosssign/\(file)-guzzle-to-a-POST-chronicle-publish"
            let response = try Fixtures.http(path + ".response.http")
            let ours = try await node.replay(try Fixtures.http(path + ".request.http"), at: response)
            expectSame(ours, response, path)
        }
        try await node.database.addMirror(MirrorRecord(
            url: "http://127.0.0.1:18082/chronicle/replica/6JFqc3sc4zaal4xP-r37DwQ6ONSprjk0RYqhcXdlwRJT",
            publickey: "YybjKnzR__JFF8yAa0_btHP2IdwunmuJx4aGZ-VTz5k=", comment: "chronicle-b replica of chronicle-a", sortpriority: 0))
        for name in ["final-lasthash", "final-export", "final-lookup-crosssign-51", "final-since-currhash-50", "final-replica-index"] {
            let (ours, recorded) = try await node.replay("a", name)
            expectSame(ours, recorded, name)
        }
        for name in ["final-index", "final-mirrors", "admin-index-with-admin-header"] {
            let (ours, recorded) = try await node.replay("a", name)
            #expect(try node.bodyAsServer(ours, "a") == String(decoding: recorded.body, as: UTF8.self), "\(name)")
        }
        // The chain we rebuilt is a's chain, entry for entry.
        let final = try Fixtures.chainEntries("chain/a-export-final.json")
        #expect(try node.database.export().entries == final)
    }

    @Test func adminRegisterAndRevokeWorkWhereStockCrashes() async throws {
        let node = try ReplayNode()
        try await node.register("admin-on-a", admin: true)
        let (stale, recordedStale) = try await node.replay("a", "admin-register-stale-request-time")
        expectSame(stale, recordedStale, "admin-register-stale-request-time")
        #expect(try node.database.clients().count == 1, "a refused register changes nothing")

        // Stock 1.3.x answers 500 here (B1); we register and append the intended notice.
        let (registered, _) = try await node.replay("a", "admin-register")
        #expect(registered.status == 200)
        let results = try #require(try JSONParser.parse(registered.body)["results"])
        let clientID = try #require(results["client-id"]?.stringValue)
        #expect(clientID.utf8.count == 32)
        let notice = try #require(try node.database.lastEntry())
        #expect(results["publish"]?["currhash"]?.stringValue == notice.currhash)
        #expect(notice.publickey == node.key.publicKey.base64url)
        let contents = try JSONParser.parse(notice.contents)
        #expect(contents["server-action"] == "New Client Registration")
        #expect(contents["clientid"]?.stringValue == clientID)
        #expect(contents["publickey"] == "fW33_z2IY-3poLT0w07tSW4hzWceyloRFBt3KnCICMk=")
        let verifier = ChainVerifier()
        for entry in try node.database.export().entries { try verifier.verify(entry) }

        // The recorded revoke names the id PHP generated; give that client the same id, as PHP had it.
        try await node.database.addClient(ClientRecord(publicid: "zmVSdKhnponW0YYfw2FeZVX1Dj9zKLl3",
                                                       publickey: "fW33_z2IY-3poLT0w07tSW4hzWceyloRFBt3KnCICMk=",
                                                       isAdmin: false, comment: "", created: "2026-11-25T03:09:16+00:00"))
        let (revoked, _) = try await node.replay("a", "admin-revoke")
        #expect(revoked.status == 200)
        let revokeResults = try #require(try JSONParser.parse(revoked.body)["results"])
        #expect(revokeResults["deleted"] == true)
        #expect(revokeResults["revoke"]?["currhash"]?.stringValue == (try node.database.lastEntry())?.currhash)
        #expect(try node.database.client(publicid: "zmVSdKhnponW0YYfw2FeZVX1Dj9zKLl3") == nil)
        let (again, recordedAgain) = try await node.replay("a", "admin-revoke-again-not-found")
        expectSame(again, recordedAgain, "admin-revoke-again-not-found")
    }
}

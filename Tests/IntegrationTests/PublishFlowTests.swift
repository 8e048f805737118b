import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    @Suite("publish and verify-chain against a served node")
    struct PublishFlowTests {
        @Test("init, client add/list, serve, publish (text, unicode file, refusals), verify-chain, raw signed lasthash")
        func fullFlow() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let node = try await InitializedNode.create(in: temp)

            // client add printed a 32-char id (24 random bytes, base64url) that `client list` shows.
            #expect(node.clientID.count == 32, "client id \(node.clientID.debugDescription)")
            #expect(Base64URL.decode(node.clientID)?.count == 24)
            let list = try await runCLI(["client", "list", "--dir", node.dataDir], logsIn: temp)
            #expect(list.succeeded, "\(list)")
            let rows = list.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
            let row = try #require(rows.first { $0.first.map(String.init) == node.clientID }, "client list lacks the id: \(list.stdout)")
            #expect(row.count >= 3 && row[1] == Substring(node.client.publicKey) && row[2] == "client", "row \(row)")

            let server = try await ServerProcess.start(dataDir: node.dataDir, logsIn: temp)
            defer { server.stopIfRunning() }

            // 1. A text body.
            let text = try await node.publish(to: server, ["--body", "integration entry #1"])
            #expect(text.succeeded, "\(text)")
            let first = try PublishedEntry(stdout: text.stdout)
            #expect(Base64URL.decode(first.currhash)?.count == 32 && Base64URL.decode(first.summaryhash)?.count == 32)
            #expect(first.created.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d/) != nil, "created \(first.created)")
            // Without --server-public-key the CLI reads it from the index; it must be the node's.
            #expect(text.stderr.contains(node.nodePublicKey), "\(text.stderr)")

            // 2. A file whose bytes hold non-ASCII text, an astral character and CRLF line ends.
            let unicode = "caf\u{E9} na\u{EF}ve \u{1F600}\r\nsecond line \u{E9}\r\n"
            let file = temp.path("entry.txt")
            try Data(unicode.utf8).write(to: URL(fileURLWithPath: file))
            let fromFile = try await node.publish(to: server, ["--file", file], pinServerKey: true)
            #expect(fromFile.succeeded, "\(fromFile)")
            let second = try PublishedEntry(stdout: fromFile.stdout)
            #expect(second.currhash != first.currhash && second.summaryhash != first.summaryhash)

            // 3. A stale `now` is refused (408) with PHP Chronicle's message.
            let stale = try await node.publish(to: server, ["--body", #"{"now":"2020-01-01T00:00:00+00:00"}"#], pinServerKey: true)
            #expect(stale.reason == .exit && stale.status != 0, "\(stale)")
            #expect(stale.stderr.contains("too old"), "\(stale.stderr)")
            let phpStale = try recordedPHPMessage("a/err-publish-stale-now.response.http")
            #expect(stale.stderr.contains(phpStale), "expected PHP's \(phpStale.debugDescription) in \(stale.stderr)")

            // 4. An unknown client id is refused with PHP Chronicle's message.
            let unknownID = Base64URL.encode([UInt8](repeating: 0x5A, count: 24))
            let unknown = try await node.publish(to: server, ["--body", "nobody"], clientID: unknownID, pinServerKey: true)
            #expect(unknown.reason == .exit && unknown.status != 0, "\(unknown)")
            #expect(unknown.stderr.contains("Client not found"), "\(unknown.stderr)")
            let phpUnknown = try recordedPHPMessage("a/err-publish-unknown-client.response.http")
            #expect(unknown.stderr.contains(phpUnknown))

            // verify-chain with the node's key: two entries, head = the file entry.
            let verified = try await node.verifyChain(server)
            #expect(verified.succeeded, "\(verified)")
            #expect(verified.stdout.split(separator: "\n").contains("size: 2"), "\(verified.stdout)")
            #expect(verified.value(after: "head currhash: ") == second.currhash, "\(verified.stdout)")
            #expect(verified.value(after: "head summaryhash: ") == second.summaryhash, "\(verified.stdout)")

            // verify-chain with another key fails on the response signature.
            let stranger = try await PrintedKeyPair.generate(logsIn: temp)
            let wrongKey = try await node.verifyChain(server, publicKey: stranger.publicKey)
            #expect(wrongKey.reason == .exit && wrongKey.status != 0, "\(wrongKey)")
            #expect(wrongKey.stderr.lowercased().contains("signature"), "\(wrongKey.stderr)")
            #expect(!wrongKey.stdout.contains("size:"))

            // Raw GET /chronicle/lasthash: exact header-name case, and a signature swift-crypto accepts.
            let (response, head) = try rawLasthash(server)
            let rawText = String(decoding: response.raw, as: UTF8.self)
            #expect(rawText.contains("\r\nBody-Signature-Ed25519:"), "raw response: \(rawText)")
            let signatures = response.values(ofExactly: "Body-Signature-Ed25519")
            try #require(!signatures.isEmpty, "no Body-Signature-Ed25519 header (case-sensitive): \(rawText)")
            let nodeKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Base64URL.decode(node.nodePublicKey)))
            let verifies = signatures.contains { value in
                guard let signature = Base64URL.decode(value), signature.count == 64 else { return false }
                return nodeKey.isValidSignature(signature, for: response.body)
            }
            #expect(verifies, "no Body-Signature-Ed25519 value verifies over the body with swift-crypto: \(signatures)")
            // A flipped body byte must not verify (the check is real).
            var tampered = response.body
            tampered[tampered.count / 2] ^= 0x01
            #expect(!signatures.contains { Base64URL.decode($0).map { nodeKey.isValidSignature($0, for: tampered) } ?? false })

            let lastEntry = try #require(head, "lasthash is empty")
            #expect(lastEntry["currhash"]?.stringValue == second.currhash)
            #expect(lastEntry["summaryhash"]?.stringValue == second.summaryhash)
            #expect(lastEntry["prevhash"]?.stringValue == first.currhash)
            #expect(lastEntry["publickey"]?.stringValue == node.client.publicKey)
            #expect(lastEntry["contents"]?.stringValue.map { Array($0.utf8) } == Array(unicode.utf8),
                    "stored contents differ from the file's bytes")
        }
    }
}

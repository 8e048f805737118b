import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    @Suite("max-body-bytes")
    struct BodyLimitTests {
        /// POSTs a correctly signed publish of `body` over a raw socket.
        static func rawPublish(_ body: [UInt8], node: InitializedNode, server: ServerProcess) throws -> RawHTTP.Response {
            let key = try Ed25519SecretKey(base64url: node.client.secretKey)
            return try RawHTTP.request(port: server.port, method: "POST", path: "/chronicle/publish", headers: [
                ("Chronicle-Client-Key-ID", node.clientID),
                ("Body-Signature-Ed25519", Sapient.sign(body, with: key)),
                ("Content-Type", "text/plain"),
            ], body: body)
        }

        /// Rewrites one setting of `witness.json`, keeping the others.
        static func setConfig(_ key: String, _ value: JSONValue, in dataDir: String) throws {
            let path = dataDir + "/witness.json"
            let data = try #require(FileManager.default.contents(atPath: path))
            let members = try #require(try parseJSON([UInt8](data)).objectMembers)
            var updated = members.filter { $0.key != key }
            updated.append(JSONMember(key, value))
            try Data(PHPJSON.pretty(.object(updated)) + [0x0A]).write(to: URL(fileURLWithPath: path))
        }

        @Test("a publish body over max-body-bytes gets a signed 413 and leaves the chain unchanged",
              arguments: ["config file", "environment"])
        func oversizedBodyIsRefused(_ via: String) async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let node = try await InitializedNode.create(in: temp)
            var environment: [String: String] = [:]
            if via == "config file" {
                try Self.setConfig("max-body-bytes", .int(2048), in: node.dataDir)
            } else {
                environment["CHRONICLE_WITNESS_MAX_BODY_BYTES"] = "2048"
            }

            let server = try await ServerProcess.start(dataDir: node.dataDir, logsIn: temp, environment: environment)
            defer { server.stopIfRunning() }

            // A body under the limit is accepted, so the limit is the only difference below.
            let small = [UInt8](repeating: UInt8(ascii: "s"), count: 1500)
            let accepted = try Self.rawPublish(small, node: node, server: server)
            #expect(accepted.status == 200, "\(accepted.statusLine) \(String(decoding: accepted.body, as: UTF8.self))")

            let (before, headBefore) = try rawLasthash(server)
            let head = try #require(headBefore, "the accepted publish did not reach the chain")

            let big = [UInt8](repeating: UInt8(ascii: "B"), count: 4096)
            let refused = try Self.rawPublish(big, node: node, server: server)
            #expect(refused.status == 413, "\(refused.statusLine) \(String(decoding: refused.body, as: UTF8.self))")
            // Chronicle's error envelope, signed like every other response.
            let json = try parseJSON(refused.body)
            #expect(json["status"]?.stringValue == "ERROR")
            let nodeKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Base64URL.decode(node.nodePublicKey)))
            let signature = try #require(refused.values(ofExactly: "Body-Signature-Ed25519").first.flatMap { Base64URL.decode($0) })
            #expect(nodeKey.isValidSignature(signature, for: refused.body))

            let (after, headAfter) = try rawLasthash(server)
            #expect(headAfter == head, "lasthash changed after a refused body")
            #expect(try parseJSON(after.body)["results"] == (try parseJSON(before.body)["results"]))

            let verified = try await node.verifyChain(server)
            #expect(verified.succeeded, "\(verified)")
            #expect(verified.stdout.split(separator: "\n").contains("size: 1"), "\(verified.stdout)")
            #expect(verified.value(after: "head currhash: ") == head["currhash"]?.stringValue)
        }
    }
}

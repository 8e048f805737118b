import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    @Suite("init, keygen and the key file guard")
    struct InitAndKeygenTests {
        /// Permission bits of a file (`stat` through FileManager).
        static func mode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard let mode = attributes[.posixPermissions] as? NSNumber else { throw HarnessError("no permissions for \(path)") }
            return mode.intValue & 0o777
        }

        @Test("init creates a 0600 key, the config and the database; a second init refuses and keeps the key")
        func initCreatesDirectory() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let dir = temp.path("data/nested")
            let name = "witness.integration.test"

            let first = try await runCLI(["init", "--dir", dir, "--name", name], logsIn: temp)
            #expect(first.succeeded, "\(first)")

            let keyPath = dir + "/signing-secret.key"
            for file in [keyPath, dir + "/witness.json", dir + "/witness.sqlite"] {
                #expect(FileManager.default.fileExists(atPath: file), "init did not create \(file)")
            }
            #expect(try Self.mode(keyPath) == 0o600)

            let publicKey = try #require(first.value(after: "public key: "), "no `public key: ` line: \(first)")
            #expect(publicKey.count == 44)
            let keyText = try #require(FileManager.default.contents(atPath: keyPath))
            let nodeKey = try Ed25519SecretKey(base64url: String(decoding: keyText, as: UTF8.self))
            #expect(nodeKey.publicKey.base64url == publicKey, "printed public key is not the key file's")

            // witness vkey: NAME+8hex+base64(0x04 || pubkey). The name has no '+', but standard base64 may,
            // so the text is cut at its first two '+' only (as C2SP note verifiers do).
            let vkeyText = try #require(first.value(after: "witness vkey: "), "no `witness vkey: ` line: \(first)")
            let parts = vkeyText.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
            try #require(parts.count == 3, "vkey \(vkeyText) is not NAME+HEX+BASE64")
            #expect(parts[0] == Substring(name))
            #expect(parts[1].count == 8 && parts[1].allSatisfy { $0.isHexDigit && !$0.isUppercase })
            let expectedVKey = VerifierKey(name: name, publicKey: nodeKey.publicKey)
            #expect(vkeyText == expectedVKey.description)
            // Key id recomputed independently: SHA-256(name || "\n" || 0x04 || pubkey)[0..<4].
            let rawKey = try #require(Base64URL.decode(publicKey))
            let digest = Array(Crypto.SHA256.hash(data: Array(name.utf8) + [0x0A, 0x04] + rawKey))
            #expect(parts[1] == Substring(digest.prefix(4).map { String(format: "%02x", $0) }.joined()))
            #expect(Data(base64Encoded: String(parts[2])) == Data([0x04] + rawKey))

            let config = try parseJSON([UInt8](try #require(FileManager.default.contents(atPath: dir + "/witness.json"))))
            #expect(config["name"]?.stringValue == name)

            let second = try await runCLI(["init", "--dir", dir, "--name", name], logsIn: temp)
            #expect(second.reason == .exit && second.status != 0, "second init should fail: \(second)")
            #expect(!second.stderr.isEmpty)
            #expect(FileManager.default.contents(atPath: keyPath) == keyText, "second init changed the key file")
            #expect(try Self.mode(keyPath) == 0o600)
        }

        @Test("serve refuses a key file readable by group or others and names the file")
        func serveRefusesOpenKeyFile() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let dir = temp.path("node")
            let initResult = try await runCLI(["init", "--dir", dir], logsIn: temp)
            try #require(initResult.succeeded, "\(initResult)")
            let keyPath = dir + "/signing-secret.key"
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)

            // A refusal exits on its own; should it start anyway, the deadline kills it and the test fails.
            let result = try await runCLI(["serve", "--dir", dir, "--listen", "127.0.0.1:0"], logsIn: temp, timeout: .seconds(60))
            #expect(result.reason == .exit && result.status != 0, "serve started with a 0644 key: \(result)")
            #expect(result.stderr.contains("signing-secret.key"), "message does not name the key file: \(result.stderr)")
            #expect(!result.stdout.contains("listening on"))
        }

        @Test("client add takes a base64url key starting with '-' (1 key in 64)")
        func keyStartingWithDash() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let dir = temp.path("node")
            let initResult = try await runCLI(["init", "--dir", dir], logsIn: temp)
            try #require(initResult.succeeded, "\(initResult)")
            var key = Ed25519SecretKey.generate().publicKey.base64url
            while !key.hasPrefix("-") { key = Ed25519SecretKey.generate().publicKey.base64url }

            let joined = try await runCLI(["client", "add", "--dir", dir, "--public-key=" + key], logsIn: temp)
            #expect(joined.succeeded, "\(joined)")

            // `keygen` prints such keys one time in 64: the separate-argument form must work too.
            var other = Ed25519SecretKey.generate().publicKey.base64url
            while !other.hasPrefix("-") { other = Ed25519SecretKey.generate().publicKey.base64url }
            let separate = try await runCLI(["client", "add", "--dir", dir, "--public-key", other], logsIn: temp)
            #expect(separate.succeeded, "\(separate)")
            let id = separate.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let revoked = try await runCLI(["client", "revoke", "--dir", dir, id], logsIn: temp)
            #expect(revoked.succeeded, "\(revoked)")
        }

        @Test("keygen prints a 44-char public key and an 88-char secret key that belong together")
        func keygenPrintsMatchingPair() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let result = try await runCLI(["keygen"], logsIn: temp)
            #expect(result.succeeded, "\(result)")
            let publicText = try #require(result.value(after: "public key: "), "\(result)")
            let secretText = try #require(result.value(after: "secret key: "), "\(result)")
            #expect(publicText.count == 44)
            #expect(secretText.count == 88)

            let secret = try Ed25519SecretKey(base64url: secretText)
            #expect(secret.publicKey.base64url == publicText)
            let publicKey = try #require(Ed25519PublicKey(base64url: publicText))
            #expect(publicKey == secret.publicKey)

            // Independently (swift-crypto): the seed's public key is the printed one, and a signature verifies.
            let cryptoKey = try Curve25519.Signing.PrivateKey(rawRepresentation: secret.seed)
            #expect(Array(cryptoKey.publicKey.rawRepresentation) == publicKey.bytes)
            let message = Array("keygen pair check".utf8)
            let signature = secret.signature(for: message)
            #expect(cryptoKey.publicKey.isValidSignature(signature, for: message))

            // Two runs give two different keys.
            let other = try await PrintedKeyPair.generate(logsIn: temp)
            #expect(other.secretKey != secretText)
        }
    }
}

import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

@Suite("BLAKE2b and SHA-256")
struct HashTests {
    // Expected digests computed with Python hashlib.blake2b(digest_size=32) / hashlib.sha256.
    @Test("BLAKE2b-256 known answers, unkeyed and keyed")
    func blake2bVectors() {
        #expect(BLAKE2b.hash256([UInt8]()).hexString == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        #expect(BLAKE2b.hash256(utf8("abc")).hexString == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")
        #expect(BLAKE2b.hash256(utf8("The quick brown fox jumps over the lazy dog"), key: Array(0...31)).hexString
            == "5d9461aff732d77d0cc98725ea29298c914fd5193b4c08ec9e3ad6b28c3e2faf")
        let long = Array(repeating: Array(UInt8(0)...UInt8(255)), count: 3).flatMap { $0 }
        #expect(BLAKE2b.hash256(long).hexString == "b8007121274217790e2923e0ad7027986e5a99d5531ef6ae7d294140fc81615d")
    }

    @Test("an empty key means unkeyed, not 32 zero bytes")
    func emptyKeyIsUnkeyed() {
        let message = utf8("abc")
        #expect(BLAKE2b.hash256(message, key: []) == BLAKE2b.hash256(message))
        #expect(BLAKE2b.hash256(message, key: [UInt8](repeating: 0, count: 32)) != BLAKE2b.hash256(message))
    }

    @Test("streaming equals one-shot for any chunking")
    func streaming() {
        var generator = SplitMix(seed: 3)
        let message = (0..<1000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let key = Array(UInt8(1)...UInt8(32))
        for chunk in [1, 7, 32, 127, 128, 129, 256, 257, 1000] {
            let unkeyed = BLAKE2bState()
            let keyed = BLAKE2bState(key: key)
            for start in stride(from: 0, to: message.count, by: chunk) {
                let slice = message[start..<min(start + chunk, message.count)]
                unkeyed.update(slice)
                keyed.update(slice)
            }
            #expect(unkeyed.finalize() == BLAKE2b.hash256(message))
            #expect(keyed.finalize() == BLAKE2b.hash256(message, key: key))
        }
        #expect(BLAKE2bState(key: []).finalize() == BLAKE2b.hash256([UInt8]()))
    }

    @Test("peekDigest leaves the state alone; copies are independent")
    func copyAndPeek() {
        let state = BLAKE2bState()
        state.update(utf8("ab"))
        #expect(state.peekDigest() == BLAKE2b.hash256(utf8("ab")))
        #expect(state.peekDigest() == BLAKE2b.hash256(utf8("ab")))
        let copy = state.copy()
        copy.update(utf8("c"))
        #expect(copy.peekDigest() == BLAKE2b.hash256(utf8("abc")))
        #expect(state.peekDigest() == BLAKE2b.hash256(utf8("ab")))
        state.update(utf8("x"))
        #expect(copy.finalize() == BLAKE2b.hash256(utf8("abc")))
        #expect(state.finalize() == BLAKE2b.hash256(utf8("abx")))
    }

    @Test("serialised state: 384 bytes, fresh h[0] = IV[0] ^ 0x01010020, restorable")
    func serialisedState() {
        #expect(BLAKE2bState.stateBytes == 384)
        let fresh = BLAKE2bState().serialized
        #expect(fresh.count == 384)
        #expect(Array(fresh[0..<8]) == [0x28, 0xC9, 0xBD, 0xF2, 0x67, 0xE6, 0x09, 0x6A])
        #expect(fresh[64...].allSatisfy { $0 == 0 })
        let state = BLAKE2bState()
        state.update(utf8("hello "))
        let restored = BLAKE2bState(serialized: state.serialized)
        #expect(restored != nil)
        restored?.update(utf8("world"))
        #expect(restored?.finalize() == BLAKE2b.hash256(utf8("hello world")))
        #expect(BLAKE2bState(serialized: [UInt8](repeating: 0, count: 361)) == nil)
        #expect(BLAKE2bState(serialized: []) == nil)
    }

    /// chronicle-protocol §2.6: libsodium's lazy two-block buffer, stale upper half kept.
    @Test("state layout after nine 32-byte updates: t = 128, buflen = 160, stale bytes kept")
    func lazyBuffering() {
        let state = BLAKE2bState()
        let updates = (1...9).map { i in [UInt8](repeating: UInt8(i), count: 32) }
        for (i, update) in updates.enumerated() {
            state.update(update)
            if i == 7 {
                let s = state.serialized
                #expect(le64(s, 64) == 0, "t after 8 updates")
                #expect(le64(s, 352) == 256, "buflen after 8 updates")
            }
        }
        let s = state.serialized
        #expect(le64(s, 64) == 128)
        #expect(le64(s, 72) == 0)
        #expect(le64(s, 80) == 0 && le64(s, 88) == 0)
        #expect(le64(s, 352) == 160)
        let buf = Array(s[96..<352])
        #expect(Array(buf[0..<128]) == Array(updates[4...7].joined()))
        #expect(Array(buf[128..<160]) == updates[8])
        #expect(Array(buf[160..<256]) == Array(updates[5...7].joined()))
        #expect(s[360...].allSatisfy { $0 == 0 })
        #expect(state.peekDigest() == BLAKE2b.hash256(Array(updates.joined())))
    }

    @Test("SHA-256 known answers and hex rendering")
    func sha256() {
        #expect(SHA256.hash(utf8("abc")).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash([UInt8]()).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect([UInt8]([0x00, 0x0F, 0xA0, 0xFF]).hexString == "000fa0ff")
    }

    private func le64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}

@Suite("Ed25519 (libsodium)")
struct Ed25519Tests {
    @Test("spec keys derive from their seeds (§2.8)")
    func specKeys() throws {
        let client = Ed25519SecretKey(seed: SpecVectors.clientSeed)
        #expect(client.publicKey.base64url == SpecVectors.clientPublicKey)
        #expect(client.base64url == SpecVectors.clientSecretKey)
        #expect(client.seed == SpecVectors.clientSeed)
        let server = Ed25519SecretKey(seed: SpecVectors.serverSeed)
        #expect(server.publicKey.base64url == SpecVectors.serverPublicKey)
        #expect(server.base64url == SpecVectors.serverSecretKey)
        #expect(try Ed25519SecretKey(base64url: SpecVectors.serverSecretKey).publicKey == server.publicKey)
    }

    @Test("RFC 8032 test vectors 1 and 2")
    func rfc8032() {
        let k1 = Ed25519SecretKey(seed: hexBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(k1.publicKey.bytes.hexString == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let s1 = k1.signature(for: [UInt8]())
        #expect(s1.hexString == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(k1.publicKey.isValidSignature(s1, for: [UInt8]()))
        let k2 = Ed25519SecretKey(seed: hexBytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        #expect(k2.publicKey.bytes.hexString == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        let s2 = k2.signature(for: [0x72])
        #expect(s2.hexString == "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
    }

    @Test("verification rejects changed messages, signatures, keys and wrong lengths")
    func verificationNegatives() {
        let key = Ed25519SecretKey(seed: SpecVectors.clientSeed)
        let message = utf8("second entry")
        let signature = key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: utf8("second entrY")))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        for index in [0, 31, 32, 63] {
            var bad = signature
            bad[index] ^= 0x01
            #expect(!key.publicKey.isValidSignature(bad, for: message), "bit flipped at \(index)")
        }
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: message))
        #expect(!key.publicKey.isValidSignature([], for: message))
        let other = Ed25519SecretKey(seed: SpecVectors.serverSeed).publicKey
        #expect(!other.isValidSignature(signature, for: message))
    }

    @Test("libsodium semantics: non-canonical S and small-order points are refused")
    func strictVerification() {
        let key = Ed25519SecretKey(seed: SpecVectors.clientSeed)
        let message = utf8("x")
        let signature = key.signature(for: message)
        // S + L: the same scalar mod L, not canonical.
        let order = hexBytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        var malleable = signature
        var carry = 0
        for i in 0..<32 {
            let sum = Int(malleable[32 + i]) + Int(order[i]) + carry
            malleable[32 + i] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        #expect(carry == 0)
        #expect(malleable != signature)
        #expect(!key.publicKey.isValidSignature(malleable, for: message))
        // Identity public key and identity R with S = 0 satisfy the equation but are small-order.
        let identity: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        let weak = Ed25519PublicKey(bytes: identity)!
        #expect(!weak.isValidSignature(identity + [UInt8](repeating: 0, count: 32), for: message))
    }

    @Test("public key parsing requires 32 bytes")
    func publicKeyParsing() {
        #expect(Ed25519PublicKey(bytes: [UInt8](repeating: 1, count: 31)) == nil)
        #expect(Ed25519PublicKey(bytes: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(Ed25519PublicKey(base64url: SpecVectors.clientSecretKey) == nil)
        #expect(Ed25519PublicKey(base64url: "A6EHv+POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=") == nil)
        let unpadded = Ed25519PublicKey(base64url: String(SpecVectors.clientPublicKey.dropLast()))
        #expect(unpadded?.base64url == SpecVectors.clientPublicKey)
        #expect(unpadded?.description == SpecVectors.clientPublicKey)
    }

    @Test("generated keys are distinct and usable")
    func generate() throws {
        let a = Ed25519SecretKey.generate()
        let b = Ed25519SecretKey.generate()
        #expect(a.publicKey != b.publicKey)
        #expect(a.publicKey.isValidSignature(a.signature(for: utf8("m")), for: utf8("m")))
        #expect(try Ed25519SecretKey(base64url: a.base64url).publicKey == a.publicKey)
    }
}

@Suite("Ed25519SecretKey loading (chronicle-protocol §1.4)")
struct SecretKeyLoadingTests {
    @Test("loads the fixture client secret keys", arguments: [
        "client1-on-a.json", "client-on-b.json", "admin-on-a.json", "registered-via-api-on-a.json",
    ])
    func fixtureClientKeys(file: String) throws {
        let keyFile = try Fixtures.clientKey(file)
        let text = try #require(keyFile.secretKeyText)
        let key = try Ed25519SecretKey(base64url: text)
        #expect(key.publicKey.base64url == keyFile.publicKeyText)
        #expect(key.base64url == text)
        #expect(text.count == 88)
        #expect(try keyFile.publicKey == key.publicKey)
    }

    @Test("a key file without a secret key has none")
    func publicOnlyKeyFile() throws {
        let keyFile = try Fixtures.clientKey("b-server-key-as-client-on-a")
        #expect(keyFile.secretKeyText == nil)
        #expect(try keyFile.publicKey == Fixtures.serverPublicKey("b"))
    }

    @Test("refuses a 64-byte key whose last 32 bytes are not the seed's public key")
    func publicKeyMismatch() throws {
        let good = try #require(Base64URL.decode(SpecVectors.clientSecretKey, length: 64))
        var flipped = good
        flipped[63] ^= 0x01
        #expect(throws: Ed25519SecretKey.KeyError.publicKeyMismatch) { try Ed25519SecretKey(secretKeyBytes: flipped) }
        #expect(throws: Ed25519SecretKey.KeyError.publicKeyMismatch) {
            try Ed25519SecretKey(base64url: Base64URL.encode(flipped))
        }
        // Seed of the client key with the server's public key.
        let spliced = SpecVectors.clientSeed + Ed25519SecretKey(seed: SpecVectors.serverSeed).publicKey.bytes
        #expect(throws: Ed25519SecretKey.KeyError.publicKeyMismatch) { try Ed25519SecretKey(secretKeyBytes: spliced) }
        #expect(try Ed25519SecretKey(secretKeyBytes: good).publicKey.base64url == SpecVectors.clientPublicKey)
    }

    @Test("refuses wrong lengths and non-base64url text; trims surrounding whitespace")
    func otherFailures() throws {
        #expect(throws: Ed25519SecretKey.KeyError.wrongLength(32)) {
            try Ed25519SecretKey(base64url: Base64URL.encode(SpecVectors.clientSeed))
        }
        #expect(throws: Ed25519SecretKey.KeyError.wrongLength(0)) { try Ed25519SecretKey(base64url: "") }
        #expect(throws: Ed25519SecretKey.KeyError.notBase64URL) {
            try Ed25519SecretKey(base64url: SpecVectors.clientSecretKey.replacing("_", with: "/"))
        }
        #expect(throws: Ed25519SecretKey.KeyError.notBase64URL) { try Ed25519SecretKey(base64url: "AA AA") }
        let padded = try Ed25519SecretKey(base64url: "\n  " + SpecVectors.clientSecretKey + "\r\n")
        #expect(padded.publicKey.base64url == SpecVectors.clientPublicKey)
    }
}

@Suite("cross-check against swift-crypto's independent Ed25519")
struct IndependentEd25519Tests {
    @Test("swift-crypto derives the same public keys and accepts our signatures")
    func acceptsOurSignatures() throws {
        for seed in [SpecVectors.clientSeed, SpecVectors.serverSeed] {
            let ours = Ed25519SecretKey(seed: seed)
            let theirs = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            #expect(Array(theirs.publicKey.rawRepresentation) == ours.publicKey.bytes)
            let verifier = try Curve25519.Signing.PublicKey(rawRepresentation: ours.publicKey.bytes)
            for message in [utf8(""), utf8(#"{"hello":"world"}"#), utf8(SpecVectors.lookupResponseBody)] {
                let signature = ours.signature(for: message)
                #expect(verifier.isValidSignature(signature, for: message))
                var bad = signature
                bad[10] ^= 0x80
                #expect(!verifier.isValidSignature(bad, for: message))
            }
        }
    }

    @Test("we accept swift-crypto's (randomised) signatures")
    func weAcceptTheirs() throws {
        let theirs = Curve25519.Signing.PrivateKey()
        let ours = try #require(Ed25519PublicKey(bytes: Array(theirs.publicKey.rawRepresentation)))
        let message = utf8("cross-implementation message")
        let signature = Array(try theirs.signature(for: message))
        #expect(ours.isValidSignature(signature, for: message))
        #expect(!ours.isValidSignature(signature, for: message.dropLast()))
    }

    @Test("swift-crypto accepts the spec vector signatures")
    func specSignatures() throws {
        let client = try Curve25519.Signing.PublicKey(rawRepresentation: #require(Base64URL.decode(SpecVectors.clientPublicKey)))
        for row in SpecVectors.rows {
            #expect(client.isValidSignature(try #require(Base64URL.decode(row.signature)), for: utf8(row.body)))
        }
        let server = try Curve25519.Signing.PublicKey(rawRepresentation: #require(Base64URL.decode(SpecVectors.serverPublicKey)))
        #expect(server.isValidSignature(try #require(Base64URL.decode(SpecVectors.lookupResponseSignature)),
                                        for: utf8(SpecVectors.lookupResponseBody)))
        #expect(server.isValidSignature(try #require(Base64URL.decode(SpecVectors.errorResponseSignature)),
                                        for: utf8(SpecVectors.errorResponseBody)))
    }

    @Test("swift-crypto accepts every entry signature of the recorded chains")
    func fixtureEntrySignatures() throws {
        var checked = 0
        for file in ["chain/a-export-final.json", "chain/b-export-final.json"] {
            for entry in try Fixtures.chainEntries(file) {
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: #require(Base64URL.decode(entry.publickey)))
                let signature = try #require(Base64URL.decode(entry.signature, length: 64))
                #expect(key.isValidSignature(signature, for: utf8(entry.contents)), "\(file) \(entry.currhash)")
                checked += 1
            }
        }
        #expect(checked == 59)
    }

    @Test("swift-crypto accepts the recorded response signatures")
    func fixtureResponseSignatures() throws {
        var checked = 0
        for entry in try Fixtures.manifest() where entry.responseSignatureValid {
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: Fixtures.serverPublicKey(entry.server).bytes)
            let response = try Fixtures.exchange(entry.server, entry.name).response
            let value = try #require(response.signatureHeaderValues.first)
            let signature = try #require(Base64URL.decode(value, length: 64))
            #expect(key.isValidSignature(signature, for: response.body), "\(entry.server)/\(entry.name)")
            checked += 1
        }
        #expect(checked == 114)
    }
}

@Suite("Witness vkeys")
struct VerifierKeyTests {
    @Test func roundTripsEveryKeyEvenWithPlusInTheBase64() {
        // SPEC: witness-protocol §1 — names have no '+', standard base64 often does.
        var sawPlus = false
        for seed in 0..<64 {
            let key = Ed25519SecretKey(seed: Array(repeating: UInt8(seed), count: 32)).publicKey
            let vkey = VerifierKey(name: "witness.example.org", publicKey: key)
            sawPlus = sawPlus || vkey.description.split(separator: "+").count > 3
            #expect(VerifierKey(vkey.description) == vkey)
        }
        #expect(sawPlus, "the sample must include a key whose base64 contains '+'")
        #expect(VerifierKey("witness.example.org+00000000+" + Base64.encode([0x04] + [UInt8](repeating: 9, count: 32))) == nil,
                "a wrong key id is refused")
    }
}

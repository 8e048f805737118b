import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// witness-protocol §5.1: the `Gossip-Signature` header, checked against swift-crypto and the
/// independent Python script, and the stranger rule (anything but a fresh, valid signature by a
/// trusted peer for this receiver is a stranger, never an error and never a trap).
@Suite("Gossip-Signature (witness-protocol §5.1)")
struct GossipSignatureTests {
    static let senderKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x31, count: 32))
    static let sender = VerifierKey(name: "w1.example.org", publicKey: senderKey.publicKey)
    static let other = VerifierKey(name: "w2.example.org", publicKey: Ed25519SecretKey(seed: [UInt8](repeating: 0x32, count: 32)).publicKey)
    static let receiver = "w0.example.org"
    static let now: Int64 = 1_796_000_000
    static let body = Array(#"{"from":"w1.example.org","heads":[],"evidence":[]}"#.utf8)

    static func header(body: [UInt8] = body, to: String = receiver, time: UInt64 = UInt64(now)) -> String {
        GossipSignature.sign(body: body, to: to, time: time, vkey: sender, key: senderKey).headerValue
    }

    static func authenticate(_ headers: [String], body: [UInt8] = body, from: VerifierKey? = sender) -> VerifierKey? {
        GossipSignature.authenticate(headerValues: headers, body: body, to: receiver, claimedFrom: from,
                                     trusted: [other, sender], now: now)
    }

    @Test("the header is name, space, base64 of key id, big-endian time and an Ed25519 signature over the spec's message")
    func wireBytes() throws {
        let value = Self.header()
        let parts = value.split(separator: " ")
        #expect(parts.count == 2 && parts[0] == "w1.example.org")
        let blob = try #require(Data(base64Encoded: String(parts[1])))
        #expect(blob.count == 76)
        #expect(Array(blob.prefix(4)) == Self.sender.keyID)
        #expect(blob.dropFirst(4).prefix(8).reduce(0) { $0 << 8 | UInt64($1) } == UInt64(Self.now))
        // swift-crypto, over the message built by hand from the spec.
        let message = Data("chronicle-witness/gossip/v2\nto w0.example.org\ntime 1796000000\n".utf8) + Data(Self.body)
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: Self.sender.publicKey.bytes)
        #expect(key.isValidSignature(blob.suffix(64), for: message))
        #expect(!key.isValidSignature(blob.suffix(64), for: Data("cosignature/v1\ntime 1796000000\n".utf8) + Data(Self.body)))
    }

    @Test("the independent Python verifier accepts it, and refuses a flipped byte, another receiver and a stale time")
    func independent() async throws {
        let value = Self.header()
        let ok = try await IndependentVerifier.verifyGossipSignature(header: value, body: Self.body, to: Self.receiver, vkey: Self.sender, now: Self.now)
        #expect(ok.authentic, "\(ok)")
        var flipped = Self.body
        flipped[3] ^= 1
        #expect(!(try await IndependentVerifier.verifyGossipSignature(header: value, body: flipped, to: Self.receiver, vkey: Self.sender)).authentic)
        #expect(!(try await IndependentVerifier.verifyGossipSignature(header: value, body: Self.body, to: "w2.example.org", vkey: Self.sender)).authentic)
        #expect(!(try await IndependentVerifier.verifyGossipSignature(header: value, body: Self.body, to: Self.receiver, vkey: Self.sender,
                                                                 now: Self.now + 301)).authentic)
    }

    @Test("a trusted peer's fresh signature authenticates it; the window is ±300 s inclusive")
    func authenticates() {
        #expect(Self.authenticate([Self.header()]) == Self.sender)
        #expect(Self.authenticate([Self.header()], from: nil) == Self.sender)
        #expect(Self.authenticate([Self.header(time: UInt64(Self.now - 300))]) == Self.sender)
        #expect(Self.authenticate([Self.header(time: UInt64(Self.now + 300))]) == Self.sender)
    }

    @Test("everything else is a stranger", arguments: [
        "no header", "two headers", "stale", "future", "time 2^64-1", "another receiver", "another body",
        "from names another peer", "untrusted signer", "malformed",
    ])
    func strangers(_ attack: String) {
        let good = Self.header()
        let stranger = Ed25519SecretKey(seed: [UInt8](repeating: 0x33, count: 32))
        let headers: [String]
        var body = Self.body
        var from: VerifierKey? = Self.sender
        switch attack {
        case "no header": headers = []
        case "two headers": headers = [good, good]
        case "stale": headers = [Self.header(time: UInt64(Self.now - 301))]
        case "future": headers = [Self.header(time: UInt64(Self.now + 301))]
        case "time 2^64-1": headers = [Self.header(time: .max)]
        case "another receiver": headers = [Self.header(to: "w2.example.org")]
        case "another body": headers = [good]; body = Array(#"{"from":"w1.example.org","heads":[],"evidence":[ ]}"#.utf8)
        case "from names another peer": headers = [good]; from = Self.other
        case "untrusted signer":
            // Same name as the trusted peer, another key: the key id does not match.
            headers = [GossipSignature.sign(body: body, to: Self.receiver, time: UInt64(Self.now),
                                            vkey: VerifierKey(name: Self.sender.name, publicKey: stranger.publicKey), key: stranger).headerValue]
        default: headers = ["w1.example.org", "w1.example.org  " + good.split(separator: " ")[1], "w1.example.org x", good + " ", "", " " + good]
        }
        if attack == "malformed" {
            for header in headers { #expect(Self.authenticate([header]) == nil, "\(header)") }
        } else {
            #expect(Self.authenticate(headers, body: body, from: from) == nil)
        }
    }
}

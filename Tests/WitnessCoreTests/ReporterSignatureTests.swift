import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

private typealias S = EvidenceStage

/// witness-protocol §6.1: reporter-attested evidence (a freeze, a rollback shown by "No record
/// found") proves nothing without its reporter's signature, the signature covers the spec's
/// message exactly (swift-crypto and the Python verifier agree), and the id ignores it.
@Suite("Reporter signatures on evidence (witness-protocol §6.1)")
struct ReporterSignatureTests {
    static func freeze() -> Evidence {
        let chain = StagedChain(count: 3)
        return Evidence.freeze(origin: S.origin, upstreamKey: S.server.publicKey, reportedBy: S.reporter, detectedAt: S.at(100),
                               containing: S.since(Array(chain.entries[1...]), at: 10), lasthash: S.lookup(chain.entries[1], at: 20),
                               cosigned: [S.cosigned(size: 3, root: chain.root(3))])
    }

    @Test("the signature is over the spec's message: domain, time, kind, origin, key, each item's body text and signature")
    func message() throws {
        let evidence = Self.freeze().signedByReporter(key: S.reporterKey, time: 1_795_000_500)
        let text64 = try #require(evidence.reporterSignature)
        let blob = try #require(Data(base64Encoded: text64))
        #expect(blob.count == 76 && Array(blob.prefix(4)) == S.reporter.keyID)
        var text = "chronicle-witness/evidence/v2\ntime 1795000500\nfreeze\n\(S.origin)\n\(S.server.publicKey.base64url)\n"
        for item in evidence.items {
            guard let signed = item.upstreamSigned else { continue }
            text += Data(signed.body).base64EncodedString() + "\n" + signed.signature + "\n"
        }
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: S.reporter.publicKey.bytes)
        #expect(key.isValidSignature(blob.suffix(64), for: Data(text.utf8)))
        #expect(evidence.items.count == 3, "two bodies and a context note, which the message skips")
    }

    @Test("unsigned, it proves nothing; signed, it proves its kind, under this code and the independent verifier")
    func required() async throws {
        let unsigned = Self.freeze()
        #expect(S.reason(EvidenceVerifier.verify(unsigned))?.contains("reporter_signature") == true)
        #expect(!(try await IndependentVerifier.verify(unsigned)).proven)
        let signed = unsigned.signedByReporter(key: S.reporterKey, time: 1_795_000_500)
        #expect(S.proves(EvidenceVerifier.verify(signed), .freeze), "\(EvidenceVerifier.verify(signed))")
        let independent = try await IndependentVerifier.verify(signed)
        #expect(independent.proven, "\(independent)")
        #expect(signed.id == unsigned.id, "the id names the material, whoever signs it")
        #expect(try Evidence(bytes: signed.canonicalBytes) == signed)
    }

    @Test("a signature by anyone but reported_by, or over other material, is refused", arguments: ["other key", "edited origin", "dropped item", "garbage"])
    func forged(_ attack: String) async throws {
        var evidence = Self.freeze().signedByReporter(key: S.reporterKey, time: 1_795_000_500)
        switch attack {
        case "other key":
            // Someone signs in the reporter's name with their own key.
            let thief = Ed25519SecretKey(seed: [UInt8](repeating: 0x59, count: 32))
            let blob = TimestampedSignature(keyID: S.reporter.keyID, time: 1_795_000_500,
                                            signature: thief.signature(for: evidence.reporterMessage(time: 1_795_000_500)))
            evidence.reporterSignature = blob.base64
        case "edited origin": evidence.origin = "elsewhere.example/chronicle"
        case "dropped item": evidence.items.removeLast(2)
        default: evidence.reporterSignature = "AAAA"
        }
        #expect(S.reason(EvidenceVerifier.verify(evidence)) != nil, "\(attack)")
        #expect(!(try await IndependentVerifier.verify(evidence)).proven, "\(attack)")
    }

    @Test("self-contained evidence needs no signature, but a bad one is refused")
    func selfContained() {
        let chain = StagedChain(count: 3)
        let branch = chain.fork()
        chain.append("a4")
        branch.append("b4")
        var fork = Evidence.fork(origin: S.origin, upstreamKey: S.server.publicKey, reportedBy: S.reporter, detectedAt: S.at(100),
                                 first: S.since(Array(chain.entries[2...]), at: 10), second: S.since(Array(branch.entries[2...]), at: 20))
        #expect(!EvidenceVerifier.isReporterAttested(fork))
        #expect(S.proves(EvidenceVerifier.verify(fork), .fork))
        #expect(fork.signedIfAttested(key: S.reporterKey, at: S.at(100)).reporterSignature == nil)
        fork.reporterSignature = Self.freeze().signedByReporter(key: S.reporterKey, time: 1).reporterSignature
        #expect(S.reason(EvidenceVerifier.verify(fork)) != nil)
    }
}

import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// Deterministic keys, a staged Chronicle and signed bodies for the evidence tests.
enum EvidenceStage {
    static let server = Ed25519SecretKey(seed: [UInt8](repeating: 0x51, count: 32))
    static let otherServer = Ed25519SecretKey(seed: [UInt8](repeating: 0x52, count: 32))
    static let client = Ed25519SecretKey(seed: Array(0...31))
    static let witnessKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x57, count: 32))
    static let witness = VerifierKey(name: "witness.example.org", publicKey: witnessKey.publicKey)
    static let reporterKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x58, count: 32))
    static let reporter = VerifierKey(name: "reporter.example.org", publicKey: reporterKey.publicKey)

    static let origin = "chronicle.example.org/chronicle"
    static let t0 = Timestamp(seconds: 1_795_000_000)

    /// A time `seconds` after `t0`.
    static func at(_ seconds: Int64) -> Timestamp { t0.adding(seconds: seconds) }

    /// `body` signed with `key` (the upstream's by default).
    static func signed(_ json: JSONValue, by key: Ed25519SecretKey = server) -> UpstreamSigned {
        let body = PHPJSON.pretty(json)
        return UpstreamSigned(body: body, signature: Sapient.sign(body, with: key))
    }

    /// A `/since` body: `total` and lookup-style records.
    static func since(_ entries: [ChronicleEntry], at seconds: Int64, by key: Ed25519SecretKey = server) -> UpstreamSigned {
        signed(ChronicleEnvelope.ok(at: at(seconds), [JSONMember("total", .int(entries.count)),
                                                      JSONMember("results", .array(entries.map(\.lookupStyle)))]), by: key)
    }

    /// An `/export` body: `total` and export-style records.
    static func export(_ entries: [ChronicleEntry], at seconds: Int64) -> UpstreamSigned {
        signed(ChronicleEnvelope.ok(at: at(seconds), [JSONMember("total", .int(entries.count)),
                                                      JSONMember("results", .array(entries.map(\.exportStyle)))]))
    }

    /// A `/lookup` or `/lasthash` body (the same shape): one lookup-style record.
    static func lookup(_ entry: ChronicleEntry, at seconds: Int64) -> UpstreamSigned {
        signed(ChronicleEnvelope.ok(at: at(seconds), [JSONMember("results", .array([entry.lookupStyle]))]))
    }

    /// The signed "No record found" error.
    static func notFound(at seconds: Int64) -> UpstreamSigned {
        signed(ChronicleEnvelope.error(at: at(seconds), message: UpstreamBody.noRecordFoundMessage))
    }

    /// A note of `checkpoint` cosigned by `key` under `name` (the staged witness by default).
    static func cosigned(size: Int, root: [UInt8], time: UInt64 = 1_795_000_100, name: String = witness.name,
                         key: Ed25519SecretKey = witnessKey, origin: String = origin) -> String {
        let checkpoint = Checkpoint(origin: origin, size: size, root: root)
        return CosignedCheckpoint(checkpoint: checkpoint,
                                  cosignatures: [Cosignature.sign(checkpoint, time: time, name: name, key: key)]).serialized
    }

    /// Whether `verdict` proves `kind`.
    static func proves(_ verdict: EvidenceVerdict, _ kind: EvidenceKind) -> Bool {
        if case .proven(kind, _) = verdict { return true }
        return false
    }

    /// The reason of a notProven verdict; nil when proven.
    static func reason(_ verdict: EvidenceVerdict) -> String? {
        if case .notProven(let reason) = verdict { return reason }
        return nil
    }
}

/// A Chronicle built with the core's Blakechain, entries published by the staged client.
final class StagedChain {
    let chain: Blakechain
    private(set) var entries: [ChronicleEntry]

    init() { chain = Blakechain(); entries = [] }
    private init(chain: Blakechain, entries: [ChronicleEntry]) { self.chain = chain; self.entries = entries }

    /// A chain with `count` entries "entry 1" … "entry N".
    convenience init(count: Int) {
        self.init()
        for i in 1...count { append("entry \(i)") }
    }

    /// An independent copy from here on: appending to one does not change the other.
    func fork() -> StagedChain { StagedChain(chain: chain.copy(), entries: entries) }

    /// Appends `contents`, signed by the client; `signedContents` lets a test sign other bytes.
    @discardableResult
    func append(_ contents: String, signedContents: String? = nil) -> ChronicleEntry {
        let created = EvidenceStage.at(Int64(entries.count)).atom
        let signature = EvidenceStage.client.signature(for: Array((signedContents ?? contents).utf8))
        let prev = chain.lastCurrhash.map { Base64URL.encode($0) }
        let (current, summary) = chain.append(created: created, publicKey: EvidenceStage.client.publicKey.bytes,
                                              signature: signature, body: Array(contents.utf8))
        let entry = ChronicleEntry(contents: contents, prevhash: prev, currhash: Base64URL.encode(current),
                                   summaryhash: Base64URL.encode(summary), created: created,
                                   publickey: EvidenceStage.client.publicKey.base64url, signature: Base64URL.encode(signature))
        entries.append(entry)
        return entry
    }

    /// Raw currhash of entry `position` (1-based).
    /// The §2.1 tree hash of the first `size` entries (a checkpoint's root).
    func root(_ size: Int) -> [UInt8] { IndependentMerkle.treeHash(entries.prefix(size).map { Base64URL.decode($0.currhash)! }) }
}

@Suite("Evidence JSON format (witness-protocol §6)")
struct EvidenceTests {
    typealias S = EvidenceStage

    /// One evidence of each kind, built with the builders.
    static func samples() -> [Evidence] {
        let chain = StagedChain(count: 3)
        let branch = chain.fork()
        chain.append("a4")
        branch.append("b4")
        let key = S.server.publicKey
        return [
            Evidence.fork(origin: S.origin, upstreamKey: key, reportedBy: S.reporter, detectedAt: S.at(100),
                          first: S.since(Array(chain.entries[2...]), at: 10), second: S.since(Array(branch.entries[2...]), at: 20),
                          cosigned: [S.cosigned(size: 4, root: chain.root(4))]),
            Evidence.rollback(origin: S.origin, upstreamKey: key, reportedBy: S.reporter, detectedAt: S.at(100),
                              containing: S.lookup(chain.entries[3], at: 10), later: S.notFound(at: 20),
                              queried: chain.entries[3].currhash),
            Evidence.freeze(origin: S.origin, upstreamKey: key, reportedBy: S.reporter, detectedAt: S.at(100),
                            containing: S.since(Array(chain.entries[1...]), at: 10), lasthash: S.lookup(chain.entries[1], at: 20)),
            Evidence.witnessEquivocation(origin: S.origin, upstreamKey: key, reportedBy: S.reporter, detectedAt: S.at(100),
                                         witness: S.witness, first: S.cosigned(size: 4, root: chain.root(4)),
                                         second: S.cosigned(size: 4, root: branch.root(4))),
        ].map { $0.signedIfAttested(key: S.reporterKey, at: S.at(100)) }
    }

    @Test("each builder's evidence round-trips through its canonical bytes with a stable id")
    func roundTrip() throws {
        for evidence in Self.samples() {
            let parsed = try Evidence(bytes: evidence.canonicalBytes)
            #expect(parsed == evidence, "\(evidence.kind)")
            #expect(parsed.id == evidence.id)
            #expect(parsed.canonicalBytes == evidence.canonicalBytes)
            // SPEC: witness-protocol §6.1 — the id is the hash of the canonical bytes, the reporter
            // signature aside: it does not change which material the id names.
            var unsigned = evidence
            unsigned.reporterSignature = nil
            // Reporter-attested kinds (freeze, rollback by "No record found") are signed; the others are not.
            #expect((evidence.reporterSignature != nil) == (evidence.kind == .freeze || evidence.kind == .rollback))
            #expect(evidence.id == SHA256.hash(unsigned.canonicalBytes).hexString)
            #expect(unsigned.id == evidence.id)
            #expect(evidence.id.count == 64 && evidence.id.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(S.proves(EvidenceVerifier.verify(parsed), evidence.kind), "\(evidence.kind): \(EvidenceVerifier.verify(parsed))")
        }
        #expect(Set(Self.samples().map(\.id)).count == 4)
    }

    @Test("members come in the witness-protocol §6 order, witness last and only when set")
    func memberOrder() throws {
        let samples = Self.samples()
        let base = ["type", "kind", "origin", "upstream_key", "reported_by", "detected_at", "items", "explanation"]
        #expect(samples[0].json.objectMembers?.map(\.key) == base)
        #expect(samples[3].json.objectMembers?.map(\.key) == base + ["witness"])
        #expect(samples[3].witness == S.witness.description)
        #expect(samples[0].json["type"] == "split-view-evidence/v1")
        #expect(samples[3].json["kind"] == "witness-equivocation")
        #expect(samples[0].json["detected_at"]?.stringValue == "2026-11-18T11:08:20Z")
        #expect(samples[0].json["upstream_key"]?.stringValue == S.server.publicKey.base64url)
        let items = try #require(samples[0].json["items"]?.arrayValue)
        #expect(items.map { $0.objectMembers?.map(\.key) ?? [] } == [["upstream_signed"], ["upstream_signed"], ["cosigned"]])
        #expect(items[0]["upstream_signed"]?.objectMembers?.map(\.key) == ["body", "signature"])
        #expect(!samples[0].explanation.isEmpty && samples[0].explanation.hasPrefix(S.origin))
    }

    @Test("builders explain with the hashes that prove the kind, or a general sentence when nothing is proven")
    func builderExplanations() {
        let chain = StagedChain(count: 3)
        chain.append("a4") // as in samples()
        let samples = Self.samples()
        #expect(samples[1].explanation.contains(chain.entries[3].currhash) && samples[1].explanation.contains(S.reporter.name))
        #expect(samples[2].explanation.contains(chain.entries[1].currhash), "\(samples[2].explanation)")
        #expect(samples[3].explanation.contains(S.witness.name) && samples[3].explanation.contains("size 4"))
        let unproven = Evidence.fork(origin: S.origin, upstreamKey: S.server.publicKey, reportedBy: S.reporter, detectedAt: S.at(9),
                                     first: S.since(chain.entries, at: 1), second: S.since(chain.entries, at: 2))
        #expect(unproven.explanation == "\(S.origin): the upstream signed two different continuations of one history")
        #expect(S.reason(EvidenceVerifier.verify(unproven)) != nil)
    }

    @Test("the body is standard padded base64 that Foundation decodes to the exact bytes")
    func bodyEncoding() throws {
        let signed = S.notFound(at: 5)
        let text = try #require(signed.json["body"]?.stringValue)
        #expect(Data(base64Encoded: text).map { [UInt8]($0) } == signed.body)
        #expect(try UpstreamSigned(json: signed.json) == signed)
        let urlSafe: JSONValue = .object([JSONMember("body", .string(Base64URL.encode(Array(repeating: 0xFB, count: 5)))),
                                          JSONMember("signature", "x")])
        #expect(throws: EvidenceError.invalidField("upstream_signed.body", reason: "not standard base64 with padding")) {
            try UpstreamSigned(json: urlSafe)
        }
    }

    @Test("the parser refuses a wrong type, an unknown kind, missing members and non-JSON; extra keys are ignored")
    func strictParsing() throws {
        let good = Self.samples()[1]
        func with(_ key: String, _ value: JSONValue?) -> [UInt8] {
            var members = good.json.objectMembers!
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let value { members[index].value = value } else { members.remove(at: index) }
            } else if let value {
                members.append(JSONMember(key, value))
            }
            return PHPJSON.pretty(.object(members))
        }
        #expect(throws: EvidenceError.wrongType(found: "split-view-evidence/v2")) { try Evidence(bytes: with("type", "split-view-evidence/v2")) }
        #expect(throws: EvidenceError.wrongType(found: nil)) { try Evidence(bytes: with("type", nil)) }
        #expect(throws: EvidenceError.unknownKind("merge")) { try Evidence(bytes: with("kind", "merge")) }
        #expect(throws: EvidenceError.missingField("origin")) { try Evidence(bytes: with("origin", nil)) }
        #expect(throws: EvidenceError.missingField("items")) { try Evidence(bytes: with("items", nil)) }
        #expect(throws: EvidenceError.invalidField("detected_at", reason: "\"yesterday\" is not an RFC 3339 time")) {
            try Evidence(bytes: with("detected_at", "yesterday"))
        }
        #expect(throws: EvidenceError.invalidField("item 1", reason: "has neither \"upstream_signed\" nor \"cosigned\"")) {
            try Evidence(bytes: with("items", .array([.object(["note": 1])])))
        }
        #expect(throws: EvidenceError.missingField("item 2 upstream_signed.signature")) {
            try Evidence(bytes: with("items", .array([good.json["items"]!.arrayValue![0],
                                                      .object(["upstream_signed": .object(["body": ""])])])))
        }
        #expect(try Evidence(bytes: with("comment", "added by a newer program")) == good)
        let notJSON = #expect(throws: EvidenceError.self) { try Evidence(bytes: Array("{\"type\": ".utf8)) }
        guard case .notJSON? = notJSON else { Issue.record("expected notJSON, got \(String(describing: notJSON))"); return }
    }

    @Test("upstream signatures of evidence verify with swift-crypto, independently of libsodium")
    func independentSignatureCheck() throws {
        for evidence in Self.samples() {
            let parsed = try Evidence(bytes: evidence.canonicalBytes)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Base64URL.decode(parsed.upstreamKey)))
            for item in parsed.items {
                guard let signed = item.upstreamSigned else { continue }
                let signature = try #require(Base64URL.decode(signed.signature, length: 64))
                #expect(key.isValidSignature(Data(signature), for: Data(signed.body)))
                #expect(signed.verifies(under: S.server.publicKey))
                var altered = signed.body
                altered[altered.count - 3] ^= 0x01
                #expect(!key.isValidSignature(Data(signature), for: Data(altered)))
            }
        }
    }

    @Test("a signed body parses into its envelope and records")
    func parsedBody() throws {
        let chain = StagedChain(count: 3)
        let since = try S.since(chain.entries, at: 7).parsed()
        #expect(since.datetime == S.at(7) && since.status == "OK" && since.message == nil)
        #expect(since.entries == chain.entries && since.total == 3 && since.listsToHead && !since.isLasthashShaped)
        let export = try S.export(chain.entries, at: 7).parsed()
        #expect(export.entries == chain.entries)
        let last = try S.lookup(chain.entries[2], at: 8).parsed()
        #expect(last.isLasthashShaped && !last.listsToHead && !last.isNoRecordFound)
        let error = try S.notFound(at: 9).parsed()
        #expect(error.isNoRecordFound && error.entries.isEmpty && error.status == "ERROR")
        #expect(throws: EvidenceError.self) { try UpstreamSigned(body: Array("[1]".utf8), signature: "").parsed() }
    }
}

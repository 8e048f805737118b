import Testing
import WitnessCore

/// The freshness answer's one writer and one parser (issue 10, item 3; witness-protocol §7).
@Suite("Freshness answer format")
struct FreshnessAnswerTests {
    static let key = Ed25519SecretKey(seed: [UInt8](repeating: 0x3C, count: 32))
    static let chain: [[UInt8]] = (1...7).map { [UInt8](repeating: $0, count: 32) }
    static let checkpoint = Checkpoint(origin: "fresh.example/chronicle", chain: chain)
    static let proof = try! MerkleTree(size: 7, nodes: MerkleLeaves(leaves: chain)).inclusionProof(index: 6)
    static let note = CosignedCheckpoint(checkpoint: checkpoint,
                                         cosignatures: [Cosignature.sign(checkpoint, time: 1_800_000_000, name: "w.test", key: key)])

    @Test func whatTheNodeWritesTheClientReadsBack() throws {
        let answer = FreshnessAnswer(origin: Self.checkpoint.origin, cosigned: Self.note, currhash: Self.chain[6], currhashProof: Self.proof,
                                     ageSeconds: 42, status: .splitView, evidence: ["ab", "cd"])
        #expect(answer.json.objectMembers?.map(\.key)
            == ["origin", "cosigned", "currhash", "currhash_proof", "age_seconds", "status", "evidence"])
        #expect(answer.json["currhash"] == .string(Base64URL.encode(Self.chain[6])))
        #expect(answer.provenCurrhash == Self.chain[6])
        #expect(answer.json["status"] == "split-view")
        #expect(try FreshnessAnswer(json: answer.json) == answer)
        #expect(try FreshnessAnswer(json: JSONParser.parse(PHPJSON.pretty(answer.json))) == answer)
    }

    @Test(arguments: [
        ("no origin", #"{"cosigned":"x"}"#, "origin"),
        ("no note", #"{"origin":"o"}"#, "cosigned"),
        ("a note that is no note", #"{"origin":"o","cosigned":"garbage"}"#, "\"cosigned\""),
    ])
    func aMalformedAnswerSaysWhat(_ what: String, _ json: String, _ named: String) throws {
        let value = try JSONParser.parse(Array(json.utf8))
        do {
            _ = try FreshnessAnswer(json: value)
            Issue.record("\(what) was read")
        } catch {
            #expect(error.description.contains(named), "\(what): \(error)")
        }
    }

    /// SPEC: witness-protocol v2 §7 — the served currhash counts only when its proof puts it as
    /// the last leaf of the cosigned tree.
    @Test func theCurrhashIsTrustedOnlyThroughItsProof() {
        func answer(_ currhash: [UInt8]?, _ proof: [[UInt8]]) -> FreshnessAnswer {
            FreshnessAnswer(origin: Self.checkpoint.origin, cosigned: Self.note, currhash: currhash, currhashProof: proof,
                            ageSeconds: 1, status: .fresh, evidence: [])
        }
        var flipped = Self.proof
        flipped[1][3] ^= 0x40
        #expect(answer(Self.chain[6], Self.proof).provenCurrhash == Self.chain[6])
        #expect(answer(Self.chain[5], Self.proof).provenCurrhash == nil, "another leaf")
        #expect(answer(Self.chain[6], flipped).provenCurrhash == nil, "a flipped proof")
        #expect(answer(Self.chain[6], Array(Self.proof.dropLast())).provenCurrhash == nil, "a truncated proof")
        #expect(answer(Self.chain[6], Self.proof + [Self.chain[0]]).provenCurrhash == nil, "an extended proof")
        #expect(answer(nil, Self.proof).provenCurrhash == nil, "no currhash")
    }

    @Test func optionalMembersMayBeAbsentAndAnUnknownStatusIsKept() throws {
        let json: JSONValue = .object([JSONMember("origin", .string("o")), JSONMember("cosigned", .string(Self.note.serialized)),
                                       JSONMember("status", .string("resting"))])
        let answer = try FreshnessAnswer(json: json)
        #expect(answer.ageSeconds == nil && answer.evidence.isEmpty && answer.status == "resting")
        #expect(answer.currhash == nil && answer.currhashProof.isEmpty && answer.provenCurrhash == nil)
        #expect(throws: FreshnessAnswer.FormatError.self) { try FreshnessAnswer(json: json, maxSignatureLines: 0) }
    }
}

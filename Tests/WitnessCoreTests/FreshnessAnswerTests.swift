import Testing
import WitnessCore

/// The freshness answer's one writer and one parser (issue 10, item 3; witness-protocol §7).
@Suite("Freshness answer format")
struct FreshnessAnswerTests {
    static let key = Ed25519SecretKey(seed: [UInt8](repeating: 0x3C, count: 32))
    static let checkpoint = Checkpoint(origin: "fresh.example/chronicle", size: 7, root: [UInt8](repeating: 9, count: 32))
    static let note = CosignedCheckpoint(checkpoint: checkpoint,
                                         cosignatures: [Cosignature.sign(checkpoint, time: 1_800_000_000, name: "w.test", key: key)])

    @Test func whatTheNodeWritesTheClientReadsBack() throws {
        let answer = FreshnessAnswer(origin: Self.checkpoint.origin, cosigned: Self.note, ageSeconds: 42, status: .splitView,
                                     evidence: ["ab", "cd"])
        #expect(answer.json.objectMembers?.map(\.key) == ["origin", "cosigned", "age_seconds", "status", "evidence"])
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

    @Test func optionalMembersMayBeAbsentAndAnUnknownStatusIsKept() throws {
        let json: JSONValue = .object([JSONMember("origin", .string("o")), JSONMember("cosigned", .string(Self.note.serialized)),
                                       JSONMember("status", .string("resting"))])
        let answer = try FreshnessAnswer(json: json)
        #expect(answer.ageSeconds == nil && answer.evidence.isEmpty && answer.status == "resting")
        #expect(throws: FreshnessAnswer.FormatError.self) { try FreshnessAnswer(json: json, maxSignatureLines: 0) }
    }
}

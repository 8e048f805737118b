import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// The release-proof vectors shared with the PHP verifier (issue 14, `clients/php`): made here,
/// deterministically, over the real PHP Chronicle's chain (Tests/Fixtures/chronicle-real), and
/// committed in `Tests/Fixtures/proof-vectors`. This suite fails if the committed files are not
/// exactly what it makes (`REGENERATE_PROOF_VECTORS=1 swift test --filter ProofVectors` rewrites
/// them) and checks that the Swift verifier gives every vector its expected verdict; the PHP
/// tests read the same `vectors.json` and must agree.
@Suite("Shared proof vectors")
struct ProofVectorTests {
    static let directory = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("proof-vectors")
    static let origin = "chronicle.example.org/chronicle"
    static let time: UInt64 = 1_795_000_000
    static let names = ["w1.example.org", "w2.example.org", "w3.example.org"]
    static let keys = (0..<3).map { Ed25519SecretKey(seed: [UInt8](repeating: 0xB1 + UInt8($0), count: 32)) }
    static var vkeys: [VerifierKey] { zip(names, keys).map { VerifierKey(name: $0, publicKey: $1.publicKey) } }
    static let stranger = Ed25519SecretKey(seed: [UInt8](repeating: 0xBF, count: 32))

    /// A 2-of-3 policy of the three witnesses.
    static var policy: String {
        zip(["w1", "w2", "w3"], vkeys).map { "witness \($0) \($1)\n" }.joined() + "group two 2 w1 w2 w3\nquorum two\n"
    }

    struct Vector {
        var name: String
        var file: String
        var verified: Bool
        var position: Int?
        var cosigners: [String] = []
        var origin: String? = nil
        var entryKey: String? = nil
        var why: String
    }

    /// Every vector: the proof bytes and what a verifier must answer.
    static func vectors() throws -> [(Vector, [UInt8])] {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let leaves = entries.map { Base64URL.decode($0.currhash, length: 32)! }
        let tree = MerkleTree(size: leaves.count, nodes: MerkleLeaves(leaves: leaves))
        let checkpoint = Checkpoint(origin: origin, size: leaves.count, root: try tree.root())
        func note(_ signers: [Int], extra: [SignedNote.Line] = []) -> CosignedCheckpoint {
            var cosigned = CosignedCheckpoint(checkpoint: checkpoint,
                                              cosignatures: signers.map { Cosignature.sign(checkpoint, time: time + UInt64($0), name: names[$0], key: keys[$0]) })
            cosigned.note.lines += extra
            return cosigned
        }
        func proof(_ position: Int, index: Int? = nil, path: [[UInt8]]? = nil, entry: ProvenEntry? = nil, note: CosignedCheckpoint) throws -> [UInt8] {
            let real = ProvenEntry(entries[position - 1])
            return Array(EntryProof(entry: entry ?? real, index: index ?? position - 1,
                                    proof: try path ?? tree.inclusionProof(index: position - 1), cosigned: note).serialized.utf8)
        }
        let good = note([0, 1, 2])
        var tampered = ProvenEntry(entries[9])
        tampered.contents += " "
        let badLine = SignedNote.Line(name: names[2], bytes: Array(Cosignature.sign(Checkpoint(origin: origin, size: 1, root: RFC6962.emptyRoot),
                                                                                    time: time, name: names[2], key: keys[2]).line.bytes))
        let strangerLine = Cosignature.sign(checkpoint, time: time, name: names[2], key: stranger).line
        let signer = entries[0].publickey
        return [
            (Vector(name: "good, first entry", file: "good-first.proof", verified: true, position: 1, cosigners: ["w1", "w2", "w3"],
                    origin: origin, why: "index 0, no prevhash"), try proof(1, note: good)),
            (Vector(name: "good, entry 10", file: "good-10.proof", verified: true, position: 10, cosigners: ["w1", "w2", "w3"],
                    entryKey: signer, why: "a middle entry, its signer pinned"), try proof(10, note: good)),
            (Vector(name: "good, last entry, two of three", file: "good-last.proof", verified: true, position: leaves.count, cosigners: ["w1", "w3"],
                    why: "the quorum is two"), try proof(leaves.count, note: note([0, 2]))),
            (Vector(name: "tampered entry", file: "tampered-entry.proof", verified: false, why: "the contents changed: the currhash does not recompute"),
             try proof(10, entry: tampered, note: good)),
            (Vector(name: "wrong index", file: "wrong-index.proof", verified: false, why: "entry 10 claimed at index 10 (it is 9)"),
             try proof(10, index: 10, note: good)),
            (Vector(name: "truncated path", file: "truncated-path.proof", verified: false, why: "the audit path lost its last hash"),
             try proof(10, path: Array(try tree.inclusionProof(index: 9).dropLast()), note: good)),
            (Vector(name: "unknown witness", file: "unknown-witness.proof", verified: false,
                    why: "w1 and a key the policy does not know: one policy cosignature"),
             try proof(10, note: note([0], extra: [SignedNote.Line(name: "stranger.example.org", bytes: strangerLine.bytes)]))),
            (Vector(name: "bad cosignature line", file: "bad-cosignature.proof", verified: false,
                    why: "w3's line signs another checkpoint: a policy witness's failing line refuses the note"),
             try proof(10, note: note([0, 1], extra: [badLine]))),
            (Vector(name: "quorum not met", file: "no-quorum.proof", verified: false, why: "only w2 cosigned"), try proof(10, note: note([1]))),
            (Vector(name: "wrong origin", file: "wrong-origin.proof", verified: false, origin: "other.example.org/chronicle",
                    why: "the verifier requires another origin"), try proof(10, note: good)),
            (Vector(name: "wrong signer", file: "wrong-signer.proof", verified: false, entryKey: Base64URL.encode(stranger.publicKey.bytes),
                    why: "the verifier pins another publisher key"), try proof(10, note: good)),
        ]
    }

    static func manifest(_ vectors: [Vector]) -> [UInt8] {
        PHPJSON.pretty(.object([
            JSONMember("policy", .string("policy.txt")),
            JSONMember("vectors", .array(vectors.map { v in
                .object([
                    JSONMember("name", .string(v.name)), JSONMember("file", .string(v.file)), JSONMember("verified", .bool(v.verified)),
                    JSONMember("position", v.position.map { .int($0) } ?? .null), JSONMember("cosigners", .array(v.cosigners.map { .string($0) })),
                    JSONMember("origin", v.origin.map { .string($0) } ?? .null), JSONMember("entry_key", v.entryKey.map { .string($0) } ?? .null),
                    JSONMember("why", .string(v.why)),
                ])
            })),
        ]))
    }

    @Test func theCommittedVectorsAreWhatThisSuiteMakesAndSwiftGivesEachItsVerdict() throws {
        let made = try Self.vectors()
        var files: [String: [UInt8]] = ["policy.txt": Array(Self.policy.utf8), "vectors.json": Self.manifest(made.map(\.0))]
        for (vector, bytes) in made { files[vector.file] = bytes }
        if ProcessInfo.processInfo.environment["REGENERATE_PROOF_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            for (name, bytes) in files { try Data(bytes).write(to: Self.directory.appendingPathComponent(name)) }
        }
        for (name, bytes) in files {
            let committed = FileManager.default.contents(atPath: Self.directory.appendingPathComponent(name).path).map { Array($0) }
            #expect(committed == bytes, "\(name) differs from what this suite makes (REGENERATE_PROOF_VECTORS=1 rewrites it)")
        }
        let policy = try WitnessPolicy(parsing: Self.policy)
        for (vector, bytes) in made {
            let result = Result { try EntryProof(parsing: bytes).verify(policy: policy, origin: vector.origin,
                                                                        entryKey: vector.entryKey.flatMap(Ed25519PublicKey.init(base64url:))) }
            switch result {
            case .success(let verdict):
                #expect(vector.verified, "\(vector.name): verified, expected refused")
                #expect(verdict.position == vector.position && verdict.cosigners.map(\.witness.name) == vector.cosigners, "\(vector.name)")
            case .failure(let error):
                #expect(!vector.verified, "\(vector.name): refused (\(error)), expected verified")
            }
        }
    }
}

import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// The freshness vectors shared with the PHP verifier (issue 14): what `check` decides from the
/// notes and position answers it collected (fresh, stale, future-dated, no quorum, denial of
/// update, split view, an equivocating witness), made here over the real PHP Chronicle's chain
/// and committed in `Tests/Fixtures/freshness-vectors/vectors.json` (rewritten by
/// `REGENERATE_PROOF_VECTORS=1`). `Freshness.decide` gives each its expected exit code; the PHP
/// `Freshness::decide` must give the same.
@Suite("Shared freshness vectors")
struct FreshnessVectorTests {
    static let file = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("freshness-vectors/vectors.json")
    static let now: Int64 = 1_795_000_000
    static let maxAge: Int64 = 1_800

    struct Vector {
        var name: String
        /// (witness index, checkpoint size, seconds before now; negative: in the future)
        var cosigned: [(Int, Int, Int64)]
        var forged: [(Int, Int, Int64)] = []
        var attested: [(Int, Int)] = []
        var head: Int? = nil
        var forgedHead = false
        var exitCode: Int32
        var about: Int?
    }

    static let vectors: [Vector] = [
        Vector(name: "fresh quorum", cosigned: [(0, 56, 10), (1, 56, 20), (2, 56, 30)], exitCode: 0, about: 56),
        Vector(name: "fresh quorum, head shown", cosigned: [(0, 56, 10), (1, 56, 20)], head: 56, exitCode: 0, about: 56),
        Vector(name: "stale cosignatures", cosigned: [(0, 56, 10), (1, 56, 3_600), (2, 56, 7_200)], exitCode: 1, about: 56),
        Vector(name: "future-dated cosignatures", cosigned: [(0, 56, 10), (1, 56, -3_600), (2, 56, -7_200)], exitCode: 1, about: 56),
        Vector(name: "quorum not met", cosigned: [(1, 56, 10)], exitCode: 1, about: 56),
        Vector(name: "denial of update", cosigned: [(0, 56, 10), (1, 56, 20)], attested: [(0, 50), (1, 50)], head: 50, exitCode: 3, about: 56),
        Vector(name: "old head, witnesses never said where it lies", cosigned: [(0, 56, 10), (1, 56, 20)], head: 50, exitCode: 3, about: 56),
        Vector(name: "larger quorum than the head, consistent by position", cosigned: [(0, 56, 10), (1, 50, 20), (2, 56, 30)],
               attested: [(0, 50), (2, 50)], head: 50, exitCode: 3, about: 56),
        Vector(name: "split view: a forged head of the quorum's size", cosigned: [(0, 56, 10), (1, 56, 20)], head: 56, forgedHead: true,
               exitCode: 4, about: 56),
        Vector(name: "two roots at one size, a quorum for neither", cosigned: [(0, 56, 10), (1, 56, 20)], forged: [(2, 56, 5), (1, 56, 5)],
               exitCode: 1, about: 56),
        Vector(name: "an equivocating witness never counts", cosigned: [(0, 56, 10), (1, 56, 20)], forged: [(0, 56, 5)], exitCode: 1, about: 56),
        Vector(name: "the others still make the quorum", cosigned: [(0, 56, 10), (1, 56, 20), (2, 56, 30)], forged: [(0, 56, 5)],
               exitCode: 0, about: 56),
    ]

    static func input(_ vector: Vector, policy: WitnessPolicy, tree: MerkleTree<MerkleLeaves>) throws -> (FreshnessInput, JSONValue) {
        let origin = ProofVectorTests.origin
        func checkpoint(_ size: Int, forged: Bool = false) throws -> Checkpoint {
            Checkpoint(origin: origin, size: size, root: forged ? Array(SHA256.hash(Array("forged \(size)".utf8))) : try tree.root(size: size))
        }
        var notes: [String] = []
        for (list, forged) in [(vector.cosigned, false), (vector.forged, true)] {
            for (witness, size, ago) in list {
                let time = UInt64(now - ago)
                let cp = try checkpoint(size, forged: forged)
                let line = Cosignature.sign(cp, time: time, name: ProofVectorTests.names[witness], key: ProofVectorTests.keys[witness])
                notes.append(CosignedCheckpoint(checkpoint: cp, cosignatures: [line]).serialized)
            }
        }
        let attestations = try vector.attested.map { witness, size in
            AttestedRoot(witness: ProofVectorTests.vkeys[witness], origin: origin, size: size, root: try tree.root(size: size))
        }
        let head = try vector.head.map { try checkpoint($0, forged: vector.forgedHead) }
        let input = FreshnessInput(policy: policy, origin: origin, notes: try notes.map { CollectedNote(source: "vector", cosigned: try CosignedCheckpoint(parsing: $0)) },
                                   attestations: attestations, maxAge: maxAge, now: Timestamp(seconds: now), head: head)
        let json = JSONValue.object([
            JSONMember("name", .string(vector.name)),
            JSONMember("notes", .array(notes.map { .string($0) })),
            JSONMember("attestations", .array(vector.attested.map { witness, size in
                .object([JSONMember("witness", .string(["w1", "w2", "w3"][witness])), JSONMember("size", .int(size)),
                         JSONMember("root", .string(Base64.encode(try! tree.root(size: size))))])
            })),
            JSONMember("head", head.map { .object([JSONMember("size", .int($0.size)), JSONMember("root", .string(Base64.encode($0.root)))]) } ?? .null),
            JSONMember("exit_code", .int(Int(vector.exitCode))),
            JSONMember("about_size", vector.about.map { .int($0) } ?? .null),
        ])
        return (input, json)
    }

    @Test func theCommittedVectorsAreWhatThisSuiteMakesAndSwiftDecidesEachAsExpected() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let tree = MerkleTree(size: entries.count, nodes: MerkleLeaves(leaves: entries.map { Base64URL.decode($0.currhash, length: 32)! }))
        let policy = try WitnessPolicy(parsing: ProofVectorTests.policy)
        var made: [JSONValue] = []
        for vector in Self.vectors {
            let (input, json) = try Self.input(vector, policy: policy, tree: tree)
            let verdict = Freshness.decide(input)
            #expect(verdict.exitCode == vector.exitCode, "\(vector.name): \(verdict)")
            #expect(verdict.report.checkpoint?.size == vector.about, "\(vector.name): \(verdict)")
            made.append(json)
        }
        let bytes = PHPJSON.pretty(.object([
            JSONMember("origin", .string(ProofVectorTests.origin)), JSONMember("policy", .string(ProofVectorTests.policy)),
            JSONMember("now", .int(Int(Self.now))), JSONMember("max_age", .int(Int(Self.maxAge))),
            JSONMember("future_skew", .int(Int(Freshness.defaultFutureSkew))), JSONMember("vectors", .array(made)),
        ]))
        if ProcessInfo.processInfo.environment["REGENERATE_PROOF_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: Self.file)
        }
        #expect(FileManager.default.contents(atPath: Self.file.path).map { Array($0) } == bytes,
                "freshness-vectors/vectors.json differs from what this suite makes (REGENERATE_PROOF_VECTORS=1 rewrites it)")
    }
}

extension MerkleTree {
    /// The root of the first `size` leaves of this tree's nodes.
    func root(size: Int) throws -> [UInt8] { try MerkleTree(size: size, nodes: nodes).root() }
}

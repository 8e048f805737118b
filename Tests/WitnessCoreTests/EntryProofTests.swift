import Testing
import WitnessCore
import WitnessTesting

/// The `c2sp.org/tlog-proof@v1` entry proof (witness-protocol v2 §7.1), over the chain the real
/// PHP Chronicle served: every entry proves, the bytes round-trip, and nothing else parses.
@Suite("Entry proofs")
struct EntryProofTests {
    static let origin = "chronicle.example/chronicle"
    static let keys = (1...3).map { i in Ed25519SecretKey(seed: [UInt8](repeating: UInt8(i), count: 32)) }
    static let vkeys = keys.enumerated().map { VerifierKey(name: "w\($0.offset + 1).example", publicKey: $0.element.publicKey) }
    static let policyText = vkeys.enumerated().map { "witness w\($0.offset + 1) \($0.element)\n" }.joined()
        + "group core 2 w1 w2 w3\nquorum core\n"

    /// The real chain's first `size` entries, and a proof of entry `position` cosigned by `signers`.
    static func proof(position: Int, size: Int, signers: [Int] = [0, 1]) throws -> (EntryProof, [ChronicleEntry]) {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let leaves = entries.prefix(size).map { Base64URL.decode($0.currhash, length: 32)! }
        let tree = MerkleTree(size: size, nodes: MerkleLeaves(leaves: leaves))
        let checkpoint = Checkpoint(origin: origin, size: size, root: try tree.root())
        let cosignatures = signers.map { Cosignature.sign(checkpoint, time: 1_800_000_000 + UInt64($0), name: vkeys[$0].name, key: keys[$0]) }
        let proof = EntryProof(entry: ProvenEntry(entries[position - 1]), index: position - 1,
                               proof: try tree.inclusionProof(index: position - 1),
                               cosigned: CosignedCheckpoint(checkpoint: checkpoint, cosignatures: cosignatures))
        return (proof, entries)
    }

    @Test func everyEntryOfTheRealChainProvesAndRoundTrips() throws {
        let policy = try WitnessPolicy(parsing: Self.policyText)
        for position in 1...56 {
            let (proof, _) = try Self.proof(position: position, size: 56)
            let parsed = try EntryProof(parsing: Array(proof.serialized.utf8))
            #expect(parsed == proof)
            #expect(parsed.serialized == proof.serialized)
            let verdict = try parsed.verify(policy: policy, origin: Self.origin)
            #expect(verdict.position == position && verdict.cosigners.map(\.witness.name) == ["w1", "w2"])
        }
        // A one-entry tree: the audit path is empty and the leaf is the root.
        let (single, _) = try Self.proof(position: 1, size: 1)
        #expect(single.proof.isEmpty)
        #expect(try single.verify(policy: policy).position == 1)
    }

    @Test func theIndependentVerifierAcceptsWhatThisCodeWrites() async throws {
        for (position, size) in [(1, 56), (17, 50), (56, 56), (1, 1)] {
            let (proof, entries) = try Self.proof(position: position, size: size)
            let verdict = try await IndependentVerifier.verifyProof(Array(proof.serialized.utf8), policy: Self.policyText,
                                                              origin: Self.origin, entryKey: entries[position - 1].publickey)
            #expect(verdict.verified, "\(position)/\(size): \(verdict)")
        }
    }

    @Test func theFileIsExactlyTheC2SPLayout() throws {
        let (proof, entries) = try Self.proof(position: 3, size: 5)
        let lines = proof.serialized.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "c2sp.org/tlog-proof@v1")
        #expect(lines[1].hasPrefix("extra ") && lines[2] == "index 2")
        #expect(lines[3..<6].allSatisfy { Base64.decode($0)?.count == 32 } && lines[6].isEmpty)
        #expect(lines[7] == Self.origin[...] && lines[8] == "5" && lines[10].isEmpty)
        let extra = try JSONParser.parse(Base64.decode(lines[1].dropFirst(6))!)
        #expect(extra["currhash"]?.stringValue == entries[2].currhash && extra["prevhash"]?.stringValue == entries[1].currhash)
        #expect(extra["contents"]?.stringValue == entries[2].contents && extra["summaryhash"] == nil)
        // The first entry's prevhash is null, as Chronicle serves it.
        let (first, _) = try Self.proof(position: 1, size: 5)
        #expect(try JSONParser.parse(Base64.decode(first.serialized.split(separator: "\n")[1].dropFirst(6))!)["prevhash"] == .null)
    }

    @Test func nothingButAProofParses() throws {
        let (proof, _) = try Self.proof(position: 4, size: 9)
        let good = proof.serialized
        let lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func with(_ change: (inout [String]) -> Void) -> String {
            var copy = lines
            change(&copy)
            return copy.joined(separator: "\n")
        }
        let bad: [(String, String)] = [
            ("no final newline", String(good.dropLast())),
            ("other header", with { $0[0] = "c2sp.org/tlog-proof@v2" }),
            ("no extra", with { $0.remove(at: 1) }),
            ("extra not base64", with { $0[1] = "extra %%%" }),
            ("extra not JSON", with { $0[1] = "extra " + Base64.encode(Array("not json".utf8)) }),
            ("extra repeats a member", with { $0[1] = "extra " + Base64.encode(Array(#"{"currhash":"a","currhash":"b"}"#.utf8)) }),
            ("leading zero index", with { $0[2] = "index 03" }),
            ("negative index", with { $0[2] = "index -3" }),
            ("huge index", with { $0[2] = "index 99999999999999999999" }),
            ("short hash", with { $0[3] = Base64.encode([UInt8](repeating: 1, count: 31)) }),
            ("base64url hash", with { $0[3] = Base64URL.encode([UInt8](repeating: 0xFF, count: 32)) }),
            ("CR in a line", with { $0[3] += "\r" }),
            ("64 hashes", with { $0.insert(contentsOf: [String](repeating: lines[3], count: 64 - 3), at: 3) }),
            ("no blank line", with { $0.removeAll { $0.isEmpty } }),
            ("checkpoint extension line", with { $0.insert("extension", at: 10) }),
            ("no signatures", with { $0.removeSubrange(11...); $0.append("") }),
        ]
        for (name, text) in bad {
            #expect(throws: EntryProofError.self, "\(name)") { try EntryProof(parsing: Array(text.utf8)) }
        }
        #expect(throws: EntryProofError.self) { try EntryProof(parsing: [UInt8](repeating: 0x0A, count: EntryProof.maxBytes + 1)) }
    }

    @Test func anEntryThatDoesNotRecomputeOrSitsElsewhereProvesNothing() throws {
        let policy = try WitnessPolicy(parsing: Self.policyText)
        let (proof, entries) = try Self.proof(position: 6, size: 20)
        var noPrev = proof
        noPrev.entry.prevhash = nil
        #expect(throws: EntryProofError.prevhashPosition(index: 5)) { try noPrev.verify(policy: policy) }
        var badSignature = proof
        badSignature.entry = ProvenEntry(entries[5])
        badSignature.entry.signature = entries[6].signature
        #expect(throws: EntryProofError.entryDoesNotRecompute) { try badSignature.verify(policy: policy) }
        var oneWitness = proof
        oneWitness.cosigned.note.lines.removeLast()
        #expect(throws: EntryProofError.noQuorum(counted: ["w1"])) { try oneWitness.verify(policy: policy) }
        #expect(throws: EntryProofError.wrongSigner(found: entries[5].publickey)) {
            try proof.verify(policy: policy, entryKey: Self.keys[0].publicKey)
        }
        // Entry 6 shown as the first entry: a genesis entry must have no prevhash.
        var asFirst = proof
        asFirst.index = 0
        #expect(throws: EntryProofError.prevhashPosition(index: 0)) { try asFirst.verify(policy: policy) }
    }

    /// SPEC: witness-protocol v2 §7 — a currhash names the checkpoint whose last leaf it is, proven
    /// by inclusion at size − 1 and consistency from the root at size.
    @Test func aCurrhashNamesItsCheckpointOnlyThroughBothProofs() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let leaves = entries.map { Base64URL.decode($0.currhash, length: 32)! }
        let nodes = MerkleLeaves(leaves: leaves)
        let larger = Checkpoint(origin: Self.origin, size: 56, root: try MerkleTree(size: 56, nodes: nodes).root())
        for size in [1, 2, 17, 50, 55, 56] {
            let tree = MerkleTree(size: 56, nodes: nodes)
            let inclusion = try tree.inclusionProof(index: size - 1)
            let consistency = try tree.consistencyProof(from: size)
            let root = try MerkleTree(size: size, nodes: nodes).root()
            #expect(ChainHead.checkpoint(size: size, currhash: leaves[size - 1], larger: larger, inclusion: inclusion,
                                         rootAtSize: root, consistency: consistency) == Checkpoint(origin: Self.origin, size: size, root: root))
            // Another entry's currhash, a root that is not the prefix, or a size off by one: nothing.
            #expect(ChainHead.checkpoint(size: size, currhash: leaves[(size) % 56], larger: larger, inclusion: inclusion,
                                         rootAtSize: root, consistency: consistency) == nil)
            #expect(ChainHead.checkpoint(size: size, currhash: leaves[size - 1], larger: larger, inclusion: inclusion,
                                         rootAtSize: leaves[0], consistency: consistency) == nil)
            #expect(ChainHead.checkpoint(size: size + 1, currhash: leaves[size - 1], larger: larger, inclusion: inclusion,
                                         rootAtSize: root, consistency: consistency) == nil)
        }
    }
}

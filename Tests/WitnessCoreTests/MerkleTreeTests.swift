import Crypto
import Testing
import WitnessCore
import WitnessTesting

/// The Merkle view of a chain (issue 11, item 1; witness-protocol §2.1): RFC 6962 hashing, tree
/// heads and proofs, checked against the published vectors, the spec's vectors over the real PHP
/// chain, and an independent SHA-256.
@Suite("Merkle tree (RFC 6962)")
struct MerkleTreeTests {
    static func unhex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            out.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
        }
        return out
    }

    /// transparency-dev/merkle's reference leaves (testonly), and the root of each size 0…8.
    static let referenceLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                  "606162636465666768696a6b6c6d6e6f"].map(unhex)
    static let referenceRoots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    static var reference: MerkleLeaves { MerkleLeaves(leaves: referenceLeaves) }

    /// `MTH` computed the naive way with swift-crypto's SHA-256: the independent answer.
    static func independentRoot(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] { IndependentMerkle.treeHash(leaves) }

    @Test func rootsMatchThePublishedVectors() throws {
        for size in 0...8 {
            let tree = MerkleTree(size: size, nodes: Self.reference)
            #expect(try tree.root().hexString == Self.referenceRoots[size], "size \(size)")
        }
        #expect(RFC6962.emptyRoot.hexString == Self.referenceRoots[0])
    }

    @Test(arguments: [
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    ])
    func inclusionProofsMatchThePublishedVectors(index: Int, size: Int, expected: [String]) throws {
        let tree = MerkleTree(size: size, nodes: Self.reference)
        let proof = try tree.inclusionProof(index: index)
        #expect(proof.map(\.hexString) == expected)
        #expect(RFC6962.verifyInclusion(leafHash: RFC6962.leafHash(Self.referenceLeaves[index]), index: index, size: size,
                                        proof: proof, root: Self.unhex(Self.referenceRoots[size])))
    }

    @Test(arguments: [
        (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ])
    func consistencyProofsMatchThePublishedVectors(old: Int, new: Int, expected: [String]) throws {
        let proof = try MerkleTree(size: new, nodes: Self.reference).consistencyProof(from: old)
        #expect(proof.map(\.hexString) == expected)
        #expect(RFC6962.verifyConsistency(oldSize: old, newSize: new, oldRoot: Self.unhex(Self.referenceRoots[old]),
                                          newRoot: Self.unhex(Self.referenceRoots[new]), proof: proof))
    }

    /// SPEC: witness-protocol §2.1 — the vectors over the real PHP Chronicle's chain.
    @Test func theSpecVectorsOverTheRealChain() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let leaves = entries.map { Base64URL.decode($0.currhash, length: 32)! }
        let nodes = MerkleLeaves(leaves: leaves)
        for (size, root) in [(1, "6Vz3P4iDgnErDCWfZQEf6Pq+/t5/cOXFk/2vusmCREY="), (2, "QeJJDJVBzYciiWDIxbd0wb/KOwmFm2GqMmQfaEN1NAE="),
                             (3, "WMyqYvb+lqwCICApMk5+hHbb1H1Zx2kb6vjwasluFPM="), (50, "15q4+LHwA9IABoYnjj9MyX7JqLTcUeknDuJdVx2jdBc="),
                             (56, "IyXWztYE8t1vpo3EFOVB/RDyii+Gd1epnJX5pQbEq+o=")] {
            #expect(try Base64.encode(MerkleTree(size: size, nodes: nodes).root()) == root, "size \(size)")
            #expect(Base64.encode(Self.independentRoot(leaves[..<size])) == root, "size \(size), independently")
        }
    }

    /// Every proof of every tree up to 40 leaves verifies, agrees with the independent root, and
    /// stops verifying when anything about it changes.
    @Test func everyProofOfEverySmallTreeVerifiesAndNoMangledOneDoes() throws {
        let leaves = (0..<40).map { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 &* 7)] }
        let nodes = MerkleLeaves(leaves: leaves)
        let roots = (0...leaves.count).map { Self.independentRoot(leaves[..<$0]) }
        let junk = [UInt8](repeating: 0xAB, count: 32)
        for size in 0...leaves.count {
            let tree = MerkleTree(size: size, nodes: nodes)
            #expect(try tree.root() == roots[size])
            for index in 0..<size {
                let leaf = nodes.leafHashes[index]
                let proof = try tree.inclusionProof(index: index)
                #expect(RFC6962.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: roots[size]))
                #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof + [junk], root: roots[size]))
                #expect(!RFC6962.verifyInclusion(leafHash: junk, index: index, size: size, proof: proof, root: roots[size]))
                if size > 1 {
                    #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: (index + 1) % size, size: size, proof: proof, root: roots[size]))
                    #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: index, size: size, proof: Array(proof.dropLast()), root: roots[size]))
                    var flipped = proof
                    flipped[0][7] ^= 0x01
                    #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: index, size: size, proof: flipped, root: roots[size]))
                }
            }
            for old in 0...size {
                let proof = try tree.consistencyProof(from: old)
                #expect(RFC6962.verifyConsistency(oldSize: old, newSize: size, oldRoot: roots[old], newRoot: roots[size], proof: proof),
                        "\(old) → \(size)")
                #expect(!RFC6962.verifyConsistency(oldSize: old, newSize: size, oldRoot: roots[old], newRoot: roots[size], proof: proof + [junk]))
                guard old > 0, old < size else { continue }
                #expect(!RFC6962.verifyConsistency(oldSize: old, newSize: size, oldRoot: roots[old], newRoot: junk, proof: proof))
                #expect(!RFC6962.verifyConsistency(oldSize: old, newSize: size, oldRoot: junk, newRoot: roots[size], proof: proof))
                #expect(!RFC6962.verifyConsistency(oldSize: old, newSize: size, oldRoot: roots[old], newRoot: roots[size],
                                                   proof: Array(proof.dropLast())))
                var flipped = proof
                flipped[0][3] ^= 0x80
                #expect(!RFC6962.verifyConsistency(oldSize: old, newSize: size, oldRoot: roots[old], newRoot: roots[size], proof: flipped))
            }
        }
    }

    /// Numbers an attacker chose make verification answer false, never trap.
    @Test func hostileSizesAndIndexesAreFalseNotATrap() throws {
        let root = Self.unhex(Self.referenceRoots[8])
        let leaf = RFC6962.leafHash(Self.referenceLeaves[5])
        let proof = try MerkleTree(size: 8, nodes: Self.reference).inclusionProof(index: 5)
        for (index, size) in [(-1, 8), (8, 8), (5, Int.max), (Int.max, Int.max), (Int.min, 8), (5, 0), (5, -3)] {
            #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root))
        }
        #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: 5, size: 8, proof: proof.map { Array($0.dropLast()) }, root: root))
        #expect(!RFC6962.verifyInclusion(leafHash: leaf, index: 5, size: 8, proof: [[UInt8]](repeating: leaf, count: 64), root: root))
        let old = Self.unhex(Self.referenceRoots[6])
        for (m, n) in [(6, Int.max), (Int.max, Int.max - 1), (-1, 8), (9, 8), (Int.max, Int.max)] {
            #expect(!RFC6962.verifyConsistency(oldSize: m, newSize: n, oldRoot: old, newRoot: root, proof: [leaf, leaf, leaf]))
        }
        #expect(throws: MerkleError.self) { try MerkleTree(size: 8, nodes: Self.reference).inclusionProof(index: 8) }
        #expect(throws: MerkleError.self) { try MerkleTree(size: 8, nodes: Self.reference).consistencyProof(from: 9) }
        #expect(throws: MerkleError.self) { try MerkleTree(size: 9, nodes: Self.reference).root() }
    }

    /// A store that saves the nodes each append closes answers exactly what the in-memory tree
    /// does, and an edge reloaded from it at any size continues the same tree.
    @Test func nodesSavedAtEachAppendAnswerEveryProof() throws {
        struct Saved: MerkleNodes {
            var nodes: [String: [UInt8]] = [:]
            func node(level: Int, index: Int) throws(MerkleError) -> [UInt8] {
                guard let hash = nodes["\(level)/\(index)"] else { throw .missingNode(level: level, index: index) }
                return hash
            }
        }
        let leaves = (0..<33).map { [UInt8(truncatingIfNeeded: $0 &* 13)] }
        let memory = MerkleLeaves(leaves: leaves)
        var saved = Saved()
        var frontier = MerkleFrontier()
        #expect(frontier.root == RFC6962.emptyRoot)
        for (index, leaf) in memory.leafHashes.enumerated() {
            for node in frontier.append(leafHash: leaf) { saved.nodes["\(node.level)/\(node.index)"] = node.hash }
            let size = index + 1
            #expect(frontier.root == (try MerkleTree(size: size, nodes: memory).root()), "size \(size)")
            #expect(try MerkleTree(size: size, nodes: saved).root() == frontier.root)
            #expect(try MerkleFrontier(size: size, nodes: saved) == frontier, "the edge reloaded at \(size) is the one kept")
        }
        #expect(saved.nodes.count == 33 + 16 + 8 + 4 + 2 + 1)
        let tree = MerkleTree(size: leaves.count, nodes: saved)
        for old in 1..<leaves.count {
            #expect(try tree.consistencyProof(from: old) == MerkleTree(size: leaves.count, nodes: memory).consistencyProof(from: old))
            #expect(try tree.inclusionProof(index: old) == MerkleTree(size: leaves.count, nodes: memory).inclusionProof(index: old))
        }
    }
}

import Foundation
import GRDB
import WitnessCore
import WitnessNode
import WitnessStore

/// Figure a3: what the Merkle view of a witnessed chain costs and gives (witness-protocol v2
/// §2.1, §7.1), measured on the chain the download bench just verified and cosigned: the tree's
/// share of the first sync, entry proofs generated and verified per second beside raw libsodium
/// verifications, and the size of a proof file from 10^3 to 10^7 entries.
enum ProofBench {
    /// Runs on `database`, which verified and cosigned `upstream` (`size` entries) in `syncSeconds`.
    static func run(_ report: BenchReport, database: WitnessDatabase, vkey: VerifierKey, upstream: UpstreamRecord,
                    syncSeconds: Double) async throws {
        let size = upstream.size
        report.section("a3. Merkle view and release proofs of the \(Format.int(Double(size)))-entry chain (witness-protocol v2 §7.1)")
        // The tree's own cost within the first sync: the same growMerkle, over the same verified
        // currhashes, in a transaction rolled back after it (the sync commits it with the page).
        let currhashes = try database.upstreamCurrhashes(upstream: upstream.id)
        let treeSeconds = try await database.writer.writeWithoutTransaction { db -> Double in
            var seconds = 0.0
            try db.inTransaction {
                try db.execute(sql: "DELETE FROM upstream_merkle WHERE upstream = ?", arguments: [upstream.id])
                seconds = try Stopwatch.seconds {
                    try WitnessDatabase.growMerkle(db, upstream: upstream.id, fromSize: 0, currhashes: currhashes)
                }
                return .rollback
            }
            return seconds
        }
        let share = treeSeconds / syncSeconds
        report.line("   the tree over \(Format.int(Double(size))) currhashes: \(Format.fixed(treeSeconds * 1000, 1)) ms "
            + "= \(Format.percent(share)) of the first sync's \(Format.fixed(syncSeconds, 2)) s")
        report.figure("Merkle tree's share of a first sync", ours: Format.percent(share), reference: "the sync it is part of",
                      ratio: Format.percent(share), target: "< 5 %")

        // Entry proofs as GET /witness/v1/proof/<hex>/entry/<currhash> makes them (lookup, audit
        // path, note with cosignatures, serialization), for entries spread over the chain.
        let view = WitnessView(database: database, vkey: vkey)
        let hex = SHA256.hash(Array(upstream.origin.utf8)).hexString
        let count = 5_000
        let targets = (0..<count).map { currhashes[($0 &* 7_919) % size] }
        var files: [EntryProof] = []
        var bytes = 0
        let generateSeconds = try Stopwatch.seconds {
            for target in targets {
                guard case .success(let proof) = try view.entryProof(originHash: hex, hash: target) else {
                    throw BenchFailure("no proof for a verified entry")
                }
                bytes += proof.serialized.utf8.count
                if files.count < 500 { files.append(proof) }
            }
        }
        let generated = Double(count) / generateSeconds
        let policy = WitnessPolicy(witnesses: [PolicyWitness(name: "w", vkey: vkey)], quorum: .witness(PolicyWitness(name: "w", vkey: vkey)))
        let verifySeconds = try Stopwatch.seconds {
            for _ in 0..<4 { for file in files { _ = try file.verify(policy: policy) } }
        }
        let verified = Double(files.count * 4) / verifySeconds
        let raw = RawSodium.verifyRate(count: 5_000)
        report.line("   \(Format.int(generated)) proofs generated/s (one core, SQLite reads), average \(Format.int(Double(bytes) / Double(count))) B; "
            + "\(Format.int(verified)) proofs verified/s offline (2 Ed25519 verifies each); raw libsodium \(Format.int(raw)) verifies/s")
        report.figure("entry proofs generated", ours: "\(Format.int(generated))/s", reference: "raw Ed25519 verify \(Format.int(raw))/s",
                      ratio: Format.times(generated / raw) + " verify", target: "serve proofs faster than a client verifies them")
        report.figure("entry proofs verified offline", ours: "\(Format.int(verified))/s", reference: "raw Ed25519 verify \(Format.int(raw))/s",
                      ratio: Format.percent(verified / (raw / 2)) + " of 2 verifies", target: "≈ 2 verifies")

        // Proof files against a synthetic tree (no storage needed for the path): a 200-byte
        // release entry and three witness cosignatures, the longest audit path (an early leaf: ⌈log2 n⌉ hashes).
        let entry = ProvenEntry(prevhash: Base64URL.encode([UInt8](repeating: 1, count: 32)), currhash: Base64URL.encode([UInt8](repeating: 2, count: 32)),
                                created: "2026-12-03T00:00:00+00:00", publickey: Base64URL.encode([UInt8](repeating: 3, count: 32)),
                                signature: Base64URL.encode([UInt8](repeating: 4, count: 64)), contents: ChainBench.body(1, bytes: 200))
        var sizes: [String] = []
        for exponent in 3...7 {
            let n = Int(pow(10.0, Double(exponent)))
            let tree = MerkleTree(size: n, nodes: SyntheticNodes())
            let path = try tree.inclusionProof(index: 1)
            let checkpoint = Checkpoint(origin: "packages.example/chronicle", size: n, root: try tree.root())
            let key = Ed25519SecretKey(seed: [UInt8](repeating: 9, count: 32))
            let note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: (1...3).map {
                Cosignature.sign(checkpoint, time: 1_800_000_000, name: "w\($0).example.org", key: key)
            })
            let file = EntryProof(entry: entry, index: 1, proof: path, cosigned: note).serialized
            sizes.append("10^\(exponent): \(path.count) hashes, \(Format.int(Double(file.utf8.count))) B")
        }
        report.line("   proof file size (200 B release, 3 cosignatures): " + sizes.joined(separator: "; "))
    }
}

/// A Merkle tree of any size whose nodes are made up (SHA-256 of their coordinates): proof shapes
/// and sizes without storing 10^7 leaves.
struct SyntheticNodes: MerkleNodes {
    func node(level: Int, index: Int) throws(MerkleError) -> [UInt8] {
        SHA256.hash(Array("\(level)/\(index)".utf8))
    }
}

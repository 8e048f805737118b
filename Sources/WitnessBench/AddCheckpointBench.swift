import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

/// Durable C2SP add-checkpoint on one node (issue 12, item 6): `LogWitness.addCheckpoint` from
/// many tasks over many logs, every request advancing its log (signature check, consistency
/// proof, the compare-and-swap transaction with `synchronous = FULL`, the cosignature), on disk.
/// The goal is ≥ 2,000/s, 20× the public witness network's 100 qps profile.
enum AddCheckpointBench {
    /// One log's successive request bodies (old size → new size, proof, log-signed note).
    static func requests(origin: String, key: Ed25519SecretKey, steps: Int) -> [[UInt8]] {
        let leaves = (0..<(steps * 3 + 1)).map { [UInt8]("\(origin) leaf \($0)".utf8) }
        let tree = MerkleLeaves(leaves: leaves)
        var old = 0
        return (1...steps).map { step in
            let size = step * 3
            let text = Checkpoint(origin: origin, size: size, root: try! MerkleTree(size: size, nodes: tree).root()).text
            let proof = old == 0 ? [] : try! MerkleTree(size: size, nodes: tree).consistencyProof(from: old)
            defer { old = size }
            return try! AddCheckpointRequest(oldSize: old, proof: proof,
                                             note: SignedNote(text: text, lines: [LogKey.sign(text, name: origin, with: key)!])).body
        }
    }

    static func run(_ report: BenchReport, logs: Int, tasks: Int, seconds: Double, temp: String?) async throws {
        report.section("k. C2SP add-checkpoint, durable (real node's LogWitness, SQLite WAL synchronous=FULL on disk; \(logs) logs, \(tasks) tasks, "
                       + "\(Format.int(seconds)) s)")
        let node = try BenchNode("bench-add-checkpoint", in: temp)
        defer { node.remove() }
        let key = Ed25519SecretKey.generate()
        let steps = max(2, Int(seconds * 8_000) / logs)
        var perLog: [[[UInt8]]] = []
        for n in 0..<logs {
            let origin = "bench.example/log\(n)"
            try await node.database.addMerkleLog(origin: origin, key: LogKey(name: origin, publicKey: key.publicKey)!, qpd: nil,
                                                 at: SystemWallClock().now())
            perLog.append(requests(origin: origin, key: key, steps: steps))
        }
        let witness = LogWitness(service: node.service)
        let bodies = perLog
        // Each task owns its logs and pushes each one's checkpoints in order, round-robin over them.
        let shares = (0..<tasks).map { task in Array(stride(from: task, to: logs, by: tasks)) }
        let done = Locked((ok: 0, refused: 0))
        let cpuBefore = ProcessCPU.seconds()
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let elapsed = await Stopwatch.seconds {
            await withTaskGroup(of: Void.self) { group in
                for share in shares where !share.isEmpty {
                    group.addTask {
                        var ok = 0, refused = 0
                        outer: for step in 0..<steps {
                            for log in share {
                                guard ContinuousClock.now < deadline else { break outer }
                                if case .cosigned = await witness.addCheckpoint(bodies[log][step]) { ok += 1 } else { refused += 1 }
                            }
                        }
                        done.withLock { [ok, refused] in $0.ok += ok; $0.refused += refused }
                    }
                }
            }
        }
        let (ok, refused) = done.withLock { ($0.ok, $0.refused) }
        let cpu = (ProcessCPU.seconds() - cpuBefore) / Double(max(ok, 1))
        let stored = try node.database.merkleLogs().reduce(0) { $0 + ($1.size ?? 0) / 3 }
        guard stored == ok else { throw BenchFailure("add-checkpoint: \(stored) checkpoints stored, \(ok) cosigned") }
        report.line("   \(ok) cosigned in \(Format.fixed(elapsed, 2)) s, \(refused) refused; CPU \(Format.int(cpu * 1e6)) µs per checkpoint")
        report.figure("add-checkpoint, durable, \(tasks) tasks (refused: \(refused))", ours: "\(Format.int(Double(ok) / elapsed))/s",
                      reference: "—", ratio: "—", target: "≥ 2,000/s")
    }
}

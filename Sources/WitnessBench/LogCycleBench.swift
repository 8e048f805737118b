import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

/// The public witness network's profile (issue 12, item 6): 40,000 configured Merkle logs, each
/// pushing once per cycle. Measures a whole cycle of durable add-checkpoints on one node (the
/// first checkpoint of every log, then an advance with a consistency proof), the node's memory
/// while it runs, what the logs cost on disk, and a `/metrics` scrape over all of them.
enum LogCycleBench {
    static func run(_ report: BenchReport, logs: Int, tasks: Int, temp: String?) async throws {
        report.section("l. a cosign cycle over \(Format.int(Double(logs))) Merkle logs (the witness network's profile; real node, "
                       + "durable add-checkpoint, \(tasks) tasks)")
        let node = try BenchNode("bench-log-cycle", in: temp)
        defer { node.remove() }
        let key = Ed25519SecretKey.generate()
        let configure = try await Stopwatch.seconds {
            for n in 0..<logs {
                let origin = "bench.example/cycle\(n)"
                try await node.database.addMerkleLog(origin: origin, key: LogKey(name: origin, publicKey: key.publicKey)!, qpd: 1440,
                                                     at: SystemWallClock().now())
            }
        }
        // Each log's two pushes (size 3 from 0, size 6 from 3 with its proof), made beforehand.
        let bodies = (0..<logs).map { AddCheckpointBench.requests(origin: "bench.example/cycle\($0)", key: key, steps: 2) }
        report.line("   (\(Format.int(Double(logs))) logs configured in \(Format.fixed(configure, 1)) s, one transaction each; "
                    + "request bodies made beforehand)")
        let witness = LogWitness(service: node.service)
        for (step, label) in ["first checkpoint of every log", "an advance of every log, with its consistency proof"].enumerated() {
            let refused = Locked(0)
            let cpuBefore = ProcessCPU.seconds()
            let (elapsed, baseline, growth) = await Memory.peak { await Stopwatch.seconds {
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<tasks {
                        group.addTask {
                            var failed = 0
                            for log in stride(from: task, to: logs, by: tasks) {
                                if case .cosigned = await witness.addCheckpoint(bodies[log][step]) {} else { failed += 1 }
                            }
                            refused.withLock { [failed] in $0 += failed }
                        }
                    }
                }
            } }
            let cpu = ProcessCPU.seconds() - cpuBefore
            let failures = refused.withLock { $0 }
            guard failures == 0 else { throw BenchFailure("log cycle: \(failures) of \(logs) pushes refused") }
            report.figure("cycle over \(Format.int(Double(logs))) logs: \(label)",
                          ours: "\(Format.fixed(elapsed, 1)) s, \(Format.int(Double(logs) / elapsed))/s, \(Format.int(cpu / Double(logs) * 1e6)) µs CPU each",
                          reference: "RSS \(Format.mib(baseline)) before, peak +\(Format.mib(growth))",
                          ratio: "\(Format.fixed(Double(logs) / 100 / elapsed, 0))× the network's 100 qps", target: "one cycle well within a minute")
        }
        let stored = try AddCheckpointBench.stored(node)
        guard stored == 2 * logs else { throw BenchFailure("log cycle: \(stored) checkpoints stored for \(2 * logs) cosigned") }
        if let bytes = try node.database.storageBytes(withIndexesOf: "merkle_log"),
           let keys = try node.database.storageBytes(withIndexesOf: "merkle_log_key") {
            report.line("   on disk: merkle_log \(Format.mib(bytes)) + merkle_log_key \(Format.mib(keys)), "
                        + "\(Format.int(Double(bytes + keys) / Double(logs))) B per log (its latest note, keys and state)")
        }
        var text = ""
        let scrape = try Stopwatch.seconds { text = try node.metrics.render(database: node.database, now: SystemWallClock().now(), pollInterval: 900) }
        report.line("   /metrics over \(Format.int(Double(logs))) logs: \(Format.ms(scrape)) to render \(Format.mib(text.utf8.count))")
    }
}
